package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
	"github.com/benchgate/benchgate/internal/gittest"
)

// The tests here attack gate's protections of its credentials (internal/guard,
// internal/sandbox) with the benchmark in testdata/attack, which looks for tokens in every
// /proc/*/environ it can read and in its ancestors' memory. They run gate as a process of its
// own, as a runner does, since the protections are the process's.

// onLinux skips where there is no /proc to attack, nor a guard to attack.
func onLinux(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the attack reads /proc, and gate's guard is Linux's")
	}
}

// canary is the token the attacks look for: shaped like a GitHub installation token.
const canary = "ghs_AttackCanary0123456789abcdefghijklmn"

var (
	gateOnce  sync.Once
	gatePath  string
	gateBuild error
)

// gateBinary builds gate once for the tests that run it as a process of its own, in a directory
// other users may pass through (the benchmarks' user runs nothing of it, but its checkouts are
// beside it in tests).
func gateBinary(t *testing.T) string {
	t.Helper()
	gateOnce.Do(func() {
		dir, err := os.MkdirTemp("", "benchgate-bin-")
		if err != nil {
			gateBuild = err
			return
		}
		gatePath = filepath.Join(dir, "gate")
		out, err := exec.Command("go", "build", "-o", gatePath, ".").CombinedOutput()
		if err != nil {
			gateBuild = &buildFailure{string(out)}
		}
	})
	if gateBuild != nil {
		t.Fatal(gateBuild)
	}
	return gatePath
}

type buildFailure struct{ out string }

func (b *buildFailure) Error() string { return "building gate: " + b.out }

// withEnv is environ with vars added; the last of a name wins.
func withEnv(environ []string, vars map[string]string) []string {
	for k, v := range vars {
		environ = append(environ, k+"="+v)
	}
	return environ
}

// attackFiles is a module with the attacking benchmark in package attack.
func attackFiles(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "attack", "attack_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	files := tiny(2000, "")
	files["attack/attack_test.go"] = string(src)
	return files
}

// stolen returns the attack's finds of the canary in the raw results under dir, and fails the
// test when the attack did not run on both sides.
func stolen(t *testing.T, dir string) []string {
	t.Helper()
	var finds []string
	for _, side := range []string{"base.txt", "head.txt"} {
		data, err := os.ReadFile(filepath.Join(dir, side))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "BenchmarkSteal") {
			t.Fatalf("the attack did not run on %s:\n%s", side, data)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "stolen:") && strings.Contains(line, canary) {
				finds = append(finds, line)
			}
		}
	}
	return finds
}

// checkNothingStolen fails on any find of the canary. As root (the action's container) the
// benchmarks run as an unprivileged user, and nothing is theirs to read. As another user, they
// are that user's own processes: the test process above gate, which holds the canary in its
// memory, is theirs to read where ptrace is not restricted (as on a plain runner, where the
// step's shell is: see the threat model in docs/action.md), so there only gate itself must hold nothing.
func checkNothingStolen(t *testing.T, finds []string) {
	t.Helper()
	for _, f := range finds {
		if os.Geteuid() == 0 || strings.Contains(f, "(gate)") {
			t.Errorf("the benchmark found gate's credential: %s", f)
		}
	}
}

// TestAttackFindsUnprotectedParent is the attack's control: run by a parent that holds the
// canary in its exec-time environment and is not protected, as gate was before, it finds it
// although its own environment has none. The tests below would pass for nothing without it.
func TestAttackFindsUnprotectedParent(t *testing.T) {
	t.Parallel()
	onLinux(t)
	repo, isolation := gittest.NewIsolatedRepo(t)
	gittest.WriteFiles(t, repo, attackFiles(t))
	bin := filepath.Join(t.TempDir(), "attack.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./attack")
	build.Dir, build.Env = repo, withEnv(os.Environ(), isolation)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	parent := exec.Command("sh", "-c", `env -u GITHUB_TOKEN "$0" -test.run '^$' -test.bench Steal -test.benchtime 1x; true`, bin)
	parent.Env = append(os.Environ(), "GITHUB_TOKEN="+canary)
	out, err := parent.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "stolen:") || !strings.Contains(string(out), "GITHUB_TOKEN="+canary) {
		t.Fatalf("the attack did not find the canary in its unprotected parent's environment:\n%s", out)
	}
}

// TestAttackRun attacks gate run, which holds a token in its environment as a CI job's gate
// does.
func TestAttackRun(t *testing.T) {
	t.Parallel()
	onLinux(t)
	repo, isolation := gittest.NewIsolatedRepo(t)
	gittest.WriteFiles(t, repo, attackFiles(t))
	base := gittest.Commit(t, repo, "base")
	out := filepath.Join(isolation["TMPDIR"], "..", "out")
	cmd := exec.Command(gateBinary(t), "run", "--base", base, "--head", base, "--count", "2", "--benchtime", "1x", "--bench", "Steal", "--out", out)
	cmd.Dir = repo
	cmd.Env = withEnv(append(os.Environ(), "GITHUB_TOKEN="+canary, "INPUT_TOKEN="+canary, "ACTIONS_RUNTIME_TOKEN="+canary, "GH_TOKEN="+canary), isolation)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gate run: %v\n%s", err, b)
	}
	checkNothingStolen(t, stolen(t, out))
}

// TestAttackActionPullRequest attacks the action's pull request flow, with the tokens a job has:
// GITHUB_TOKEN and the token input, and the runtime token a Docker action is given.
func TestAttackActionPullRequest(t *testing.T) {
	t.Parallel()
	onLinux(t)
	repo, isolation := gittest.NewIsolatedRepo(t)
	gittest.WriteFiles(t, repo, attackFiles(t))
	base := gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, map[string]string{"attack/more.go": "package attack\n"})
	head := gittest.Commit(t, repo, "the pull request")
	srv := ghtest.New(t, "octo", "repo")
	srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: base, BaseRef: "main"})
	runnerDir := t.TempDir()
	event := filepath.Join(runnerDir, "event.json")
	writeEvent(t, filepath.Join(eventsDir, "pull_request.json"), event, map[string]string{"{{HEAD_SHA}}": head, "{{BASE_SHA}}": base})
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event,
		"GITHUB_WORKSPACE": repo, "GITHUB_REPOSITORY": "octo/repo", "GITHUB_API_URL": srv.APIURL(),
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42", "RUNNER_OS": "Linux",
		"GITHUB_OUTPUT": filepath.Join(runnerDir, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(runnerDir, "summary"),
		"GITHUB_TOKEN": canary, "INPUT_TOKEN": canary, "ACTIONS_RUNTIME_TOKEN": canary, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": canary,
		"INPUT_COUNT": "2", "INPUT_BENCH": "Steal", "INPUT_BENCHTIME": "1x", "INPUT_PROFILE": "false", "INPUT_COMMENT": "always",
	}
	cmd := exec.Command(gateBinary(t)) // the container's entrypoint: gate alone, GITHUB_ACTIONS=true
	cmd.Dir, cmd.Env = repo, withEnv(withEnv(os.Environ(), env), isolation)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gate action: %v\n%s", err, b)
	}
	checkNothingStolen(t, stolen(t, filepath.Join(repo, ".benchgate")))
	// The token was still gate's to use: the comment was posted with it.
	if srv.Count("POST /repos/octo/repo/issues/7/comments") != 1 {
		t.Errorf("the sticky comment was not posted: the credentials did not survive gate's guard")
	}
}
