package comment

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/benchgate/benchgate/internal/report"
)

// style renders the pieces of a line for one medium: esc makes measured text safe, sha shows a
// commit (a link, on GitHub).
type style struct {
	esc func(string) string
	sha func(string) string
}

var plain = style{esc: printable, sha: func(sha string) string { return printable(report.ShortSHA(sha)) }}

// revision describes one side's revision in a line: the short SHA, what was asked for, and
// whether uncommitted changes were measured.
func (st style) revision(r report.Revision) string {
	s := st.sha(r.SHA)
	switch {
	case r.Dirty:
		return "working tree on " + s + " (uncommitted changes)"
	case r.Ref == "":
		return "working tree on " + s
	}
	return s + " (" + st.esc(r.Ref) + ")"
}

// machine describes the machine in a line.
func machine(m report.Machine) string {
	parts := []string{}
	if m.CPUModel != "" {
		parts = append(parts, m.CPUModel)
	}
	cores := fmt.Sprintf("%d cores", m.LogicalCores)
	if m.CgroupCPULimit > 0 {
		cores += fmt.Sprintf(" (cgroup limit %g)", m.CgroupCPULimit)
	}
	parts = append(parts, cores)
	if m.MemoryBytes > 0 {
		parts = append(parts, benchunit.Scale(float64(m.MemoryBytes), benchunit.Binary)+"B")
	}
	parts = append(parts, m.OS+"/"+m.Arch)
	if m.GoVersion != "" { // none for another harness's command
		parts = append(parts, m.GoVersion)
	}
	if len(m.LoadBefore) > 0 {
		parts = append(parts, fmt.Sprintf("load %.2f before", m.LoadBefore[0]))
	}
	if m.OtherCPU > 0 {
		parts = append(parts, fmt.Sprintf("other work up to %.2f cores", m.OtherCPU))
	}
	return strings.Join(parts, ", ")
}

// runLines describes how a run measured, one fact per line.
func (st style) runLines(run *report.Run) []string {
	rounds := fmt.Sprintf("%d rounds", run.Rounds)
	switch {
	case run.Rounds > run.Count:
		rounds = fmt.Sprintf("%d rounds, then extra rounds to %d", run.Count, run.Rounds)
	case run.Rounds != run.Count:
		rounds = fmt.Sprintf("%d of %d rounds", run.Rounds, run.Count)
	}
	benchtime := run.Benchtime
	if benchtime == "" {
		benchtime = "1s"
	}
	schedule := fmt.Sprintf("schedule: %s, -bench %s, -benchtime %s, --seed %d", rounds, run.Bench, benchtime, run.Seed)
	switch {
	case run.Command != "":
		schedule = fmt.Sprintf("schedule: %s of the %s command %q, --seed %d", rounds, orDetected(run.Harness), run.Command, run.Seed)
		if run.Interleave == report.InterleaveBenchmark {
			schedule += "; each benchmark's base and head back to back, in pairs"
		} else {
			schedule += "; the whole command's base and head back to back, a pair per round"
		}
	case run.Interleave == report.InterleaveBenchmark:
		schedule += "; each benchmark's base and head back to back, in pairs"
		if run.FixedIterations {
			schedule += " at the iteration count of the first round"
		}
	case run.Interleave == report.InterleavePackage:
		schedule += "; each package's benchmarks in one process per side and round"
	}
	if len(run.Extra) > 0 {
		funcs := map[report.Func]bool{}
		for _, look := range run.Extra {
			for _, f := range look {
				funcs[f] = true
			}
		}
		schedule += fmt.Sprintf("; extra rounds for %s still undecided, up to %d pairs (looks after rounds %s)", plural(len(funcs), "benchmark"), run.MaxCount, joinInts(run.Looks))
	}
	timing := fmt.Sprintf("time: %.1fs in all, %.1fs building, %.1fs in rounds of which %.1fs in benchmark processes", run.WallSeconds, run.BuildSeconds, run.RoundsSeconds, run.ProcessesSeconds)
	if run.BenchmarkSeconds > 0 {
		timing += fmt.Sprintf(" and %.1fs in the benchmarks' timed loops; a process starts in %.0fms", run.BenchmarkSeconds, 1000*run.StartupSeconds)
	}
	if run.RetainedSeconds > 0 {
		timing += fmt.Sprintf("; %.1fs measuring retained-B/op", run.RetainedSeconds)
	}
	return []string{
		"base: " + st.revision(run.Base),
		"head: " + st.revision(run.Head),
		"machine: " + st.esc(machine(run.Machine)),
		st.esc(schedule),
		st.esc(timing),
	}
}

