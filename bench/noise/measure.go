package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"
)

// sample is what one process reported: ns/op of each repetition, the iterations of the last,
// when it started and how long it took.
type sample struct {
	ns    []float64
	iters int
	start time.Time
	wall  time.Duration
}

// lab runs the binaries, one process at a time.
type lab struct {
	bins binaries
	cpu  int  // -test.cpu of every run, so that a pinned process keeps the same GOMAXPROCS
	pin  bool // whether runs may be pinned with taskset
}

// pinCheck reports why pinning is impossible, or "" if taskset -c 0 runs A.
func pinCheck(a string) string {
	if _, err := exec.LookPath("taskset"); err != nil {
		return "taskset is not on PATH"
	}
	if out, err := exec.Command("taskset", "-c", "0", a, "-test.run=^$", "-test.bench=^$").CombinedOutput(); err != nil {
		return fmt.Sprintf("taskset -c 0 failed: %v %s", err, bytes.TrimSpace(out))
	}
	return ""
}

// run runs bench in one process of bin, count times with the given -test.benchtime, pinned to
// CPU 0 if pinned.
func (l *lab) run(bin, bench, benchtime string, count int, pinned bool) (sample, error) {
	args := []string{"-test.run=^$", "-test.bench=^" + bench + "$", "-test.benchtime=" + benchtime,
		"-test.count=" + strconv.Itoa(count), "-test.cpu=" + strconv.Itoa(l.cpu)}
	name := bin
	if pinned {
		name, args = "taskset", append([]string{"-c", "0", bin}, args...)
	}
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	s := sample{start: time.Now()}
	err := cmd.Run()
	s.wall = time.Since(s.start)
	if err != nil {
		return s, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.Bytes())
	}
	if s.ns, s.iters, err = parse(&out); err == nil && len(s.ns) != count {
		err = fmt.Errorf("%s: %d results, want %d\n%s", bench, len(s.ns), count, out.Bytes())
	}
	return s, err
}

// parse reads ns/op of every benchmark result in r and the iterations of the last.
func parse(r io.Reader) (ns []float64, iters int, err error) {
	rd := benchfmt.NewReader(r, "output")
	for rd.Scan() {
		res, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		v, ok := nsPerOp(res)
		if !ok {
			return nil, 0, fmt.Errorf("%s: no ns/op", res.Name)
		}
		ns, iters = append(ns, v), res.Iters
	}
	return ns, iters, rd.Err()
}

// nsPerOp is the raw ns/op of r, which the reader tidies to sec/op.
func nsPerOp(r *benchfmt.Result) (float64, bool) {
	for _, v := range r.Values {
		switch {
		case v.Unit == "ns/op":
			return v.Value, true
		case v.OrigUnit == "ns/op":
			return v.OrigValue, true
		}
	}
	return 0, false
}

// calibrate returns the iterations that make one run of bench last about target, from one run
// of -test.benchtime=target.
func (l *lab) calibrate(bench string, target time.Duration) (int, error) {
	s, err := l.run(l.bins.a, bench, target.String(), 1, false)
	if err != nil {
		return 0, err
	}
	return max(int(math.Round(float64(target.Nanoseconds())/s.ns[0])), 1), nil
}

// repeat runs procs processes of bin one after another, each running bench count times for n
// iterations.
func (l *lab) repeat(bin, bench string, n, procs, count int, pinned bool) ([]sample, error) {
	out := make([]sample, procs)
	for i := range out {
		var err error
		if out[i], err = l.run(bin, bench, strconv.Itoa(n)+"x", count, pinned); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pairs runs k pairs of back-to-back processes, one of x and one of y in random order, and
// returns the ns/op of each pair as (x, y).
func (l *lab) pairs(x, y, bench string, n, k int) ([][2]float64, error) {
	out := make([][2]float64, k)
	for i := range out {
		order := []int{0, 1}
		if rand.IntN(2) == 1 {
			order = []int{1, 0}
		}
		for _, j := range order {
			s, err := l.run([]string{x, y}[j], bench, strconv.Itoa(n)+"x", 1, false)
			if err != nil {
				return nil, err
			}
			out[i][j] = s.ns[0]
		}
	}
	return out, nil
}

// startup returns the wall time, in ms, of each of k processes of A that run no benchmark.
func (l *lab) startup(k int) ([]float64, error) {
	out := make([]float64, k)
	for i := range out {
		start := time.Now()
		if b, err := exec.Command(l.bins.a, "-test.run=^$", "-test.bench=^$").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("empty run: %v\n%s", err, b)
		}
		out[i] = float64(time.Since(start)) / 1e6
	}
	return out, nil
}
