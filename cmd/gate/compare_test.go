package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// harnessOutput is a captured real output of another harness, from internal/formats/testdata.
func harnessOutput(name string) string {
	return filepath.Join("..", "..", "internal", "formats", "testdata", filepath.FromSlash(name))
}

// slower copies a JSON harness output into the test's directory with every number under the
// keys named multiplied by factor, where match accepts the object holding them.
func slower(t *testing.T, src, name string, keys []string, match func(map[string]any) bool, factor float64) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if match(v) {
				for _, k := range keys {
					switch x := v[k].(type) {
					case float64:
						v[k] = x * factor
					case []any:
						for i := range x {
							x[i] = x[i].(float64) * factor
						}
					}
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return write(t, name, string(out))
}

// slowerCriterion copies the criterion fixture with the times of the benchmark in dir doubled.
func slowerCriterion(t *testing.T, dir string) string {
	t.Helper()
	src := harnessOutput("criterion/out")
	dst := filepath.Join(t.TempDir(), "criterion")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == filepath.Join(dir, "new", "sample.json") {
			var s map[string]any
			if err := json.Unmarshal(data, &s); err != nil {
				return err
			}
			for i, v := range s["times"].([]any) {
				s["times"].([]any)[i] = v.(float64) * 2
			}
			if data, err = json.Marshal(s); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestCompareHarnesses: gate compare reads other harnesses' output, each file's format detected
// or given with --format-in, and a criterion directory as OLD or NEW.
func TestCompareHarnesses(t *testing.T) {
	t.Parallel()
	crit := harnessOutput("criterion/out")
	critSlow := slowerCriterion(t, "sort-8")
	gbench := harnessOutput("gbench/gbench.json")
	pytest := harnessOutput("pytest/data.json")
	pytestSlow := slower(t, pytest, "slow.json", []string{"data", "median"}, func(m map[string]any) bool { return m["iterations"] == 100.0 }, 3)
	saved := harnessOutput("pytest/saved.json")
	hyperfine := harnessOutput("hyperfine/hyperfine.json")
	bencher := harnessOutput("bencher/cargo-bench.txt")
	gbenchData, err := os.ReadFile(gbench)
	if err != nil {
		t.Fatal(err)
	}
	truncated := write(t, "truncated.json", string(gbenchData[:len(gbenchData)/3]))
	tests := []cliCase{
		{name: "criterion directories", args: []string{"compare", crit, critSlow}, code: exitFail, stdout: []string{"harness: criterion", "sort_8", "regression (>5%)", "sum/bytes/64", "FAIL: 1 regression past threshold"}},
		{name: "pytest-benchmark, detected", args: []string{"compare", pytest, pytestSlow}, code: exitFail, stdout: []string{"test_fib", "+200.00%", "regression (>5%)", "test_join"}},
		{name: "pytest-benchmark, given", args: []string{"compare", "--format-in", "pytest-benchmark", pytest, pytestSlow}, code: exitFail, stdout: []string{"regression (>5%)"}},
		{name: "gbench", args: []string{"compare", gbench, gbench}, code: exitPass, stdout: []string{"BM_Sum/64", "BM_Shift/_8", "cpu-sec/op", "items/s"}, stderr: []string{"gbench.json: the Google Benchmark library was built as debug", "unit nodes has no known direction"}},
		{name: "gbench on standard input", args: []string{"compare", "-", gbench}, stdin: string(gbenchData), code: exitPass, stdout: []string{"BM_Fill"}},
		{name: "hyperfine", args: []string{"compare", hyperfine, hyperfine}, code: exitPass, stdout: []string{"nap_10", "sleep_0.02"}},
		{name: "bencher", args: []string{"compare", bencher, bencher}, code: exitPass, stdout: []string{"fib_15", "inconclusive"}},
		{name: "summaries only", args: []string{"compare", "--format", "json", saved, saved}, code: exitPass, stdout: []string{`"warnings":["` + strings.ReplaceAll(saved, `\`, `\\`) + `: 4 benchmarks (\"test_fib\" first) have only summary statistics`}, stderr: []string{"saved.json: 4 benchmarks"}},
		{name: "harnesses do not mix", args: []string{"compare", gbench, hyperfine}, code: exitError, stdout: []string{"removed", "new"}, stderr: []string{"nothing to compare"}},
		{name: "a format that is not the file's", args: []string{"compare", "--format-in", "hyperfine", gbench, gbench}, code: exitError, stderr: []string{"gbench.json: results: missing; expected an array of commands' results"}, noStdout: true},
		{name: "a directory that is not criterion output", args: []string{"compare", t.TempDir(), crit}, code: exitError, stderr: []string{"no benchmark results in this criterion output; expected <benchmark>/new/sample.json files"}, noStdout: true},
		{name: "truncated JSON", args: []string{"compare", gbench, truncated}, code: exitError, stderr: []string{"truncated.json:", "the JSON ends early (truncated?); expected the JSON of Google Benchmark, pytest-benchmark or hyperfine"}, noStdout: true},
		{name: "bad format-in", args: []string{"compare", "--format-in", "xml", gbench, gbench}, code: exitError, stderr: []string{`--format-in "xml": expected auto, go, criterion, bencher, gbench, pytest-benchmark or hyperfine`}, noStdout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}
