package main

import (
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gittest"
)

// TestRunMeasureRefused checks the instrument's refusals: a bad name, counting a harness or
// packages, and a negative number of counts at a time.
func TestRunMeasureRefused(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, tiny(1000, ""))
	base := gittest.Commit(t, repo, "base")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--measure", "cycles"}, `measure "cycles": expected time, instructions or both`},
		{[]string{"--measure", "instructions", "--command", "true"}, "counts Go benchmarks only"},
		{[]string{"--measure", "both", "--interleave", "package"}, "needs --interleave benchmark"},
		{[]string{"--measure", "instructions", "--count-jobs", "-1"}, "--count-jobs -1: expected at least 1, or 0 for one per logical CPU"},
	} {
		args := append([]string{"run", "--base", base, "--head", base}, tt.args...)
		code, _, stderr := runGate(t, repo, args...)
		if code != exitError || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", tt.args, code, exitError, tt.want, stderr)
		}
	}
}
