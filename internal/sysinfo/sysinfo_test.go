package sysinfo

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/report"
)

func TestFingerprint(t *testing.T) {
	m := Fingerprint(context.Background(), "go1.26.8")
	if m.OS != runtime.GOOS || m.Arch != runtime.GOARCH || m.GoVersion != "go1.26.8" {
		t.Errorf("platform %s/%s %s", m.OS, m.Arch, m.GoVersion)
	}
	if m.LogicalCores != runtime.NumCPU() {
		t.Errorf("%d logical cores, runtime says %d", m.LogicalCores, runtime.NumCPU())
	}
	if m.MemoryBytes == 0 || m.CPUModel == "" {
		t.Errorf("memory %d, cpu model %q", m.MemoryBytes, m.CPUModel)
	}
	if runtime.GOOS == "linux" && len(m.LoadBefore) != 3 {
		t.Errorf("load %v, want three averages", m.LoadBefore)
	}
}

func TestCgroupCPULimit(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  float64
	}{
		{"v2 limited", map[string]string{"cpu.max": "150000 100000\n"}, 1.5},
		{"v2 unlimited", map[string]string{"cpu.max": "max 100000\n"}, 0},
		{"v1 limited", map[string]string{"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 2},
		{"v1 unlimited", map[string]string{"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, 0},
		{"none", nil, 0},
		{"garbage", map[string]string{"cpu.max": "lots\n"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range tt.files {
				path := filepath.Join(root, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := cgroupCPULimit(root); got != tt.want {
				t.Errorf("limit %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBusy(t *testing.T) {
	idle := report.Machine{LogicalCores: 2, LoadBefore: []float64{1.9, 0.4, 0.3}, LoadAfter: []float64{3.5, 1, 1}}
	if w := Busy(idle); w != "" {
		t.Errorf("idle before the run (the load after it is the benchmarks'): %q", w)
	}
	busy := idle
	busy.LoadBefore = []float64{3.5, 1, 1}
	if w := Busy(busy); !strings.Contains(w, "load average 3.50 on 2 cores") {
		t.Errorf("busy machine: %q", w)
	}
	limited := report.Machine{LogicalCores: 64, CgroupCPULimit: 1.5, LoadBefore: []float64{2, 2, 2}}
	if w := Busy(limited); !strings.Contains(w, "on 1.5 cores") {
		t.Errorf("cgroup-limited machine: %q", w)
	}
}

func TestBusyCPU(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/stat")
	}
	before, ok := BusyCPU(context.Background())
	if !ok {
		t.Fatal("cannot read busy CPU time")
	}
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
	}
	after, _ := BusyCPU(context.Background())
	// The loop kept one core busy for 0.3 s; the counters tick every 10 ms.
	if d := after - before; d < 0.2 {
		t.Errorf("busy CPU grew by %.2fs over 0.3s of a busy loop", d)
	}
}
