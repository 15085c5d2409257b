package gate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghactions"
	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
	"github.com/benchgate/benchgate/internal/report"
)

// TestActionShards runs the action as a matrix of two shards and a merge job would, against
// the loopback API, on a pull request whose BenchmarkWork does twice the work: the shards post
// nothing and fail nothing, whatever their parts hold; the merge job posts one sticky comment
// for the whole set, with the regression, and fails the check.
func TestActionShards(t *testing.T) {
	repo, base, head := countedRepo(t, 3000, 6000)
	srv := ghtest.New(t, "octo", "repo")
	srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: base, BaseRef: "main"})
	runner := t.TempDir()
	template, err := os.ReadFile(filepath.Join("..", "..", "cmd", "gate", "testdata", "events", "pull_request.json"))
	if err != nil {
		t.Fatal(err)
	}
	event := filepath.Join(runner, "event.json")
	if err := os.WriteFile(event, []byte(strings.NewReplacer("{{HEAD_SHA}}", head, "{{BASE_SHA}}", base).Replace(string(template))), 0o644); err != nil {
		t.Fatal(err)
	}
	job := func(inputs map[string]string) (error, string) {
		t.Helper()
		vars := map[string]string{
			"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event,
			"GITHUB_WORKSPACE": repo, "GITHUB_REPOSITORY": "octo/repo", "GITHUB_API_URL": srv.APIURL(),
			"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42",
			"GITHUB_OUTPUT": filepath.Join(runner, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(runner, "summary"),
			"INPUT_TOKEN": "ghs_job_token", "INPUT_BENCH": "Work|Map|Sizes", "INPUT_COUNT": "5",
			"INPUT_BENCHTIME": "2000x", "INPUT_COMMENT": "always", "INPUT_PROFILE": "false",
		}
		for k, v := range inputs {
			vars[k] = v
		}
		getenv := func(k string) string { return vars[k] }
		var log bytes.Buffer
		rt := ghactions.New(getenv, &log)
		in, err := ghactions.ReadInputs(rt.GetInput)
		if err != nil {
			t.Fatal(err)
		}
		a := &Action{Runtime: rt, Env: ghactions.ReadEnv(getenv), Inputs: in, Environ: os.Environ(), Log: io.Discard}
		return a.Run(context.Background()), log.String()
	}

	shards := filepath.Join(runner, "shards")
	for k := 1; k <= 2; k++ {
		if err, log := job(map[string]string{"INPUT_SHARD": fmt.Sprintf("%d/2", k)}); err != nil {
			t.Fatalf("shard %d/2: %v, want no failure (the merge decides)\n%s", k, err, log)
		}
		if n := len(srv.Comments(7)); n != 0 {
			t.Fatalf("shard %d/2 posted %d comments, want none", k, n)
		}
		// What actions/upload-artifact and download-artifact would carry to the merge job.
		if err := os.CopyFS(filepath.Join(shards, fmt.Sprintf("benchgate-shard-%d", k)), os.DirFS(filepath.Join(repo, ghactions.ResultsDir))); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Join(repo, ghactions.ResultsDir)); err != nil {
			t.Fatal(err)
		}
	}
	summary, err := os.ReadFile(filepath.Join(runner, "summary"))
	if err != nil || !strings.Contains(string(summary), "benchgate shard 2/2 measured") {
		t.Errorf("the shards' job summary: %v\n%s", err, summary)
	}

	if err, log := job(map[string]string{"INPUT_MERGE": shards}); !errors.Is(err, ErrFailed) {
		t.Fatalf("the merge job: %v, want the gate to fail\n%s", err, log)
	}
	comments := srv.Comments(7)
	if len(comments) != 1 {
		t.Fatalf("%d comments, want the one sticky comment of the set", len(comments))
	}
	for _, want := range []string{"Work", "Sizes/1000", "Map", "sec/op"} {
		if !strings.Contains(comments[0].Body, want) {
			t.Errorf("the comment lacks %q:\n%s", want, comments[0].Body)
		}
	}
	rep, err := report.ReadFile(filepath.Join(repo, ghactions.ResultsDir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var regressed []string
	for _, c := range rep.Comparisons {
		if c.Verdict == report.Regression {
			regressed = append(regressed, report.WithoutProcs(c.Benchmark)+" "+c.Unit)
		}
	}
	if !slices.Contains(regressed, "Work sec/op") || len(rep.Run.Shards) != 2 {
		t.Errorf("merged regressions %q from %d shards, want Work's among them, from 2", regressed, len(rep.Run.Shards))
	}
	out, err := os.ReadFile(filepath.Join(runner, "output"))
	if err != nil || !strings.Contains(string(out), "fail") {
		t.Errorf("outputs: %v\n%s", err, out)
	}
}
