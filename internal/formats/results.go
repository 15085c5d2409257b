package formats

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/benchgate/benchgate/internal/report"
)

// value is one measurement of a sample, in its unit.
type value struct {
	v    float64
	unit string
}

// writer builds one converted output: configuration lines, unit metadata lines, then the
// result lines, written as the converters meet the samples.
type writer struct {
	name    string // the input, for messages
	format  Format
	config  []string // "key: value" lines after the harness line
	units   []string // "Unit ..." lines, each unit once
	unitSet map[string]bool
	body    bytes.Buffer
	results int
	warns   []string

	lastName, lastGoName string // the name converted last: samples come one benchmark at a time
}

func newWriter(name string, f Format) *writer {
	return &writer{name: name, format: f, unitSet: map[string]bool{}}
}

// configure adds a configuration line. The value is made one line and cut to what a report
// holds: a value it cannot hold would make gate skip every result.
func (w *writer) configure(key, val string) {
	val = strings.Join(strings.Fields(strings.ToValidUTF8(val, "\uFFFD")), " ")
	if len(val) > MaxNameLen {
		val = strings.ToValidUTF8(val[:MaxNameLen], "")
	}
	if val != "" {
		w.config = append(w.config, key+": "+val)
	}
}

// better declares a unit's direction, "higher" or "lower", with a Unit metadata line, once.
func (w *writer) better(unit, dir string) {
	if !w.unitSet[unit] {
		w.unitSet[unit] = true
		w.units = append(w.units, "Unit "+unit+" better="+dir)
	}
}

// result writes one sample of the benchmark named name (as the harness shows it). The first
// value is its time in sec/op.
func (w *writer) result(name string, iters int64, vals ...value) error {
	if name != w.lastName || w.lastGoName == "" {
		n, err := goName(name)
		if err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		w.lastName, w.lastGoName = name, n
	}
	n := w.lastGoName
	start := w.body.Len()
	w.body.WriteString("Benchmark")
	w.body.WriteString(n)
	w.body.WriteByte('\t')
	w.body.WriteString(strconv.FormatInt(iters, 10))
	for _, v := range vals {
		w.body.WriteByte('\t')
		w.body.WriteString(strconv.FormatFloat(v.v, 'g', -1, 64))
		w.body.WriteByte(' ')
		w.body.WriteString(v.unit)
	}
	w.body.WriteByte('\n')
	if w.body.Len() > MaxResultBytes {
		w.body.Truncate(start)
		return fmt.Errorf("%s: the converted results would be more than %d bytes; expected a smaller output (fewer samples or shorter names)", w.name, MaxResultBytes)
	}
	w.results++
	return nil
}

// warn adds a warning about the input, valid UTF-8 and within what a report holds.
func (w *writer) warn(format string, args ...any) {
	msg := strings.ToValidUTF8(w.name+": "+fmt.Sprintf(format, args...), "\uFFFD")
	if len(msg) > report.MaxTextLen {
		msg = strings.ToValidUTF8(msg[:report.MaxTextLen-len("…")], "") + "…"
	}
	w.warns = append(w.warns, msg)
}

// finish assembles the output. An output with no sample at all is an error: there is nothing to
// compare, and saying so here names the harness's format rather than the Go one.
func (w *writer) finish(expected string) (*Converted, error) {
	if w.results == 0 {
		return nil, fmt.Errorf("%s: no benchmark results in this %s output; expected %s", w.name, w.format, expected)
	}
	var out bytes.Buffer
	out.Grow(w.body.Len() + 256)
	out.WriteString("harness: " + string(w.format) + "\n")
	for _, c := range w.config {
		out.WriteString(c + "\n")
	}
	for _, u := range w.units {
		out.WriteString(u + "\n")
	}
	out.WriteByte('\n')
	out.Write(w.body.Bytes())
	return &Converted{Format: w.format, Results: out.Bytes(), Warnings: w.warns}, nil
}

// goName is name as a Go benchmark name (without "Benchmark"): each whitespace character
// becomes "_", since whitespace ends a name, and a final "-<digits>" becomes "_<digits>", since
// benchfmt reads it as GOMAXPROCS (see the package doc). Invalid UTF-8 becomes U+FFFD.
func goName(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("a benchmark has an empty name; expected a name")
	}
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		if unicode.IsSpace(r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	n := b.String()
	if len(n) > MaxNameLen {
		return "", fmt.Errorf("benchmark %.80q… is %d bytes long; expected a name of at most %d bytes", n, len(n), MaxNameLen)
	}
	i := len(n)
	for i > 0 && '0' <= n[i-1] && n[i-1] <= '9' {
		i--
	}
	if i < len(n) && i > 0 && n[i-1] == '-' {
		n = n[:i-1] + "_" + n[i:]
	}
	return n, nil
}

// unitName is a counter's name as a unit: whitespace, which would end it, becomes "_".
func unitName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
}

// iterations checks an iteration count read as a float, as criterion writes them.
func iterations(v float64) (int64, bool) {
	if v < 1 || v > 1<<53 || v != math.Trunc(v) {
		return 0, false
	}
	return int64(v), true
}
