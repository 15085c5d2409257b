package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/baseline/baselinetest"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// recordSwings gives repo an origin whose data branch holds eight recorded commits, each measured
// against its parent, in which the tiny module's BenchmarkA swung by ±45–120%
// (baselinetest.Swings). It returns the benchmark's name as the tiny module's binary prints it
// on this machine.
func recordSwings(t *testing.T, repo string) string {
	_, name := baselinetest.RecordSwings(t, repo, "example.com/tiny", "BenchmarkA", 2000, 20000)
	return name
}

// TestActionPullRequestHistory is a pull request on a repository whose data branch holds eight
// recorded commits in which BenchmarkA swung by ±50–120% from run to run (recordSwings). The comment puts the regression beside that history; with noise-multiple: 3, a
// 3× slowdown is within the swings the default branch shows, so the gate passes.
func TestActionPullRequestHistory(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	name := recordSwings(t, s.repo)
	gittest.WriteFiles(t, s.repo, map[string]string{".github/benchgate.yml": "noise-multiple: 3\n"})

	code, stdout, stderr := s.runAsRunner(t)
	if code != exitPass {
		t.Fatalf("exit %d, want a pass: the slowdown is within 3 × the history's spread\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	r, err := report.ReadFile(filepath.Join(s.repo, ".benchgate", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.History == nil || r.History.Branch != "benchgate-data" || r.History.Commits != 8 || r.History.Newest != fmt.Sprintf("%040x", 8) || r.Settings.NoiseMultiple != 3 {
		t.Errorf("report's history %+v, noise multiple %v", r.History, r.Settings.NoiseMultiple)
	}
	var a *report.Comparison
	for i, c := range r.Comparisons {
		if c.Unit == "sec/op" {
			a = &r.Comparisons[i]
		}
	}
	// Deltas +120, -60, +100, -50, +110, -55, +90, -45: median 22.5, absolute deviations from it
	// 67.5 to 97.5 with median 77.5, so the spread is 1.4826 × 77.5 ≈ 114.9%.
	if a == nil || a.History == nil || len(a.History.Values) != 8 || a.History.SpreadBasis != "parent" || a.History.SpreadN != 8 ||
		a.History.SpreadPercent == nil || *a.History.SpreadPercent < 114.8 || *a.History.SpreadPercent > 115 {
		t.Fatalf("A's history: %+v", a)
	}
	if a.Verdict != report.WithinThreshold || a.ThresholdPercent < 344 || !strings.Contains(a.Reason, "3 × the run-to-run spread") {
		t.Errorf("A: %s, threshold %v, reason %q", a.Verdict, a.ThresholdPercent, a.Reason)
	}
	summary, _ := os.ReadFile(s.summary)
	for _, want := range []string{
		"| " + strings.TrimPrefix(name, "Benchmark") + " | ", "| within threshold (≤344.7%) | ",
		"→", "history: ±115% |", "past 3 × the run-to-run spread of the benchmark's history",
		"History: the benchmark's medians on the last 8 recorded commits of benchgate-data (the newest 000000000000)",
	} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
}

// TestRunHistory is gate run --history: the same comparison beside the same history, on a
// laptop, without noise-multiple, so the 3× slowdown stays a regression; a data branch that is
// not there is an error, since it was asked for.
func TestRunHistory(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, tiny(20000, ""))
	gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, tiny(60000, ""))
	gittest.Commit(t, repo, "three times the work")
	recordSwings(t, repo)
	code, stdout, stderr := runGate(t, repo, "run", "--base", "HEAD~1", "--head", "HEAD", "--count", "6", "--benchtime", "2000x", "--format", "markdown", "--history", "benchgate-data")
	if code != exitFail {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFail, stdout, stderr)
	}
	for _, want := range []string{"| Threshold | History |", "→", "history: ±115% |", "last 8 recorded commits of benchgate-data (the newest 000000000000)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("markdown lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := runGate(t, repo, "run", "--base", "HEAD~1", "--head", "HEAD", "--count", "1", "--benchtime", "1x", "--history", "no-such-branch"); code != exitError || !strings.Contains(stderr, "no-such-branch") {
		t.Errorf("a missing data branch: exit %d\n%s", code, stderr)
	}
}
