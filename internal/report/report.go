// Package report defines benchgate's versioned JSON report: the contract between measuring
// (benchexec, compare) and publishing (tables, PR comments, summaries, the data branch).
//
// It also holds the vocabulary every other package speaks, defined once: the two sides of a
// run (Base, Head) and the keys that label raw results with them (SideKey, CommitKey, PairKey);
// a unit's direction (Better) and what its comparison assumes (Assumption); the false-alarm
// control; a comparison's Verdict and the run's GateVerdict.
//
// Everything a reader shows is rendered from a Report, and a Report may come from an untrusted
// place (an artifact uploaded by a pull request's workflow), so Read validates it: the schema
// version, required fields, the vocabulary of verdicts and units, and the size of everything.
// The schema is documented in docs/report.md.
package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/perf/benchfmt"
)

// SchemaVersion is the version of the JSON layout written by this package. Readers refuse other
// versions rather than guess: a field that changed meaning must not be rendered silently.
const SchemaVersion = 1

// The benchmark name and unit of the peak resident set size of each package's benchmark process,
// which gate run adds to the results as if it were one more benchmark, so that it is compared
// like any other (a name no Go benchmark function can have).
const (
	ProcessBenchmark = "[process]"
	PeakRSSUnit      = "peak-RSS-B"
)

// RetainedUnit is the live heap a benchmark leaves behind per operation, after a full
// collection: what gate run measures after the rounds, unless told not to.
const RetainedUnit = "retained-B/op"

// Instrument is what a run measures samples with (gate run --measure): the run's own time
// and memory, instructions counted under Valgrind, or both.
type Instrument string

const (
	MeasureTime         Instrument = "time"
	MeasureInstructions Instrument = "instructions"
	MeasureBoth         Instrument = "both"
)

// ParseInstrument reads an instrument's name; the error says what was expected.
func ParseInstrument(s string) (Instrument, error) {
	switch i := Instrument(s); i {
	case MeasureTime, MeasureInstructions, MeasureBoth:
		return i, nil
	}
	return "", fmt.Errorf("measure %q: expected time, instructions or both", s)
}

// Counts tells whether the instrument counts instructions.
func (i Instrument) Counts() bool { return i == MeasureInstructions || i == MeasureBoth }

// Times tells whether the instrument times the benchmarks (the empty instrument, of reports
// from before instruments, did).
func (i Instrument) Times() bool { return i != MeasureInstructions }

// The units the instructions instrument measures: instructions executed per operation, and the
// cycles they would take by the simulated caches' hits and misses (iai-callgrind's estimate).
// Both are near-deterministic, so they are judged as such (see compare).
const (
	InstructionsUnit = "instructions/op"
	EstCyclesUnit    = "est-cycles/op"
)

// InstrumentOf is the instrument that measures unit.
func InstrumentOf(unit string) Instrument {
	if unit == InstructionsUnit || unit == EstCyclesUnit {
		return MeasureInstructions
	}
	return MeasureTime
}

// Side is which of the two revisions a sample measured.
type Side string

// The sides.
const (
	Base Side = "base"
	Head Side = "head"
)

// The configuration keys gate run writes into the raw results, and compare reads: a result's
// side, the commit it measured, and the pair (the round) it belongs to.
const (
	SideKey   = "benchgate-side"
	CommitKey = "benchgate-commit"
	PairKey   = "benchgate-pair"
)

// Better is a unit's direction: which way is an improvement.
type Better string

// The directions.
const (
	Lower       Better = "lower"
	Higher      Better = "higher"
	NoDirection Better = "unknown" // neither: its changes are never regressions or improvements
)

// Assumption is what a comparison assumes of its samples (benchmath's assumptions).
type Assumption string

// The assumptions.
const (
	AssumeNothing Assumption = "nothing" // medians and Mann–Whitney U
	AssumeExact   Assumption = "exact"   // the values are exact (allocs/op): any difference is one
)

// FalseAlarmControl is how the significance of the many comparisons of a run is controlled.
type FalseAlarmControl string

