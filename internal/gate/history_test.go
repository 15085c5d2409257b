package gate

import (
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/report"
)

func TestMachineDifference(t *testing.T) {
	runner := report.Machine{CPUModel: "AMD EPYC 7763", LogicalCores: 4, GoVersion: "go1.26.8"}
	other := report.Machine{CPUModel: "Intel Xeon Platinum 8370C", LogicalCores: 2, GoVersion: "go1.26.8"}
	records := func(ms ...report.Machine) *History {
		h := &History{}
		for _, m := range ms {
			h.Records = append(h.Records, baseline.Record{Machine: m})
		}
		return h
	}
	tests := []struct {
		name string
		h    *History
		want string // "" for no difference
	}{
		{"the same machine", records(runner, runner), ""},
		{"records without a fingerprint", records(report.Machine{}, runner), ""},
		{"another CPU", records(runner, other, other), "2 of the 3 recorded commits the history shows were measured on another machine than this runner (e.g. Intel Xeon Platinum 8370C, 2 cores, go1.26.8; this runner: AMD EPYC 7763, 4 cores, go1.26.8)"},
		{"another Go", records(report.Machine{CPUModel: runner.CPUModel, LogicalCores: 4, GoVersion: "go1.25.1"}), "1 of the 1 recorded commits"},
	}
	for _, tt := range tests {
		got := tt.h.machineDifference(runner)
		if tt.want == "" && got != "" || tt.want != "" && !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
