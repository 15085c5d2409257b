package formats

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Bencher output is what libtest's #[bench] harness prints, and criterion with
// --output-format bencher imitates:
//
//	test sum/bytes/64 ... bench:          12 ns/iter (+/- 4)
//	test parse ... bench:       1,234.56 ns/iter (+/- 78) = 250 MB/s
//
// One line is one benchmark's summary of one run (libtest's and criterion's median), so each
// line becomes one sample: several runs of the harness, appended, make the samples the
// statistics need. "(+/- N)" (a spread of that run's own samples) is not a sample and is
// dropped; libtest's "= N MB/s" becomes B/s. Other lines (warnings, test results, blank lines)
// are skipped.
var bencherLine = regexp.MustCompile(`^test (.+) \.\.\. bench:\s+([0-9][0-9,]*(?:\.[0-9]+)?) (\S+)/iter \(\+/- [0-9][0-9,]*(?:\.[0-9]+)?\)(?: = ([0-9][0-9,]*(?:\.[0-9]+)?) MB/s)?\s*$`)

// bencherStart is how a bencher result line starts: one that starts so and does not match
// bencherLine is malformed, not noise.
var bencherStart = regexp.MustCompile(`^test .* \.\.\. bench:`)

func convertBencher(w *writer, data []byte) error {
	n := 0
	for line := range bytes.Lines(data) {
		n++
		text := strings.TrimRight(string(line), "\r\n")
		m := bencherLine.FindStringSubmatch(text)
		if m == nil {
			if bencherStart.MatchString(text) {
				return fmt.Errorf("%s:%d: a bencher line that does not read; expected \"test NAME ... bench: N ns/iter (+/- M)\", got %.120q", w.name, n, text)
			}
			if !bytes.HasSuffix(line, []byte("\n")) && strings.HasPrefix(text, "test ") && strings.Contains(text, " ... ") {
				return fmt.Errorf("%s:%d: the output ends inside a benchmark's line (truncated?); expected \"test NAME ... bench: N ns/iter (+/- M)\"", w.name, n)
			}
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
		if err != nil {
			return fmt.Errorf("%s:%d: %s: expected a number, got %q", w.name, n, m[1], m[2])
		}
		vals := []value{measured(w, v, m[3])}
		if m[4] != "" {
			mbs, err := strconv.ParseFloat(strings.ReplaceAll(m[4], ",", ""), 64)
			if err != nil {
				return fmt.Errorf("%s:%d: %s: expected a number of MB/s, got %q", w.name, n, m[1], m[4])
			}
			vals = append(vals, value{mbs * 1e6, "B/s"})
		}
		if err := w.result(m[1], 1, vals...); err != nil {
			return err
		}
	}
	return nil
}

// measured is one iteration's cost as a harness printed it: nanoseconds become sec/op; any
// other unit (criterion's custom measurements, such as cycles) becomes "<unit>/op", a cost,
// so lower is better.
func measured(w *writer, v float64, unit string) value {
	if unit == "ns" {
		return value{v * 1e-9, "sec/op"}
	}
	u := unitName(unit) + "/op"
	w.better(u, "lower")
	return value{v, u}
}

const bencherExpected = `lines "test NAME ... bench: N ns/iter (+/- M)"`
