package main

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/cachegrind"
)

// spreadSettings are the runtime settings the spread of counts is measured under: the ones
// Valgrind needs, then with the collector marking with the world stopped, as benchgate counts.
var spreadSettings = []string{"cpu.rdtscp=off,asyncpreemptoff=1", benchexec.CountGODEBUG}

// countSpread measures how far the instructions per operation of identical runs spread, under
// each of spreadSettings, and with the two ways of cancelling start-up: one benchmark of each
// kind, N chosen so that N operations take target natively, -trials repetitions (at least 4) of
// the runs at N and 2N under cachegrind, as benchgate counted before, and, under its settings,
// of the runs it counts now, at 2 and 2+3N (the same operations in the difference, so the same
// cost); and, where the first spread most, the
// functions whose counts per operation differ most between the repetitions.
func (e experiment) countSpread(target time.Duration) error {
	bs := plan(len(kinds)) // one of each kind, all in p00; only the base is run
	s, cleanup, err := e.prepare(bs)
	if err != nil {
		return err
	}
	defer cleanup()
	bin := filepath.Join(filepath.Dir(s.baseDir), "p00.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./p00")
	build.Dir, build.Stderr = s.baseDir, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the fixture: %w", err)
	}
	reps := max(e.trials, 4)
	var md strings.Builder
	fmt.Fprintf(&md, "Spread of instructions/op over %d identical runs (highest minus lowest, over the lowest), N for %v natively, run %s\n\n", reps, target, time.Now().UTC().Format("2006-01-02"))
	md.WriteString("| kind | N | instructions/op | " + strings.Join(spreadSettings, " | ") + " | " + benchexec.CountGODEBUG + ", runs at 2 and 2+3N | where the first spread most |\n| :-- | --: | --: |" + strings.Repeat(" --: |", len(spreadSettings)+1) + " :-- |\n")
	for _, b := range bs {
		n, err := iterationsFor(bin, b.name, target)
		if err != nil {
			return err
		}
		fmt.Fprintf(&md, "| %s | %d |", b.kind, n)
		var cells []string
		var where string
		for i, settings := range spreadSettings {
			var per []cachegrind.PerOp
			for range reps {
				p, err := countOnce(bin, b.name, n, 2*n, settings)
				if err != nil {
					return err
				}
				per = append(per, p)
			}
			if i == 0 {
				fmt.Fprintf(&md, " %.0f |", slices.MinFunc(per, byInstructions).Instructions)
				where = mostVarying(per, 3)
			}
			cells = append(cells, fmt.Sprintf(" %.2f%% |", widthOf(per)))
		}
		var per []cachegrind.PerOp
		for range reps {
			p, err := countOnce(bin, b.name, 2, 2+3*n, benchexec.CountGODEBUG)
			if err != nil {
				return err
			}
			per = append(per, p)
		}
		cells = append(cells, fmt.Sprintf(" %.2f%% |", widthOf(per)))
		fmt.Fprintf(os.Stderr, "%s:%s\n", b.name, strings.Join(cells, ""))
		fmt.Fprintf(&md, "%s %s |\n", strings.Join(cells, ""), where)
	}
	fmt.Print(md.String())
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(e.out, "spread.md"), []byte(md.String()), 0o644)
}

func byInstructions(a, b cachegrind.PerOp) int { return cmp.Compare(a.Instructions, b.Instructions) }

// widthOf is how far the counts per spread: highest minus lowest, over the lowest, in percent.
func widthOf(per []cachegrind.PerOp) float64 {
	lo, hi := slices.MinFunc(per, byInstructions).Instructions, slices.MaxFunc(per, byInstructions).Instructions
	return 100 * (hi - lo) / lo
}

// nsPerOp finds a benchmark result's time per operation.
var nsPerOp = regexp.MustCompile(`\s([0-9.]+) ns/op`)

// iterationsFor is the N at which benchmark name takes target natively, as benchmark counts
// choose it.
func iterationsFor(bin, name string, target time.Duration) (int, error) {
	out, err := exec.Command(bin, "-test.run=^$", "-test.cpu=1", "-test.benchtime=100ms", "-test.bench=^Benchmark"+name+"$").Output()
	if err != nil {
		return 0, fmt.Errorf("timing %s: %w", name, err)
	}
	m := nsPerOp.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("timing %s: no ns/op in %q", name, out)
	}
	ns, _ := strconv.ParseFloat(string(m[1]), 64)
	return max(int(math.Ceil(float64(target)/ns)), 1), nil
}

// countOnce counts benchmark name at short and long iterations as benchgate does, but with
// GODEBUG settings, and gives the count per operation between them.
func countOnce(bin, name string, short, long int, settings string) (cachegrind.PerOp, error) {
	var outs [2]*cachegrind.Out
	for i, iters := range []int{short, long} {
		file := bin + ".cachegrind.out"
		cmd := exec.Command("valgrind", benchexec.CountArgs(file, bin, name, iters)...)
		cmd.Env = append(os.Environ(), "GODEBUG="+settings)
		if out, err := cmd.CombinedOutput(); err != nil {
			return cachegrind.PerOp{}, fmt.Errorf("counting %s: %w\n%s", name, err, out)
		}
		o, err := cachegrind.ReadFile(file)
		if err != nil {
			return cachegrind.PerOp{}, err
		}
		outs[i] = o
	}
	return cachegrind.Diff(outs[0], outs[1], long-short), nil
}

// mostVarying names the top functions whose instructions per operation differ most between
// the repetitions per, with their ranges.
func mostVarying(per []cachegrind.PerOp, top int) string {
	type fn struct {
		name  string
		width float64
	}
	seen := map[string]bool{}
	var fns []fn
	for _, p := range per {
		for name := range p.Funcs {
			if seen[name] {
				continue
			}
			seen[name] = true
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, q := range per {
				lo, hi = math.Min(lo, q.Funcs[name]), math.Max(hi, q.Funcs[name])
			}
			fns = append(fns, fn{name, hi - lo})
		}
	}
	slices.SortFunc(fns, func(a, b fn) int { return cmp.Compare(b.width, a.width) })
	var parts []string
	for _, f := range fns[:min(top, len(fns))] {
		parts = append(parts, fmt.Sprintf("`%s` %.0f", f.name, f.width))
	}
	return strings.Join(parts, ", ")
}
