// Package formats turns the output of other benchmark harnesses into the Go benchmark format,
// so that everything after reading — comparison, paired statistics, comments, the baseline
// store, trends — works on them unchanged.
//
// # The model
//
// The Go benchmark format (golang.org/x/perf/benchfmt, and
// https://golang.org/design/14313-benchmark-format) is lines of text: configuration lines
// ("key: value") that apply to the results after them, unit metadata lines ("Unit items/s
// better=higher"), and result lines, each one sample of one benchmark:
//
//	BenchmarkName  <iterations>  <value> <unit>  [<value> <unit>]...
//
// benchstat's statistics, and so benchgate's, treat every result line as one sample of its
// benchmark. A harness that keeps its samples therefore converts to one line per sample: each
// of criterion's samples, each repetition of a Google Benchmark, each round of pytest-benchmark,
// each run of hyperfine. A harness output that holds only a summary (bencher lines, pytest
// without --benchmark-save-data, Google Benchmark's aggregates only) converts to one line per
// benchmark holding its median: a summary is one sample, never several invented ones, and the
// statistics need several runs of the harness (or its option that keeps the samples), which
// Converted.Warnings says where an option exists.
//
// Every converted output starts with the configuration line "harness: <format>", so results of
// different harnesses never land in one table. Times are in sec/op (seconds per iteration),
// which benchfmt also makes of Go's ns/op; other quantities get units of their own, with a Unit
// line giving their direction when it is clear (see each harness's file).
//
// # Names
//
// Names are kept as the harness shows them, "/" structure included (criterion's
// group/function/parameter reads as a benchmark with sub-benchmarks), with two exceptions the
// Go format forces:
//
//   - whitespace ends a name in the Go format, so each whitespace character becomes "_"
//     (criterion's "fib 15" is Benchmarkfib_15), as the testing package does for sub-benchmarks;
//   - a name ending in "-" and digits is read as the GOMAXPROCS the benchmark ran with
//     (BenchmarkSort-8 is "Sort" at GOMAXPROCS 8): benchgate would take criterion's "sort-8"
//     for a function "sort", and an acceptance of "sort" would accept it. No other harness
//     has GOMAXPROCS, so that "-" becomes "_": "sort_8", Google Benchmark's "BM_Shift/-8" is
//     "BM_Shift/_8".
//
// Filter maps a converted name back to the harness's argument that runs just that benchmark,
// allowing for both replacements.
package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/benchgate/benchgate/internal/report"
)

// Format names a harness output format.
type Format string

const (
	Go              Format = "go"               // go test -bench output, passed through
	Criterion       Format = "criterion"        // a target/criterion directory: **/new/sample.json (+ benchmark.json for the id)
	Bencher         Format = "bencher"          // `cargo bench -- --output-format bencher` lines: "test name ... bench:   1,234 ns/iter (+/- 56)"
	GoogleBenchmark Format = "gbench"           // Google Benchmark --benchmark_format=json (or --benchmark_out_format=json)
	Pytest          Format = "pytest-benchmark" // pytest --benchmark-json
	Hyperfine       Format = "hyperfine"        // hyperfine --export-json
)

// Formats are the formats in the order messages list them.
var Formats = []Format{Go, Criterion, Bencher, GoogleBenchmark, Pytest, Hyperfine}

// Limits of one conversion. A harness output is written by the code under test, so it may be of
// any size; these are far above what a real suite writes (a 64 MiB Google Benchmark file is
// about 150,000 repetitions) and keep a hostile one from exhausting memory. The result lines
// repeat a benchmark's name for every sample, so the output is bounded on its own.
const (
	MaxInputBytes  = 64 << 20          // one file, or the JSON files of a criterion directory together
	MaxResultBytes = 64 << 20          // the Go benchmark format text of one conversion
	MaxNameLen     = report.MaxNameLen // a benchmark's name or a configuration value: more and gate skips it
	MaxDirEntries  = 100_000           // files and directories walked in a criterion directory
)

// sniffLen is how much of a text output detection looks at: harness output starts with its
// results or a few lines before them, and a stream is never read further to decide.
const sniffLen = 64 << 10

// Converted is one harness output in the Go benchmark format.
type Converted struct {
	Format Format
	// Results is Go benchmark format text: configuration lines (e.g. "harness: criterion"),
	// unit metadata lines, then one result line per sample. For Go output it is the input
	// itself.
	Results []byte
	// Warnings are problems that did not stop the conversion, each naming the input, e.g.
	// pytest output without --benchmark-save-data: only summaries.
	Warnings []string
}

