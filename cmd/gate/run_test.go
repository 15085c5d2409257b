package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// gate runs the command line in dir and returns the exit status and outputs.
func runGate(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	return runIn(t, nil, args...)
}

// runner is what a GitHub Actions runner sets in a step's environment, on top of this process's.
type runner map[string]string

// runIn runs gate with args in this process's environment and env's variables, in the current
// directory: tests that need no directory of their own can run in parallel.
func runIn(t *testing.T, env runner, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	environ := os.Environ()
	for k, v := range env {
		environ = append(environ, k+"="+v) // the last of a name wins, in gate and in its children
	}
	var out, errOut bytes.Buffer
	code = run(args, nil, &out, &errOut, environ)
	return code, out.String(), errOut.String()
}

func readReport(t *testing.T, dir string) *report.Report {
	t.Helper()
	r, err := report.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// verdicts maps "pkg Benchmark unit" to the verdict, for the comparisons that are not unchanged.
func verdicts(r *report.Report) map[string]report.Verdict {
	out := map[string]report.Verdict{}
	for _, c := range r.Comparisons {
		if c.Verdict != report.Unchanged && c.Verdict != report.WithinThreshold {
			pkg := c.Config["pkg"]
			out[pkg[strings.LastIndex(pkg, "/")+1:]+" "+c.Benchmark+" "+c.Unit] = c.Verdict
		}
	}
	return out
}

// TestRunEndToEnd runs gate run between two commits of a fixture module: the head makes one
// benchmark twice as slow, one allocate one more buffer per operation, and one twice as fast.
func TestRunEndToEnd(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.CopyTree(t, "testdata/fixture/base", repo)
	base := gittest.Commit(t, repo, "base")
	gittest.CopyTree(t, "testdata/fixture/head", repo)
	head := gittest.Commit(t, repo, "head")
	out := t.TempDir()

	code, stdout, stderr := runGate(t, repo, "run", "--base", base, "--head", head, "--count", "16", "--benchtime", "1000x", "--out", out)
	if code != exitFail {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFail, stdout, stderr)
	}
	r := readReport(t, out)
	got := verdicts(r)
	sfx := "-" + suffix(r)
	for key, want := range map[string]report.Verdict{
		"cpu Slower" + sfx + " sec/op":   report.Regression,
		"mem Alloc" + sfx + " allocs/op": report.Regression,
		"cpu Faster" + sfx + " sec/op":   report.Improvement,
	} {
		if got[key] != want {
			t.Errorf("%s: %q, want %s", key, got[key], want)
		}
	}
	for key, v := range got {
		if v == report.Regression && !strings.HasPrefix(key, "cpu Slower"+sfx+" ") && !strings.HasPrefix(key, "mem Alloc"+sfx+" ") {
			t.Errorf("%s: unexpected regression", key)
		}
	}
	if r.Run.Base.SHA != base || r.Run.Head.SHA != head || r.Run.Count != 16 || r.Run.Rounds < 16 || r.Run.Seed == 0 {
		t.Errorf("run: %+v", r.Run)
	}
	if len(r.Run.Processes) != 6 {
		t.Errorf("%d process summaries, want 3 packages × 2 sides", len(r.Run.Processes))
	}
	for _, name := range []string{"base.txt", "head.txt", "report.md"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(stderr, "seed "+strconv.FormatUint(r.Run.Seed, 10)) {
		t.Errorf("the seed is not printed:\n%s", stderr)
	}
	t.Logf("built in %.1fs; rounds %.2fs, processes %.2fs (overhead %.1f%%)", r.Run.BuildSeconds, r.Run.RoundsSeconds, r.Run.ProcessesSeconds, overhead(r.Run))
	gittest.CheckClean(t, repo)
}

// suffix is the -GOMAXPROCS suffix the benchmarks ran with.
func suffix(r *report.Report) string {
	for _, c := range r.Comparisons {
		if i := strings.LastIndex(c.Benchmark, "-"); i > 0 {
			return c.Benchmark[i+1:]
		}
	}
	return ""
}

// TestRunIdenticalTrees compares two commits whose code is the same: nothing may fail the gate.
// Its 16 rounds of 1000 iterations (as TestRunEndToEnd's: samples of 20 to 40 ms, so a lost
// scheduler slice is a small part of one) keep the chance small that noise from work beside the
// test moves a median past 5% and past significance: on two vCPUs that may share a core, other
// test packages moved a benchmark's median by a tenth in 10 rounds of 5 ms samples.
func TestRunIdenticalTrees(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.CopyTree(t, "testdata/fixture/base", repo)
	base := gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, map[string]string{"README": "only the docs changed\n"})
	head := gittest.Commit(t, repo, "docs")
	out := t.TempDir()
	code, stdout, stderr := runGate(t, repo, "run", "--base", base, "--head", head, "--count", "16", "--benchtime", "1000x", "--out", out)
	if code != exitPass {
		t.Errorf("exit %d, want %d\n%s\n%s", code, exitPass, stdout, stderr)
	}
	for key, v := range verdicts(readReport(t, out)) {
		if v == report.Regression {
			t.Errorf("%s: a regression between identical trees", key)
		}
	}
	gittest.CheckClean(t, repo)
}

