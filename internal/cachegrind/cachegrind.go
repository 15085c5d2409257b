// Package cachegrind reads the output files of Valgrind's cachegrind tool and turns two counts
// of one benchmark, at N and at 2N iterations, into counts per operation: in all, by function,
// and as an estimate of cycles from the simulated caches' hits and misses. What does not grow
// with the iterations (start-up, the b.N=1 warm-up) cancels in the difference.
//
// The format: "events:" names the columns; "fl=" and "fn=" name the file and function that the
// following "line count..." lines belong to; "summary:" gives the totals.
package cachegrind

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Out is one cachegrind output file.
type Out struct {
	// Events are the columns, such as Ir (instructions executed) or, with the cache
	// simulation, Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw.
	Events []string
	// Totals are each event's total over the process.
	Totals map[string]float64
	// Funcs are each function's totals by event.
	Funcs map[string]map[string]float64
}

// Parse reads a cachegrind output file's contents.
func Parse(data []byte) (*Out, error) {
	o := &Out{Totals: map[string]float64{}, Funcs: map[string]map[string]float64{}}
	fn := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "events:"):
			o.Events = strings.Fields(strings.TrimPrefix(line, "events:"))
		case strings.HasPrefix(line, "fn="):
			fn = strings.TrimPrefix(line, "fn=")
			if o.Funcs[fn] == nil {
				o.Funcs[fn] = map[string]float64{}
			}
		case strings.HasPrefix(line, "summary:"):
			values := strings.Fields(strings.TrimPrefix(line, "summary:"))
			if len(values) != len(o.Events) {
				return nil, fmt.Errorf("line %d: %d totals for %d events", lineNo, len(values), len(o.Events))
			}
			for i, v := range values {
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: total %q: expected a number", lineNo, v)
				}
				o.Totals[o.Events[i]] = x
			}
		case fn != "" && line != "" && line[0] >= '0' && line[0] <= '9':
			fields := strings.Fields(line)
			for i, v := range fields[1:min(len(fields), len(o.Events)+1)] {
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: count %q: expected a number", lineNo, v)
				}
				o.Funcs[fn][o.Events[i]] += x
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(o.Events) == 0 || o.Totals["Ir"] == 0 {
		return nil, errors.New("no events line, or no instructions (Ir) in the summary")
	}
	return o, nil
}

// ReadFile reads the cachegrind output file at path.
func ReadFile(path string) (*Out, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	o, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return o, nil
}

// EstCycles is iai-callgrind's estimate of the cycles that counts took: an L1 hit costs 1, a
// last-level hit 5, and a miss to memory 35. Without the cache simulation's events it is the
// instruction count.
func EstCycles(t map[string]float64) float64 {
	ram := t["ILmr"] + t["DLmr"] + t["DLmw"]
	ll := t["I1mr"] + t["D1mr"] + t["D1mw"] - ram
	l1 := t["Ir"] + t["Dr"] + t["Dw"] - ll - ram
	return l1 + 5*ll + 35*ram
}

// PerOp is a benchmark's counts per operation, from its counts at n (short) and 2n (long)
// iterations.
type PerOp struct {
	Instructions float64
	EstCycles    float64
	// Funcs are each function's instructions per operation; a function that ran only in the
	// shorter run has a negative count.
	Funcs map[string]float64
}

// Diff is the per-operation counts of short, at n iterations, and long, at 2n.
func Diff(short, long *Out, n int) PerOp {
	p := PerOp{
		Instructions: (long.Totals["Ir"] - short.Totals["Ir"]) / float64(n),
		EstCycles:    (EstCycles(long.Totals) - EstCycles(short.Totals)) / float64(n),
		Funcs:        map[string]float64{},
	}
	for fn, ev := range long.Funcs {
		p.Funcs[fn] += ev["Ir"] / float64(n)
	}
	for fn, ev := range short.Funcs {
		p.Funcs[fn] -= ev["Ir"] / float64(n)
	}
	return p
}

// FuncChange is one function's change in instructions per operation between two benchmarks'
// counts, and its share of the whole change.
type FuncChange struct {
	Name         string
	Base, Head   float64
	Change       float64
	ShareOfTotal float64
}

// minChange is the smallest change per operation Changes lists: below one instruction an
// operation, a function's change is the runtime's background moving between runs (sysmon,
// the page allocator), not the code.
const minChange = 1

// Changes are the functions whose instructions per operation changed most between base and
// head, the largest growth first (then the largest shrinking), at most top of them; changes of
// less than one instruction an operation are left out.
func Changes(base, head PerOp, top int) []FuncChange {
	total := head.Instructions - base.Instructions
	var out []FuncChange
	seen := map[string]bool{}
	for _, m := range []map[string]float64{head.Funcs, base.Funcs} {
		for fn := range m {
			if seen[fn] {
				continue
			}
			seen[fn] = true
			c := FuncChange{Name: fn, Base: base.Funcs[fn], Head: head.Funcs[fn]}
			c.Change = c.Head - c.Base
			if math.Abs(c.Change) < minChange {
				continue
			}
			if total != 0 {
				c.ShareOfTotal = c.Change / total
			}
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Change != out[j].Change {
			return out[i].Change > out[j].Change
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > top {
		out = out[:top]
	}
	return out
}
