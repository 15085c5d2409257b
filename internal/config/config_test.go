package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/report"
)

func TestParse(t *testing.T) {
	c, err := Parse([]byte(`# thresholds for a codec package
alpha: 0.01
confidence: 0.9
false-alarm-control: none
units:
  frames/s: {better: higher}
  ns/frame:
    better: lower
thresholds:
  - unit: ns/op          # tidied to sec/op, as benchfmt does
    max: 3%
  - benchmark: '^Decode/'
    package: 'codec$'
    max: 12.5%
noise-multiple: 2.5
`), "benchgate.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Alpha != 0.01 || c.Confidence != 0.9 || c.FalseAlarmControl != report.NoControl || c.NoiseMultiple != 2.5 {
		t.Errorf("settings %v %v %v %v", c.Alpha, c.Confidence, c.FalseAlarmControl, c.NoiseMultiple)
	}
	if c.Better["frames/s"] != 1 || c.Better["sec/frame"] != -1 {
		t.Errorf("directions %v", c.Better)
	}
	for _, tt := range []struct {
		pkg, bench, unit string
		want             float64
	}{
		{"example.com/codec", "Decode/size=1-8", "sec/op", 12.5},
		{"example.com/codec", "Encode-8", "sec/op", 3},
		{"example.com/other", "Decode/size=1-8", "sec/op", 3},
		{"example.com/other", "Encode-8", "allocs/op", 0},
		{"example.com/other", "Encode-8", "B/op", 5},
	} {
		if got := c.ThresholdFor(tt.pkg, tt.bench, tt.unit); got != tt.want {
			t.Errorf("ThresholdFor(%s, %s, %s) = %v, want %v", tt.pkg, tt.bench, tt.unit, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // each must appear in the error
	}{
		{"unknown key", "alpah: 0.05\n", []string{"benchgate.yml:1: alpah: unknown key; expected one of alpha, confidence, false-alarm-control, units, thresholds, noise-multiple"}},
		{"alpha out of range", "alpha: 5\n", []string{`benchgate.yml:1: alpha: expected a significance level such as 0.05 (between 0 and 1), got "5"`}},
		{"confidence not a number", "\nconfidence: high\n", []string{`benchgate.yml:2: confidence: expected a confidence level such as 0.95 (between 0 and 1), got "high"`}},
		{"bad control", "false-alarm-control: bonferroni\n", []string{`benchgate.yml:1: false-alarm-control: expected benjamini-hochberg or none, got "bonferroni"`}},
		{"percent without %", "thresholds:\n  - unit: sec/op\n    max: 0.05\n", []string{`benchgate.yml:3: thresholds[0].max: expected a percentage such as "5%", got "0.05"`}},
		{"negative percent", "thresholds:\n  - max: -5%\n", []string{`benchgate.yml:2: thresholds[0].max: expected a percentage such as "5%", got "-5%"`}},
		{"missing max", "thresholds:\n  - unit: sec/op\n", []string{`benchgate.yml:2: thresholds[0]: missing "max"`}},
		{"bad regexp", "thresholds:\n  - benchmark: '(['\n    max: 5%\n", []string{"benchgate.yml:2: thresholds[0].benchmark: expected a regular expression: error parsing regexp"}},
		{"thresholds not a list", "thresholds:\n  unit: sec/op\n", []string{"benchgate.yml:2: thresholds: expected a list of rules"}},
		{"rule key typo", "thresholds:\n  - {unti: sec/op, max: 5%}\n", []string{"benchgate.yml:2: thresholds[0].unti: unknown key; expected one of unit, benchmark, package, max"}},
		{"bad direction", "units:\n  score: {better: more}\n", []string{`benchgate.yml:2: units.score.better: expected higher or lower, got "more"`}},
		{"duplicate key", "alpha: 0.05\nalpha: 0.01\n", []string{"benchgate.yml:2: alpha: set twice (first on line 1)"}},
		{"not a mapping", "- alpha\n", []string{"benchgate.yml:1: expected a mapping of keys"}},
		{"YAML syntax", "alpha: 0.05\n  confidence: 0.9\n", []string{"benchgate.yml:2: mapping values are not allowed in this context"}},
		{"noise multiple not a number", "noise-multiple: three\n", []string{`benchgate.yml:1: noise-multiple: expected a number of spreads such as 3, or 0 for off (at most 100), got "three"`}},
		{"noise multiple negative", "noise-multiple: -1\n", []string{`benchgate.yml:1: noise-multiple: expected a number of spreads`}},
		{"several at once", "alpha: 2\nconfidence: 3\n", []string{"benchgate.yml:1: alpha", "benchgate.yml:2: confidence"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "benchgate.yml")
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "benchgate.yml")
	c, err := Load(missing, false)
	if err != nil || c.File != "" || c.Alpha != 0.05 {
		t.Errorf("absent default file: %+v, %v; want the defaults", c, err)
	}
	if _, err := Load(missing, true); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("absent named file: error %v, want one naming it", err)
	}
	if err := os.WriteFile(missing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(missing, true); err != nil || c.File != missing || len(c.Thresholds) != len(Default().Thresholds) {
		t.Errorf("empty file: %+v, %v; want the defaults, read from the file", c, err)
	}
}

func TestLongRegexp(t *testing.T) {
	_, err := Parse([]byte("thresholds:\n  - benchmark: '"+strings.Repeat("a", 3000)+"'\n    max: 5%\n"), "benchgate.yml")
	if err == nil || !strings.Contains(err.Error(), "benchgate.yml:2: thresholds[0].benchmark: expected a regular expression of at most 2048 bytes, got 3000") {
		t.Errorf("err %v", err)
	}
}
