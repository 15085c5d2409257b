package gate

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghactions"
	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
)

// TestActionPullRequestBoth runs the action's pull request flow with measure: both against the
// loopback API, on a pull request whose BenchmarkWork does 20% more work: the sticky comment
// shows the benchmark in time and in counts, and, under the regression, the functions its
// instructions went to.
func TestActionPullRequestBoth(t *testing.T) {
	needValgrind(t)
	repo, base, head := countedRepo(t, 3000, 3600)
	srv := ghtest.New(t, "octo", "repo")
	srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: base, BaseRef: "main"})

	runner := t.TempDir()
	template, err := os.ReadFile(filepath.Join("..", "..", "cmd", "gate", "testdata", "events", "pull_request.json"))
	if err != nil {
		t.Fatal(err)
	}
	event := filepath.Join(runner, "event.json")
	payload := strings.NewReplacer("{{HEAD_SHA}}", head, "{{BASE_SHA}}", base).Replace(string(template))
	if err := os.WriteFile(event, []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event,
		"GITHUB_WORKSPACE": repo, "GITHUB_REPOSITORY": "octo/repo", "GITHUB_API_URL": srv.APIURL(),
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42",
		"GITHUB_OUTPUT": filepath.Join(runner, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(runner, "summary"),
		"INPUT_TOKEN": "ghs_job_token", "INPUT_MEASURE": "both", "INPUT_BENCH": "Work", "INPUT_COUNT": "5",
		"INPUT_MAX-COUNT": "5", "INPUT_BENCHTIME": "3000x", "INPUT_COMMENT": "always", "INPUT_PROFILE": "true",
	}
	getenv := func(k string) string { return vars[k] }
	var log bytes.Buffer
	rt := ghactions.New(getenv, &log)
	in, err := ghactions.ReadInputs(rt.GetInput)
	if err != nil {
		t.Fatal(err)
	}
	a := &Action{Runtime: rt, Env: ghactions.ReadEnv(getenv), Inputs: in, Environ: os.Environ(), Log: io.Discard}
	if err := a.Run(context.Background()); !errors.Is(err, ErrFailed) {
		t.Fatalf("the action: %v, want the gate to fail\n%s", err, log.String())
	}
	comments := srv.Comments(7)
	if len(comments) != 1 {
		t.Fatalf("%d comments, want the sticky one", len(comments))
	}
	body := comments[0].Body
	for _, want := range []string{"instructions/op", "est-cycles/op", "sec/op", "Where the regressions went", "example.com/counted.spin", "cg_diff profiles/"} {
		if !strings.Contains(body, want) {
			t.Errorf("the comment lacks %q:\n%s", want, body)
		}
	}
	if _, err := os.Stat(filepath.Join(repo, ".benchgate", "profiles")); err != nil {
		t.Error(err)
	}
}
