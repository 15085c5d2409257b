//go:build windows

package benchexec

import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

// exeSuffix is the file name suffix of an executable, which the go command adds to the test
// binaries it names itself (go test -c -o DIR/).
const exeSuffix = ".exe"

// peakRSSMeasured tells whether processUsage reports peak RSS: not on Windows, whose
// GetProcessTimes (what Go's ProcessState carries) has no memory figure. Runs on Windows have no
// [process] peak-RSS-bytes results, and the report's peak RSS is 0.
const peakRSSMeasured = false

// startInGroup makes the cancellation (a timeout) kill cmd's process. Windows has no process
// group a signal could kill, so processes the benchmark started itself are not killed; they no
// longer hold up the run, as Wait stops waiting for the output pipes after WaitDelay.
func startInGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Kill() }
}

// killGroup does nothing: see startInGroup.
func killGroup(*exec.Cmd) {}

// processUsage is the CPU time (user and kernel) of an exited process. The peak resident set
// size is not available (0).
func processUsage(ps *os.ProcessState) (cpu time.Duration, peakRSS uint64) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0
	}
	return filetimeDuration(ru.UserTime) + filetimeDuration(ru.KernelTime), 0
}

// filetimeDuration reads a FILETIME that holds a duration, in 100-nanosecond intervals
// (Filetime.Nanoseconds would count from 1601 and subtract the Unix epoch).
func filetimeDuration(ft syscall.Filetime) time.Duration {
	return time.Duration(uint64(ft.HighDateTime)<<32|uint64(ft.LowDateTime)) * 100
}
