package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/trend"
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

// TestBaselineRecordHarness records a hyperfine harness's commit on a real data branch, once
// measured by gate baseline record --command and once from the directory a gate run --command
// --out wrote, and reads each back with gate trend --branch: the record holds the commit's
// results and its parent's, both of the harness's two commands.
func TestBaselineRecordHarness(t *testing.T) {
	need(t, "hyperfine", "hyperfine")
	bench := "hyperfine -N --style none --warmup 1 --runs 3 --export-json results.json -n parse \"sh work.sh $PARSE\" -n render 'sh work.sh 20000'"
	harness := []string{"--command", "sh bench.sh", "--results", "results.json", "--format-in", "hyperfine", "--count", "3"}
	tests := []struct {
		name   string
		record func(t *testing.T, clone string) []string // gate baseline record's arguments
	}{
		{"measured by gate baseline record", func(t *testing.T, clone string) []string {
			return append([]string{"baseline", "record"}, harness...)
		}},
		{"from a gate run's directory", func(t *testing.T, clone string) []string {
			out := t.TempDir()
			code, stdout, stderr := runGate(t, clone, append([]string{"run", "--base", "HEAD~1", "--head", "HEAD", "--out", out}, harness...)...)
			if code != exitPass && code != exitFail {
				t.Fatalf("gate run: exit %d\n%s%s", code, stdout, stderr)
			}
			return []string{"baseline", "record", "--from", out}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, base := harnessRepo(t,
				map[string]string{"work.sh": workScript, "bench.sh": "PARSE=20000\n" + bench + "\n"},
				map[string]string{"bench.sh": "PARSE=40000\n" + bench + "\n"})
			head := gittest.Git(t, repo, "rev-parse", "HEAD")
			bare := filepath.Join(t.TempDir(), "origin.git")
			gittest.Git(t, repo, "clone", "-q", "--bare", repo, bare)
			clone := filepath.Join(t.TempDir(), "clone")
			gittest.Git(t, repo, "clone", "-q", bare, clone)

			code, stdout, stderr := runGate(t, clone, tt.record(t, clone)...)
			if code != exitPass || !strings.HasPrefix(stdout, "recorded "+head[:12]+" (head: one benchmark twice as slow) on benchgate-data; against its parent: ") {
				t.Fatalf("gate baseline record: exit %d\n%s%s", code, stdout, stderr)
			}
			var rec baseline.Record
			if err := json.Unmarshal([]byte(gittest.Git(t, bare, "show", "benchgate-data:records/"+head+".json")), &rec); err != nil {
				t.Fatal(err)
			}
			for _, side := range []struct{ name, results, sha string }{{"head", rec.Results, head}, {"parent", rec.ParentResults, base}} {
				if !strings.Contains(side.results, "Benchmarkparse") || !strings.Contains(side.results, "Benchmarkrender") || !strings.Contains(side.results, "benchgate-commit: "+side.sha) {
					t.Errorf("the record's %s results lack a command or its commit %s:\n%s", side.name, side.sha[:12], side.results)
				}
			}

			code, stdout, stderr = runGate(t, clone, "trend", "--branch", "benchgate-data", "--format", "json")
			if code != exitPass {
				t.Fatalf("gate trend: exit %d\n%s%s", code, stdout, stderr)
			}
			var steps trend.Steps
			if err := json.Unmarshal([]byte(stdout), &steps); err != nil {
				t.Fatalf("gate trend's JSON: %v\n%s", err, stdout)
			}
			var series []string
			for _, s := range steps.Series {
				if s.Unit == "sec/op" && len(s.Values) == 1 && s.Values[0] > 0 {
					series = append(series, s.Benchmark)
				}
			}
			if steps.Commits != 1 || !slices.Equal(series, []string{"parse", "render"}) {
				t.Errorf("trend: %d commits, sec/op series %q; want 1 commit, parse and render\n%s", steps.Commits, series, stdout)
			}
		})
	}
}

// TestHarnessFlagsRefused refuses each harness flag where gate baseline record or gate run
// would ignore it, and each go test flag that does not apply to a --command.
func TestHarnessFlagsRefused(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"baseline", "record", "--from", "results", "--command", "sh bench.sh"}, "--command: --from records a finished run"},
		{[]string{"baseline", "record", "--from", "results", "--results", "results.json"}, "--results: --from records a finished run"},
		{[]string{"baseline", "record", "--build", "make"}, "--build applies to --command only"},
		{[]string{"baseline", "record", "--command", "sh bench.sh", "--benchtime", "1x"}, "--benchtime applies to go test's benchmarks, not to --command"},
		{[]string{"baseline", "record", "--command", "sh bench.sh", "./..."}, "packages ./...: a --command measures what it runs"},
		{[]string{"baseline", "record", "--command", "sh bench.sh", "--format-in", "yaml"}, "--format-in: "},
		{[]string{"run", "--format-in", "hyperfine"}, "--format-in applies to --command only"},
		{[]string{"run", "--command", "sh bench.sh", "--interleave", "package"}, "--interleave applies to go test's benchmarks, not to --command"},
	} {
		code, _, stderr := runGate(t, t.TempDir(), tt.args...)
		if code != exitError || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, want %d and %q\n%s", tt.args, code, exitError, tt.want, stderr)
		}
	}
}
