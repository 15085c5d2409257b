package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gittest"
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

	if code, _, stderr := runGate(t, dir, "trend", files[0], files[1]); code != exitError || !strings.Contains(stderr, "at least 10 commits") {
		t.Errorf("two files: exit %d\n%s", code, stderr)
	}
}
