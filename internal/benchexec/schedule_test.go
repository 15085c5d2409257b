package benchexec

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

func TestSubBenchmarks(t *testing.T) {
	for expr, want := range map[string]string{
		".":                             "",
		"Encode/json":                   "/json",
		"^Benchmark(A|B)$/size=[0-9/]+": "/size=[0-9/]+",
		"[/]x":                          "",
		"(a/b)/c":                       "/c",
	} {
		if got := subBenchmarks(expr); got != want {
			t.Errorf("subBenchmarks(%q) = %q, want %q", expr, got, want)
		}
	}
}

// pairsModule has a benchmark with one result, one with sub-benchmarks, and one whose name a
// regexp would misread unquoted.
var pairsModule = map[string]string{
	"go.mod": "module example.com/pairs\n\ngo 1.26\n",
	"pairs_test.go": `package pairs

import (
	"strconv"
	"testing"
)

var sink uint64

func spin(n int) {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	sink += x
}

func BenchmarkOne(b *testing.B) {
	for i := 0; i < b.N; i++ {
		spin(200)
	}
}

func BenchmarkSubs(b *testing.B) {
	for _, n := range []int{100, 300} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				spin(n)
			}
		})
	}
}

func BenchmarkOne_(b *testing.B) { spin(10) }
`,
}

// pairsRepo is a repository whose one commit is pairsModule.
func pairsRepo(t *testing.T) (repo, base string) {
	t.Helper()
	repo = gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, pairsModule)
	return repo, gittest.Commit(t, repo, "base")
}

// TestRunPairs runs a benchmark schedule and checks its raw results: every process's output is
// labelled with its round, each function runs in processes of its own (sub-benchmarks with it),
// and from the second round on a benchmark with one result runs at the iteration count its base
// chose in the first, on both sides.
func TestRunPairs(t *testing.T) {
	repo, base := pairsRepo(t)
	res, err := Run(context.Background(), Options{Dir: repo, Base: base, Head: base, Count: 3, Benchtime: "5ms", Env: os.Environ(), Bench: "^Benchmark(One|Subs)$"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.Interleave != report.InterleaveBenchmark || !res.Run.FixedIterations || res.Run.StartupSeconds <= 0 || res.Run.BenchmarkSeconds <= 0 {
		t.Errorf("run %+v", res.Run)
	}
	iters := map[string]map[string]bool{} // benchmark → iteration counts seen from round 2 on
	first := map[string]string{}
	for side, raw := range map[report.Side][]byte{report.Base: res.Base, report.Head: res.Head} {
		pair := 0
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, report.PairKey+": "); ok {
				pair, _ = strconv.Atoi(v)
				continue
			}
			f := strings.Fields(line)
			if len(f) < 2 || !strings.HasPrefix(f[0], "Benchmark") || f[0] == "Benchmark"+report.ProcessBenchmark {
				continue
			}
			if pair < 1 || pair > 3 {
				t.Fatalf("%s: %q has pair %d", side, line, pair)
			}
			name := regexp.MustCompile(`-\d+$`).ReplaceAllString(f[0], "")
			switch name {
			case "BenchmarkOne", "BenchmarkSubs/n=100", "BenchmarkSubs/n=300":
			default:
				t.Errorf("%s ran %s: the sub-benchmark filter or the quoting of names failed", side, name)
			}
			if pair == 1 && side == report.Base {
				first[name] = f[1]
			}
			if pair > 1 {
				if iters[name] == nil {
					iters[name] = map[string]bool{}
				}
				iters[name][f[1]] = true
			}
		}
	}
	if got := iters["BenchmarkOne"]; len(got) != 1 || !got[first["BenchmarkOne"]] {
		t.Errorf("BenchmarkOne ran %v iterations from round 2 on, want only base's first %s", got, first["BenchmarkOne"])
	}
	if len(iters["BenchmarkSubs/n=300"]) == 0 || len(iters["BenchmarkSubs/n=100"]) == 0 {
		t.Errorf("the sub-benchmarks did not run after round 1: %v", iters)
	}
	if n := strings.Count(string(res.Base), "Benchmark"+report.ProcessBenchmark); n != 3 {
		t.Errorf("%d [process] rows on base, want one a round", n)
	}

	// The sub-benchmark part of the expression applies within each function's process.
	res, err = Run(context.Background(), Options{Dir: repo, Base: base, Head: base, Count: 1, Benchtime: "1x", Env: os.Environ(), Bench: "Subs/n=300"})
	if err != nil {
		t.Fatal(err)
	}
	if got := regexp.MustCompile(`(?m)^Benchmark\S+`).FindAllString(string(res.Head), -1); len(got) != 2 || !strings.HasPrefix(got[0], "BenchmarkSubs/n=300") {
		t.Errorf("head ran %v, want BenchmarkSubs/n=300 and the [process] row", got)
	}
	gittest.CheckClean(t, repo)
}

