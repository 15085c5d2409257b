package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func ptr(f float64) *float64 { return &f }

// sample is a small valid report: one regression, one unchanged benchmark.
func sample() *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "benchgate", Version: "v0.1.0"},
		CreatedAt:     time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
		Inputs:        []Input{{Path: "old.txt", Side: "base", Results: 20}, {Path: "new.txt", Side: "head", Results: 20}},
		Settings: Settings{Alpha: 0.05, Confidence: 0.95, FalseAlarmControl: "benjamini-hochberg",
			Thresholds: []ThresholdRule{{MaxPercent: 5}, {Unit: "allocs/op"}}},
		Comparisons: []Comparison{
			{Config: map[string]string{"pkg": "example.com/m"}, Benchmark: "Encode-8", Unit: "sec/op", Better: "lower", Assumption: "nothing",
				Base:         &Summary{Center: 1e-6, Low: ptr(0.9e-6), High: ptr(1.1e-6), Confidence: 0.98, Values: []float64{0.9e-6, 1e-6, 1.1e-6, 1.1e-6}},
				Head:         &Summary{Center: 2e-6, Confidence: 0.98, Values: []float64{2e-6, 2e-6, 2e-6, 2e-6}},
				DeltaPercent: ptr(100), P: ptr(0.028), PAdjusted: ptr(0.028), ThresholdPercent: 5, Verdict: Regression,
				History: &History{Values: []float64{1e-6, 1.01e-6}, SpreadPercent: ptr(1.5), SpreadBasis: "parent", SpreadN: 5}},
			{Benchmark: "Decode-8", Unit: "sec/op", Better: "lower", Assumption: "nothing",
				Base: &Summary{Center: 1, Confidence: 0.9, Values: []float64{1}}, Verdict: Removed},
		},
		Warnings: []string{"old.txt:3: parsing iteration count: invalid syntax"},
		History:  &HistorySource{Branch: "benchgate-data", Commits: 2, Newest: "abc"},
	}
	r.Tally()
	return r
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	want := sample()
	if err := WriteFile(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwrote\n%+v", got, want)
	}
	if got.Verdict != Fail || got.Counts[Regression] != 1 || got.Counts[Removed] != 1 {
		t.Errorf("verdict %s counts %v", got.Verdict, got.Counts)
	}
}

// TestWriteIsEncodingJSON holds the streaming writer to the bytes encoding/json makes of the
// whole report, for full and sparse reports and for one with comparisons in several chunks of
// the parallel encoding, so the two can never drift apart. A value JSON cannot hold fails both.
func TestWriteIsEncodingJSON(t *testing.T) {
	sparse := sample()
	sparse.Geomeans, sparse.Warnings, sparse.Comparisons = nil, nil, nil
	sparse.Tally()
	empty := sample()
	empty.Comparisons = []Comparison{}
	empty.Tally()
	many := sample()
	for i := range 1000 {
		c := many.Comparisons[i%2]
		c.Benchmark = fmt.Sprintf("B%d", i)
		many.Comparisons = append(many.Comparisons, c)
	}
	many.Tally()
	full := sample()
	full.Geomeans = []Geomean{{Unit: "sec/op", Base: ptr(1), Head: ptr(2), DeltaPercent: ptr(100), Warnings: []string{"<b>&</b>"}}}
	full.Run = &Run{Base: Revision{Ref: "main", SHA: "abc"}, Head: Revision{SHA: "def", Dirty: true}, Count: 10, Rounds: 9,
		Machine:   Machine{CPUModel: "x", LogicalCores: 2, LoadBefore: []float64{1, 2, 3}},
		Processes: []Process{{Package: "p", Side: "head", Runs: 9, PeakRSSBytes: 1 << 20}},
		Failures:  []Failure{{Package: "q", Side: "base", Round: 2, Message: "exit status 2", Output: "panic: <boom>"}}}
	for _, r := range []*Report{full, sparse, empty, many} {
		var got, want bytes.Buffer
		if err := Write(&got, r); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("Write:\n%s\nencoding/json:\n%s", got.String(), want.String())
		}
	}
	many.Comparisons[700].DeltaPercent = ptr(math.NaN())
	_, want := json.Marshal(many)
	if err := Write(io.Discard, many); err == nil || want == nil || err.Error() != want.Error() {
		t.Errorf("Write of a NaN: %v; encoding/json: %v", err, want)
	}
}

