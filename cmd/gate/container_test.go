package main

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gittest"
)

// TestContainer runs the action's image as the runner runs a Docker action: the workspace, the
// event and the file commands mounted where the runner mounts them, the inputs and GitHub
// variables in the environment, the image's own entrypoint, and the loopback API. The image is
// built by .ci/container.sh, which sets BENCHGATE_IMAGE; without it the test says so and skips.
func TestContainer(t *testing.T) {
	image := os.Getenv("BENCHGATE_IMAGE")
	if image == "" {
		t.Skip("BENCHGATE_IMAGE is not set: .ci/container.sh builds the image and runs this test")
	}
	s := newPRScenarioWith(t, attackFiles(t))
	runner := filepath.Dir(s.output)
	event := s.env["GITHUB_EVENT_PATH"]
	if os.Geteuid() == 0 {
		// On a runner the checkout belongs to the runner's user, not to the container's root:
		// git refuses such a repository unless it is a safe.directory.
		if out, err := exec.Command("chown", "-R", "1001:1001", s.repo).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v\n%s", err, out)
		}
		defer func() {
			exec.Command("chown", "-R", "0:0", s.repo).Run()
			gittest.CheckCleanIn(t, s.repo, s.env["TMPDIR"])
		}()
	}
	ctr := strings.TrimSpace(buildah(t, "from", image))
	t.Cleanup(func() { exec.Command("buildah", "rm", ctr).Run() })
	// The image's own entrypoint, printed as "[gate action]".
	entrypoint := strings.Fields(strings.Trim(buildah(t, "inspect", "--format", "{{.OCIv1.Config.Entrypoint}}", image), "[] \n"))
	args := []string{"run", "--isolation", "chroot", "--network", "host",
		"-v", s.repo + ":/github/workspace", "-v", runner + ":/github/file_commands", "-v", event + ":/github/workflow/event.json:ro"}
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": "/github/workflow/event.json",
		"GITHUB_WORKSPACE": "/github/workspace", "GITHUB_REPOSITORY": "octo/repo", "GITHUB_API_URL": s.srv.APIURL(),
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42", "RUNNER_OS": "Linux", "HOME": "/github/home",
		"GITHUB_OUTPUT": "/github/file_commands/output", "GITHUB_STEP_SUMMARY": "/github/file_commands/summary",
		// The credentials a Docker action's container is given, which the benchmarks attack.
		"INPUT_TOKEN": canary, "GITHUB_TOKEN": canary, "ACTIONS_RUNTIME_TOKEN": canary,
		"INPUT_COUNT": "12", "INPUT_BENCHTIME": "2000x", "INPUT_COMMENT": "always",
		"INPUT_COMMENT-KEY": "benchgate", "INPUT_FAIL-ON": "regression", "INPUT_WORKING-DIRECTORY": ".",
		"INPUT_PACKAGES": "./...", "INPUT_BENCH": "^BenchmarkA$", "INPUT_TIMEOUT": "10m", "INPUT_BUDGET": "", "INPUT_CONFIG": ".github/benchgate.yml",
		"INPUT_REPORT": ".benchgate", "INPUT_ALLOW-PULL-REQUEST-TARGET": "false",
	}
	entrypointRun := func(env map[string]string) (int, string) {
		args := args
		for k, v := range env {
			args = append(args, "-e", k+"="+v)
		}
		args = append(args, ctr, "--")
		args = append(args, entrypoint...)
		out, err := exec.Command("buildah", args...).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("buildah run: %v\n%s", err, out)
		}
		t.Logf("entrypoint %v exited %d:\n%s", entrypoint, code, out)
		return code, string(out)
	}

	// The attack first: the benchmark that looks for the credentials in every process's
	// environment and its ancestors' memory, as the image runs it (gate as root).
	attack := maps.Clone(env)
	attack["INPUT_BENCH"], attack["INPUT_COUNT"], attack["INPUT_BENCHTIME"], attack["INPUT_COMMENT"] = "Steal", "2", "1x", "never"
	if code, out := entrypointRun(attack); code != exitPass {
		t.Fatalf("the attack's run: exit %d, want %d\n%s", code, exitPass, out)
	}
	if finds := stolen(t, filepath.Join(s.repo, ".benchgate")); len(finds) > 0 {
		t.Errorf("in the container, the benchmark found gate's credentials:\n%s", strings.Join(finds, "\n"))
	}
	if err := os.WriteFile(s.output, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	code, _ := entrypointRun(env)
	if code != exitFail {
		t.Fatalf("exit %d, want %d (the pull request's regression)", code, exitFail)
	}
	if got := outputs(t, s.output); got["verdict"] != "fail" || got["regressions"] != "1" || got["report"] != ".benchgate/report.json" {
		t.Errorf("outputs %v", got)
	}
	summary, _ := os.ReadFile(s.summary)
	if !strings.Contains(string(summary), "### ❌ 1 regression past threshold") {
		t.Errorf("summary:\n%s", summary)
	}
	if cs := s.srv.Comments(7); len(cs) != 1 || !strings.Contains(cs[0].Body, "### ❌ 1 regression past threshold") {
		t.Errorf("comments %+v", cs)
	}
	if _, err := os.Stat(filepath.Join(s.repo, ".benchgate", "report.json")); err != nil {
		t.Error(err)
	}
}

func buildah(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("buildah", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("buildah %v: %v\n%s", args, err, out)
	}
	return string(out)
}
