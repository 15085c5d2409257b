package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// baselineScenario is a workspace cloned from a bare origin, whose main has a base commit and a
// pushed commit making BenchmarkA three times slower, and the runner's environment for event.
func baselineScenario(t *testing.T, event string) (bare, workspace, base, head string, s *prScenario) {
	t.Helper()
	s = newPRScenario(t) // the runner's environment, and a repository with base and head
	bare = filepath.Join(t.TempDir(), "origin.git")
	gittest.Git(t, s.repo, "clone", "-q", "--bare", s.repo, bare)
	workspace = filepath.Join(t.TempDir(), "workspace")
	gittest.Git(t, s.repo, "clone", "-q", bare, workspace)
	ev := filepath.Join(filepath.Dir(s.output), "event.json")
	writeEvent(t, filepath.Join(eventsDir, event+".json"), ev, map[string]string{
		"{{REF}}": "refs/heads/main", "{{BEFORE}}": s.base, "{{AFTER}}": s.head,
	})
	for k, v := range map[string]string{"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": ev, "GITHUB_WORKSPACE": workspace, "GITHUB_SHA": s.head, "GITHUB_REF": "refs/heads/main"} {
		s.env[k] = v
	}
	return bare, workspace, s.base, s.head, s
}

func TestActionRecordsBaseline(t *testing.T) {
	t.Parallel()
	for _, event := range []string{"push", "workflow_dispatch"} {
		t.Run(event, func(t *testing.T) {
			t.Parallel()
			bare, workspace, base, head, s := baselineScenario(t, event)
			code, stdout, stderr := s.runAsRunner(t)
			if code != exitPass { // a regression on the default branch is reported, never failed
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			// The record, the index, and the site: a chart per benchmark and unit, and index.html.
			files := gittest.Git(t, bare, "ls-tree", "-r", "--name-only", "benchgate-data")
			for _, want := range []string{".nojekyll", "charts/tiny.A-", "_sec_op.svg", "charts/tiny._process_peak-RSS-B.svg", "index.html", "index.json", "records/" + head + ".json"} {
				if !strings.Contains(files, want) {
					t.Errorf("data branch lacks %q: %q\nstdout:\n%s\nstderr:\n%s", want, files, stdout, stderr)
				}
			}
			if page := gittest.Git(t, bare, "show", "benchgate-data:index.html"); !strings.Contains(page, `<img src="charts/tiny.A-`) || !strings.Contains(page, "1 recorded commits, the newest "+head[:12]) {
				t.Errorf("index.html:\n%s", page)
			}
			// Measured against its parent, the record carries both sides.
			var rec baseline.Record
			if err := json.Unmarshal([]byte(gittest.Git(t, bare, "show", "benchgate-data:records/"+head+".json")), &rec); err != nil || rec.Commit.Parent != base ||
				!strings.Contains(rec.Results, "benchgate-side: head") || !strings.Contains(rec.ParentResults, "benchgate-side: base") {
				t.Errorf("record: parent %s, %v\n%.300s\n%.300s", rec.Commit.Parent, err, rec.Results, rec.ParentResults)
			}
			summary, _ := os.ReadFile(s.summary)
			// What is recorded, not what the comparison found: detection is the PR tests' to check.
			for _, want := range []string{"## benchgate: recorded " + head[:12] + " on benchgate-data", "Against its parent", "| A-", "1 commits recorded so far", "Charts of every benchmark"} {
				if !strings.Contains(string(summary), want) {
					t.Errorf("summary lacks %q:\n%s\nstdout:\n%s\nstderr:\n%s", want, summary, stdout, stderr)
				}
			}
			if got := outputs(t, s.output); got["verdict"] == "" || got["report"] != ".benchgate/report.json" {
				t.Errorf("outputs %v\nstdout:\n%s\nstderr:\n%s", got, stdout, stderr)
			}
			if st := gittest.Git(t, workspace, "status", "--porcelain", "--untracked-files=no"); st != "" {
				t.Errorf("the checkout changed: %q", st)
			}
			// A re-run of the same commit: the first record stands, and the step says so.
			if code, stdout, stderr := s.runAsRunner(t); code != exitPass || !strings.Contains(stdout, "is already recorded on benchgate-data; records are never overwritten") {
				t.Errorf("second run: exit %d\n%s\n%s", code, stdout, stderr)
			}
			if n := gittest.Git(t, bare, "rev-list", "--count", "benchgate-data"); n != "1" {
				t.Errorf("%s commits on the data branch after a re-run, want 1", n)
			}
		})
	}
}

func TestActionBaselineOtherBranch(t *testing.T) {
	t.Parallel()
	bare, _, _, _, s := baselineScenario(t, "push")
	ev := s.env["GITHUB_EVENT_PATH"]
	data, _ := os.ReadFile(ev)
	os.WriteFile(ev, []byte(strings.Replace(string(data), `"ref": "refs/heads/main"`, `"ref": "refs/heads/feature"`, 1)), 0o644)
	code, stdout, _ := s.runAsRunner(t)
	if code != exitPass || !strings.Contains(stdout, "refs/heads/feature is not the default branch (main)") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
	if refs := gittest.Git(t, bare, "for-each-ref", "refs/heads/benchgate-data"); refs != "" {
		t.Errorf("recorded from a feature branch: %q", refs)
	}
}

// TestActionBaselineNotesAccepted records a default-branch commit whose pull request accepted
// its regression: the record notes who accepted it and why, for gate trend to show.
func TestActionBaselineNotesAccepted(t *testing.T) {
	t.Parallel()
	bare, _, base, head, s := baselineScenario(t, "push")
	s.srv.AddPull(ghtest.PullRequest{Number: 12, HeadSHA: "feed" + head[4:], MergeSHA: head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: base, BaseRef: "main", State: "closed",
		Body: "benchgate: accept A sec/op — three times the work, on purpose", Author: "alice"})
	s.srv.Permissions["alice"] = "write"
	s.env["INPUT_PROFILE"] = "false"
	if code, stdout, stderr := s.runAsRunner(t); code != exitPass {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var rec baseline.Record
	if err := json.Unmarshal([]byte(gittest.Git(t, bare, "show", "benchgate-data:records/"+head+".json")), &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Accepted) != 1 || rec.Accepted[0].Unit != "sec/op" || rec.Accepted[0].Package != "example.com/tiny" || rec.Accepted[0].By != "alice" ||
		rec.Accepted[0].Source != report.AcceptDescription || rec.Accepted[0].Reason != "three times the work, on purpose" {
		t.Errorf("record's accepted: %+v", rec.Accepted)
	}
}