// TestRunExtraRounds asks for extra rounds for one function: only it runs in them, and the run
// records the looks.
func TestRunExtraRounds(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, map[string]string{
		"go.mod":        "module example.com/extra\n\ngo 1.26\n",
		"extra_test.go": "package extra\n\nimport \"testing\"\n\nfunc BenchmarkA(b *testing.B) {}\n\nfunc BenchmarkB(b *testing.B) {}\n",
	})
	base := gittest.Commit(t, repo, "base")
	var asked []int
	res, err := Run(context.Background(), Options{
		Dir: repo, Base: base, Head: base, Count: 2, MaxCount: 4, Benchtime: "1x", Env: os.Environ(),
		Undecided: func(run *report.Run, _, _ []byte) []report.Func {
			asked = append(asked, run.Rounds)
			return []report.Func{{Package: "example.com/extra", Name: "B"}, {Package: "example.com/extra", Name: "Gone"}}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Run.Looks; len(got) != 2 || got[0] != 2 || got[1] != 4 || res.Run.Rounds != 4 {
		t.Errorf("looks %v after %d rounds, want [2 4]; asked after %v", got, res.Run.Rounds, asked)
	}
	if len(res.Run.Extra) != 1 || len(res.Run.Extra[0]) != 1 || res.Run.Extra[0][0].Name != "B" {
		t.Errorf("extra %v, want B alone (an unknown function is ignored)", res.Run.Extra)
	}
	for side, raw := range map[report.Side][]byte{report.Base: res.Base, report.Head: res.Head} {
		if a, b := strings.Count(string(raw), "BenchmarkA-"), strings.Count(string(raw), "BenchmarkB-"); a != 2 || b != 4 {
			t.Errorf("%s: A ran %d times and B %d, want 2 and 4", side, a, b)
		}
	}
}

// TestTimedResultsSkipsNaN reads a process's output in which a benchmark printed a time that is
// no number: it times nothing, so the run's benchmark seconds, written to the report, stay a
// number (a NaN there made the report unwritable).
func TestTimedResultsSkipsNaN(t *testing.T) {
	out := []byte("BenchmarkA-2 \t 10 \t 100 ns/op\nBenchmarkBoom-2 \t 1 \t NaN ns/op\nBenchmarkInf-2 \t 1 \t +Inf ns/op\n")
	got := timedResults(out)
	if len(got) != 1 || got[0].iters != 10 || math.Abs(got[0].nsPerOp-100) > 1e-9 {
		t.Errorf("timed results %+v, want only A's", got)
	}
}

func TestTimedResultsFunctions(t *testing.T) {
	out := []byte("BenchmarkA-2 \t 10 \t 100 ns/op\nBenchmarkSubs/n=10-2 \t 5 \t 20 ns/op\nBenchmarkSubs/n=20 \t 5 \t 40 ns/op\n")
	var fns []string
	for _, r := range timedResults(out) {
		fns = append(fns, r.fn)
	}
	if strings.Join(fns, " ") != "A Subs Subs" {
		t.Errorf("functions %q", fns)
	}
}

func TestProfileBench(t *testing.T) {
	s := &schedule{subBench: "/n=300"}
	for _, tc := range []struct {
		req  ProfileRequest
		want string
	}{
		{ProfileRequest{Func: report.Func{Name: "Subs"}, Benchmark: "Subs/n=300-2"}, "^BenchmarkSubs$/^n=300$"},
		{ProfileRequest{Func: report.Func{Name: "Subs"}, Benchmark: "Subs/a.b/c+d"}, `^BenchmarkSubs$/^a\.b$/^c\+d$`},
		{ProfileRequest{Func: report.Func{Name: "One"}, Benchmark: "One-2"}, "^BenchmarkOne$/n=300"},
		{ProfileRequest{Func: report.Func{Name: "One"}}, "^BenchmarkOne$/n=300"},
	} {
		if got := s.profileBench(tc.req); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.req, got, tc.want)
		}
	}
}

