package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits a report must keep to be read. They are far above what a real run produces (5,000
// benchmarks in 3 units is 15,000 comparisons and about 10 MiB) and low enough that a hostile
// report cannot exhaust memory or flood a rendered comment.
const (
	MaxBytes       = 64 << 20
	MaxComparisons = 50_000
	MaxValues      = 10_000 // samples per side of one comparison
	MaxNameLen     = 2_048  // benchmark names, units, config keys and values, paths
	MaxTextLen     = 8_192  // warnings and reasons
	MaxWarnings    = 1_000  // in the report, and per comparison
	MaxConfigKeys  = 64
	MaxInputs      = 10_000
	MaxRules       = 1_000
	MaxHistory     = 100 // values in a comparison's history
	MaxProfiles    = 64  // profile diffs
	MaxProfileFns  = 20  // functions in one
	MaxShards      = 256 // shards of a run: a GitHub Actions matrix has at most 256 jobs
)

// Write encodes r as compact JSON, the same bytes encoding/json makes of it. It streams the
// comparisons one at a time rather than building the whole document in memory: a report of
// 5,000 benchmarks in 3 units is about 9 MB, and a buffer of it would be most of gate compare's
// peak memory. "jq ." shows a report indented.
func Write(w io.Writer, r *Report) error {
	jw := &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}
	jw.enc = json.NewEncoder(&jw.buf)
	jw.enc.SetEscapeHTML(false)
	jw.field("{", "schema_version", r.SchemaVersion)
	jw.field(",", "tool", r.Tool)
	jw.field(",", "created_at", r.CreatedAt)
	jw.field(",", "inputs", r.Inputs)
	jw.field(",", "settings", r.Settings)
	if r.Comparisons == nil {
		jw.field(",", "comparisons", nil)
	} else {
		jw.raw(`,"comparisons":[`)
		jw.comparisons(r.Comparisons)
		jw.raw("]")
	}
	if len(r.Geomeans) > 0 {
		jw.field(",", "geomeans", r.Geomeans)
	}
	if len(r.Warnings) > 0 {
		jw.field(",", "warnings", r.Warnings)
	}
	if r.Run != nil {
		jw.field(",", "run", r.Run)
	}
	if r.History != nil {
		jw.field(",", "history", r.History)
	}
	if len(r.Profiles) > 0 {
		jw.field(",", "profiles", r.Profiles)
	}
	jw.field(",", "counts", r.Counts)
	jw.field(",", "benchmark_counts", r.BenchmarkCounts)
	jw.field(",", "verdict", r.Verdict)
	jw.raw("}\n")
	if jw.err != nil {
		return jw.err
	}
	return jw.w.Flush()
}

// jsonWriter writes a JSON document piece by piece, keeping the first error.
type jsonWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

func (j *jsonWriter) field(sep, name string, v any) {
	j.raw(sep + `"` + name + `":`)
	j.value(v)
}

func (j *jsonWriter) value(v any) {
	if j.err != nil {
		return
	}
	j.buf.Reset()
	if j.err = j.enc.Encode(v); j.err == nil {
		_, j.err = j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	}
}

// comparisons writes cs, comma-separated. Encoding them is most of writing a large report, so
// chunks of them are encoded on every core and written in order, a few buffers ahead at most.
func (j *jsonWriter) comparisons(cs []Comparison) {
	const chunk = 256
	type encoded struct {
		buf *bytes.Buffer
		err error
	}
	chunks := make([]chan encoded, (len(cs)+chunk-1)/chunk)
	for i := range chunks {
		chunks[i] = make(chan encoded, 1)
	}
	free := make(chan *bytes.Buffer, 2*runtime.GOMAXPROCS(0))
	for range cap(free) {
		free <- new(bytes.Buffer)
	}
	go func() {
		for i := range chunks {
			buf := <-free
			go func() {
				buf.Reset()
				enc := json.NewEncoder(buf)
				enc.SetEscapeHTML(false)
				var err error
				for k := i * chunk; k < min((i+1)*chunk, len(cs)) && err == nil; k++ {
					if k > 0 {
						buf.WriteByte(',')
					}
					if err = enc.Encode(&cs[k]); err == nil {
						buf.Truncate(buf.Len() - 1) // Encode's newline
					}
				}
				chunks[i] <- encoded{buf, err}
			}()
		}
	}()
	for _, c := range chunks {
		e := <-c
		if j.err == nil {
			j.err = e.err
		}
		if j.err == nil {
			_, j.err = j.w.Write(e.buf.Bytes())
		}
		free <- e.buf
	}
}