// The false-alarm controls.
const (
	BenjaminiHochberg FalseAlarmControl = "benjamini-hochberg" // the false discovery rate, over all tests
	NoControl         FalseAlarmControl = "none"               // each test at alpha, as benchstat
)

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

// The gate verdicts: fail when any comparison is a regression that nobody accepted, or when a
// package's benchmarks fail on head but not on base (the change broke them); pass otherwise.
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
	Warnings []string `json:"warnings,omitempty"`
	// Run describes how gate run measured; absent when the results were read from files.
	Run *Run `json:"run,omitempty"`
	// History names the recorded default-branch history the comparisons' history came from;
	// absent when none was read.
	History *HistorySource `json:"history,omitempty"`
	// Profiles explain the regressions: where each regressed benchmark function's head spent
	// more than its base. Absent when nothing was profiled.
	Profiles []ProfileDiff `json:"profiles,omitempty"`
	// Counts are how many comparisons got each verdict.
	Counts Counts `json:"counts"`
	// BenchmarkCounts are how many benchmarks got each verdict: what a reader is told, since a
	// benchmark slower in sec/op and, from the same time, in B/s is one regression, not two.
	// See Findings.
	BenchmarkCounts Counts      `json:"benchmark_counts"`
	Verdict         GateVerdict `json:"verdict"`
}

// ProfileDiff is where a regressed benchmark function's head spent more (or less) than its
// base, from one profile of each side over the same number of operations, taken after the
// rounds.
type ProfileDiff struct {
	Package string `json:"package"`
	// Function is the benchmark function, without "Benchmark"; Benchmark, when set, is the one
	// sub-benchmark of it that ran (the largest regression), else all of its sub-benchmarks did.
	Function  string `json:"function"`
	Benchmark string `json:"benchmark,omitempty"`
	// Kind is what the samples measure: ProfileCPU (unit nanoseconds), ProfileAllocSpace
	// (bytes) or ProfileAllocObjects (count).
	Kind string `json:"kind"`
	Unit string `json:"unit"`
	// Ops is the number of operations each side ran.
	Ops int `json:"ops"`
	// BaseFile and HeadFile are the profiles' file names, in the profiles directory beside the
	// report: go tool pprof -diff_base BASE HEAD opens them.
	BaseFile string `json:"base_file"`
	HeadFile string `json:"head_file"`
	// Base, Head and Change (Head − Base) are the profiles' totals per operation.
	Base   float64 `json:"base"`
	Head   float64 `json:"head"`
	Change float64 `json:"change"`
	// Functions are those that added the most by their flat change, largest first.
	Functions []ProfileFunction `json:"functions"`
}

// ProfileFunction is one function's change per operation in a ProfileDiff: Flat what it added
// itself, Cum what it and its callees added, and each as a share of the whole change.
type ProfileFunction struct {
	Name      string  `json:"name"`
	Flat      float64 `json:"flat"`
	Cum       float64 `json:"cum"`
	FlatShare float64 `json:"flat_share"`
	CumShare  float64 `json:"cum_share"`
	// BaseSamples and HeadSamples are the samples a CPU profile took in the function itself on
	// each side, and FlatError is Flat's standard error from that sampling, per operation
	// (√(base + head) samples of the profile's period, over the operations). All absent for
	// kinds that record every event (allocations, instructions) and in older reports.
	BaseSamples int64   `json:"base_samples,omitempty"`
	HeadSamples int64   `json:"head_samples,omitempty"`
	FlatError   float64 `json:"flat_error,omitempty"`
}

// The kinds of profile a ProfileDiff reads.
const (
	ProfileCPU          = "cpu"
	ProfileAllocSpace   = "alloc_space"
	ProfileAllocObjects = "alloc_objects"
	// ProfileInstructions is cachegrind's exact count, by function, of a run that counts
	// (unit instructions); a function's Cum is its Flat, since the count has no callees'.
	ProfileInstructions = "instructions"
	// ProfileInuseSpace is where the live heap a benchmark keeps grew, by allocation site:
	// heap profiles after N and 2N operations, the difference per operation.
	ProfileInuseSpace = "inuse_space"
)