// TestRunProfiles asks for profiles of a sub-benchmark and of a function after the rounds: each
// side writes them where asked, for the same number of operations, and a function that did not
// run is left out.
func TestRunProfiles(t *testing.T) {
	repo, base := pairsRepo(t)
	dir := t.TempDir()
	var asked bool
	res, err := Run(context.Background(), Options{
		Dir: repo, Base: base, Head: base, Count: 2, Benchtime: "2000x", Env: os.Environ(), Bench: "^Benchmark(One|Subs)$", ProfileDir: dir,
		Explain: func(run *report.Run, base, head []byte) []ProfileRequest {
			asked = run.Rounds == 2 && len(base) > 0 && len(head) > 0
			return []ProfileRequest{
				{Func: report.Func{Package: "example.com/pairs", Name: "Subs"}, Benchmark: "Subs/n=300-" + strconv.Itoa(runtime.GOMAXPROCS(0)), CPU: true},
				{Func: report.Func{Package: "example.com/pairs", Name: "One"}, Memory: true},
				{Func: report.Func{Package: "example.com/pairs", Name: "Missing"}, CPU: true},
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !asked {
		t.Error("Explain was not asked after the rounds, with both sides' results")
	}
	if len(res.Profiles) != 2 {
		t.Fatalf("profiles %+v, want Subs's CPU and One's memory", res.Profiles)
	}
	for i, want := range []struct{ bench, kind string }{{"Subs/n=300-" + strconv.Itoa(runtime.GOMAXPROCS(0)), CPUProfile}, {"", MemoryProfile}} {
		p := res.Profiles[i]
		if p.Benchmark != want.bench || p.Kind != want.kind || p.Ops < 1 {
			t.Errorf("profile %d: %+v, want %s %s", i, p, want.bench, want.kind)
		}
		for _, f := range []string{p.Base, p.Head} {
			if info, err := os.Stat(f); err != nil || info.Size() == 0 || filepath.Dir(f) != dir {
				t.Errorf("profile %s: %v", f, err)
			}
		}
	}
}

// TestRunBinaryNoIteration runs a process that, as a benchmark panicking on another goroutine
// now and then does, prints a result of no iteration and exits 0: that is a failure, of that
// benchmark.
func TestRunBinaryNoIteration(t *testing.T) {
	script := filepath.Join(t.TempDir(), "boom.test")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf 'BenchmarkA-2 \\t 10 \\t 100 ns/op\\nBenchmarkBoom-2 \\t 0 \\t NaN ns/op\\n'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := runBinary(context.Background(), os.Environ(), nil, t.TempDir(), script, nil, 0)
	if o.failure == "" || failingBenchmark(o.stdout) != "Boom-2" {
		t.Errorf("failure %q of %q, want Boom-2's", o.failure, failingBenchmark(o.stdout))
	}
}
