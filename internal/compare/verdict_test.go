package compare_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// spread writes n results of a benchmark around center (±2%), one unit per line.
func spread(name string, n int, center float64, unit string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Benchmark%s\t1000\t%.4f %s\n", name, center*(0.98+0.04*float64(i)/float64(n)), unit)
	}
	return b.String()
}

func TestVerdicts(t *testing.T) {
	tests := []struct {
		name     string
		config   string // YAML; "" for the defaults
		old, new string
		bench    string
		unit     string
		want     report.Verdict
		gate     report.GateVerdict
	}{
		{name: "slower past 5%", old: spread("A", 10, 100, "ns/op"), new: spread("A", 10, 110, "ns/op"), bench: "A", unit: "sec/op", want: report.Regression, gate: report.Fail},
		{name: "faster past 5%", old: spread("A", 10, 100, "ns/op"), new: spread("A", 10, 80, "ns/op"), bench: "A", unit: "sec/op", want: report.Improvement, gate: report.Pass},
		{name: "slower within 5%", old: spread("A", 10, 100, "ns/op"), new: spread("A", 10, 104, "ns/op"), bench: "A", unit: "sec/op", want: report.WithinThreshold, gate: report.Pass},
		{name: "same", old: spread("A", 10, 100, "ns/op"), new: spread("A", 10, 100, "ns/op"), bench: "A", unit: "sec/op", want: report.Unchanged, gate: report.Pass},
		{name: "throughput drop", old: spread("A", 10, 100, "MB/s"), new: spread("A", 10, 80, "MB/s"), bench: "A", unit: "B/s", want: report.Regression, gate: report.Fail},
		{name: "throughput rise", old: spread("A", 10, 100, "MB/s"), new: spread("A", 10, 130, "MB/s"), bench: "A", unit: "B/s", want: report.Improvement, gate: report.Pass},
		{name: "one more allocation", old: spread("A", 10, 100, "ns/op") + strings.Repeat("BenchmarkA 1000 100 ns/op 3 allocs/op\n", 10), new: strings.Repeat("BenchmarkA 1000 100 ns/op 4 allocs/op\n", 10), bench: "A", unit: "allocs/op", want: report.Regression, gate: report.Fail},
		{name: "allocations from zero", old: strings.Repeat("BenchmarkA 1000 100 ns/op 0 B/op\n", 10), new: strings.Repeat("BenchmarkA 1000 100 ns/op 16 B/op\n", 10), bench: "A", unit: "B/op", want: report.Regression, gate: report.Fail},
		{name: "custom unit higher is better in the input", old: "Unit score better=higher\n" + spread("A", 10, 100, "score"), new: spread("A", 10, 50, "score"), bench: "A", unit: "score", want: report.Regression, gate: report.Fail},
		{name: "custom unit direction from the config", config: "units:\n  score: {better: higher}\n", old: spread("A", 10, 100, "score"), new: spread("A", 10, 150, "score"), bench: "A", unit: "score", want: report.Improvement, gate: report.Pass},
		{name: "custom unit without a direction", old: spread("A", 10, 100, "score"), new: spread("A", 10, 150, "score"), bench: "A", unit: "score", want: report.Inconclusive, gate: report.Pass},
		{name: "3 samples cannot decide", old: spread("A", 3, 100, "ns/op"), new: spread("A", 3, 200, "ns/op"), bench: "A", unit: "sec/op", want: report.Inconclusive, gate: report.Pass},
		{name: "4 samples can", old: spread("A", 4, 100, "ns/op"), new: spread("A", 4, 200, "ns/op"), bench: "A", unit: "sec/op", want: report.Regression, gate: report.Fail},
		{name: "exact unit with one sample", old: "Unit bytes assume=exact\nBenchmarkA 1 1000 bytes\n", new: "BenchmarkA 1 1100 bytes\n", config: "units:\n  bytes: {better: lower}\n", bench: "A", unit: "bytes", want: report.Regression, gate: report.Fail},
		{name: "exact unit unchanged", old: "Unit bytes assume=exact better=lower\nBenchmarkA 1 1000 bytes\n", new: "BenchmarkA 1 1000 bytes\n", bench: "A", unit: "bytes", want: report.Unchanged, gate: report.Pass},
		{name: "new benchmark", old: spread("A", 10, 100, "ns/op"), new: spread("A", 10, 100, "ns/op") + spread("B", 10, 100, "ns/op"), bench: "B", unit: "sec/op", want: report.New, gate: report.Pass},
		{name: "removed benchmark", old: spread("A", 10, 100, "ns/op") + spread("B", 10, 100, "ns/op"), new: spread("A", 10, 100, "ns/op"), bench: "B", unit: "sec/op", want: report.Removed, gate: report.Pass},
		{
			name:   "a later rule overrides an earlier one",
			config: "thresholds:\n  - {unit: ns/op, max: 5%}\n  - {benchmark: '^Slow', max: 20%}\n",
			old:    spread("SlowA", 10, 100, "ns/op"), new: spread("SlowA", 10, 110, "ns/op"),
			bench: "SlowA", unit: "sec/op", want: report.WithinThreshold, gate: report.Pass,
		},
		{
			name:   "package rule",
			config: "thresholds:\n  - {package: '/m$', unit: sec/op, max: 50%}\n",
			old:    "pkg: example.com/m\n" + spread("A", 10, 100, "ns/op"), new: "pkg: example.com/m\n" + spread("A", 10, 130, "ns/op"),
			bench: "A", unit: "sec/op", want: report.WithinThreshold, gate: report.Pass,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			if tt.config != "" {
				var err error
				if cfg, err = config.Parse([]byte(tt.config), "benchgate.yml"); err != nil {
					t.Fatal(err)
				}
			}
			r, err := compare.Compare([]compare.Input{
				{Name: "old.txt", R: strings.NewReader(tt.old), Side: report.Base},
				{Name: "new.txt", R: strings.NewReader(tt.new), Side: report.Head},
			}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			c := find(t, r, tt.bench, tt.unit)
			if c.Verdict != tt.want {
				t.Errorf("verdict %s (%s), want %s", c.Verdict, c.Reason, tt.want)
			}
			if r.Verdict != tt.gate {
				t.Errorf("gate verdict %s, want %s", r.Verdict, tt.gate)
			}
		})
	}
}