// Run is how gate run measured: the revisions, the machine, the schedule and what each process
// cost.
type Run struct {
	Base Revision `json:"base"`
	Head Revision `json:"head"`
	// Machine is the fingerprint of the machine both sides ran on.
	Machine Machine `json:"machine"`
	// Seed replays the shuffled order of the rounds (gate run --seed).
	Seed uint64 `json:"seed"`
	// Count is the number of rounds asked for; Rounds the number that ran (fewer when the budget
	// ran out).
	Count     int    `json:"count"`
	Rounds    int    `json:"rounds"`
	Benchtime string `json:"benchtime,omitempty"`
	Bench     string `json:"bench"`
	// Command is the benchmark command of another harness than go test that ran in pairs (gate
	// run --command), and Harness the format its output was read in; both empty for Go
	// benchmarks.
	Command string `json:"command,omitempty"`
	Harness string `json:"harness,omitempty"`
	// Interleave is the schedule: "benchmark" (each benchmark function's base and head run
	// back to back, a pair) or "package" (each package's binary runs all its benchmarks, base
	// and head in the same round). Empty in reports written before pairs.
	Interleave string `json:"interleave,omitempty"`
	// Measure is the instrument the samples were made with; empty in reports from before
	// instruments, which timed them.
	Measure Instrument `json:"measure,omitempty"`
	// MaxCount is the most pairs a still undecided benchmark may get; Looks are the rounds
	// after which the verdicts were looked at (the first is Count), and Extra names the
	// benchmark functions each look after the first gave extra rounds to.
	MaxCount int      `json:"max_count,omitempty"`
	Looks    []int    `json:"looks,omitempty"`
	Extra    [][]Func `json:"extra,omitempty"`
	// FixedIterations is true when every run after the first of a benchmark ran the same
	// iteration count on both sides (-test.benchtime=Nx, N calibrated in the first round).
	FixedIterations bool `json:"fixed_iterations,omitempty"`
	// StartupSeconds is the median time a test binary takes to start and exit with nothing to
	// run: the cost each process adds; BenchmarkSeconds is the time the benchmarks' own timed
	// loops took (iterations × time per op, summed).
	StartupSeconds   float64 `json:"startup_seconds,omitempty"`
	BenchmarkSeconds float64 `json:"benchmark_seconds,omitempty"`
	// Timings, in seconds: the whole run, building the test binaries, the rounds, and the
	// benchmark processes within them (the rest of the rounds is gate's own overhead).
	WallSeconds      float64 `json:"wall_seconds"`
	BuildSeconds     float64 `json:"build_seconds"`
	RoundsSeconds    float64 `json:"rounds_seconds"`
	ProcessesSeconds float64 `json:"processes_seconds"`
	// RetainedSeconds is the retained-B/op measurement after the rounds; 0 when it did not run.
	RetainedSeconds float64 `json:"retained_seconds,omitempty"`
	// Processes is the resource usage of each package's benchmark process on each side, over
	// the rounds.
	Processes []Process `json:"processes"`
	// Failures are the packages whose benchmarks failed on a side.
	Failures []Failure `json:"failures,omitempty"`
	// Shard is the part of the selected benchmark functions a sharded run measured (gate run
	// --shard); Shards, in a merged report (gate merge), are the shards it was merged from.
	Shard  *Shard     `json:"shard,omitempty"`
	Shards []ShardRun `json:"shards,omitempty"`
}

// Shard is one shard of a split run and the split's inputs: every shard of a set computes the
// same split from the same selected functions and costs, and gate merge checks that they did.
type Shard struct {
	// Index is this shard's number, from 1, of Count.
	Index int `json:"index"`
	Count int `json:"count"`
	// Method is how the split balanced the shards: "packages" kept each package's functions on
	// one shard, "functions" spread them one by one.
	Method string `json:"method"`
	// Selected is how many benchmark functions were split; Functions are this shard's, and Load
	// its expected cost in the split's units.
	Selected  int     `json:"selected"`
	Functions []Func  `json:"functions"`
	Load      float64 `json:"load"`
	// CostsFrom names the recorded run whose costs the split balanced (the data branch and
	// commit); empty when every function counted the same.
	CostsFrom string `json:"costs_from,omitempty"`
}

