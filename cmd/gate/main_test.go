package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/golden"
	"github.com/benchgate/benchgate/internal/report"
)

// goldenPair is an input pair from the comparison engine's golden cases.
func goldenPair(name string) (old, new string) {
	dir := filepath.Join("..", "..", "internal", "compare", "testdata", "golden", name)
	return filepath.Join(dir, "old.txt"), filepath.Join(dir, "new.txt")
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// cliCase is a command line, with its standard input, and what it must exit with and print.
type cliCase struct {
	name     string
	args     []string
	stdin    string
	code     int
	stdout   []string // substrings
	stderr   []string
	noStdout bool // nothing on standard output, as on an error
}

// check runs the command line and checks its exit status and outputs.
func (tt cliCase) check(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr, nil)
	if code != tt.code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout.String(), stderr.String())
	}
	for _, want := range tt.stdout {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	for _, want := range tt.stderr {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if tt.noStdout && stdout.Len() > 0 {
		t.Errorf("stdout should be empty on an error, has:\n%s", stdout.String())
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	regOld, regNew := goldenPair("units-and-zeros")
	passOld, passNew := goldenPair("one-side-only")
	badConfig := write(t, "benchgate.yml", "thresholds:\n  - unit: sec/op\n    max: lots\n")
	loose := write(t, "loose.yml", "thresholds:\n  - max: 1000%\n")
	four := strings.Repeat("BenchmarkA 1 100 ns/op\n", 4)
	both := write(t, "both.txt", "benchgate-side: base\n"+four+"benchgate-side: head\n"+four)
	oldData, err := os.ReadFile(regOld)
	if err != nil {
		t.Fatal(err)
	}
	onlyA := write(t, "a.txt", "BenchmarkA 1 100 ns/op\n")
	onlyB := write(t, "b.txt", "BenchmarkB 1 100 ns/op\n")
	empty := write(t, "empty.txt", "")
	tests := []cliCase{
		{name: "regression", args: []string{"compare", regOld, regNew}, code: exitFail, stdout: []string{"Render-8", "regression (>5%)", "FAIL: 2 regressions past threshold, 1 inconclusive"}, stderr: []string{"gate: warning: ", "unit widgets/op has no known direction"}},
		{name: "pass", args: []string{"compare", passOld, passNew}, code: exitPass, stdout: []string{"removed", "new", "PASS:"}},
		// A change from zero is larger than any threshold.
		{name: "thresholds from the config", args: []string{"compare", "--config", loose, regOld, regNew}, code: exitFail, stdout: []string{"+8.57% (p=0.000 n=10)   within threshold (≤1000%)", "1.000 ± 0%        ? (exact: 0 → 1, n=10)    regression (>1000%)"}},
		{name: "markdown", args: []string{"compare", "--format", "markdown", regOld, regNew}, code: exitFail, stdout: []string{"### ❌ 2 regressions past threshold · 1 inconclusive", "| Benchmark | Unit |"}},
		{name: "json", args: []string{"compare", "--format=json", regOld, regNew}, code: exitFail, stdout: []string{`"schema_version":1`, `"verdict":"fail"`}},
		{name: "stdin", args: []string{"compare", "-", regNew}, stdin: string(oldData), code: exitFail, stdout: []string{"Render-8", "FAIL: 2 regressions"}},
		{name: "flags after files", args: []string{"compare", regOld, regNew, "--format", "json"}, code: exitFail, stdout: []string{`"schema_version":1`}},
		{name: "sides in the data", args: []string{"compare", both}, code: exitPass, stdout: []string{"PASS: 1 unchanged"}},
		{name: "no files", args: []string{"compare"}, code: exitError, stderr: []string{"compare needs benchmark result files", "Run 'gate compare --help' for usage."}, noStdout: true},
		{name: "bad format", args: []string{"compare", "--format", "xml", regOld, regNew}, code: exitError, stderr: []string{`--format "xml": expected text, markdown or json`}, noStdout: true},
		{name: "unknown flag", args: []string{"compare", "--alhpa", "1", regOld, regNew}, code: exitError, stderr: []string{"unknown flag: --alhpa", "--help"}, noStdout: true},
		{name: "missing file", args: []string{"compare", regOld, "nope.txt"}, code: exitError, stderr: []string{"open nope.txt: no such file or directory"}, noStdout: true},
		{name: "empty file", args: []string{"compare", regOld, empty}, code: exitError, stderr: []string{"empty.txt: no benchmark results for head"}, noStdout: true},
		{name: "bad config", args: []string{"compare", "--config", badConfig, regOld, regNew}, code: exitError, stderr: []string{"benchgate.yml:3: thresholds[0].max: expected a percentage"}, noStdout: true},
		{name: "missing named config", args: []string{"compare", "--config", "nope.yml", regOld, regNew}, code: exitError, stderr: []string{"reading config: open nope.yml"}, noStdout: true},
		{name: "nothing in common", args: []string{"compare", onlyA, onlyB}, code: exitError, stdout: []string{"removed", "new"}, stderr: []string{"nothing to compare: no benchmark has results on both base and head"}},
		{name: "stdin twice", args: []string{"compare", "-", "-", "-"}, code: exitError, stderr: []string{`standard input ("-") can be read only once`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

// TestCompareOut checks that --out writes a report that reads back valid, and that writing it
// never leaves a partial file behind.
func TestCompareOut(t *testing.T) {
	t.Parallel()
	old, new := goldenPair("several-packages")
	out := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"compare", "--out", out, old, new}, nil, &stdout, &stderr, nil); code != exitFail {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	r, err := report.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Comparisons) != 18 || r.Verdict != report.Fail || r.Inputs[0].Path != old {
		t.Errorf("report: %d comparisons, verdict %s, inputs %+v", len(r.Comparisons), r.Verdict, r.Inputs)
	}
	if code := run([]string{"compare", "--out", filepath.Join(t.TempDir(), "no", "such", "dir", "r.json"), old, new}, nil, &stdout, &stderr, nil); code != exitError {
		t.Errorf("unwritable --out: exit %d, want %d", code, exitError)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"help-gate.txt":            {"--help"},
		"help-compare.txt":         {"compare", "--help"},
		"help-run.txt":             {"run", "--help"},
		"help-baseline-record.txt": {"baseline", "record", "--help"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(args, nil, &stdout, &stderr, nil); code != exitPass {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			golden.Check(t, filepath.Join("testdata", name), stdout.Bytes())
		})
	}
}
