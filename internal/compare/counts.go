package compare

import (
	"fmt"
	"strings"

	"github.com/benchgate/benchgate/internal/report"
)

// markTimeWithoutWork notes, on each regression in time of a run that also counted (--measure
// both), when the same benchmark's instructions/op and est-cycles/op did not move: the time
// moved without the work the code does, as it does with the binary's layout or the machine.
// It still fails the gate: counting cannot see what only time shows (system calls, waiting,
// contention, memory beyond the simulated caches), so a time regression with flat counts may
// be real. The note tells the reader which of the two to suspect.
func markTimeWithoutWork(rep *report.Report) {
	type key struct{ pkg, name, unit string }
	counts := map[key]*report.Comparison{}
	for i := range rep.Comparisons {
		c := &rep.Comparisons[i]
		if c.Instrument == report.MeasureInstructions {
			counts[key{c.Config["pkg"], report.WithoutProcs(c.Benchmark), c.Unit}] = c
		}
	}
	if len(counts) == 0 {
		return
	}
	for i := range rep.Comparisons {
		c := &rep.Comparisons[i]
		if c.Unit != "sec/op" || c.Verdict != report.Regression {
			continue
		}
		name := report.WithoutProcs(c.Benchmark)
		var moved []string
		flat := true
		for _, unit := range []string{report.InstructionsUnit, report.EstCyclesUnit} {
			n := counts[key{c.Config["pkg"], name, unit}]
			if n == nil || n.DeltaPercent == nil {
				flat = false
				break
			}
			if n.Verdict == report.Regression || n.Verdict == report.Improvement {
				flat = false
			}
			moved = append(moved, fmt.Sprintf("%s %+.2f%%", unit, *n.DeltaPercent))
		}
		if flat {
			c.Warnings = append(c.Warnings, fmt.Sprintf("the counts did not move (%s): the time moved without the work, as with the binary's layout or the machine; or in what counting cannot see (system calls, waiting, contention, memory)", strings.Join(moved, ", ")))
		}
	}
}
