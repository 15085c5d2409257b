package benchexec

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

func TestTopLevel(t *testing.T) {
	tests := []struct {
		expr    string
		matches []string
		not     []string
	}{
		{".", []string{"BenchmarkA"}, nil},
		{"Encode", []string{"BenchmarkEncode", "BenchmarkEncodeJSON"}, []string{"BenchmarkDecode"}},
		{"Encode/json", []string{"BenchmarkEncode"}, []string{"BenchmarkJSON"}},
		{"^Benchmark(A|B)$/size=[0-9/]+", []string{"BenchmarkA", "BenchmarkB"}, []string{"BenchmarkAB"}},
		{"[/]x", []string{"Benchmark/x"}, []string{"BenchmarkX"}},
	}
	for _, tt := range tests {
		re, err := topLevel(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tt.matches {
			if !re.MatchString(m) {
				t.Errorf("%q: %s does not match", tt.expr, m)
			}
		}
		for _, m := range tt.not {
			if re.MatchString(m) {
				t.Errorf("%q: %s matches", tt.expr, m)
			}
		}
	}
	if _, err := topLevel("(["); err == nil || !strings.Contains(err.Error(), `bench expression "(["`) {
		t.Errorf("bad regexp: %v", err)
	}
}

func TestIsBenchmark(t *testing.T) {
	for name, want := range map[string]bool{"Benchmark": true, "BenchmarkA": true, "Benchmark_x": true, "Benchmarkx": false, "benchmarkA": false, "TestA": false} {
		if got := isBenchmark(name); got != want {
			t.Errorf("isBenchmark(%q) = %v", name, got)
		}
	}
}

func TestCapped(t *testing.T) {
	c := &capped{max: 10}
	for _, s := range []string{"12345", "6789", "abcdef", "ghi"} {
		if n, err := c.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v; a capped writer must not fail the process's output", s, n, err)
		}
	}
	if c.buf.String() != "123456789a" || c.dropped != 8 {
		t.Errorf("kept %q, dropped %d", c.buf.String(), c.dropped)
	}
	tl := &tail{n: 4}
	for range 10 {
		tl.Write([]byte("0123456789"))
	}
	if tl.String() != "...6789" {
		t.Errorf("tail %q", tl.String())
	}
}

func TestFailingBenchmark(t *testing.T) {
	tests := map[string]string{
		"BenchmarkA-2 \t 10\t 5 ns/op\n--- FAIL: BenchmarkB-2\n    b_test.go:9: boom\nFAIL\n": "B-2",
		"BenchmarkA-2 \t 10\t 5 ns/op\nBenchmarkHang-2   \t":                                  "Hang-2",
		"BenchmarkA-2 \t 10\t 5 ns/op\nBenchmarkBoom-2 \t 0\t NaN ns/op\npanic: boom\n":       "Boom-2",
		"panic: init\n\ngoroutine 1:\nexample.com/m.BenchmarkInit(0x1)\n\t/x.go:3\n":          "Init",
		"BenchmarkA-2 \t 10\t 5 ns/op\n":                                                      "",
	}
	for out, want := range tests {
		if got := failingBenchmark([]byte(out)); got != want {
			t.Errorf("failingBenchmark(%q) = %q, want %q", out, got, want)
		}
	}
}

// TestRunCancelled cancels a run in its second round: the first round's results are kept, the
// second's are not, and nothing is left behind.
func TestRunCancelled(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, gittest.SleepModule("300 * time.Millisecond"))
	base := gittest.Commit(t, repo, "base")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &cancelAfter{round: 1, cancel: cancel}
	res, err := Run(ctx, Options{Dir: repo, Base: base, Head: base, Count: 5, Benchtime: "1x", Progress: p, Env: os.Environ()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.Rounds != 1 {
		t.Errorf("%d rounds, want 1", res.Run.Rounds)
	}
	for side, raw := range map[string][]byte{"base": res.Base, "head": res.Head} {
		if n := strings.Count(string(raw), "BenchmarkSleep"); n != 1 {
			t.Errorf("%s has %d results, want the first round's one", side, n)
		}
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "interrupted after 1 of 5 rounds") {
		t.Errorf("warnings %q", res.Warnings)
	}
	gittest.CheckClean(t, repo)
}

// cancelAfter cancels the run when the given round is done and the next has started a process.
type cancelAfter struct {
	silent
	round  int
	cancel context.CancelFunc
	done   bool
}

func (c *cancelAfter) RoundDone(round int, _ time.Duration) { c.done = round == c.round }

func (c *cancelAfter) Ran(round int, _ string, _ report.Side) {
	if c.done && round == c.round+1 {
		c.cancel()
	}
}

func TestBatches(t *testing.T) {
	job := func(side report.Side, path string) binary { return binary{side: side, pkg: pkg{ImportPath: path}} }
	jobs := []binary{job(report.Base, "m/a/util"), job(report.Head, "m/a/util"), job(report.Base, "m/b/util"), job(report.Base, "m/c"), job(report.Base, "m/d/util")}
	var got [][]string
	for _, b := range batches(jobs, report.Base) {
		var paths []string
		for _, j := range b {
			paths = append(paths, j.pkg.ImportPath)
		}
		got = append(got, paths)
	}
	want := [][]string{{"m/a/util", "m/c"}, {"m/b/util"}, {"m/d/util"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("batches %v, want %v", got, want)
	}
}

func TestProgress(t *testing.T) {
	var lines, bar strings.Builder
	for _, p := range []Progress{LineProgress(&lines), BarProgress(&bar)} {
		p.Building(4)
		p.Start(2, 4, 99)
		for round := 1; round <= 2; round++ {
			for range 4 {
				p.Ran(round, "example.com/m", "head")
			}
			p.RoundDone(round, 1500*time.Millisecond)
		}
		p.Done()
	}
	for _, want := range []string{"building 4 test binaries", "running 2 rounds of 4 benchmark processes, shuffled with seed 99", "round 1/2 done in 1.5s", "round 2/2 done in 1.5s, about 0s left"} {
		if !strings.Contains(lines.String(), want) {
			t.Errorf("line progress lacks %q:\n%s", want, lines.String())
		}
	}
	// The bar redraws at most every 100 ms, so only its first drawing is certain.
	for _, want := range []string{"shuffled with seed 99", "round 1/2 head example.com/m", "(0/8)"} {
		if !strings.Contains(bar.String(), want) {
			t.Errorf("progress bar lacks %q:\n%q", want, bar.String())
		}
	}
}
