package compare

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/benchgate/benchgate/internal/report"
)

// applyRun settles the verdicts that depend on how the run went:
//
//   - every comparison of a benchmark that failed on a side is failed: its samples on that side
//     stop at the failure, so they prove nothing either way. When the run gave each benchmark
//     function processes of its own, that is the function's comparisons; otherwise the whole
//     package's, since its binary stopped at the failure;
//   - a package's process row (peak RSS) is inconclusive when the package ran different
//     benchmarks on the two sides, since the process then did different work.
func applyRun(cmps []report.Comparison, run *report.Run) {
	failed := map[report.Func][]report.Failure{}
	for _, f := range run.Failures {
		key := report.Func{Package: f.Package}
		if run.Interleave == report.InterleaveBenchmark {
			key.Name = f.Benchmark
			// The package's processes did not all do their work on that side.
			proc := report.Func{Package: f.Package, Name: report.ProcessBenchmark}
			failed[proc] = append(failed[proc], f)
		}
		failed[key] = append(failed[key], f)
	}
	changedSet := map[string]bool{}
	for _, c := range cmps {
		if c.Benchmark != report.ProcessBenchmark && (c.Verdict == report.New || c.Verdict == report.Removed) {
			changedSet[c.Config["pkg"]] = true
		}
	}
	for i := range cmps {
		c := &cmps[i]
		pkg := c.Config["pkg"]
		key := report.Func{Package: pkg}
		if run.Interleave == report.InterleaveBenchmark {
			key.Name = baseName(c.Benchmark)
		}
		if fs := failed[key]; len(fs) > 0 {
			c.Verdict = report.Failed
			c.Reason = failureReason(fs)
			continue
		}
		if c.Benchmark == report.ProcessBenchmark && changedSet[pkg] && c.Verdict != report.New && c.Verdict != report.Removed {
			c.Verdict = report.Inconclusive
			c.Reason = "the package ran different benchmarks on base and head, so its processes did different work"
		}
	}
}

// baseName is a benchmark's function name without "Benchmark": its full name without the
// sub-benchmarks and the -GOMAXPROCS suffix.
func baseName(full string) string {
	name, _, _ := strings.Cut(full, "/")
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
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
