package gate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghactions"
	"github.com/benchgate/benchgate/internal/report"
)

// TestActionShards runs the action as a matrix of two shards and a merge job would, against
// the loopback API, on a pull request whose BenchmarkWork does twice the work: the shards post
// nothing and fail nothing, whatever their parts hold; the merge job posts one sticky comment
// for the whole set, with the regression, and fails the check.
func TestActionShards(t *testing.T) {
	repo, base, head := countedRepo(t, 3000, 6000)
	r := newPRRunner(t, repo, base, head)
	job := func(inputs map[string]string) (error, string) {
		t.Helper()
		inputs["INPUT_BENCH"], inputs["INPUT_COUNT"], inputs["INPUT_BENCHTIME"], inputs["INPUT_PROFILE"] = "Work|Map|Sizes", "5", "2000x", "false"
		return r.run(t, inputs)
	}

	shards := filepath.Join(r.dir, "shards")
	for k := 1; k <= 2; k++ {
		if err, log := job(map[string]string{"INPUT_SHARD": fmt.Sprintf("%d/2", k)}); err != nil {
			t.Fatalf("shard %d/2: %v, want no failure (the merge decides)\n%s", k, err, log)
		}
		if n := len(r.srv.Comments(7)); n != 0 {
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
	summary, err := os.ReadFile(filepath.Join(r.dir, "summary"))
	if err != nil || !strings.Contains(string(summary), "benchgate shard 2/2 measured") {
		t.Errorf("the shards' job summary: %v\n%s", err, summary)
	}

	if err, log := job(map[string]string{"INPUT_MERGE": shards}); !errors.Is(err, ErrFailed) {
		t.Fatalf("the merge job: %v, want the gate to fail\n%s", err, log)
	}
	comments := r.srv.Comments(7)
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
	out, err := os.ReadFile(filepath.Join(r.dir, "output"))
	if err != nil || !strings.Contains(string(out), "fail") {
		t.Errorf("outputs: %v\n%s", err, out)
	}
}