// ShardRun is what a merged report keeps of each shard: which it was, and where and how long
// it ran.
type ShardRun struct {
	Index       int     `json:"index"`
	Functions   int     `json:"functions"`
	Machine     Machine `json:"machine"`
	Rounds      int     `json:"rounds"`
	WallSeconds float64 `json:"wall_seconds"`
}

// PackageName is the name a package path goes by: its last element, or the one before a major
// version suffix, which is no name (example.com/xxhash/v2 is xxhash, gopkg.in/yaml.v3 is
// yaml), as the go command names a package by default.
func PackageName(path string) string {
	if prefix, _, ok := module.SplitPathVersion(path); ok && prefix != "" {
		path = prefix
	}
	return path[strings.LastIndex(path, "/")+1:]
}

// WithoutProcs is a benchmark's full name (without "Benchmark") less its -GOMAXPROCS suffix:
// the name a count has, since counts run on one processor, whose suffix the testing package
// leaves out.
func WithoutProcs(name string) string {
	base, parts := benchfmt.Name(name).Parts()
	var b strings.Builder
	b.Write(base)
	for _, p := range parts {
		if len(p) == 0 || p[0] != '-' {
			b.Write(p)
		}
	}
	return b.String()
}

// ShortSHA is a commit's SHA as people read it: its first 12 digits.
func ShortSHA(sha string) string { return sha[:min(len(sha), 12)] }

// Revision is one side's revision.
type Revision struct {
	// Ref is what was asked for ("origin/main", "HEAD~1"); "" for the working tree.
	Ref string `json:"ref,omitempty"`
	// SHA is the commit; for the working tree, the commit it is based on.
	SHA string `json:"sha"`
	// Dirty is true when the side is a working tree with uncommitted changes.
	Dirty bool `json:"dirty,omitempty"`
	// Build is how the side's test binaries were built; absent in reports from before it.
	Build *Build `json:"build,omitempty"`
}

// Build is what decides how a side's code was compiled: its go.mod's go and toolchain lines,
// and what the go command was in the side's module (which follows the toolchain line unless
// GOTOOLCHAIN says otherwise).
type Build struct {
	GoDirective string `json:"go_directive,omitempty"`
	Toolchain   string `json:"toolchain,omitempty"`
	GoVersion   string `json:"go_version,omitempty"`
	// Env holds the go command's settings that change the code it generates (GOAMD64, GOARM64,
	// GOEXPERIMENT, CGO_ENABLED, ...), those that are set.
	Env map[string]string `json:"env,omitempty"`
}

// Machine is the fingerprint of a machine.
type Machine struct {
	CPUModel     string `json:"cpu_model"`
	LogicalCores int    `json:"logical_cores"`
	MemoryBytes  uint64 `json:"memory_bytes"`
	OS           string `json:"os"`
	Arch         string `json:"arch"`
	// GoVersion is the toolchain that built the benchmarks.
	GoVersion string `json:"go_version"`
	// CgroupCPULimit is the CPU quota, in cores, of the cgroup the run was in; 0 for none.
	CgroupCPULimit float64 `json:"cgroup_cpu_limit,omitempty"`
	// LoadBefore and LoadAfter are the 1, 5 and 15 minute load averages around the run.
	LoadBefore []float64 `json:"load_before,omitempty"`
	LoadAfter  []float64 `json:"load_after,omitempty"`
	// OtherCPU is the most CPU, in cores on average over a round, that work other than the
	// round's own processes used during any round: what competed with the benchmarks.
	OtherCPU float64 `json:"other_cpu,omitempty"`
}

// Process is the resource usage of one package's benchmark binary on one side, as medians over
// the rounds it ran in.
type Process struct {
	Package string `json:"package"`
	Side    Side   `json:"side"`
	Runs    int    `json:"runs"`
	// WallSeconds and CPUSeconds (user + system) are medians per run.
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	// PeakRSSBytes is the median of the process's peak resident set size.
	PeakRSSBytes uint64 `json:"peak_rss_bytes"`
}

