//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// The timeout test checks that the benchmark's own child process dies with it, which only a Unix
// process group does (on Windows gate kills the benchmark's process alone).

// TestRunTimeout runs a benchmark that starts a child process and hangs: past --timeout both must
// be killed, and the other package must still be measured.
func TestRunTimeout(t *testing.T) {
	repo := gittest.NewRepo(t)
	pidFile := filepath.Join(gittest.SharedTempDir(t), "pid")
	t.Setenv("BENCHGATE_TEST_PIDFILE", pidFile)
	files := tiny(1000, "")
	files["hang/hang_test.go"] = `package hang

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

func BenchmarkHang(b *testing.B) {
	cmd := exec.Command("sleep", "300")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(os.Getenv("BENCHGATE_TEST_PIDFILE"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
	time.Sleep(time.Hour) // a blocked select would be a deadlock the runtime reports
}
`
	gittest.WriteFiles(t, repo, files)
	base := gittest.Commit(t, repo, "base")
	out := t.TempDir()
	start := time.Now()
	code, _, stderr := runGate(t, repo, "run", "--base", base, "--head", base, "--count", "4", "--benchtime", "10x", "--timeout", "2s", "--out", out, "--config", looseTime(t))
	if took := time.Since(start); took > 60*time.Second {
		t.Errorf("the run took %v; the timeout did not stop the hanging benchmark", took)
	}
	if code != exitPass { // it hangs on both sides: not the change's fault
		t.Fatalf("exit %d, want %d\n%s", code, exitPass, stderr)
	}
	r := readReport(t, out)
	var msgs []string
	for _, f := range r.Run.Failures {
		msgs = append(msgs, string(f.Side)+": "+f.Message)
		if !strings.HasSuffix(f.Package, "/hang") || !strings.Contains(f.Message, "killed after the 2s timeout") {
			t.Errorf("failure %+v", f)
		}
	}
	if len(msgs) != 2 {
		t.Errorf("failures %v, want the hang on both sides", msgs)
	}
	if v := verdicts(r)["tiny A-"+suffix(r)+" sec/op"]; v != "" && v != report.Inconclusive {
		t.Errorf("the other package: %s", v)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(string(data))
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the benchmark's child process %d outlived the timeout", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	gittest.CheckClean(t, repo)
}
