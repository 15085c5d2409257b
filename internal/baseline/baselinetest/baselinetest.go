// Package baselinetest makes data branches for tests: a repository's origin whose data branch
// already holds recorded commits of a benchmark that swings from run to run.
package baselinetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/gittest"
)

// Swings are the changes, each against its parent, of the commits RecordSwings records: +120%,
// -60%, +100%, -50%, +110%, -55%, +90% and -45%, a run-to-run spread of about 115%, so that
// noise-multiple: 3 widens a threshold to about 345%.
var Swings = []float64{1.2, -0.6, 1.0, -0.5, 1.1, -0.55, 0.9, -0.45}

// RecordSwings gives repo a bare origin (remote "origin") whose data branch benchgate-data holds
// one record per Swings of package pkg's benchmark bench (with "Benchmark", without the
// GOMAXPROCS suffix), five runs of iters iterations a side, at ns nanoseconds per operation in
// each parent. It returns the origin's path and the benchmark's name as a test binary of this
// machine prints it.
func RecordSwings(t testing.TB, repo, pkg, bench string, iters int, ns float64) (origin, name string) {
	t.Helper()
	origin = filepath.Join(t.TempDir(), "origin.git")
	gittest.Git(t, repo, "clone", "-q", "--bare", repo, origin)
	gittest.Git(t, repo, "remote", "add", "origin", origin)
	name = bench
	if n := runtime.GOMAXPROCS(0); n > 1 {
		name += fmt.Sprintf("-%d", n)
	}
	results := func(ns float64) string {
		return fmt.Sprintf("goos: %s\ngoarch: %s\npkg: %s\n%s", runtime.GOOS, runtime.GOARCH, pkg, strings.Repeat(fmt.Sprintf("%s %d %.0f ns/op\n", name, iters, ns), 5))
	}
	store := baseline.Open(repo, "origin", "benchgate-data", os.Environ())
	for i, delta := range Swings {
		rec := baseline.Record{
			Commit:        baseline.Commit{SHA: fmt.Sprintf("%040x", i+1), AuthorDate: time.Date(2026, 11, 1+i, 0, 0, 0, 0, time.UTC), Subject: fmt.Sprintf("change %d", i)},
			Results:       results(ns * (1 + delta)),
			ParentResults: results(ns),
		}
		if err := store.Add(context.Background(), rec, baseline.Retention{}); err != nil {
			t.Fatal(err)
		}
	}
	return origin, name
}
