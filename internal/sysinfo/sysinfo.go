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
		CgroupCPULimit: cgroupCPULimit("/sys/fs/cgroup"),
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

// cgroupCPULimit returns the CPU limit, in cores, that the cgroup this process runs in puts on
// it (cgroup v2 cpu.max, or v1 cpu.cfs_quota_us over cpu.cfs_period_us), or 0 when there is none.
// A container limited to 1.5 cores on a 64-core host measures like a 1.5-core machine.
func cgroupCPULimit(root string) float64 {
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

// Busy returns a warning when the load average before the run was above the cores the run had:
// other work was competing for the machine as the run began. (Once the run starts the load
// average counts the benchmarks themselves, which may use every core; see BusyCPU for what
// competes with them then.) It returns "" otherwise.
func Busy(m report.Machine) string {
	cores := float64(m.LogicalCores)
	if m.CgroupCPULimit > 0 && m.CgroupCPULimit < cores {
		cores = m.CgroupCPULimit
	}
	if cores == 0 || len(m.LoadBefore) == 0 || m.LoadBefore[0] <= cores {
		return ""
	}
	return fmt.Sprintf("the machine was busy as the run began: load average %.2f on %g cores; other work may compete with the benchmarks, making their numbers noisier than usual", m.LoadBefore[0], cores)
}

// BusyCPU returns the seconds of CPU time all cores have spent busy since boot: in user and
// system code, niced, serving interrupts, or stolen by a hypervisor. Read before and after a
// round, less the CPU time of the round's own processes, it tells how much other work competed
// with the benchmarks. ok is false where it cannot be read.
func BusyCPU(ctx context.Context) (seconds float64, ok bool) {
	t, err := cpu.TimesWithContext(ctx, false)
	if err != nil || len(t) == 0 {
		return 0, false
	}
	return t[0].User + t[0].System + t[0].Nice + t[0].Irq + t[0].Softirq + t[0].Steal, true
}