// TestReadRefuses feeds Read reports that are broken or forged; each must be refused with a
// message that names what is wrong.
func TestReadRefuses(t *testing.T) {
	encode := func(r *Report) string {
		var b bytes.Buffer
		if err := Write(&b, r); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	modified := func(f func(r *Report)) string {
		r := sample()
		f(r)
		return encode(r)
	}
	many := func(n int) string {
		return modified(func(r *Report) {
			c := r.Comparisons[1]
			r.Comparisons = make([]Comparison, n)
			for i := range r.Comparisons {
				r.Comparisons[i] = c
			}
			r.Tally()
		})
	}
	tests := []struct {
		name, json, want string
	}{
		{"not JSON", "<html>", "not a benchgate report"},
		{"no version", `{"tool":{"name":"x"}}`, "no schema_version"},
		{"other version", `{"schema_version": 2, "renamed": true}`, "report schema_version is 2; this gate reads version 1"},
		{"unknown field", strings.Replace(encode(sample()), `"tool"`, `"markdown": "<b>hi</b>", "tool"`, 1), `unknown field "markdown"`},
		{"trailing data", encode(sample()) + "{}", "after top-level value"},
		{"forged pass", modified(func(r *Report) { r.Verdict = Pass }), `verdict: says "pass", its comparisons and failures make it "fail"`},
		{"forged counts", modified(func(r *Report) { r.Counts[Regression] = 0 }), "counts.regression: says 0, the comparisons have 1"},
		{"unknown verdict", modified(func(r *Report) { r.Comparisons[1].Verdict = "great" }), `comparisons[1].verdict: "great" is not a verdict`},
		{"long name", modified(func(r *Report) { r.Comparisons[0].Benchmark = strings.Repeat("x", MaxNameLen+1) }), "comparisons[0].benchmark: 2049 bytes long, limit 2048"},
		{"empty name", modified(func(r *Report) { r.Comparisons[0].Benchmark = "" }), "comparisons[0].benchmark: required"},
		{"long warning", modified(func(r *Report) { r.Warnings = []string{strings.Repeat("w", MaxTextLen+1)} }), "warnings[0]: 8193 bytes long"},
		{"no sides", modified(func(r *Report) { r.Comparisons[1].Base = nil }), "comparisons[1]: neither base nor head"},
		{"empty sample", modified(func(r *Report) { r.Comparisons[1].Base.Values = nil }), "comparisons[1].base.values: 0 values"},
		{"bad side", modified(func(r *Report) { r.Inputs[0].Side = "left" }), `inputs[0].side: "left" is not base or head`},
		{"bad failure side", modified(func(r *Report) {
			r.Run = &Run{Base: Revision{SHA: "a"}, Head: Revision{SHA: "b"}, Failures: []Failure{{Package: "p", Side: "left"}}}
		}), `run.failures[0].side: "left" is not base or head`},
		{"forged pass over a head failure", modified(func(r *Report) {
			r.Comparisons = r.Comparisons[1:]
			r.Run = &Run{Base: Revision{SHA: "a"}, Head: Revision{SHA: "b"}, Failures: []Failure{{Package: "p", Side: "head"}}}
			r.Tally()
			r.Verdict = Pass
		}), `verdict: says "pass", its comparisons and failures make it "fail"`},
		{"long history", modified(func(r *Report) { r.Comparisons[0].History = &History{Values: make([]float64, MaxHistory+1)} }), "comparisons[0].history.values: 101 values, want 1 to 100"},
		{"bad spread basis", modified(func(r *Report) { r.Comparisons[0].History = &History{Values: []float64{1}, SpreadBasis: "guess"} }), `comparisons[0].history.spread_basis: "guess" is not parent or commits`},
		{"negative spread", modified(func(r *Report) {
			v := -1.0
			r.Comparisons[0].History = &History{Values: []float64{1}, SpreadPercent: &v}
		}), "comparisons[0].history.spread_percent: -1 is not a percentage"},
		{"history without a branch", modified(func(r *Report) { r.History = &HistorySource{Commits: 3} }), "history.branch: required"},
		{"negative samples", modified(func(r *Report) {
			r.Profiles = []ProfileDiff{{Package: "example.com/m", Function: "Encode", Kind: ProfileCPU, Ops: 100, BaseFile: "b.pprof", HeadFile: "h.pprof",
				Functions: []ProfileFunction{{Name: "m.encode", Flat: 1, BaseSamples: -3, HeadSamples: 4, FlatError: 0.5}}}}
		}), "profiles[0].functions[0]: base_samples -3, head_samples 4, flat_error 0.5; want none negative"},
		{"bad alpha", modified(func(r *Report) { r.Settings.Alpha = 2 }), "settings.alpha: 2 is not between 0 and 1"},
		{"too many comparisons", many(MaxComparisons + 1), "comparisons: 50001 entries, limit 50000"},
		{"too large", `{"schema_version": 1, "warnings": ["` + strings.Repeat("x", MaxBytes) + `"]}`, "report is larger than 67108864 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.json), "report.json")
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "report.json: ") {
				t.Errorf("error %q, want it to name report.json and say %q", err, tt.want)
			}
		})
	}
}

// TestValidateLeavesReport checks a forged report without mending it: a caller that shows the
// report after a failed check must show what it said, not what it should have said.
func TestValidateLeavesReport(t *testing.T) {
	r := sample()
	r.Verdict, r.Counts[Regression] = Pass, 0
	if err := r.Validate(); err == nil {
		t.Fatal("a pass over a regression validated")
	}
	if r.Verdict != Pass || r.Counts[Regression] != 0 {
		t.Errorf("after Validate: verdict %s, counts %v; want the forged pass and counts kept", r.Verdict, r.Counts)
	}
}

// TestSchemaDocumented keeps docs/report.md in step with the JSON field names.
func TestSchemaDocumented(t *testing.T) {
	var fields []string
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || ty == reflect.TypeOf(time.Time{}) {
			return
		}
		for i := range ty.NumField() {
			f := ty.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			fields = append(fields, name)
			walk(f.Type)
		}
	}
	walk(reflect.TypeOf(Report{}))
	doc := readDoc(t)
	for _, f := range fields {
		if !strings.Contains(doc, "`"+f+"`") {
			t.Errorf("docs/report.md does not document the field %q", f)
		}
	}
}

func readDoc(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestPackageName(t *testing.T) {
	for path, want := range map[string]string{
		"example.com/m":                    "m",
		"github.com/cespare/xxhash/v2":     "xxhash",
		"github.com/cespare/xxhash/v2/sub": "sub",
		"gopkg.in/yaml.v3":                 "yaml",
		"example.com/m/v1":                 "v1", // no major-version suffix: v1 is a name
		"v2":                               "v2",
		"":                                 "",
	} {
		if got := PackageName(path); got != want {
			t.Errorf("PackageName(%q) = %q, want %q", path, got, want)
		}
	}
}
