package benchexec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/formats"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// benchScript is a tiny harness: it prints bencher lines for the benchmarks whose names match
// its first argument (a regular expression; all when empty), each time jittered by up to 1%
// around the value its environment gives.
const benchScript = `for name in parse render; do
  if printf '%s\n' "$name" | grep -Eq -- "${1:-.}"; then
    jitter=$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')
    eval "base=\$$(echo $name | tr a-z A-Z)"
    echo "test $name ... bench: $((base + base * jitter / 25600)) ns/iter (+/- 1)"
  fi
done
`

// harnessRepo commits the script as base with parse at 1000 ns, and returns the repository.
func harnessRepo(t *testing.T) (repo, base string) {
	t.Helper()
	repo = gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, map[string]string{"bench.sh": "PARSE=1000 RENDER=3000\n" + benchScript})
	return repo, gittest.Commit(t, repo, "base")
}

// TestHarnessPerBenchmark runs a command with {bench} in pairs of one benchmark each: every
// process's output is one benchmark's, labelled with its round, and both benchmarks get a pair
// every round.
func TestHarnessPerBenchmark(t *testing.T) {
	repo, base := harnessRepo(t)
	h := &Harness{Command: "sh bench.sh {bench}", Format: formats.Bencher}
	res, err := Run(context.Background(), Options{Dir: repo, Base: base, Head: base, Count: 3, Env: os.Environ(), Harness: h})
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.Interleave != report.InterleaveBenchmark || res.Run.Command != h.Command || res.Run.Harness != "bencher" || res.Run.Rounds != 3 {
		t.Errorf("run: interleave %q, command %q, harness %q, %d rounds", res.Run.Interleave, res.Run.Command, res.Run.Harness, res.Run.Rounds)
	}
	for side, raw := range map[report.Side][]byte{report.Base: res.Base, report.Head: res.Head} {
		text := string(raw)
		for _, name := range []string{"parse", "render"} {
			if n := strings.Count(text, "Benchmark"+name+" ") + strings.Count(text, "Benchmark"+name+"\t"); n != 3 {
				t.Errorf("%s: %d results of %s, want one a round:\n%s", side, n, name, text)
			}
		}
		// Each pair's output holds one benchmark: the runs were filtered.
		for _, chunk := range strings.Split(text, report.PairKey+": ")[1:] {
			if strings.Count(chunk, "Benchmark") != 1 && !strings.Contains(chunk, report.ProcessBenchmark) {
				t.Errorf("%s: a pair's output with more than one benchmark:\n%s", side, chunk)
			}
		}
	}
	for _, p := range res.Run.Processes {
		if p.Package != harnessProcess || p.Runs != 2*3 {
			t.Errorf("process %+v, want %s with 6 runs", p, harnessProcess)
		}
	}
}

// TestHarnessResultsFile reads the results a whole command writes to a file, detecting their
// format, and fails a run that leaves the file as it was: a results file from an earlier run,
// here committed with the tree, never counts as this run's.
func TestHarnessResultsFile(t *testing.T) {
	repo, base := harnessRepo(t)
	res, err := Run(context.Background(), Options{Dir: repo, Base: base, Head: base, Count: 2, Env: os.Environ(),
		Harness: &Harness{Command: "sh bench.sh > out.txt", Results: "out.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.Interleave != report.InterleavePackage || res.Run.Harness != "bencher" || strings.Count(string(res.Head), "Benchmarkparse\t") != 2 {
		t.Errorf("run: interleave %q, harness %q; head:\n%s", res.Run.Interleave, res.Run.Harness, res.Head)
	}

	gittest.WriteFiles(t, repo, map[string]string{"out.txt": "test parse ... bench: 5 ns/iter (+/- 1)\n"})
	stale := gittest.Commit(t, repo, "a results file left behind")
	res, err = Run(context.Background(), Options{Dir: repo, Base: stale, Head: stale, Count: 2, Env: os.Environ(),
		Harness: &Harness{Command: "true", Results: "out.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Run.Failures; len(f) != 2 || !strings.Contains(f[0].Message, "did not rewrite its results at out.txt") || f[0].Package != harnessProcess {
		t.Errorf("failures %+v, want each side's first run failed for not rewriting out.txt", f)
	}
	if strings.Contains(string(res.Base), "Benchmarkparse") {
		t.Errorf("the stale results were read:\n%s", res.Base)
	}
}

// TestHarnessPlaceholderNeedsFilter refuses {bench} for a harness that cannot run one benchmark
// alone, named or detected, rather than running the whole command once per benchmark.
func TestHarnessPlaceholderNeedsFilter(t *testing.T) {
	repo, base := harnessRepo(t)
	hyperfineOutput, err := filepath.Abs("../formats/testdata/hyperfine/hyperfine.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []*Harness{
		{Command: "hyperfine {bench}", Format: formats.Hyperfine},
		{Command: "cat '" + hyperfineOutput + "' # {bench}"}, // detected from the listing runs
	} {
		_, err := Run(context.Background(), Options{Dir: repo, Base: base, Head: base, Count: 2, Env: os.Environ(), Harness: h})
		if err == nil || !strings.Contains(err.Error(), "hyperfine cannot run one benchmark alone") {
			t.Errorf("%q: got %v, want a refusal of {bench}", h.Command, err)
		}
	}
}