// looseTime writes a config under which no timing change is a regression, for tests about
// something else than timing: a few short rounds of a function whose neighbours changed can
// move by more than 5% (the code's layout moved).
func looseTime(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "loose.yml")
	if err := os.WriteFile(path, []byte("thresholds:\n  - {unit: sec/op, max: 1000%}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tiny is a one-package module whose BenchmarkA does work dependent multiply-adds per op.
func tiny(work int, extra string) map[string]string {
	return map[string]string{
		"go.mod": "module example.com/tiny\n\ngo 1.26\n",
		"tiny_test.go": fmt.Sprintf(`package tiny

import "testing"

var sink uint64

func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func BenchmarkA(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += spin(%d)
	}
}
%s`, work, extra),
	}
}

func TestRunWorkingTree(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, tiny(20000, ""))
	base := gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, tiny(60000, "")) // uncommitted: three times the work
	out := t.TempDir()
	code, stdout, stderr := runGate(t, repo, "run", "--base", "HEAD", "--count", "6", "--benchtime", "2000x", "--out", out)
	if code != exitFail {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFail, stdout, stderr)
	}
	r := readReport(t, out)
	if !r.Run.Head.Dirty || r.Run.Head.SHA != base || r.Run.Base.SHA != base {
		t.Errorf("head %+v, base %+v; want the dirty working tree on %s", r.Run.Head, r.Run.Base, base)
	}
	if v := verdicts(r)["tiny A-"+suffix(r)+" sec/op"]; v != report.Regression {
		t.Errorf("verdict %s, want regression: the uncommitted change was not measured", v)
	}
	gittest.CheckClean(t, repo)
}

func TestRunHeadDoesNotCompile(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, tiny(1000, ""))
	base := gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, tiny(1000, "func broken() { undefinedThing() }\n"))
	head := gittest.Commit(t, repo, "broken")
	code, stdout, stderr := runGate(t, repo, "run", "--base", base, "--head", head, "--count", "4", "--benchtime", "1x")
	if code != exitError {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitError, stdout, stderr)
	}
	if !strings.Contains(stderr, "head does not build") || !strings.Contains(stderr, "undefined: undefinedThing") {
		t.Errorf("stderr lacks the compiler's message:\n%s", stderr)
	}
	gittest.CheckClean(t, repo)
}

