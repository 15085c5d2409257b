//go:build unix

package benchexec

import (
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

// exeSuffix is the file name suffix of an executable: none.
const exeSuffix = ""

// peakRSSMeasured tells whether processUsage reports peak RSS: getrusage does.
const peakRSSMeasured = true

// startInGroup starts cmd's process in a process group of its own, and makes the cancellation
// (a timeout) kill the whole group, so that what the benchmark started dies with it.
func startInGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// killGroup kills whatever cmd's process left running in its group after it exited.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// processUsage is the CPU time (user and system) and the peak resident set size, in bytes, of
// an exited process, from its rusage. ru_maxrss counts bytes on macOS and iOS, and kilobytes on
// Linux and the other Unix systems.
func processUsage(ps *os.ProcessState) (cpu time.Duration, peakRSS uint64) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	peakRSS = uint64(ru.Maxrss)
	if runtime.GOOS != "darwin" && runtime.GOOS != "ios" {
		peakRSS *= 1024
	}
	return cpu, peakRSS
}
