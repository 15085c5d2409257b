package comment

import (
	"fmt"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/benchgate/benchgate/internal/report"
)

// revision describes one side's revision in a line: the short SHA, what was asked for, and
// whether uncommitted changes were measured.
func revision(r report.Revision) string {
	s := r.SHA
	if len(s) > 12 {
		s = s[:12]
	}
	switch {
	case r.Dirty:
		return "working tree on " + s + " (uncommitted changes)"
	case r.Ref == "":
		return "working tree on " + s
	}
	return s + " (" + r.Ref + ")"
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
	parts = append(parts, m.OS+"/"+m.Arch, m.GoVersion)
	if len(m.LoadBefore) > 0 {
		parts = append(parts, fmt.Sprintf("load %.2f before", m.LoadBefore[0]))
	}
	if m.OtherCPU > 0 {
		parts = append(parts, fmt.Sprintf("other work up to %.2f cores", m.OtherCPU))
	}
	return strings.Join(parts, ", ")
}

// runLines describes how a run measured, one fact per line.
func runLines(run *report.Run) []string {
	rounds := fmt.Sprintf("%d rounds", run.Rounds)
	if run.Rounds != run.Count {
		rounds = fmt.Sprintf("%d of %d rounds", run.Rounds, run.Count)
	}
	benchtime := run.Benchtime
	if benchtime == "" {
		benchtime = "1s"
	}
	return []string{
		"base: " + revision(run.Base),
		"head: " + revision(run.Head),
		"machine: " + machine(run.Machine),
		fmt.Sprintf("schedule: %s, -bench %s, -benchtime %s, --seed %d", rounds, run.Bench, benchtime, run.Seed),
		fmt.Sprintf("time: %.1fs in all, %.1fs building, %.1fs in rounds of which %.1fs in benchmark processes", run.WallSeconds, run.BuildSeconds, run.RoundsSeconds, run.ProcessesSeconds),
	}
}

// processRows are the per-process resource rows: package, side, runs, and the medians.
func processRows(run *report.Run) [][]string {
	var rows [][]string
	for _, p := range run.Processes {
		rows = append(rows, []string{p.Package, p.Side, fmt.Sprint(p.Runs),
			fmt.Sprintf("%.3fs", p.WallSeconds), fmt.Sprintf("%.3fs", p.CPUSeconds),
			benchunit.Scale(float64(p.PeakRSSBytes), benchunit.Binary) + "B"})
	}
	return rows
}
