package shard

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/report"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Spec
		err  bool
	}{
		{in: "2/4", want: Spec{2, 4}},
		{in: " 1/1 ", want: Spec{1, 1}},
		{in: "256/256", want: Spec{256, 256}},
		{in: "0/3", err: true},
		{in: "4/3", err: true},
		{in: "1/257", err: true},
		{in: "3", err: true},
		{in: "a/b", err: true},
		{in: "", err: true},
	} {
		got, err := Parse(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !strings.Contains(err.Error(), "expected K/N") {
			t.Errorf("Parse(%q): %v, want it to say what is expected", tt.in, err)
		}
	}
}

// funcs makes functions named by "pkg.Name" strings.
func funcs(names ...string) []report.Func {
	var out []report.Func
	for _, n := range names {
		pkg, name, _ := strings.Cut(n, ".")
		out = append(out, report.Func{Package: pkg, Name: name})
	}
	return out
}

func names(fs []report.Func) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Package+"."+f.Name)
	}
	return strings.Join(out, " ")
}

// TestSplit checks which plan wins and what goes where, on cases small enough to work out by
// hand; and, for each, that every function lands on exactly one shard and that the split does
// not depend on the order the functions come in.
func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		name   string
		funcs  []report.Func
		costs  map[string]float64
		n      int
		method string
		parts  []string
	}{
		{
			name:  "one shard",
			funcs: funcs("a.X", "a.Y", "b.Z"), n: 1, method: ByPackage,
			parts: []string{"a.X a.Y b.Z"},
		},
		{
			// Whole: a (3 + build) and b (3 + build) on two shards, the third idle: 3.25.
			// One by one: two functions and two builds each: 2.5.
			name:  "two packages over three shards are spread",
			funcs: funcs("a.A", "a.B", "a.C", "b.A", "b.B", "b.C"), n: 3, method: ByFunction,
			parts: []string{"a.A b.A", "a.B b.B", "a.C b.C"},
		},
		{
			// Whole: 2.25 on each. One by one: the same functions, and two builds on each.
			name:  "packages that balance stay whole",
			funcs: funcs("a.A", "a.B", "b.A", "b.B"), n: 2, method: ByPackage,
			parts: []string{"a.A a.B", "b.A b.B"},
		},
		{
			name:  "recorded costs: the costly function alone",
			funcs: funcs("a.Big", "a.S1", "a.S2", "a.S3", "b.S4"), n: 2, method: ByFunction,
			costs: map[string]float64{"a.Big": 40, "a.S1": 10, "a.S2": 10, "a.S3": 10, "b.S4": 10},
			parts: []string{"a.Big", "a.S1 a.S2 a.S3 b.S4"},
		},
		{
			// b.New has no recorded cost: it costs the median of those known (10).
			name:  "a function without a recorded cost costs the median",
			funcs: funcs("a.A", "a.B", "b.New"), n: 2, method: ByPackage,
			costs: map[string]float64{"a.A": 10, "a.B": 10},
			parts: []string{"a.A a.B", "b.New"},
		},
		{
			name:  "more shards than functions",
			funcs: funcs("a.A", "b.B"), n: 4, method: ByPackage,
			parts: []string{"a.A", "b.B", "", ""},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			costs := map[report.Func]float64{}
			for n, c := range tt.costs {
				costs[funcs(n)[0]] = c
			}
			p := Split(tt.funcs, costs, tt.n)
			var got []string
			for _, part := range p.Parts {
				got = append(got, names(part))
			}
			if p.Method != tt.method || !slices.Equal(got, tt.parts) {
				t.Errorf("split %s %q (loads %v), want %s %q", p.Method, got, p.Loads, tt.method, tt.parts)
			}
			var all []report.Func
			for _, part := range p.Parts {
				all = append(all, part...)
			}
			slices.SortFunc(all, compareFunc)
			want := slices.Clone(tt.funcs)
			slices.SortFunc(want, compareFunc)
			if !slices.Equal(all, want) {
				t.Errorf("the parts hold %s, want each of %s once", names(all), names(want))
			}
			for seed := range uint64(5) {
				shuffled := slices.Clone(tt.funcs)
				rand.New(rand.NewPCG(seed, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				if q := Split(shuffled, costs, tt.n); fmt.Sprint(q) != fmt.Sprint(p) {
					t.Errorf("split of a shuffled list %v, want %v", q, p)
				}
			}
		})
	}
}

func TestCosts(t *testing.T) {
	for _, tt := range []struct {
		name, results string
		want          map[string]float64
	}{
		{
			name:    "timed: iterations × time, summed over runs and sub-benchmarks",
			results: "pkg: a\nBenchmarkX-2 1000 2000 ns/op\nBenchmarkX-2 1000 4000 ns/op\nBenchmarkY/n=1-2 10 1000000 ns/op\nBenchmarkY/n=2-2 10 3000000 ns/op\npkg: b\nBenchmarkZ 5 1 ns/op\n",
			want:    map[string]float64{"a.X": 0.006, "a.Y": 0.04, "b.Z": 5e-9},
		},
		{
			name:    "counted only: iterations × instructions",
			results: "pkg: a\nBenchmarkX 200 1500 instructions/op\n",
			want:    map[string]float64{"a.X": 300000},
		},
		{
			name:    "neither",
			results: "pkg: a\nBenchmark[process] 1 1000 peak-RSS-bytes\n",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Costs([]byte(tt.results))
			if len(got) != len(tt.want) {
				t.Fatalf("costs %v, want %v", got, tt.want)
			}
			for n, w := range tt.want {
				if g := got[funcs(n)[0]]; g < w*0.999 || g > w*1.001 {
					t.Errorf("%s costs %g, want %g", n, g, w)
				}
			}
		})
	}
}