// orDetected names a harness format, "" when none was detected.
func orDetected(harness string) string {
	if harness == "" {
		return "benchmark"
	}
	return harness
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// detectable says how small a change the run's pairs could catch: the range of pair counts, and
// the median of the comparisons' smallest detectable change in time; "" without pairs.
func detectable(r *report.Report) string {
	var sizes []float64
	lo, hi := math.MaxInt, 0
	for _, c := range r.Comparisons {
		if c.Paired == nil || c.Paired.DetectablePercent == nil || c.Unit != "sec/op" {
			continue
		}
		sizes = append(sizes, *c.Paired.DetectablePercent)
		lo, hi = min(lo, c.Paired.N), max(hi, c.Paired.N)
	}
	if len(sizes) == 0 {
		return ""
	}
	slices.Sort(sizes)
	pairs := fmt.Sprintf("%d pairs", lo)
	if hi > lo {
		pairs = fmt.Sprintf("%d–%d pairs", lo, hi)
	}
	return fmt.Sprintf("on this runner, with %s, changes in time above %.1f%% (the median over the benchmarks; from %.1f%% to %.1f%%) were detectable", pairs, sizes[len(sizes)/2], sizes[0], sizes[len(sizes)-1])
}

// processRows are the per-process resource rows: package, side, runs, and the medians.
func processRows(run *report.Run) [][]string {
	var rows [][]string
	for _, p := range run.Processes {
		rows = append(rows, []string{p.Package, string(p.Side), fmt.Sprint(p.Runs),
			fmt.Sprintf("%.3fs", p.WallSeconds), fmt.Sprintf("%.3fs", p.CPUSeconds),
			benchunit.Scale(float64(p.PeakRSSBytes), benchunit.Binary) + "B"})
	}
	return rows
}

// settings describes the statistics and thresholds in a line: the rules for a unit the report
// has no comparison in (the counts' in a timed run) are left out.
func settings(r *report.Report) string {
	s := r.Settings
	units := map[string]bool{}
	for _, c := range r.Comparisons {
		units[c.Unit] = true
	}
	control := "Benjamini–Hochberg"
	if s.FalseAlarmControl != report.BenjaminiHochberg {
		control = "no false-alarm control"
	}
	var rules []string
	for _, t := range s.Thresholds {
		if t.Unit != "" && !units[t.Unit] && report.InstrumentOf(t.Unit) == report.MeasureInstructions {
			continue
		}
		var scope []string
		for _, part := range []struct{ name, value string }{{"unit", t.Unit}, {"benchmark", t.Benchmark}, {"package", t.Package}} {
			if part.value != "" {
				scope = append(scope, part.name+" "+part.value)
			}
		}
		if len(scope) == 0 {
			scope = []string{"all"}
		}
		rules = append(rules, fmt.Sprintf("%s for %s", Threshold(t.MaxPercent), strings.Join(scope, ", ")))
	}
	line := fmt.Sprintf("settings: α=%v, %g%% intervals, %s; thresholds %s", s.Alpha, 100*s.Confidence, control, strings.Join(rules, "; "))
	if s.NoiseMultiple > 0 {
		line += fmt.Sprintf(", and past %v × the run-to-run spread of the benchmark's history", s.NoiseMultiple)
	}
	if s.ConfigFile != "" {
		line += " (from " + s.ConfigFile + ")"
	}
	return line
}
