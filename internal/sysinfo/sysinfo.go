// Package sysinfo describes the machine a run measured on: the fingerprint stored with every
// report and baseline (so that numbers from different machines are never silently compared),
// and the load, which tells whether other work competed with the benchmarks.
package sysinfo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/load"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/benchgate/benchgate/internal/report"
)

// Fingerprint describes this machine. goVersion is the version of the toolchain that builds the
// benchmarks, which need not be the one gate was built with. The load is read now, as the load
// before the run; fields that cannot be read stay empty.
func Fingerprint(ctx context.Context, goVersion string) report.Machine {
	m := report.Machine{
		OS:             runtime.GOOS,
		Arch:           runtime.GOARCH,
		GoVersion:      goVersion,
		CgroupCPULimit: CgroupCPULimit("/sys/fs/cgroup"),
		LoadBefore:     Load(ctx),
	}
	if infos, err := cpu.InfoWithContext(ctx); err == nil && len(infos) > 0 {
		m.CPUModel = strings.TrimSpace(infos[0].ModelName)
	}
	if n, err := cpu.CountsWithContext(ctx, true); err == nil {
		m.LogicalCores = n
	}
	if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		m.MemoryBytes = vm.Total
	}
	return m
}

// Load returns the 1, 5 and 15 minute load averages, or nil where the system has none.
func Load(ctx context.Context) []float64 {
	a, err := load.AvgWithContext(ctx)
	if err != nil {
		return nil
	}
	return []float64{a.Load1, a.Load5, a.Load15}
}

// CgroupCPULimit returns the CPU limit, in cores, that the cgroup this process runs in puts on
// it (cgroup v2 cpu.max, or v1 cpu.cfs_quota_us over cpu.cfs_period_us), or 0 when there is none.
// A container limited to 1.5 cores on a 64-core host measures like a 1.5-core machine.
func CgroupCPULimit(root string) float64 {
	if data, err := os.ReadFile(filepath.Join(root, "cpu.max")); err == nil {
		f := strings.Fields(string(data))
		if len(f) == 2 && f[0] != "max" {
			return ratio(f[0], f[1])
		}
		return 0
	}
	quota, err1 := os.ReadFile(filepath.Join(root, "cpu", "cpu.cfs_quota_us"))
	period, err2 := os.ReadFile(filepath.Join(root, "cpu", "cpu.cfs_period_us"))
	if err1 != nil || err2 != nil {
		return 0
	}
	return ratio(strings.TrimSpace(string(quota)), strings.TrimSpace(string(period)))
}

func ratio(quota, period string) float64 {
	q, err1 := strconv.ParseFloat(quota, 64)
	p, err2 := strconv.ParseFloat(period, 64)
	if err1 != nil || err2 != nil || q <= 0 || p <= 0 {
		return 0
	}
	return q / p
}

// Busy returns a warning when the load average, before, after or during the run (the 1-minute
// averages in during), was above the cores the run had: then other work competed with the
// benchmarks, and their numbers are noisier than usual. It returns "" otherwise.
func Busy(m report.Machine, during ...float64) string {
	cores := float64(m.LogicalCores)
	if m.CgroupCPULimit > 0 && m.CgroupCPULimit < cores {
		cores = m.CgroupCPULimit
	}
	if cores == 0 {
		return ""
	}
	worst := 0.0
	for _, l := range during {
		worst = max(worst, l)
	}
	for _, l := range [][]float64{m.LoadBefore, m.LoadAfter} {
		if len(l) > 0 {
			worst = max(worst, l[0])
		}
	}
	if worst <= cores {
		return ""
	}
	return fmt.Sprintf("the machine was busy: load average %.2f on %g cores; other work competed with the benchmarks, so their numbers are noisier than usual", worst, cores)
}