func TestRunBaseDoesNotCompile(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, tiny(1000, "func broken() { undefinedThing() }\n"))
	base := gittest.Commit(t, repo, "broken")
	gittest.WriteFiles(t, repo, tiny(1000, ""))
	head := gittest.Commit(t, repo, "fixed")
	out := t.TempDir()
	code, _, stderr := runGate(t, repo, "run", "--base", base, "--head", head, "--count", "4", "--benchtime", "10x", "--out", out)
	if code != exitPass {
		t.Fatalf("exit %d, want %d\n%s", code, exitPass, stderr)
	}
	r := readReport(t, out)
	if v := verdicts(r)["tiny A-"+suffix(r)+" sec/op"]; v != report.New {
		t.Errorf("verdict %s, want new", v)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "does not build on base") {
		t.Errorf("no warning about the base build: %q", r.Warnings)
	}
}

func TestRunNewBenchmark(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, tiny(1000, ""))
	base := gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, tiny(1000, "func BenchmarkB(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += spin(10)\n\t}\n}\n"))
	head := gittest.Commit(t, repo, "add B")
	out := t.TempDir()
	code, _, stderr := runGate(t, repo, "run", "--base", base, "--head", head, "--count", "4", "--benchtime", "10x", "--out", out, "--config", looseTime(t))
	if code != exitPass {
		t.Fatalf("exit %d, want %d\n%s", code, exitPass, stderr)
	}
	r := readReport(t, out)
	v := verdicts(r)
	if v["tiny B-"+suffix(r)+" sec/op"] != report.New {
		t.Errorf("B: %v, want new", v)
	}
	if v["tiny [process] peak-RSS-B"] != report.Inconclusive {
		t.Errorf("the process row of a package that runs different benchmarks: %v, want inconclusive", v)
	}
}

// Under the benchmark schedule, each function runs in processes of its own, so only the panicking
// function (and its package's process row) fails; under the package schedule the binary stops at
// the panic, so the whole package fails.
func TestRunPanic(t *testing.T) {
	for _, tc := range []struct{ side, interleave string }{{"base", "benchmark"}, {"head", "benchmark"}, {"base", "package"}, {"head", "package"}} {
		side := tc.side
		t.Run(tc.interleave+"/"+side, func(t *testing.T) {
			repo := gittest.NewRepo(t)
			panicky := "func BenchmarkBoom(b *testing.B) {\n\tif b.N > 1 {\n\t\tpanic(\"boom at N>1\")\n\t}\n}\n"
			healthy := "func BenchmarkBoom(b *testing.B) {}\n"
			first, second := healthy, panicky
			if side == "base" {
				first, second = panicky, healthy
			}
			gittest.WriteFiles(t, repo, tiny(1000, first))
			base := gittest.Commit(t, repo, "base")
			gittest.WriteFiles(t, repo, tiny(1000, second))
			head := gittest.Commit(t, repo, "head")
			out := t.TempDir()
			code, _, stderr := runGate(t, repo, "run", "--base", base, "--head", head, "--count", "4", "--benchtime", "10x", "--interleave", tc.interleave, "--out", out)
			want := exitFail // the change broke a benchmark
			if side == "base" {
				want = exitPass // the change fixed one
			}
			if code != want {
				t.Fatalf("exit %d, want %d\n%s", code, want, stderr)
			}
			r := readReport(t, out)
			if len(r.Run.Failures) != 1 {
				t.Fatalf("failures %+v, want one", r.Run.Failures)
			}
			f := r.Run.Failures[0]
			// The panic, or, when the process won the race that process.go describes (it
			// printed "0 NaN ns/op" and exited 0 before the panic's message), that no iteration ran.
			shown := "panic: boom at N>1"
			if strings.Contains(f.Message, "ran no iteration") {
				shown = f.Message
			}
			if string(f.Side) != side || f.Round != 1 || !strings.HasPrefix(f.Benchmark, "Boom") || !strings.Contains(f.Message+f.Output, shown) {
				t.Errorf("failure %+v", f)
			}
			for _, c := range r.Comparisons {
				wantFailed := tc.interleave == "package" || !strings.HasPrefix(c.Benchmark, "A-")
				if (c.Verdict == report.Failed) != wantFailed {
					t.Errorf("%s %s: %s, want failed %v", c.Benchmark, c.Unit, c.Verdict, wantFailed)
				}
			}
			if !strings.Contains(stderr, shown) {
				t.Errorf("%q is not shown:\n%s", shown, stderr)
			}
			gittest.CheckClean(t, repo)
		})
	}
}

