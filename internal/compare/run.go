package compare

import (
	"fmt"

	"github.com/benchgate/benchgate/internal/report"
)

// ApplyRun adds how the results were measured to a report of gate run, and settles the verdicts
// that depend on it:
//
//   - every comparison of a package whose benchmarks failed on a side is failed: its samples on
//     that side stop at the failure, so they prove nothing either way;
//   - a package's process row (peak RSS) is inconclusive when the package ran different
//     benchmarks on the two sides, since the process then did different work.
func ApplyRun(rep *report.Report, run *report.Run) {
	rep.Run = run
	failed := map[string][]report.Failure{}
	for _, f := range run.Failures {
		failed[f.Package] = append(failed[f.Package], f)
	}
	changedSet := map[string]bool{}
	for _, c := range rep.Comparisons {
		if c.Benchmark != report.ProcessBenchmark && (c.Verdict == report.New || c.Verdict == report.Removed) {
			changedSet[c.Config["pkg"]] = true
		}
	}
	for i := range rep.Comparisons {
		c := &rep.Comparisons[i]
		pkg := c.Config["pkg"]
		if fs := failed[pkg]; len(fs) > 0 {
			c.Verdict = report.Failed
			c.Reason = failureReason(fs)
			continue
		}
		if c.Benchmark == report.ProcessBenchmark && changedSet[pkg] && c.Verdict != report.New && c.Verdict != report.Removed {
			c.Verdict = report.Inconclusive
			c.Reason = "the package ran different benchmarks on base and head, so its processes did different work"
		}
	}
	rep.Tally()
}

func failureReason(fs []report.Failure) string {
	f := fs[0]
	where := f.Side
	if len(fs) > 1 {
		where = "both sides"
	}
	bench := ""
	if f.Benchmark != "" {
		bench = " in Benchmark" + f.Benchmark
	}
	return fmt.Sprintf("the package's benchmarks failed on %s%s in round %d: %s", where, bench, f.Round, f.Message)
}
