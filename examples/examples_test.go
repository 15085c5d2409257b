// Package examples holds example projects of other languages that benchgate gates, and tests
// that gate them as their README sections say, end to end: gate built from this module, run as
// a program on a git repository of the example whose head makes one benchmark slower.
//
// It is a package of its own, apart from cmd/gate's tests, because building a Rust example's
// dependencies takes minutes: it gets its own test timeout and runs beside the others.
package examples

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/sandbox"
)

// buildGate builds gate from this module into a temporary directory.
func buildGate(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gate")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/gate").CombinedOutput()
	if err != nil {
		t.Fatalf("building gate: %v\n%s", err, out)
	}
	return bin
}

// TestCriterion gates the criterion example (examples/criterion) as "Gating a Rust project"
// says: built once per side, its parse and interpolate benchmarks run in pairs of the whole
// command, with testdata/slower.patch doubling the parser's work on head. Exactly parse/workflow
// regresses, and gate exits 1.
func TestCriterion(t *testing.T) {
	if _, err := exec.LookPath("cargo"); err != nil {
		t.Skip("cargo is not installed (apt-get install cargo librust-criterion-dev): the criterion example's test is skipped")
	}
	registry := os.Getenv("CARGO_REGISTRY_DIR")
	if registry == "" {
		registry = "/usr/share/cargo/registry"
	}
	if _, err := os.Stat(filepath.Join(registry, "criterion-0.3.6")); err != nil {
		t.Skipf("no criterion 0.3.6 in the crate registry %s (apt-get install librust-criterion-dev, or set CARGO_REGISTRY_DIR): the criterion example's test is skipped", registry)
	}
	gate := buildGate(t)

	repo := gittest.NewRepo(t)
	src, err := filepath.Abs("criterion")
	if err != nil {
		t.Fatal(err)
	}
	gittest.CopyTree(t, src, repo)
	if err := os.RemoveAll(filepath.Join(repo, "target")); err != nil { // a local build's, if any
		t.Fatal(err)
	}
	base := gittest.Commit(t, repo, "base")
	gittest.Git(t, repo, "apply", filepath.Join("testdata", "slower.patch"))
	gittest.Commit(t, repo, "head: the parser parses twice")

	// The dependencies take minutes to build: build them once, into a target directory that
	// each side's build starts from (a copy that keeps the files' times, which cargo's
	// freshness checks compare), so that a side builds only its own crate. The sides' target
	// directories must be their own: cargo does not tell the two checkouts' crates apart, and
	// one shared directory would run the same binary on both sides.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CARGO_TARGET_DIR=") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	// As root, gate builds and runs the crate as an unprivileged user (internal/sandbox), who
	// cannot reach a toolchain in root's home (rustup's ~/.cargo/bin): the dependencies are
	// built with the cargo that user finds, or each side would build them again with another.
	path := filepath.SplitList(os.Getenv("PATH"))
	if os.Geteuid() == 0 {
		path = slices.DeleteFunc(path, func(d string) bool { return slices.Contains(sandbox.Unreachable([]string{d}), d) })
	}
	env = append(env, "PATH="+strings.Join(path, string(filepath.ListSeparator)))
	env = append(env, "CARGO_REGISTRY_DIR="+registry)
	warm := filepath.Join(t.TempDir(), "target")
	deps := exec.Command("sh", "offline.sh", "bench", "-q", "--no-run") // sh finds cargo on env's PATH
	deps.Dir, deps.Env = src, append(env, "CARGO_TARGET_DIR="+warm)
	if out, err := deps.CombinedOutput(); err != nil {
		t.Fatalf("building the dependencies: %v\n%s", err, out)
	}

	out := t.TempDir()
	cmd := exec.Command(gate, "run", "--base", base, "--head", "HEAD", "--count", "5", "--max-count", "10", "--out", out,
		"--build", "cp -a '"+warm+"' target && sh offline.sh bench -q --no-run",
		"--command", "sh offline.sh bench -q --bench parse --bench interpolate -- --noplot",
		"--results", "target/criterion", "--format-in", "criterion")
	cmd.Dir, cmd.Env = repo, env
	stdout, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		stderr := ""
		if exit != nil {
			stderr = string(exit.Stderr)
		}
		t.Fatalf("gate run: %v, want exit 1\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	r, err := report.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var regressed []string
	names := map[string]bool{}
	for _, c := range r.Comparisons {
		names[c.Benchmark] = true
		if c.Verdict == report.Regression {
			regressed = append(regressed, c.Benchmark+" "+c.Unit)
		}
	}
	if len(regressed) != 1 || regressed[0] != "parse/workflow sec/op" {
		t.Errorf("regressions %q, want just parse/workflow in sec/op\n%s", regressed, stdout)
	}
	if !names["interpolate/large_context"] {
		t.Errorf("no interpolate/large_context among %v", names)
	}
	if r.Run.Harness != "criterion" || r.Run.Rounds < 5 || !strings.Contains(string(stdout), "FAIL: 1 regression past threshold") {
		t.Errorf("harness %q, %d rounds; stdout:\n%s", r.Run.Harness, r.Run.Rounds, stdout)
	}
}
