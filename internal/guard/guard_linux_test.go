package guard

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

const canary = "ghs_guardtestcanary000000000000000000000"

// TestProtect runs this test binary as gate would run: with a token in its environment. The
// child (TestProtectChild) calls Protect, which executes it again; the child then checks that
// the token is in the environment Protect returned and nowhere a process of its user can read:
// not in /proc/self/environ, and that it is non-dumpable with no_new_privs.
func TestProtect(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestProtectChild$", "-test.v")
	cmd.Env = append(os.Environ(), "BENCHGATE_GUARD_CHILD=1", "GITHUB_TOKEN="+canary, "INPUT_TOKEN="+canary)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestProtectChild") {
		t.Fatalf("the protected child failed: %v\n%s", err, out)
	}
}

func TestProtectChild(t *testing.T) {
	if os.Getenv("BENCHGATE_GUARD_CHILD") != "1" {
		t.Skip("run by TestProtect")
	}
	env, err := Protect(os.Args, os.Environ(), true)
	if err != nil {
		t.Fatal(err)
	}
	var tokens int
	for _, kv := range env {
		if kv == "GITHUB_TOKEN="+canary || kv == "INPUT_TOKEN="+canary {
			tokens++
		}
		if strings.HasPrefix(kv, fdVariable+"=") {
			t.Errorf("Protect returned %s", kv)
		}
	}
	if tokens != 2 {
		t.Errorf("Protect returned %d of the 2 tokens: %q", tokens, env)
	}
	exe, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(exe, []byte(canary)) {
		t.Errorf("the token is still in the exec-time environment: %q", exe)
	}
	if !bytes.Contains(exe, []byte(fdVariable+"=")) {
		t.Errorf("the process was not executed again: %q", exe)
	}
	status, err := exec.Command("sh", "-c", "grep NoNewPrivs /proc/self/status").Output()
	if err != nil || !strings.Contains(string(status), "1") {
		t.Errorf("a child's NoNewPrivs: %q (%v), want 1", status, err)
	}
	if d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0); err != nil || d != 0 {
		t.Errorf("dumpable %d (%v), want 0", d, err)
	}
}
