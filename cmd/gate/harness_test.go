package main

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// need skips a test whose harness is not installed, saying how to install it; .ci/run installs
// every harness it can.
func need(t *testing.T, tool, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install %s): its end-to-end test is skipped", tool, pkg)
	}
	return path
}

// pytestPython is a python that has pytest-benchmark: the one on PATH, or the system's.
func pytestPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import pytest_benchmark").Run() == nil {
			return py
		}
	}
	t.Skip("no python3 with pytest-benchmark (apt-get install python3-pytest-benchmark): its end-to-end test is skipped")
	return ""
}

// harnessRepo commits files as the base and the same files with changes applied as the head of a
// new repository, and returns it with the base's SHA.
func harnessRepo(t *testing.T, files, changes map[string]string) (repo, base string) {
	t.Helper()
	repo = gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, files)
	base = gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, changes)
	gittest.Commit(t, repo, "head: one benchmark twice as slow")
	return repo, base
}

// regressed are the benchmarks that regressed in sec/op, by name.
func regressed(r *report.Report) []string {
	var out []string
	for _, c := range r.Comparisons {
		if c.Verdict == report.Regression {
			out = append(out, c.Benchmark+" "+c.Unit)
		}
	}
	return out
}

// checkOneRegression runs gate run with args in repo and checks that exactly the benchmark want
// regressed, in time, and that the gate failed.
func checkOneRegression(t *testing.T, repo, want string, args ...string) *report.Report {
	t.Helper()
	out := t.TempDir()
	code, stdout, stderr := runGate(t, repo, append(append([]string{"run"}, args...), "--out", out)...)
	if code != exitFail {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFail, stdout, stderr)
	}
	r := readReport(t, out)
	if got := regressed(r); len(got) != 1 || got[0] != want+" sec/op" {
		t.Errorf("regressions %q, want just %q\n%s", got, want+" sec/op", stdout)
	}
	if r.BenchmarkCounts[report.Regression] != 1 {
		t.Errorf("benchmark_counts %v, want one regression", r.BenchmarkCounts)
	}
	if !strings.Contains(stdout, "FAIL: 1 regression past threshold") {
		t.Errorf("headline:\n%s", stdout)
	}
	return r
}

// work.sh busy-loops its argument's count of times: a command of a known, steady cost.
const workScript = "n=$1\ni=0\nwhile [ $i -lt $n ]; do i=$((i+1)); done\n"

// TestRunHyperfine gates a hyperfine command, in whole-command pairs (hyperfine cannot run one of
// its commands alone): the head makes one of its two commands twice as slow.
func TestRunHyperfine(t *testing.T) {
	need(t, "hyperfine", "hyperfine")
	bench := "hyperfine -N --style none --warmup 1 --runs 8 --export-json results.json -n parse \"sh work.sh $PARSE\" -n render 'sh work.sh 50000'"
	repo, base := harnessRepo(t,
		map[string]string{"work.sh": workScript, "bench.sh": "PARSE=50000\n" + bench + "\n"},
		map[string]string{"bench.sh": "PARSE=100000\n" + bench + "\n"})
	// A busy machine (go test runs other packages beside this one) can leave 6 pairs
	// undecided: extra rounds settle them, as in any gate run.
	r := checkOneRegression(t, repo, "parse", "--base", base, "--head", "HEAD", "--count", "6", "--max-count", "18",
		"--command", "sh bench.sh", "--results", "results.json", "--format-in", "hyperfine")
	if r.Run.Command != "sh bench.sh" || r.Run.Harness != "hyperfine" || r.Run.Interleave != report.InterleavePackage {
		t.Errorf("run: command %q, harness %q, interleave %q", r.Run.Command, r.Run.Harness, r.Run.Interleave)
	}
	if r.Run.Rounds < 6 || r.Run.Rounds > 18 {
		t.Errorf("%d rounds, want 6 to 18", r.Run.Rounds)
	}
}

// TestRunPytestBenchmark gates a pytest-benchmark suite one benchmark at a time: {bench} becomes
// -k's argument, so each test runs in pairs of its own; the format is detected.
func TestRunPytestBenchmark(t *testing.T) {
	py := pytestPython(t)
	suite := func(parse int) string {
		return "def work(n):\n    s = 0\n    for i in range(n):\n        s += i * i\n    return s\n\n" +
			"def test_parse(benchmark):\n    benchmark.pedantic(work, args=(" + strconv.Itoa(parse) + ",), rounds=8, iterations=1, warmup_rounds=1)\n\n" +
			"def test_render(benchmark):\n    benchmark.pedantic(work, args=(20000,), rounds=8, iterations=1, warmup_rounds=1)\n"
	}
	repo, base := harnessRepo(t, map[string]string{"test_bench.py": suite(20000)}, map[string]string{"test_bench.py": suite(40000)})
	command := py + " -m pytest -q -p no:cacheprovider --benchmark-json=results.json --benchmark-save-data -k {bench}"
	r := checkOneRegression(t, repo, "test_parse", "--base", base, "--head", "HEAD", "--count", "5", "--max-count", "10",
		"--command", command, "--results", "results.json")
	if r.Run.Harness != "pytest-benchmark" || r.Run.Interleave != report.InterleaveBenchmark {
		t.Errorf("run: harness %q, interleave %q; want pytest-benchmark, detected, in pairs per benchmark", r.Run.Harness, r.Run.Interleave)
	}
	// Every pair ran one benchmark: each side ran each of the two benchmarks once in each of
	// the first 5 rounds, and only the undecided ones after (the runs that listed them are not
	// counted).
	for _, p := range r.Run.Processes {
		if p.Runs < 2*5 || p.Runs > 2*r.Run.Rounds {
			t.Errorf("%s ran %d times on %s in %d rounds, want 10, and at most two a round after", p.Package, p.Runs, p.Side, r.Run.Rounds)
		}
	}
}