// Failure is a package whose benchmark binary failed (a panic, b.Fatal, a timeout) on a side.
type Failure struct {
	Package string `json:"package"`
	Side    Side   `json:"side"`
	// Benchmark is the benchmark that was running, when it could be told.
	Benchmark string `json:"benchmark,omitempty"`
	Round     int    `json:"round"`
	// Message says what happened ("exit status 2", "killed after the 30s timeout").
	Message string `json:"message"`
	// Output is the tail of what the process printed.
	Output string `json:"output"`
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
	Side    Side `json:"side,omitempty"`
	Results int  `json:"results"`
}

// Settings are the statistical settings and thresholds the verdicts were made with.
type Settings struct {
	Alpha             float64           `json:"alpha"`
	Confidence        float64           `json:"confidence"`
	FalseAlarmControl FalseAlarmControl `json:"false_alarm_control"`
	// ConfigFile is the config file that was read, or "" when the defaults were used.
	ConfigFile string          `json:"config_file,omitempty"`
	Thresholds []ThresholdRule `json:"thresholds"`
	// NoiseMultiple, when above 0, is how many times its history's run-to-run spread a change
	// must also exceed to be a regression or an improvement.
	NoiseMultiple float64 `json:"noise_multiple,omitempty"`
	// Accept is how a regression may be accepted; absent in reports from before it (the
	// default policy then applies).
	Accept *AcceptPolicy `json:"accept,omitempty"`
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
	// Instrument made the samples: "instructions" for instructions/op and est-cycles/op, else
	// "time" (the run's own numbers: time, memory, custom metrics).
	Instrument Instrument `json:"instrument,omitempty"`
	// DerivedFrom names the unit of the same benchmark this one is computed from, when the
	// testing package derives it (B/s is the bytes of b.SetBytes over sec/op): its change is
	// the same finding as that unit's, shown beside it.
	DerivedFrom string     `json:"derived_from,omitempty"`
	Better      Better     `json:"better"`
	Assumption  Assumption `json:"assumption"`
	Base        *Summary   `json:"base,omitempty"`
	Head        *Summary   `json:"head,omitempty"`
	// DeltaPercent is (head/base − 1) × 100 of the centers; nil when base is zero and head is
	// not, or when a side is missing.
	DeltaPercent *float64 `json:"delta_percent,omitempty"`
	// P is the comparison's p-value (0 for exact units that differ); nil when a side is missing.
	P *float64 `json:"p,omitempty"`
	// PAdjusted is the p-value of the test the verdict was made on after the false-alarm
	// control: the paired test's when Paired is set, P's otherwise. It is what significance is
	// judged on, at the settings' alpha, or at Paired.Alpha when Paired is set.
	PAdjusted *float64 `json:"p_adjusted,omitempty"`
	// Paired is the paired comparison, when the samples came in pairs (gate run runs each
	// benchmark's base and head back to back); the verdict is then made on it. Absent for
	// unpaired samples, which are judged on benchstat's numbers alone.
	Paired *Paired `json:"paired,omitempty"`
	// ThresholdPercent is the threshold that applied to this comparison.
	ThresholdPercent float64 `json:"threshold_percent"`
	Verdict          Verdict `json:"verdict"`
	// Reason explains verdicts that are not self-evident (inconclusive, failed).
	Reason   string   `json:"reason,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// History is what the default branch's recorded history says of this benchmark and unit;
	// absent when there is none.
	History *History `json:"history,omitempty"`
	// Accepted, on a regression, says who accepted it, where and why: it does not fail the gate.
	Accepted *Acceptance `json:"accepted,omitempty"`
}

// AcceptedChange is a regression of a recorded commit that someone accepted in its pull
// request: the data branch keeps it beside the commit's results, so that the step it makes in
// the history is shown as acknowledged.
type AcceptedChange struct {
	Package   string `json:"package,omitempty"`
	Benchmark string `json:"benchmark"`
	Unit      string `json:"unit"`
	Acceptance
}

// Acceptance is a regression accepted by someone with write access to the repository.
type Acceptance struct {
	// By is the GitHub login of who wrote the accept line or added the label.
	By string `json:"by"`
	// Source is where: AcceptDescription, AcceptCommit or AcceptLabel.
	Source string `json:"source"`
	Reason string `json:"reason,omitempty"`
}

// AcceptPolicy is how a regression may be accepted: from which sources accept lines are
// honoured, the label that accepts every regression, and whether a line must give a reason.
// Whoever writes one must have write access to the repository, whatever the policy says.
type AcceptPolicy struct {
	From          []string `json:"from"`
	Label         string   `json:"label"`
	RequireReason bool     `json:"require_reason"`
}

// DefaultAcceptPolicy honours all three sources, the label benchgate-accept, and wants a reason.
func DefaultAcceptPolicy() AcceptPolicy {
	return AcceptPolicy{From: []string{AcceptDescription, AcceptCommit, AcceptLabel}, Label: "benchgate-accept", RequireReason: true}
}

// Honours tells whether accept lines from source count.
func (a AcceptPolicy) Honours(source string) bool { return slices.Contains(a.From, source) }

// Where an acceptance can be written.
const (
	AcceptDescription = "description" // the pull request's description
	AcceptCommit      = "commit"      // the head commit's message
	AcceptLabel       = "label"       // a label on the pull request
)

// Paired is the comparison of a benchmark's samples pair by pair: the ratio head/base of each
// pair's two runs, taken back to back, so that drift in the machine's speed cancels.
type Paired struct {
	// Test is the paired test: PairedTest, on the logarithms of the ratios.
	Test string `json:"test"`
	// N is the number of pairs.
	N int `json:"n"`
	// DeltaPercent is the center of the ratios (their logarithms' 10% trimmed mean), as a
	// change in percent; LowPercent and HighPercent bound its confidence interval at the level
	// Confidence (absent when N is too small for one).
	DeltaPercent float64  `json:"delta_percent"`
	LowPercent   *float64 `json:"low_percent,omitempty"`
	HighPercent  *float64 `json:"high_percent,omitempty"`
	Confidence   float64  `json:"confidence,omitempty"`
	// P is the test's two-sided p-value; the comparison's PAdjusted is it after the false-alarm
	// control.
	P float64 `json:"p"`
	// Look is the look the verdict was taken at: 1 after the run's count rounds, 2 after the
	// first extra rounds, and so on; Alpha is the significance level spent at that look (the
	// settings' alpha spread over the looks, see docs/report.md).
	Look  int     `json:"look"`
	Alpha float64 `json:"alpha"`
	// DetectablePercent is the smallest change these pairs would have caught four times in five
	// (2.8 standard errors, from the interval's half-width); absent without an interval.
	DetectablePercent *float64 `json:"detectable_percent,omitempty"`
}

// HistorySource is the recorded history a report's comparisons were put beside.
type HistorySource struct {
	// Branch is the data branch the history was read from.
	Branch string `json:"branch"`
	// Commits is the number of the newest recorded commits that were read; Newest is the
	// newest one's SHA.
	Commits int    `json:"commits"`
	Newest  string `json:"newest"`
}

// History is one benchmark's recent history in one unit on the default branch.
type History struct {
	// Values are its medians on the most recent recorded commits, oldest first (at most
	// MaxHistory).
	Values []float64 `json:"values"`
	// SpreadPercent is its run-to-run spread, in percent: a robust standard deviation (1.4826 ×
	// the median absolute deviation); absent when the history is too short to tell.
	SpreadPercent *float64 `json:"spread_percent,omitempty"`
	// SpreadBasis is what the spread was taken over: "parent" for the changes of recorded
	// commits against their parents, measured on one machine in the same rounds; "commits" for
	// the medians of commits since the last change point, when too few records were measured
	// against their parent.
	SpreadBasis string `json:"spread_basis,omitempty"`
	// SpreadN is the number of changes or medians the spread was taken over.
	SpreadN int `json:"spread_n,omitempty"`
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
	r.Counts, r.BenchmarkCounts, r.Verdict = r.tally()
}

// tally returns the counts by comparison and by benchmark and the gate verdict the comparisons
// and failures make, leaving r as it is, so that checking a report does not change it.
func (r *Report) tally() (Counts, Counts, GateVerdict) {
	counts, byBenchmark := Counts{}, Counts{}
	unaccepted := 0
	for _, c := range r.Comparisons {
		counts[c.Verdict]++
		if c.Verdict == Regression && c.Accepted == nil {
			unaccepted++
		}
	}
	for _, f := range r.Findings() {
		byBenchmark[f.Verdict]++
	}
	if unaccepted > 0 || len(r.HeadOnlyFailures()) > 0 {
		return counts, byBenchmark, Fail
	}
	return counts, byBenchmark, Pass
}

// Finding is one benchmark's comparisons, all its units taken together: the unit a reader
// counts and ranks by.
type Finding struct {
	// Comparisons are the benchmark's, in report order.
	Comparisons []*Comparison
	// Verdict is the most important of their verdicts, in Verdicts' order: a benchmark that
	// regressed in one unit and improved in another is a regression.
	Verdict Verdict
}

// Accepted tells whether every regression among the finding's comparisons was accepted (and
// there is one).
func (f Finding) Accepted() bool {
	n := 0
	for _, c := range f.Comparisons {
		if c.Verdict == Regression {
			if c.Accepted == nil {
				return false
			}
			n++
		}
	}
	return n > 0
}

// Findings groups the comparisons by benchmark (its configuration and full name), in the order
// each benchmark first appears.
func (r *Report) Findings() []Finding {
	var out []Finding
	index := map[benchmarkKey]int{}
	// Neighbouring comparisons mostly share a configuration: its part of the key is made once
	// for each run of them, not for each of the 15,000 comparisons of a large suite.
	var cfg map[string]string
	cfgKey := ""
	for i := range r.Comparisons {
		c := &r.Comparisons[i]
		if !maps.Equal(c.Config, cfg) {
			cfg, cfgKey = c.Config, configKey(c.Config)
		}
		key := benchmarkKey{cfgKey, c.Benchmark}
		j, ok := index[key]
		if !ok {
			j = len(out)
			index[key] = j
			out = append(out, Finding{Verdict: c.Verdict})
		}
		f := &out[j]
		f.Comparisons = append(f.Comparisons, c)
		if slices.Index(Verdicts, c.Verdict) < slices.Index(Verdicts, f.Verdict) {
			f.Verdict = c.Verdict
		}
	}
	return out
}

// benchmarkKey identifies a comparison's benchmark: its configuration (see configKey) and name.
type benchmarkKey struct{ config, name string }

// configKey is a configuration as one string, the same for equal configurations.
func configKey(cfg map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		fmt.Fprintf(&b, "%q=%q ", k, cfg[k])
	}
	return b.String()
}

// HeadOnlyFailures returns the failures on head of packages that did not fail on base.
func (r *Report) HeadOnlyFailures() []Failure {
	if r.Run == nil {
		return nil
	}
	onBase := map[string]bool{}
	for _, f := range r.Run.Failures {
		if f.Side == Base {
			onBase[f.Package] = true
		}
	}
	var out []Failure
	for _, f := range r.Run.Failures {
		if f.Side == Head && !onBase[f.Package] {
			out = append(out, f)
		}
	}
	return out
}

// The schedules of gate run (Run.Interleave).
const (
	InterleaveBenchmark = "benchmark"
	InterleavePackage   = "package"
)

// PairedTest is the paired test's name in reports: Yuen's 10% trimmed t-test.
const PairedTest = "yuen-trimmed-t"

// PlannedLooks returns the rounds after which a run of count rounds and at most maxCount pairs
// looks at its verdicts to give the undecided benchmarks more pairs: after count, then every
// count rounds up to maxCount.
func PlannedLooks(count, maxCount int) []int {
	out := []int{count}
	step := max(1, count)
	for r := count; r < maxCount; {
		r = min(r+step, maxCount)
		out = append(out, r)
	}
	return out
}

// Func is a top-level benchmark function of a package: what gate run runs as one process, and
// gives extra rounds to when one of its comparisons is still undecided. Name has no "Benchmark"
// prefix.
type Func struct {
	Package string `json:"package"`
	Name    string `json:"name"`
}