// WriteFile writes r to path atomically: a reader never sees half a report, and an existing
// file is only replaced by a complete one.
func WriteFile(path string, r *Report) error {
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		return fmt.Errorf("encoding report: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadFile reads and validates the report at path.
func ReadFile(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read decodes a report and validates it; name is used in error messages. Unknown fields are
// errors: a report is either the version this program understands or it is refused.
func Read(r io.Reader, name string) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%s: report is larger than %d bytes", name, MaxBytes)
	}
	// Look at the version first, so that a report from another version gets that message
	// rather than a complaint about a field it renamed. This also refuses data after the report.
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s: not a benchgate report: %w", name, err)
	}
	if head.SchemaVersion == nil {
		return nil, fmt.Errorf("%s: not a benchgate report: no schema_version", name)
	}
	if *head.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%s: report schema_version is %d; this gate reads version %d", name, *head.SchemaVersion, SchemaVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if rep.BenchmarkCounts == nil {
		// Written before reports counted by benchmark: the counts follow from the comparisons.
		_, rep.BenchmarkCounts, _ = rep.tally()
	}
	if err := rep.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &rep, nil
}

// Validate checks that r is a report this program wrote or could have written: every field in
// the vocabulary, every size within the limits, and counts and verdict consistent with the
// comparisons.
func (r *Report) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		if len(errs) < 10 {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	if r.SchemaVersion != SchemaVersion {
		bad("schema_version: got %d, want %d", r.SchemaVersion, SchemaVersion)
	}
	checkName := func(field, s string, required bool) {
		switch {
		case required && s == "":
			bad("%s: required", field)
		case len(s) > MaxNameLen:
			bad("%s: %d bytes long, limit %d", field, len(s), MaxNameLen)
		case !utf8.ValidString(s):
			bad("%s: not valid UTF-8", field)
		}
	}
	checkTexts := func(field string, texts []string) {
		if len(texts) > MaxWarnings {
			bad("%s: %d entries, limit %d", field, len(texts), MaxWarnings)
			return
		}
		for i, t := range texts {
			if len(t) > MaxTextLen {
				bad("%s[%d]: %d bytes long, limit %d", field, i, len(t), MaxTextLen)
			}
		}
	}
	checkConfig := func(field string, cfg map[string]string) {
		if len(cfg) > MaxConfigKeys {
			bad("%s: %d keys, limit %d", field, len(cfg), MaxConfigKeys)
			return
		}
		for k, v := range cfg {
			checkName(field+" key", k, true)
			checkName(field+"."+k, v, false)
		}
	}

	checkName("tool.name", r.Tool.Name, true)
	checkName("tool.version", r.Tool.Version, false)
	if len(r.Inputs) > MaxInputs {
		bad("inputs: %d entries, limit %d", len(r.Inputs), MaxInputs)
	}
	for i, in := range r.Inputs {
		checkName(fmt.Sprintf("inputs[%d].path", i), in.Path, true)
		if in.Side != "" && in.Side != Base && in.Side != Head {
			bad("inputs[%d].side: %q is not base or head", i, in.Side)
		}
	}
	s := r.Settings
	if !(s.Alpha > 0 && s.Alpha < 1) {
		bad("settings.alpha: %v is not between 0 and 1", s.Alpha)
	}
	if !(s.Confidence > 0 && s.Confidence < 1) {
		bad("settings.confidence: %v is not between 0 and 1", s.Confidence)
	}
	if s.FalseAlarmControl != BenjaminiHochberg && s.FalseAlarmControl != NoControl {
		bad("settings.false_alarm_control: %q is not benjamini-hochberg or none", s.FalseAlarmControl)
	}
	checkName("settings.config_file", s.ConfigFile, false)
	if len(s.Thresholds) > MaxRules {
		bad("settings.thresholds: %d rules, limit %d", len(s.Thresholds), MaxRules)
	}
	for i, t := range s.Thresholds {
		f := fmt.Sprintf("settings.thresholds[%d]", i)
		checkName(f+".unit", t.Unit, false)
		checkName(f+".benchmark", t.Benchmark, false)
		checkName(f+".package", t.Package, false)
		if t.MaxPercent < 0 {
			bad("%s.max_percent: %v is negative", f, t.MaxPercent)
		}
	}

	if len(r.Comparisons) > MaxComparisons {
		bad("comparisons: %d entries, limit %d", len(r.Comparisons), MaxComparisons)
		return errors.Join(errs...)
	}
	for i, c := range r.Comparisons {
		f := fmt.Sprintf("comparisons[%d]", i)
		checkConfig(f+".config", c.Config)
		checkName(f+".benchmark", c.Benchmark, true)
		checkName(f+".unit", c.Unit, true)
		checkName(f+".derived_from", c.DerivedFrom, false)
		if c.Better != Lower && c.Better != Higher && c.Better != NoDirection {
			bad("%s.better: %q is not lower, higher or unknown", f, c.Better)
		}
		if c.Instrument != "" && c.Instrument != InstrumentOf(c.Unit) {
			bad("%s.instrument: %q does not measure %s", f, c.Instrument, c.Unit)
		}
		if c.Assumption != AssumeNothing && c.Assumption != AssumeExact {
			bad("%s.assumption: %q is not nothing or exact", f, c.Assumption)
		}
		if !slices.Contains(Verdicts, c.Verdict) {
			bad("%s.verdict: %q is not a verdict", f, c.Verdict)
		}
		if c.Base == nil && c.Head == nil && c.Verdict != Failed {
			bad("%s: neither base nor head", f)
		}
		for side, sum := range map[string]*Summary{"base": c.Base, "head": c.Head} {
			if sum == nil {
				continue
			}
			if len(sum.Values) == 0 || len(sum.Values) > MaxValues {
				bad("%s.%s.values: %d values, want 1 to %d", f, side, len(sum.Values), MaxValues)
			}
		}
		if c.ThresholdPercent < 0 {
			bad("%s.threshold_percent: %v is negative", f, c.ThresholdPercent)
		}
		if len(c.Reason) > MaxTextLen {
			bad("%s.reason: %d bytes long, limit %d", f, len(c.Reason), MaxTextLen)
		}
		checkTexts(f+".warnings", c.Warnings)
		if p := c.Paired; p != nil {
			if p.Test != PairedTest {
				bad("%s.paired.test: %q is not %s", f, p.Test, PairedTest)
			}
			if p.N < 1 || p.N > MaxValues {
				bad("%s.paired.n: %d pairs, want 1 to %d", f, p.N, MaxValues)
			}
			if !(p.P >= 0 && p.P <= 1) || !(p.Alpha > 0 && p.Alpha < 1) || p.Look < 1 {
				bad("%s.paired: p %v, alpha %v or look %d out of range", f, p.P, p.Alpha, p.Look)
			}
		}
		if a := c.Accepted; a != nil {
			if c.Verdict != Regression {
				bad("%s.accepted: only a regression can be accepted, this is %s", f, c.Verdict)
			}
			checkName(f+".accepted.by", a.By, true)
			if a.Source != AcceptDescription && a.Source != AcceptCommit && a.Source != AcceptLabel {
				bad("%s.accepted.source: %q is not description, commit or label", f, a.Source)
			}
			if len(a.Reason) > MaxTextLen {
				bad("%s.accepted.reason: %d bytes long, limit %d", f, len(a.Reason), MaxTextLen)
			}
		}
		if h := c.History; h != nil {
			if len(h.Values) == 0 || len(h.Values) > MaxHistory {
				bad("%s.history.values: %d values, want 1 to %d", f, len(h.Values), MaxHistory)
			}
			if h.SpreadPercent != nil && !(*h.SpreadPercent >= 0 && *h.SpreadPercent <= 1e9) {
				bad("%s.history.spread_percent: %v is not a percentage", f, *h.SpreadPercent)
			}
			if h.SpreadBasis != "" && h.SpreadBasis != "parent" && h.SpreadBasis != "commits" {
				bad("%s.history.spread_basis: %q is not parent or commits", f, h.SpreadBasis)
			}
		}
	}
	if a := r.Settings.Accept; a != nil {
		checkName("settings.accept.label", a.Label, true)
		if len(a.From) > 3 || slices.ContainsFunc(a.From, func(s string) bool { return s != AcceptDescription && s != AcceptCommit && s != AcceptLabel }) {
			bad("settings.accept.from: %q is not a list of description, commit and label", a.From)
		}
	}
	if r.Settings.NoiseMultiple < 0 {
		bad("settings.noise_multiple: %v is negative", r.Settings.NoiseMultiple)
	}
	if h := r.History; h != nil {
		checkName("history.branch", h.Branch, true)
		checkName("history.newest", h.Newest, false)
	}
	if len(r.Geomeans) > MaxComparisons {
		bad("geomeans: %d entries, limit %d", len(r.Geomeans), MaxComparisons)
	}
	for i, g := range r.Geomeans {
		f := fmt.Sprintf("geomeans[%d]", i)
		checkConfig(f+".config", g.Config)
		checkName(f+".unit", g.Unit, true)
		checkTexts(f+".warnings", g.Warnings)
	}
	checkTexts("warnings", r.Warnings)
	if len(r.Profiles) > MaxProfiles {
		bad("profiles: %d entries, limit %d", len(r.Profiles), MaxProfiles)
	}
	for i, p := range r.Profiles {
		f := fmt.Sprintf("profiles[%d]", i)
		checkName(f+".package", p.Package, true)
		checkName(f+".function", p.Function, true)
		checkName(f+".benchmark", p.Benchmark, false)
		checkName(f+".unit", p.Unit, false)
		if p.Kind != ProfileCPU && p.Kind != ProfileAllocSpace && p.Kind != ProfileAllocObjects && p.Kind != ProfileInstructions && p.Kind != ProfileInuseSpace {
			bad("%s.kind: %q is not cpu, alloc_space, alloc_objects, instructions or inuse_space", f, p.Kind)
		}
		if p.Ops < 1 {
			bad("%s.ops: %d, want at least 1", f, p.Ops)
		}
		for _, file := range []string{p.BaseFile, p.HeadFile} {
			checkName(f+" file", file, true)
			if strings.ContainsAny(file, `/\`) || strings.HasPrefix(file, ".") {
				bad("%s: file %q is not a plain file name", f, file)
			}
		}
		if len(p.Functions) > MaxProfileFns {
			bad("%s.functions: %d entries, limit %d", f, len(p.Functions), MaxProfileFns)
		}
		for j, fn := range p.Functions {
			checkName(fmt.Sprintf("%s.functions[%d].name", f, j), fn.Name, true)
			if fn.BaseSamples < 0 || fn.HeadSamples < 0 || fn.FlatError < 0 {
				bad("%s.functions[%d]: base_samples %d, head_samples %d, flat_error %g; want none negative", f, j, fn.BaseSamples, fn.HeadSamples, fn.FlatError)
			}
		}
	}
	if run := r.Run; run != nil {
		checkName("run.base.ref", run.Base.Ref, false)
		checkName("run.head.ref", run.Head.Ref, false)
		checkName("run.base.sha", run.Base.SHA, true)
		checkName("run.head.sha", run.Head.SHA, true)
		for side, rev := range map[string]Revision{"base": run.Base, "head": run.Head} {
			if b := rev.Build; b != nil {
				f := "run." + side + ".build"
				checkName(f+".go_directive", b.GoDirective, false)
				checkName(f+".toolchain", b.Toolchain, false)
				checkName(f+".go_version", b.GoVersion, false)
				checkConfig(f+".env", b.Env)
			}
		}
		checkName("run.machine.cpu_model", run.Machine.CPUModel, false)
		checkName("run.machine.go_version", run.Machine.GoVersion, false)
		checkName("run.bench", run.Bench, false)
		checkName("run.benchtime", run.Benchtime, false)
		checkName("run.harness", run.Harness, false)
		if len(run.Command) > MaxTextLen || !utf8.ValidString(run.Command) {
			bad("run.command: %d bytes or not UTF-8, limit %d", len(run.Command), MaxTextLen)
		}
		if run.Interleave != "" && run.Interleave != InterleaveBenchmark && run.Interleave != InterleavePackage {
			bad("run.interleave: %q is not benchmark or package", run.Interleave)
		}
		if _, err := ParseInstrument(string(run.Measure)); run.Measure != "" && err != nil {
			bad("run.%v", err)
		}
		// Counts of rounds drive loops of whoever judges the run again (gate merge): bounded.
		for _, n := range append([]int{run.Count, run.Rounds, run.MaxCount}, run.Looks...) {
			if n < 0 || n > MaxValues {
				bad("run: count, rounds, max_count and looks are 0 to %d rounds, got %d", MaxValues, n)
				break
			}
		}
		extra := 0
		for _, look := range run.Extra {
			extra += len(look)
			for i, fn := range look {
				checkName(fmt.Sprintf("run.extra[][%d].package", i), fn.Package, false)
				checkName(fmt.Sprintf("run.extra[][%d].name", i), fn.Name, true)
			}
		}
		if len(run.Looks) > MaxInputs || extra > MaxComparisons {
			bad("run: %d looks and %d extra benchmarks, limit %d and %d", len(run.Looks), extra, MaxInputs, MaxComparisons)
		}
		if len(run.Processes) > MaxInputs || len(run.Failures) > MaxInputs {
			bad("run: %d processes and %d failures, limit %d each", len(run.Processes), len(run.Failures), MaxInputs)
		}
		for i, p := range run.Processes {
			checkName(fmt.Sprintf("run.processes[%d].package", i), p.Package, true)
			if p.Side != Base && p.Side != Head {
				bad("run.processes[%d].side: %q is not base or head", i, p.Side)
			}
		}
		if sh := run.Shard; sh != nil {
			if sh.Count < 1 || sh.Count > MaxShards || sh.Index < 1 || sh.Index > sh.Count {
				bad("run.shard: %d/%d is not a shard K/N with 1 ≤ K ≤ N ≤ %d", sh.Index, sh.Count, MaxShards)
			}
			if sh.Method != "packages" && sh.Method != "functions" {
				bad("run.shard.method: %q is not packages or functions", sh.Method)
			}
			if len(sh.Functions) > MaxComparisons || sh.Selected < len(sh.Functions) || sh.Selected > MaxComparisons {
				bad("run.shard: %d functions of %d selected, limit %d", len(sh.Functions), sh.Selected, MaxComparisons)
			}
			for i, fn := range sh.Functions {
				checkName(fmt.Sprintf("run.shard.functions[%d].package", i), fn.Package, true)
				checkName(fmt.Sprintf("run.shard.functions[%d].name", i), fn.Name, true)
			}
			if !(sh.Load >= 0 && sh.Load <= 1e300) {
				bad("run.shard.load: %v is not a cost", sh.Load)
			}
			checkName("run.shard.costs_from", sh.CostsFrom, false)
		}
		if len(run.Shards) > MaxShards {
			bad("run.shards: %d entries, limit %d", len(run.Shards), MaxShards)
		}
		for i, sh := range run.Shards {
			if sh.Index < 1 || sh.Index > MaxShards {
				bad("run.shards[%d].index: %d, want 1 to %d", i, sh.Index, MaxShards)
			}
			checkName(fmt.Sprintf("run.shards[%d].machine.cpu_model", i), sh.Machine.CPUModel, false)
			checkName(fmt.Sprintf("run.shards[%d].machine.go_version", i), sh.Machine.GoVersion, false)
		}
		for i, f := range run.Failures {
			field := fmt.Sprintf("run.failures[%d]", i)
			checkName(field+".package", f.Package, true)
			checkName(field+".benchmark", f.Benchmark, false)
			if f.Side != Base && f.Side != Head {
				bad("%s.side: %q is not base or head", field, f.Side)
			}
			if len(f.Message) > MaxTextLen || len(f.Output) > MaxTextLen {
				bad("%s: message or output longer than %d bytes", field, MaxTextLen)
			}
		}
	}

	// The counts and the verdict must follow from the comparisons: a report that says "pass"
	// over a regression is forged or broken either way.
	counts, byBenchmark, verdict := r.tally()
	for _, c := range []struct {
		field      string
		says, have Counts
	}{{"counts", r.Counts, counts}, {"benchmark_counts", r.BenchmarkCounts, byBenchmark}} {
		field, says, have := c.field, c.says, c.have
		for _, v := range Verdicts {
			if says[v] != have[v] {
				bad("%s.%s: says %d, the comparisons have %d", field, v, says[v], have[v])
			}
		}
		for v := range says {
			if !slices.Contains(Verdicts, v) {
				bad("%s: %q is not a verdict", field, v)
			}
		}
	}
	if r.Verdict != verdict {
		bad("verdict: says %q, its comparisons and failures make it %q", r.Verdict, verdict)
	}
	return errors.Join(errs...)
}
