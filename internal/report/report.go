// Package report defines benchgate's versioned JSON report: the contract between measuring
// (compare, and later the execution engine) and publishing (tables, PR comments, summaries).
//
// Everything a reader shows is rendered from a Report, and a Report may come from an untrusted
// place (an artifact uploaded by a pull request's workflow), so Read validates it: the schema
// version, required fields, the vocabulary of verdicts and units, and the size of everything.
// The schema is documented in docs/report.md.
package report

import (
	"time"
)

// SchemaVersion is the version of the JSON layout written by this package. Readers refuse other
// versions rather than guess: a field that changed meaning must not be rendered silently.
const SchemaVersion = 1

// Verdict is the outcome of one comparison, from DESIGN.md's vocabulary.
type Verdict string

// The verdicts a comparison can get.
const (
	Regression      Verdict = "regression"       // significant, worse, past the threshold
	Improvement     Verdict = "improvement"      // significant, better, past the threshold
	Unchanged       Verdict = "unchanged"        // not statistically significant
	WithinThreshold Verdict = "within-threshold" // significant, but no larger than the threshold
	Inconclusive    Verdict = "inconclusive"     // cannot be decided (too few samples, unknown direction)
	New             Verdict = "new"              // measured on head only
	Removed         Verdict = "removed"          // measured on base only
	Failed          Verdict = "failed"           // the benchmark failed to run on a side
)

// Verdicts lists every comparison verdict, most important first: the order reports are sorted
// and summarized in.
var Verdicts = []Verdict{Regression, Failed, Improvement, Inconclusive, New, Removed, WithinThreshold, Unchanged}

// GateVerdict is the outcome of the whole run.
type GateVerdict string

// The gate verdicts: fail when any comparison is a regression, pass otherwise.
const (
	Pass GateVerdict = "pass"
	Fail GateVerdict = "fail"
)

// Report is one comparison run, as written to report.json.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	CreatedAt     time.Time `json:"created_at"`
	// Inputs are the benchmark result files that were read, in order.
	Inputs   []Input  `json:"inputs"`
	Settings Settings `json:"settings"`
	// Comparisons holds one entry per benchmark, unit and configuration, in table order: grouped
	// by configuration and unit, benchmarks in the order they first appeared in the input.
	Comparisons []Comparison `json:"comparisons"`
	// Geomeans holds one entry per configuration and unit that has two or more benchmarks.
	Geomeans []Geomean `json:"geomeans,omitempty"`
	// Warnings are problems with the input or the run that did not stop it, each naming the file
	// and line where it applies.
	Warnings []string    `json:"warnings,omitempty"`
	Counts   Counts      `json:"counts"`
	Verdict  GateVerdict `json:"verdict"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Input is one benchmark result file and the side it was read as.
type Input struct {
	Path string `json:"path"`
	// Side is "base" or "head" when the whole file is one side, or "" when the file labels
	// its results with a benchgate-side key.
	Side    string `json:"side,omitempty"`
	Results int    `json:"results"`
}

// Settings are the statistical settings and thresholds the verdicts were made with.
type Settings struct {
	Alpha      float64 `json:"alpha"`
	Confidence float64 `json:"confidence"`
	// FalseAlarmControl is "benjamini-hochberg" or "none".
	FalseAlarmControl string `json:"false_alarm_control"`
	// ConfigFile is the config file that was read, or "" when the defaults were used.
	ConfigFile string          `json:"config_file,omitempty"`
	Thresholds []ThresholdRule `json:"thresholds"`
}

// ThresholdRule is one threshold rule as configured; later rules override earlier ones.
type ThresholdRule struct {
	Unit      string `json:"unit,omitempty"`
	Benchmark string `json:"benchmark,omitempty"`
	Package   string `json:"package,omitempty"`
	// MaxPercent is the largest change, in percent, that is still within threshold.
	MaxPercent float64 `json:"max_percent"`
}

// Comparison is base against head for one benchmark in one unit.
type Comparison struct {
	// Config holds the file-level configuration keys (goos, goarch, pkg, ...) the benchmark ran
	// under.
	Config map[string]string `json:"config,omitempty"`
	// Benchmark is the full name without the "Benchmark" prefix, as benchstat shows it:
	// sub-benchmark parts and the -GOMAXPROCS suffix included.
	Benchmark string `json:"benchmark"`
	// Unit is the tidied unit (ns/op is sec/op, MB/s is B/s), as benchstat shows it.
	Unit string `json:"unit"`
	// Better is "lower", "higher" or "unknown".
	Better string `json:"better"`
	// Assumption is "nothing" (median, Mann–Whitney U) or "exact".
	Assumption string   `json:"assumption"`
	Base       *Summary `json:"base,omitempty"`
	Head       *Summary `json:"head,omitempty"`
	// DeltaPercent is (head/base − 1) × 100 of the centers; nil when base is zero and head is
	// not, or when a side is missing.
	DeltaPercent *float64 `json:"delta_percent,omitempty"`
	// P is the comparison's p-value (0 for exact units that differ); nil when a side is missing.
	P *float64 `json:"p,omitempty"`
	// PAdjusted is P after the false-alarm control; it is what significance is judged on.
	PAdjusted *float64 `json:"p_adjusted,omitempty"`
	// ThresholdPercent is the threshold that applied to this comparison.
	ThresholdPercent float64 `json:"threshold_percent"`
	Verdict          Verdict `json:"verdict"`
	// Reason explains verdicts that are not self-evident (inconclusive, failed).
	Reason   string   `json:"reason,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// Summary describes one side's sample: its center and confidence interval.
type Summary struct {
	// Center is the median (assumption "nothing") or the mode (assumption "exact").
	Center float64 `json:"center"`
	// Low and High bound the confidence interval; nil means unbounded (too few samples).
	Low  *float64 `json:"low,omitempty"`
	High *float64 `json:"high,omitempty"`
	// Confidence is the interval's actual confidence level.
	Confidence float64 `json:"confidence"`
	// Values are the measured values, sorted ascending.
	Values []float64 `json:"values"`
}

// N is the number of samples.
func (s *Summary) N() int { return len(s.Values) }

// Geomean is benchstat's summary row for one configuration and unit.
type Geomean struct {
	Config map[string]string `json:"config,omitempty"`
	Unit   string            `json:"unit"`
	// Base and Head are the geometric means of the centers on each side; nil when undefined
	// (a center is zero or negative, or the side has no benchmarks).
	Base *float64 `json:"base,omitempty"`
	Head *float64 `json:"head,omitempty"`
	// DeltaPercent is (geomean of head/base ratios − 1) × 100; nil when undefined.
	DeltaPercent *float64 `json:"delta_percent,omitempty"`
	Warnings     []string `json:"warnings,omitempty"`
}

// Counts are how many comparisons got each verdict.
type Counts map[Verdict]int

// Tally recomputes the counts and the gate verdict from the comparisons.
func (r *Report) Tally() {
	r.Counts = Counts{}
	for _, c := range r.Comparisons {
		r.Counts[c.Verdict]++
	}
	r.Verdict = Pass
	if r.Counts[Regression] > 0 {
		r.Verdict = Fail
	}
}
