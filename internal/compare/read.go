package compare

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"

	"golang.org/x/perf/benchfmt"
)

// SideKey is the file-level configuration key that labels results with their side, so that any
// number of files (or one file holding both sides) can be compared.
const SideKey = "benchgate-side"

// sideField is the internal configuration key every result is given with its side. Keys that
// start with "." cannot be written in benchmark output, so input cannot forge it.
const sideField = ".side"

// The two sides of a comparison.
const (
	Base = "base"
	Head = "head"
)

// Input is one stream of benchmark results in the Go benchmark format.
type Input struct {
	// Name identifies the input in messages, usually its path.
	Name string
	R    io.Reader
	// Side is Base or Head when every result of the input is that side unless it says
	// otherwise with a benchgate-side key, or "" when each result must carry the key.
	Side string
}

// maxLine is the longest line benchfmt can read: its bufio.Scanner stops at 64 KiB and drops
// the rest of the file. Longer lines are skipped with a warning before benchfmt sees them.
const maxLine = bufio.MaxScanTokenSize - 1

// lineGuard passes its input through line by line, replacing each line longer than maxLine with
// an empty line, so benchfmt reads the rest of the file and line numbers stay right.
type lineGuard struct {
	r       *bufio.Reader
	name    string
	line    int
	pending []byte // the rest of the current line, not yet returned
	long    []string
}

func newLineGuard(r io.Reader, name string) *lineGuard {
	return &lineGuard{r: bufio.NewReaderSize(r, maxLine), name: name}
}

func (g *lineGuard) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		line, err := g.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			g.line++
			n := len(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = g.r.ReadSlice('\n')
				n += len(line)
			}
			g.long = append(g.long, fmt.Sprintf("%s:%d: line is %d bytes long, more than the %d a benchmark result line may have; skipped", g.name, g.line, n, maxLine))
			if err != nil && err != io.EOF {
				return 0, err
			}
			g.pending = []byte{'\n'}
			break
		}
		if len(line) > 0 {
			g.line++
			g.pending = line
			break
		}
		if err != nil {
			return 0, err
		}
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	return n, nil
}

// checkValues drops values that are not finite numbers from res, with a warning for each: a
// NaN would make every statistic of its benchmark NaN.
func checkValues(res *benchfmt.Result, warn func(string)) {
	kept := res.Values[:0]
	for _, v := range res.Values {
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			file, line := res.Pos()
			value, unit := v.Value, v.Unit
			if v.OrigUnit != "" { // show it as written, ns/op rather than sec/op
				value, unit = v.OrigValue, v.OrigUnit
			}
			warn(fmt.Sprintf("%s:%d: Benchmark%s: %v %s is not a finite number; value skipped", file, line, res.Name.Full(), value, unit))
			continue
		}
		kept = append(kept, v)
	}
	res.Values = kept
}
