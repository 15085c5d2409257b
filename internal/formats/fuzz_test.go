package formats

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/report"
)

// fuzzFormats are what FuzzConvert's which selects: detection, then each format.
var fuzzFormats = []Format{"", Go, Bencher, GoogleBenchmark, Pytest, Hyperfine, Criterion}

// FuzzConvert converts arbitrary bytes as each format (criterion's as a directory holding data
// as a benchmark's new/sample.json and meta as its new/benchmark.json): a harness output is
// written by the code under test, so anything may arrive. It must never panic; an error names
// the input; and a conversion that succeeds yields what gate reads without loss: every line
// readable by benchfmt, at least one result, names without a GOMAXPROCS suffix and within what
// a report holds, finite values, and warnings a report can hold.
func FuzzConvert(f *testing.F) {
	seeds := map[string]Format{
		"testdata/bencher/cargo-bench.txt":                Bencher,
		"testdata/gbench/gbench.json":                     GoogleBenchmark,
		"testdata/gbench/aggregates-only.json":            GoogleBenchmark,
		"testdata/pytest/data.json":                       Pytest,
		"testdata/pytest/saved.json":                      Pytest,
		"testdata/hyperfine/hyperfine.json":               Hyperfine,
		"../compare/testdata/golden/cpu-suffixes/old.txt": Go,
	}
	for path, format := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for which, ff := range fuzzFormats {
			if ff == format || ff == "" {
				f.Add(data, []byte(nil), uint8(which))
			}
		}
	}
	dirs, _ := filepath.Glob("testdata/criterion/out/*/new")
	more, _ := filepath.Glob("testdata/criterion/out/*/*/*/new")
	if len(dirs)+len(more) < 4 {
		f.Fatalf("found %d criterion benchmarks for seeds", len(dirs)+len(more))
	}
	for _, dir := range append(dirs, more...) {
		sample, err1 := os.ReadFile(filepath.Join(dir, "sample.json"))
		meta, err2 := os.ReadFile(filepath.Join(dir, "benchmark.json"))
		if err1 != nil || err2 != nil {
			f.Fatal(err1, err2)
		}
		f.Add(sample, meta, uint8(len(fuzzFormats)-1))
	}
	f.Add([]byte("test a-1 ... bench:   1,234.5 ns/iter (+/- 6) = 7 MB/s\ntest b ... bench: 3 cycles/iter (+/- 0)\n"), []byte(nil), uint8(2))
	f.Add([]byte(`{"context": {}, "benchmarks": [{"name": "x-1", "iterations": 1, "real_time": NaN, "time_unit": "s", "c d": -Infinity}]}`), []byte(nil), uint8(3))

	f.Fuzz(func(t *testing.T, data, meta []byte, which uint8) {
		format := fuzzFormats[int(which)%len(fuzzFormats)]
		var c *Converted
		var err error
		name := "in.out"
		if format == Criterion {
			name = "criterion-dir"
			fsys := fstest.MapFS{
				"g/b/new/sample.json":    {Data: data},
				"g/b/new/benchmark.json": {Data: meta},
			}
			c, err = readCriterion(fsys, name)
		} else {
			c, err = Convert(name, data, format)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), name) {
				t.Fatalf("the error does not name the input %s: %v", name, err)
			}
			return
		}
		if c.Format == Go {
			if !bytes.Equal(c.Results, data) {
				t.Fatalf("Go output came back changed")
			}
			return
		}
		checkConverted(t, c)
	})
}

// checkConverted checks what every successful conversion of another format promises.
func checkConverted(t *testing.T, c *Converted) {
	t.Helper()
	if len(c.Results) > MaxResultBytes+4096 {
		t.Fatalf("results are %d bytes, more than %d", len(c.Results), MaxResultBytes)
	}
	if !bytes.HasPrefix(c.Results, []byte("harness: "+string(c.Format)+"\n")) {
		t.Fatalf("results do not start with the harness line:\n%.200q", c.Results)
	}
	for _, w := range c.Warnings {
		if !utf8.ValidString(w) || len(w) > report.MaxTextLen {
			t.Fatalf("a warning a report cannot hold (%d bytes): %.200q", len(w), w)
		}
	}
	r := benchfmt.NewReader(bytes.NewReader(c.Results), "converted")
	results := 0
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Fatalf("benchfmt cannot read a converted line: %v\n%.2000s", rec, c.Results)
		case *benchfmt.Result:
			results++
			name := rec.Name.Full()
			if len(name) == 0 || len(name) > MaxNameLen || !utf8.Valid(name) {
				t.Fatalf("Benchmark%.200q: a name a report cannot hold", name)
			}
			if _, parts := rec.Name.Parts(); len(parts) > 0 && parts[len(parts)-1][0] == '-' {
				t.Fatalf("Benchmark%s: ends in what benchfmt reads as GOMAXPROCS", name)
			}
			if len(rec.Values) == 0 || rec.Values[0].Unit != "sec/op" && !strings.HasSuffix(rec.Values[0].Unit, "/op") {
				t.Fatalf("Benchmark%s: the first value is not a cost per op: %v", name, rec.Values)
			}
			for _, v := range rec.Values {
				if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
					t.Fatalf("Benchmark%s: %v %s is not finite", name, v.Value, v.Unit)
				}
			}
			for _, cfg := range rec.Config {
				if len(cfg.Value) > MaxNameLen || !utf8.Valid(cfg.Value) {
					t.Fatalf("configuration %s: a value a report cannot hold", cfg.Key)
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if results == 0 {
		t.Fatalf("a conversion succeeded with no results:\n%.500s", c.Results)
	}
}