// ParseFormat validates a --format-in value. "" and "auto" mean detection, returned as "".
func ParseFormat(s string) (Format, error) {
	if s == "" || s == "auto" {
		return "", nil
	}
	for _, f := range Formats {
		if Format(s) == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: expected auto, %s", s, list(Formats))
}

func list(fs []Format) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Read converts the output at path: a file, or for Criterion a directory (target/criterion or
// any directory under it). f == "" detects the format from the content (a directory means
// criterion).
func Read(path string, f Format) (*Converted, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		if f != "" && f != Criterion {
			return nil, fmt.Errorf("%s: a directory; expected a file of %s output (only criterion output is a directory)", path, f)
		}
		return readCriterionDir(path)
	}
	if f == Criterion {
		return nil, fmt.Errorf("%s: a file; expected criterion's output directory, target/criterion or a directory under it", path)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	data, err := readAll(path, file)
	if err != nil {
		return nil, err
	}
	return Convert(path, data, f)
}

// readAll reads r whole, refusing more than MaxInputBytes.
func readAll(name string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("%s: more than %d bytes; expected a harness output of at most that size", name, MaxInputBytes)
	}
	return data, nil
}

// Convert converts output already in memory (a command's stdout); name is for messages. Go
// output is returned as it is: Results then shares data's memory.
func Convert(name string, data []byte, f Format) (*Converted, error) {
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than %d; expected a harness output of at most that size", name, len(data), MaxInputBytes)
	}
	if f == "" {
		var err error
		if f, err = Detect(name, data); err != nil {
			return nil, err
		}
	}
	w := newWriter(name, f)
	var err error
	var expected string
	switch f {
	case Go:
		return &Converted{Format: Go, Results: data}, nil
	case Criterion:
		return nil, fmt.Errorf("%s: criterion output is a directory (target/criterion); read it with its path", name)
	case Bencher:
		err, expected = convertBencher(w, data), bencherExpected
	case GoogleBenchmark:
		err, expected = convertGbench(w, data), gbenchExpected
	case Pytest:
		err, expected = convertPytest(w, data), pytestExpected
	case Hyperfine:
		err, expected = convertHyperfine(w, data), hyperfineExpected
	default:
		return nil, fmt.Errorf("%s: unknown format %q: expected %s", name, f, list(Formats))
	}
	if err != nil {
		return nil, err
	}
	return w.finish(expected)
}

// Detect tells the format of an output from its content:
//
//   - JSON with "benchmarks" and "context": Google Benchmark;
//   - JSON with "benchmarks" and "machine_info": pytest-benchmark;
//   - JSON with "results" whose entries have "command" and "times": hyperfine;
//   - text with lines starting "Benchmark" or "goos:" in its first 64 KiB: Go;
//   - else text with lines "test <name> ... bench: <n> ns/iter" there: bencher.
//
// Criterion's output is a directory, which Read recognizes by itself.
func Detect(name string, data []byte) (Format, error) {
	if isJSON(data) {
		return detectJSON(name, data)
	}
	if f, ok := detectText(data); ok {
		return f, nil
	}
	return "", fmt.Errorf("%s: not a benchmark output gate knows; expected go test -bench output (lines starting \"Benchmark\"), bencher lines (\"test NAME ... bench: N ns/iter (+/- M)\"), or the JSON of Google Benchmark, pytest-benchmark or hyperfine", name)
}

// isJSON reports whether data starts, past whitespace, as a JSON object.
func isJSON(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

// detectText looks at the first sniffLen bytes for Go result or header lines, then for
// bencher lines. Go wins when both appear: it is benchgate's own format, and a log may quote
// anything.
func detectText(data []byte) (Format, bool) {
	bencher := false
	for line := range bytes.Lines(data[:min(len(data), sniffLen)]) {
		if bytes.HasPrefix(line, []byte("Benchmark")) || bytes.HasPrefix(line, []byte("goos:")) {
			return Go, true
		}
		bencher = bencher || bencherLine.Match(bytes.TrimRight(line, "\r\n"))
	}
	return Bencher, bencher
}

// Stream is one input in the Go benchmark format, for reading it as a stream.
type Stream struct {
	Format   Format
	R        io.Reader
	Warnings []string
}

// NewStream returns r's output in the Go benchmark format. Go output — f == Go, or f == "" and
// its start neither JSON nor bencher lines — streams through as it is read, of any size, as
// gate compare has always read result files; any other format is read whole (at most
// MaxInputBytes) and converted. A criterion directory is not a stream: see Read.
func NewStream(name string, r io.Reader, f Format) (*Stream, error) {
	if f == Go {
		return &Stream{Format: Go, R: r}, nil
	}
	br := bufio.NewReaderSize(r, sniffLen)
	if f == "" {
		head, err := br.Peek(sniffLen)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !isJSON(head) {
			if tf, ok := detectText(head); !ok || tf == Go {
				// Not recognisably anything else: read as Go, whose reader explains
				// what it expected when there is nothing in it.
				return &Stream{Format: Go, R: br}, nil
			}
		}
	}
	data, err := readAll(name, br)
	if err != nil {
		return nil, err
	}
	c, err := Convert(name, data, f)
	if err != nil {
		return nil, err
	}
	return &Stream{Format: c.Format, R: bytes.NewReader(c.Results), Warnings: c.Warnings}, nil
}
