package cachegrind

import (
	"math"
	"strings"
	"testing"
)

// TestRealCounts reads two real counts of a benchmark (testdata/gen.sh), at 1000 and 2000
// iterations of spin(1000), whose loop is 7 instructions an iteration.
func TestRealCounts(t *testing.T) {
	short, err := ReadFile("testdata/spin.1000.out")
	if err != nil {
		t.Fatal(err)
	}
	long, err := ReadFile("testdata/spin.2000.out")
	if err != nil {
		t.Fatal(err)
	}
	// The functions' counts add up to the summary's, event by event.
	for _, o := range []*Out{short, long} {
		for _, ev := range o.Events {
			sum := 0.0
			for _, f := range o.Funcs {
				sum += f[ev]
			}
			if sum != o.Totals[ev] {
				t.Errorf("%s: the functions add up to %.0f, the summary says %.0f", ev, sum, o.Totals[ev])
			}
		}
	}
	p := Diff(short, long, 1000)
	// The process's background work (the page allocator, sysmon) moves by some tens of
	// thousands of instructions between runs: at 1,000 operations, 1% of the count.
	if math.Abs(p.Instructions-7000) > 140 {
		t.Errorf("%.0f instructions/op, want 7,000 ± 2%% (7 an iteration of spin(1000))", p.Instructions)
	}
	// The benchmark's own code counts exactly.
	if spin := p.Funcs["example.com/spin.spin"]; math.Abs(spin-7000) > 10 {
		t.Errorf("spin: %.2f instructions/op, want 7,000", spin)
	}
	// The loop runs from L1: the estimate is the count, give or take the background's misses.
	if math.Abs(p.EstCycles-p.Instructions) > 0.02*p.Instructions {
		t.Errorf("%.0f est-cycles/op against %.0f instructions/op", p.EstCycles, p.Instructions)
	}
}

func TestEstCycles(t *testing.T) {
	// 100 instructions, 20 data reads and 10 writes; 8 L1 misses of which 3 went to memory.
	totals := map[string]float64{"Ir": 100, "Dr": 20, "Dw": 10, "I1mr": 2, "D1mr": 5, "D1mw": 1, "ILmr": 1, "DLmr": 2, "DLmw": 0}
	// RAM 3, LL hits 8−3 = 5, L1 hits 130−8 = 122: 122 + 5·5 + 35·3.
	if got, want := EstCycles(totals), 122.0+25+105; got != want {
		t.Errorf("EstCycles = %v, want %v", got, want)
	}
	if got := EstCycles(map[string]float64{"Ir": 42}); got != 42 {
		t.Errorf("without the cache simulation: %v, want the instructions, 42", got)
	}
}

func TestChanges(t *testing.T) {
	base := PerOp{Instructions: 1000, Funcs: map[string]float64{"a": 600, "b": 400}}
	head := PerOp{Instructions: 1100, Funcs: map[string]float64{"a": 600.4, "b": 380, "c": 120}}
	got := Changes(base, head, 10)
	if len(got) != 2 || got[0].Name != "c" || got[0].Change != 120 || got[0].ShareOfTotal != 1.2 || got[1].Name != "b" || got[1].Change != -20 {
		t.Errorf("Changes = %+v; want c +120 (120%% of the change), then b −20, and not a's +0.4", got)
	}
	if got := Changes(base, head, 1); len(got) != 1 || got[0].Name != "c" {
		t.Errorf("the top 1: %+v", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"no events", "fn=a\n1 2\nsummary: 2\n", "line 3: 1 totals for 0 events"},
		{"totals short", "events: Ir Dr\nfn=a\n1 2 3\nsummary: 5\n", "line 4: 1 totals for 2 events"},
		{"bad total", "events: Ir\nsummary: many\n", `line 2: total "many": expected a number`},
		{"bad count", "events: Ir\nfn=a\n3 x\nsummary: 1\n", `line 3: count "x": expected a number`},
		{"no instructions", "events: Ir\nsummary: 0\n", "no instructions"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse: %v, want an error with %q", err, tt.want)
			}
		})
	}
}