// TestFalseAlarmControl shows Benjamini–Hochberg at work: among 200 unchanged benchmarks, one
// with a modest p-value is significant on its own but not once the whole set is accounted for.
func TestFalseAlarmControl(t *testing.T) {
	var old, new strings.Builder
	for i := range 200 {
		name := fmt.Sprintf("Same%03d", i)
		old.WriteString(spread(name, 10, 100, "ns/op"))
		new.WriteString(spread(name, 10, 100, "ns/op"))
	}
	// 6 of 10 head values above every base value, the rest interleaved: p ≈ 0.01.
	old.WriteString(spread("Shifted", 10, 100, "ns/op"))
	for _, v := range []float64{98.5, 99.3, 100.1, 100.9, 107, 108, 109, 110, 111, 112} {
		fmt.Fprintf(&new, "BenchmarkShifted 1000 %.1f ns/op\n", v)
	}
	run := func(control report.FalseAlarmControl) *report.Comparison {
		cfg := config.Default()
		cfg.FalseAlarmControl = control
		r, err := compare.Compare([]compare.Input{
			{Name: "old.txt", R: strings.NewReader(old.String()), Side: report.Base},
			{Name: "new.txt", R: strings.NewReader(new.String()), Side: report.Head},
		}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if r.Settings.FalseAlarmControl != control {
			t.Errorf("report says %s, ran with %s", r.Settings.FalseAlarmControl, control)
		}
		return find(t, r, "Shifted", "sec/op")
	}
	off := run(report.NoControl)
	if off.Verdict != report.Regression || *off.PAdjusted != *off.P {
		t.Errorf("without control: verdict %s, p %v adjusted %v; want a regression on the raw p-value", off.Verdict, *off.P, *off.PAdjusted)
	}
	on := run(report.BenjaminiHochberg)
	if on.Verdict != report.Unchanged || !(*on.PAdjusted > 0.05) {
		t.Errorf("with Benjamini–Hochberg: verdict %s, p %v adjusted %v; want unchanged", on.Verdict, *on.P, *on.PAdjusted)
	}
}

// TestSidesFromData compares results whose side is written in the data: one file holding both
// sides, and three files, like gate run's raw output.
func TestSidesFromData(t *testing.T) {
	base := "benchgate-side: base\n" + spread("A", 10, 100, "ns/op")
	head := "benchgate-side: head\n" + spread("A", 10, 150, "ns/op")
	for _, inputs := range [][]compare.Input{
		{{Name: "both.txt", R: strings.NewReader(header + base + head)}},
		{{Name: "b1.txt", R: strings.NewReader(header + base)}, {Name: "h1.txt", R: strings.NewReader(header + head)}, {Name: "b2.txt", R: strings.NewReader(header + base)}},
		// A file given as the head that says it is base wins: the data knows best.
		{{Name: "x.txt", R: strings.NewReader(header + head), Side: report.Base}, {Name: "y.txt", R: strings.NewReader(header + base), Side: report.Head}},
	} {
		r, err := compare.Compare(inputs, config.Default())
		if err != nil {
			t.Fatal(err)
		}
		c := find(t, r, "A", "sec/op")
		if c.Verdict != report.Regression {
			t.Errorf("%s: verdict %s, want regression", inputs[0].Name, c.Verdict)
		}
		if len(r.Comparisons) != 1 {
			t.Errorf("%s: %d comparisons; the side key split the table", inputs[0].Name, len(r.Comparisons))
		}
	}
	_, err := compare.Compare([]compare.Input{{Name: "one.txt", R: strings.NewReader(spread("A", 10, 100, "ns/op"))}}, config.Default())
	if err == nil || !strings.Contains(err.Error(), "has no benchgate-side key") {
		t.Errorf("one unlabelled file: error %v, want one that says the side key is missing", err)
	}
}

// TestWarningsCapped gives a comparison more warnings from the run and the history than a
// report may hold: the report keeps within report.MaxWarnings, says how many more there were,
// and reads back, as a report that a reader refuses could never be posted.
func TestWarningsCapped(t *testing.T) {
	four := strings.Repeat("BenchmarkA 1 100 ns/op\n", 4)
	res, err := compare.ReadRun([]byte("benchgate-side: base\n"+four), []byte("benchgate-side: head\n"+four))
	if err != nil {
		t.Fatal(err)
	}
	var many []string
	for i := range report.MaxWarnings + 500 {
		many = append(many, fmt.Sprintf("run warning %d", i))
	}
	rep, _ := res.Compare(config.Default(), compare.Extra{Warnings: many})
	if n := len(rep.Warnings); n != report.MaxWarnings || rep.Warnings[0] != "run warning 0" || rep.Warnings[n-1] != "501 more warnings not shown" {
		t.Errorf("%d warnings, first %q, last %q", n, rep.Warnings[0], rep.Warnings[n-1])
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if _, err := report.Read(&buf, "report.json"); err != nil {
		t.Errorf("the capped report does not read back: %v", err)
	}
}

// TestDeltaPastFloatRange compares a base near the smallest float with a head near the largest:
// the ratio is past float64's range, so the change is left out rather than written as +Inf,
// which JSON cannot hold (the report was unwritable).
func TestDeltaPastFloatRange(t *testing.T) {
	base := strings.Repeat("BenchmarkA 1 1e-300 ns/op\n", 4)
	head := strings.Repeat("BenchmarkA 1 1e300 ns/op\n", 4)
	rep, err := compare.Compare([]compare.Input{{Name: "old.txt", R: strings.NewReader(base), Side: report.Base}, {Name: "new.txt", R: strings.NewReader(head), Side: report.Head}}, config.Default())
	if err != nil {
		t.Fatal(err)
	}
	if d := rep.Comparisons[0].DeltaPercent; d != nil {
		t.Errorf("delta %v, want none", *d)
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		t.Fatalf("the report cannot be written: %v", err)
	}
	if _, err := report.Read(&buf, "report.json"); err != nil {
		t.Errorf("the report does not read back: %v", err)
	}
}

// TestTooManySamples reads more results of one benchmark than a report may hold: the first
// report.MaxValues are compared, with a warning, and the report reads back.
func TestTooManySamples(t *testing.T) {
	many := strings.Repeat("BenchmarkA 1 100 ns/op\n", report.MaxValues+5)
	rep, err := compare.Compare([]compare.Input{{Name: "old.txt", R: strings.NewReader(many), Side: report.Base}, {Name: "new.txt", R: strings.NewReader(many), Side: report.Head}}, config.Default())
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Comparisons[0].Base.N(); n != report.MaxValues {
		t.Errorf("%d base samples, want %d", n, report.MaxValues)
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if _, err := report.Read(&buf, "report.json"); err != nil {
		t.Errorf("the report does not read back: %v", err)
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), "more than 10000 results") {
		t.Errorf("no warning: %q", rep.Warnings[:min(3, len(rep.Warnings))])
	}
}