// TestRunBudget gives a run of 2-second rounds a budget of 5.5 seconds: the run stops after two
// rounds when its setup takes up to 1.5 seconds (after one on a machine so loaded that it takes
// longer; never after more), says so, and what it measured is still reported, with honest
// verdicts.
func TestRunBudget(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, gittest.SleepModule("time.Second"))
	base := gittest.Commit(t, repo, "base")
	// Build once first, so that the budgeted run's build comes from the cache and takes little
	// of the budget.
	if code, _, stderr := runGate(t, repo, "run", "--base", base, "--head", base, "--count", "1", "--benchtime", "1x"); code != exitPass {
		t.Fatalf("warm-up: exit %d\n%s", code, stderr)
	}
	out := t.TempDir()
	code, _, stderr := runGate(t, repo, "run", "--base", base, "--head", base, "--count", "10", "--benchtime", "1x", "--budget", "5500ms", "--out", out)
	if code != exitPass {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	r := readReport(t, out)
	rounds := r.Run.Rounds
	if rounds < 1 || rounds > 2 || r.Run.Count != 10 {
		t.Errorf("%d of %d rounds ran, want 2 (1 on a loaded machine) of 10", rounds, r.Run.Count)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), fmt.Sprintf("budget allowed %d of 10 rounds", rounds)) {
		t.Errorf("no budget warning for %d rounds: %q", rounds, r.Warnings)
	}
	for _, c := range r.Comparisons {
		if c.Verdict != report.Inconclusive && c.Verdict != report.Unchanged {
			t.Errorf("%s %s: %s with %d samples", c.Benchmark, c.Unit, c.Verdict, rounds)
		}
		if c.Base != nil && c.Base.N() != rounds {
			t.Errorf("%s %s: %d samples, want %d", c.Benchmark, c.Unit, c.Base.N(), rounds)
		}
	}
	gittest.CheckClean(t, repo)
}

