package benchexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"time"

	"github.com/benchgate/benchgate/internal/procenv"
	"github.com/benchgate/benchgate/internal/sandbox"
)

// maxOutput caps what one benchmark process may print: past it the output is cut with a warning
// rather than held in memory.
const maxOutput = 64 << 20

// tailSize is how much of a failed process's output a failure keeps.
const tailSize = 4 << 10

// capped keeps the first max bytes written to it and counts the rest.
type capped struct {
	buf     bytes.Buffer
	max     int
	dropped int64
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if room >= len(p) {
		return c.buf.Write(p)
	}
	if room > 0 {
		c.buf.Write(p[:room])
	}
	c.dropped += int64(len(p) - max(room, 0))
	return len(p), nil
}

// tail keeps the last n bytes written to it.
type tail struct {
	buf []byte
	n   int
	cut bool // bytes before buf were dropped
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.n {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.n:]...)
		t.cut = true
	}
	return len(p), nil
}

func (t *tail) String() string {
	if len(t.buf) > t.n || t.cut {
		return "..." + string(t.buf[max(0, len(t.buf)-t.n):])
	}
	return string(t.buf)
}

// usage is what one run of a process cost.
type usage struct {
	wall, cpu time.Duration
	peakRSS   uint64 // bytes; 0 where the platform does not report it (see peakRSSMeasured)
}

// outcome is one run of a benchmark binary.
type outcome struct {
	stdout  []byte
	dropped int64 // bytes of standard output past maxOutput
	usage   usage
	// failure is set when the process did not exit cleanly: it failed, panicked or timed out.
	failure string
	tail    string
}

// runBinary runs a test binary with args in dir, in a process group of its own where the
// platform has them (see startInGroup), so that a timeout or a cancellation kills everything it
// started. It runs as user where that is not nil: the code is untrusted.
func runBinary(ctx context.Context, env []string, user *sandbox.User, dir, path string, args []string, timeout time.Duration) outcome {
	pctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		pctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(pctx, path, args...)
	cmd.Dir, cmd.Env = dir, procenv.Child(env) // Run filtered it already; untrusted code gets no credential whoever calls
	startInGroup(cmd)
	user.Apply(cmd)
	// A child that keeps the output pipes open must not keep Wait waiting.
	cmd.WaitDelay = time.Second
	stdout := &capped{max: maxOutput}
	last := &tail{n: tailSize}
	cmd.Stdout = writers{stdout, last}
	cmd.Stderr = last

	start := time.Now()
	err := cmd.Start()
	if err != nil {
		return outcome{failure: err.Error()}
	}
	err = cmd.Wait()
	o := outcome{stdout: stdout.buf.Bytes(), dropped: stdout.dropped, tail: last.String()}
	o.usage.wall = time.Since(start)
	// Whatever the benchmark left running in its group goes with it.
	killGroup(cmd)
	o.usage.cpu, o.usage.peakRSS = processUsage(cmd.ProcessState)
	switch {
	case err == nil && zeroIterations.Match(o.stdout):
		// A benchmark that panics on another goroutine can race the testing package's result
		// line: the process prints "0 NaN ns/op" and, now and then, exits 0 before the panic
		// kills it. No iteration ran, so it failed.
		o.failure = "a benchmark ran no iteration (it panicked or stopped before its first one finished)"
	case errors.Is(pctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil:
		o.failure = fmt.Sprintf("killed after the %v timeout", timeout)
	case ctx.Err() != nil:
		o.failure = "cancelled"
	case err != nil:
		o.failure = err.Error()
	}
	return o
}

// writers writes to each of its writers; unlike io.MultiWriter it never stops early.
type writers []interface{ Write([]byte) (int, error) }

func (ws writers) Write(p []byte) (int, error) {
	for _, w := range ws {
		w.Write(p)
	}
	return len(p), nil
}

// Ways a failed benchmark shows in the output, most telling first: the testing package reports
// it as failed; it started and printed no result (a panic or a timeout in the middle of it); it
// printed a result of zero iterations (a panic racing the result line); its function is in a
// panic's stack trace.
var failedBenchmark = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^--- FAIL: Benchmark(\S+)`),
	regexp.MustCompile(`(?m)^Benchmark(\S+)[ \t]*$`),
	zeroIterations,
	regexp.MustCompile(`(?m)^\S+\.Benchmark(\w*)\(`),
}

// zeroIterations is a result line of no iteration.
var zeroIterations = regexp.MustCompile(`(?m)^Benchmark(\S+)\s+0\s`)

// failingBenchmark tells which benchmark failed from a failed process's output, or "" when it
// cannot be told.
func failingBenchmark(output []byte) string {
	for _, re := range failedBenchmark {
		if m := re.FindAllSubmatch(output, -1); len(m) > 0 {
			return string(m[len(m)-1][1])
		}
	}
	return ""
}
