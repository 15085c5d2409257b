package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/golden"
	"github.com/benchgate/benchgate/internal/trend"
)

// TestTrend gives gate trend 20 commits' results: A gets 30% slower at commit 13 and stays so, B
// gets 25% faster at commit 8, C stays put.
func TestTrend(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	var files []string
	for i := range 20 {
		var b strings.Builder
		b.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/m\n")
		for range 5 {
			a, bb, c := 100.0, 200.0, 300.0
			if i >= 12 {
				a *= 1.3
			}
			if i >= 7 {
				bb *= 0.75
			}
			noise := func() float64 { return math.Exp(rng.NormFloat64() * 0.02) }
			fmt.Fprintf(&b, "BenchmarkA-8 1000 %.2f ns/op\nBenchmarkB-8 1000 %.2f ns/op\nBenchmarkC-8 1000 %.2f ns/op\n", a*noise(), bb*noise(), c*noise())
		}
		name := fmt.Sprintf("commit-%02d.txt", i)
		gittest.WriteFiles(t, dir, map[string]string{name: b.String()})
		files = append(files, filepath.Join(dir, name))
	}
	code, stdout, stderr := runGate(t, dir, append([]string{"trend"}, files...)...)
	if code != exitPass {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want two steps:\n%s", stdout)
	}
	if !strings.HasPrefix(lines[0], "m.B-8 sec/op: -") || !strings.Contains(lines[0], "(better) at "+files[7]+" (commit 8 of 20), p=0.00") {
		t.Errorf("first step: %s", lines[0])
	}
	if !strings.HasPrefix(lines[1], "m.A-8 sec/op: +") || !strings.Contains(lines[1], "(WORSE) at "+files[12]+" (commit 13 of 20), p=0.00") {
		t.Errorf("second step: %s", lines[1])
	}

	code, stdout, _ = runGate(t, dir, append([]string{"trend", "--format", "json"}, files...)...)
	var doc trend.Steps
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || code != exitPass || doc.SchemaVersion != trend.StepsVersion || doc.Commits != 20 || len(doc.Steps) != 2 {
		t.Fatalf("json: exit %d, %v, %s", code, err, stdout)
	}
	steps := doc.Steps
	// 2% noise on each commit's median: the sizes come out within a few points of the truth.
	if s := steps[0]; s.Index != 7 || s.Worse || s.ChangePercent > -20 || s.ChangePercent < -30 {
		t.Errorf("B's step: %+v, want about -25%% at index 7", s)
	}
	if s := steps[1]; s.Index != 12 || !s.Worse || s.ChangePercent < 25 || s.ChangePercent > 35 {
		t.Errorf("A's step: %+v, want about +30%% at index 12", s)
	}

	charts := filepath.Join(t.TempDir(), "site")
	if code, _, stderr := runGate(t, dir, append([]string{"trend", "--charts", charts}, files...)...); code != exitPass {
		t.Fatalf("--charts: exit %d\n%s", code, stderr)
	}
	page, err := os.ReadFile(filepath.Join(charts, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, chart := range []string{"charts/m.A-8_sec_op.svg", "charts/m.B-8_sec_op.svg", "charts/m.C-8_sec_op.svg"} {
		if _, err := os.Stat(filepath.Join(charts, chart)); err != nil || !strings.Contains(string(page), chart) {
			t.Errorf("%s: %v, listed: %v", chart, err, strings.Contains(string(page), chart))
		}
	}

	// Two commits are too few for steps: the series are shown instead.
	code, stdout, stderr = runGate(t, dir, "trend", files[0], files[1])
	if code != exitPass || !strings.Contains(stdout, "m.A-8 sec/op  ") || !strings.Contains(stdout, "2 commits\n") ||
		!strings.HasSuffix(stdout, "change points need at least 10 commits (5 on each side of a step); this history has 2\n") {
		t.Errorf("two files: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runGate(t, dir, "trend"); code != exitError || !strings.Contains(stderr, "expected the result files of one or more commits") {
		t.Errorf("no file: exit %d\n%s", code, stderr)
	}
}

// TestTrendFewRecords reads a data branch of four recorded commits, too few for change points:
// gate trend shows each series (A's four medians as they rose, B's from the commit it first
// appears in) and says why it looked for no step, in text (golden file) and JSON.
func TestTrendFewRecords(t *testing.T) {
	want, err := filepath.Abs(filepath.Join("testdata", "trend-few-records.txt")) // before runGate changes directory
	if err != nil {
		t.Fatal(err)
	}
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, map[string]string{"README": "a project\n"})
	gittest.Commit(t, repo, "start")
	bare := filepath.Join(t.TempDir(), "origin.git")
	gittest.Git(t, repo, "clone", "-q", "--bare", repo, bare)
	gittest.Git(t, repo, "remote", "add", "origin", bare)

	aNs := []float64{100, 104, 131, 129}
	results := func(i int) string {
		var b strings.Builder
		b.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/m\n")
		for range 5 {
			fmt.Fprintf(&b, "BenchmarkA-8 1000 %.0f ns/op 1536 B/op 3 allocs/op\n", aNs[i])
			if i >= 1 {
				fmt.Fprintf(&b, "BenchmarkB-8 1000 %.0f ns/op\n", 2500.0+100*float64(i))
			}
		}
		return b.String()
	}
	store := baseline.Open(repo, "origin", "benchgate-data", os.Environ())
	for i := range aNs {
		rec := baseline.Record{
			Commit:  baseline.Commit{SHA: fmt.Sprintf("%040x", i+1), AuthorDate: time.Date(2026, 11, 1+i, 0, 0, 0, 0, time.UTC), Subject: fmt.Sprintf("change %d", i)},
			Results: results(i),
		}
		if err := store.Add(context.Background(), rec, baseline.Retention{}); err != nil {
			t.Fatal(err)
		}
	}

	code, stdout, stderr := runGate(t, repo, "trend", "--branch", "benchgate-data")
	if code != exitPass {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	golden.Check(t, want, []byte(stdout))

	code, stdout, stderr = runGate(t, repo, "trend", "--branch", "benchgate-data", "--format", "json")
	var doc trend.Steps
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || code != exitPass {
		t.Fatalf("json: exit %d, %v\n%s%s", code, err, stdout, stderr)
	}
	if doc.SchemaVersion != trend.StepsVersion || doc.Commits != 4 || doc.MinCommits != trend.MinCommits || doc.Steps == nil || len(doc.Steps) != 0 || len(doc.Series) != 4 {
		t.Fatalf("json: %s", stdout)
	}
	if a := doc.Series[0]; a.Benchmark != "A-8" || a.Unit != "sec/op" || a.Index != 0 || len(a.Values) != 4 || math.Abs(a.Values[2]-131e-9) > 1e-15 {
		t.Errorf("A's series: %+v", a)
	}
	if b := doc.Series[3]; b.Benchmark != "B-8" || b.Index != 1 || len(b.Values) != 3 {
		t.Errorf("B's series: %+v", b)
	}

	if code, _, stderr := runGate(t, repo, "trend", "--branch", "no-such-branch"); code != exitError || !strings.Contains(stderr, "--branch no-such-branch: no recorded commit on origin/no-such-branch") {
		t.Errorf("empty branch: exit %d\n%s", code, stderr)
	}
}