// TestRunEnvironment checks that benchmark processes never see credentials.
func TestRunEnvironment(t *testing.T) {
	repo := gittest.NewRepo(t)
	envFile := filepath.Join(gittest.SharedTempDir(t), "env")
	t.Setenv("BENCHGATE_TEST_ENVFILE", envFile)
	secrets := map[string]string{
		"GITHUB_TOKEN": "ghs_secret1", "INPUT_TOKEN": "secret2", "ACTIONS_RUNTIME_TOKEN": "secret3",
		"ACTIONS_ID_TOKEN_REQUEST_URL": "https://secret4", "NPM_TOKEN": "secret5", "MY_SECRET": "secret6",
		"AWS_SECRET_ACCESS_KEY": "secret7", "DB_PASSWORD": "secret8", "gh_token": "secret9",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	t.Setenv("HARMLESS_SETTING", "visible")
	gittest.WriteFiles(t, repo, map[string]string{
		"go.mod": "module example.com/env\n\ngo 1.26\n",
		"env_test.go": `package env

import (
	"os"
	"strings"
	"testing"
)

func BenchmarkEnv(b *testing.B) {
	os.WriteFile(os.Getenv("BENCHGATE_TEST_ENVFILE"), []byte(strings.Join(os.Environ(), "\n")), 0o644)
}
`,
	})
	base := gittest.Commit(t, repo, "base")
	if code, _, stderr := runGate(t, repo, "run", "--base", base, "--head", base, "--count", "1", "--benchtime", "1x"); code != exitPass {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	env := string(data)
	for k, v := range secrets {
		if strings.Contains(env, v) {
			t.Errorf("the benchmark saw %s", k)
		}
	}
	if !strings.Contains(env, "HARMLESS_SETTING=visible") {
		t.Error("the benchmark lost an ordinary variable")
	}
}

// TestRunDefaultBase checks that without --base the base is the merge-base with main.
func TestRunDefaultBase(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, tiny(1000, ""))
	forkPoint := gittest.Commit(t, repo, "on main")
	gittest.Git(t, repo, "checkout", "-q", "-b", "feature")
	gittest.WriteFiles(t, repo, tiny(1100, ""))
	gittest.Commit(t, repo, "on feature")
	gittest.Git(t, repo, "checkout", "-q", "main")
	gittest.WriteFiles(t, repo, tiny(900, ""))
	gittest.Commit(t, repo, "main moves on")
	gittest.Git(t, repo, "checkout", "-q", "feature")
	out := t.TempDir()
	if code, _, stderr := runGate(t, repo, "run", "--count", "1", "--benchtime", "1x", "--out", out); code != exitPass {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	r := readReport(t, out)
	if r.Run.Base.SHA != forkPoint || !strings.Contains(r.Run.Base.Ref, "main") {
		t.Errorf("base %+v, want the merge-base %s with main", r.Run.Base, forkPoint)
	}
}

// TestRunShallowClone runs in a clone of depth 1, which lacks the base: gate fetches it.
func TestRunShallowClone(t *testing.T) {
	origin := gittest.NewRepo(t)
	gittest.WriteFiles(t, origin, tiny(1000, ""))
	base := gittest.Commit(t, origin, "base")
	gittest.WriteFiles(t, origin, tiny(1100, ""))
	gittest.Commit(t, origin, "head")
	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Git(t, origin, "clone", "-q", "--depth", "1", "file://"+origin, clone)
	if out := gittest.Git(t, clone, "rev-parse", "--is-shallow-repository"); out != "true" {
		t.Fatalf("the clone is not shallow: %s", out)
	}
	out := t.TempDir()
	code, _, stderr := runGate(t, clone, "run", "--base", "HEAD~1", "--count", "1", "--benchtime", "1x", "--out", out)
	if code != exitPass {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if r := readReport(t, out); r.Run.Base.SHA != base {
		t.Errorf("base %s, want %s", r.Run.Base.SHA, base)
	}
	gittest.CheckClean(t, clone)
}

// TestRunNoSuchRevision checks the message for a base that does not exist.
func TestRunNoSuchRevision(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, tiny(1000, ""))
	gittest.Commit(t, repo, "base")
	code, _, stderr := runGate(t, repo, "run", "--base", "no-such-branch", "--count", "1")
	if code != exitError || !strings.Contains(stderr, `revision "no-such-branch" is not a commit in this repository`) {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

// TestRunModuleInSubdirectory runs from a module that is not at the top of its repository.
func TestRunModuleInSubdirectory(t *testing.T) {
	repo := gittest.NewRepo(t)
	files := map[string]string{"README": "a repository with a module in mod/\n"}
	for name, content := range tiny(20000, "") {
		files["mod/"+name] = content
	}
	gittest.WriteFiles(t, repo, files)
	base := gittest.Commit(t, repo, "base")
	for name, content := range tiny(60000, "") {
		files["mod/"+name] = content
	}
	gittest.WriteFiles(t, repo, files)
	head := gittest.Commit(t, repo, "slower")
	out := t.TempDir()
	code, _, stderr := runGate(t, filepath.Join(repo, "mod"), "run", "--base", base, "--head", head, "--count", "8", "--benchtime", "2000x", "--out", out)
	if code != exitFail {
		t.Fatalf("exit %d, want %d\n%s", code, exitFail, stderr)
	}
	r := readReport(t, out)
	if v := verdicts(r)["tiny A-"+suffix(r)+" sec/op"]; v != report.Regression {
		t.Errorf("verdict %s, want regression", v)
	}
	gittest.CheckClean(t, repo)
}
