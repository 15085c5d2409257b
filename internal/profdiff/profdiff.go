// Package profdiff explains a regression by where it went: given a pprof profile of a
// benchmark's base and one of its head, each taken over the same number of operations, it
// subtracts the base from the head as `go tool pprof -diff_base` does (the base scaled by -1 and
// merged into the head, with github.com/google/pprof/profile) and ranks the functions by what
// they added per operation.
//
// A function's flat change is what it added itself, at the top of the stack; its cumulative
// change, what it and everything it called added. Shares are of the whole change, so a function
// with a 70% flat share is where most of the added time (or allocated bytes, or objects) went;
// shares can exceed 100% when other functions got faster.
//
// A CPU profile samples: the runtime records the stack every period of CPU time (10 ms at its
// 100 Hz), so a function is caught a roughly Poisson number of times, and the difference of its
// base and head counts has a standard error of √(base + head) samples. A diff says so per
// function (Func.FlatError). Memory profiles as benchgate takes them record every allocation
// (MemProfileRate 1) and have no sampling error.
package profdiff

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/google/pprof/profile"
)

// Kind is what a profile's samples measure, by the sample type a diff reads.
type Kind string

// The kinds benchgate profiles: CPU time for a regression in time, allocated bytes and
// allocated objects for one in B/op and allocs/op.
const (
	CPU          Kind = "cpu"
	AllocSpace   Kind = "alloc_space"
	AllocObjects Kind = "alloc_objects"
	// InuseSpace is the live heap's bytes a memory profile shows, as of the last collection:
	// the testing package collects before writing one, so it is what a benchmark kept.
	InuseSpace Kind = "inuse_space"
)

// Func is one function's change per operation.
type Func struct {
	Name string
	// Flat and Cum are head minus base, per operation, in the kind's unit (nanoseconds, bytes or
	// objects).
	Flat, Cum float64
	// FlatShare and CumShare are Flat and Cum as fractions of the whole change.
	FlatShare, CumShare float64
	// BaseSamples and HeadSamples are the samples each side's CPU profile took in the function
	// itself, and FlatError is Flat's standard error from that sampling, per operation:
	// √(base/baseOps² + head/headOps²) periods. All 0 for the kinds that record every event.
	BaseSamples, HeadSamples int64
	FlatError                float64
}

// Diff is where a benchmark's head spent more, or less, than its base.
type Diff struct {
	Kind Kind
	// Unit is the sample type's unit ("nanoseconds", "bytes", "count").
	Unit string
	// Base and Head are the profiles' totals per operation; Change is Head - Base.
	Base, Head, Change float64
	// Funcs are the functions that added the most, by flat change, largest first.
	Funcs []Func
}

// Read parses a profile, naming it in errors.
func Read(r io.Reader, name string) (*profile.Profile, error) {
	p, err := profile.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("%s: not a pprof profile: %w", name, err)
	}
	return p, nil
}

// ReadFile parses the profile at path.
func ReadFile(path string) (*profile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Compare diffs head against base, each measured over its number of operations, in the sample
// type of kind, and keeps the top functions by flat change.
func Compare(base, head *profile.Profile, kind Kind, baseOps, headOps, top int) (*Diff, error) {
	if baseOps < 1 || headOps < 1 {
		return nil, errors.New("profiles must each cover at least one operation")
	}
	bi, unit, err := sampleIndex(base, kind)
	if err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	hi, _, err := sampleIndex(head, kind)
	if err != nil {
		return nil, fmt.Errorf("head: %w", err)
	}
	d := &Diff{Kind: kind, Unit: unit, Base: total(base, bi) / float64(baseOps), Head: total(head, hi) / float64(headOps)}
	d.Change = d.Head - d.Base

	// Both per operation of the base: the head scaled by baseOps/headOps, the base by -1.
	b, h := base.Copy(), head.Copy()
	if baseOps != headOps {
		h.Scale(float64(baseOps) / float64(headOps))
	}
	b.Scale(-1)
	if err := profile.CompatibilizeSampleTypes([]*profile.Profile{h, b}); err != nil {
		return nil, err
	}
	merged, err := profile.Merge([]*profile.Profile{h, b})
	if err != nil {
		return nil, fmt.Errorf("merging the profiles: %w", err)
	}
	mi, _, err := sampleIndex(merged, kind)
	if err != nil {
		return nil, err
	}
	flat, cum := byFunction(merged, mi, 1/float64(baseOps))
	for name, f := range flat {
		// What rounding leaves of a function both sides spent the same in is no change.
		if math.Abs(f) > negligible*math.Abs(d.Change) {
			d.Funcs = append(d.Funcs, Func{Name: name, Flat: f, Cum: cum[name]})
		}
	}
	slices.SortFunc(d.Funcs, func(a, b Func) int { return cmp.Or(cmp.Compare(b.Flat, a.Flat), cmp.Compare(a.Name, b.Name)) })
	d.Funcs = d.Funcs[:min(top, len(d.Funcs))]
	if kind == CPU {
		if err := samplingErrors(d.Funcs, base, head, baseOps, headOps); err != nil {
			return nil, err
		}
	}
	for i := range d.Funcs {
		if d.Change != 0 {
			d.Funcs[i].FlatShare = d.Funcs[i].Flat / d.Change
			d.Funcs[i].CumShare = d.Funcs[i].Cum / d.Change
		}
	}
	return d, nil
}

// byFunction sums each sample's value in column i, times scale, by function: flat to the
// innermost function that is the code's own, cumulative to every function on the stack, once.
func byFunction(p *profile.Profile, i int, scale float64) (flat, cum map[string]float64) {
	flat, cum = map[string]float64{}, map[string]float64{}
	for _, s := range p.Sample {
		v := float64(s.Value[i]) * scale
		seen := map[string]bool{}
		leaf := true
		for _, loc := range s.Location {
			for _, line := range loc.Line {
				if line.Function == nil {
					continue
				}
				name := line.Function.Name
				if leaf && !preemption[name] {
					flat[name] += v
					leaf = false
				}
				if !seen[name] {
					seen[name] = true
					cum[name] += v
				}
			}
		}
	}
	return flat, cum
}

// samplingErrors sets each function's sample counts and its flat change's standard error, from
// the CPU profiles' sample counts and their period.
func samplingErrors(funcs []Func, base, head *profile.Profile, baseOps, headOps int) error {
	counts := func(p *profile.Profile) (map[string]float64, float64, error) {
		i, _, err := sampleIndex(p, "samples")
		if err != nil {
			return nil, 0, err
		}
		if p.Period <= 0 {
			return nil, 0, fmt.Errorf("the profile has no sampling period (period %d)", p.Period)
		}
		flat, _ := byFunction(p, i, 1)
		return flat, float64(p.Period), nil
	}
	b, bp, err := counts(base)
	if err != nil {
		return fmt.Errorf("base: %w", err)
	}
	h, hp, err := counts(head)
	if err != nil {
		return fmt.Errorf("head: %w", err)
	}
	for i := range funcs {
		f := &funcs[i]
		nb, nh := b[f.Name], h[f.Name]
		f.BaseSamples, f.HeadSamples = int64(nb), int64(nh)
		f.FlatError = math.Hypot(math.Sqrt(nb)*bp/float64(baseOps), math.Sqrt(nh)*hp/float64(headOps))
	}
	return nil
}

// Total is a profile's sum in kind's sample type.
func Total(p *profile.Profile, kind Kind) (float64, error) {
	i, _, err := sampleIndex(p, kind)
	if err != nil {
		return 0, err
	}
	return total(p, i), nil
}

// Retained diffs what head keeps against what base keeps, per operation, by allocation site:
// each side's heap profile after n operations subtracted from its profile after 2n, so that what
// a run keeps whatever its length (set-up, the runtime's own heap) cancels, then the sides
// compared as Compare does.
func Retained(baseN, base2N, headN, head2N *profile.Profile, n, top int) (*Diff, error) {
	grown := func(short, long *profile.Profile) (*profile.Profile, error) {
		s := short.Copy()
		s.Scale(-1)
		return profile.Merge([]*profile.Profile{long.Copy(), s})
	}
	base, err := grown(baseN, base2N)
	if err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	head, err := grown(headN, head2N)
	if err != nil {
		return nil, fmt.Errorf("head: %w", err)
	}
	return Compare(base, head, InuseSpace, n, n, top)
}

// negligible is the smallest flat change, as a fraction of the whole, that a diff lists.
const negligible = 1e-4

// preemption are the runtime's functions that a CPU profile's signal can find on top of any
// loop that is being preempted: the time is the loop's, so the frame below them gets it.
var preemption = map[string]bool{"runtime.asyncPreempt": true, "runtime.asyncPreempt2": true}

// sampleIndex finds kind's sample type in p.
func sampleIndex(p *profile.Profile, kind Kind) (int, string, error) {
	for i, st := range p.SampleType {
		if st.Type == string(kind) {
			return i, st.Unit, nil
		}
	}
	var have []string
	for _, st := range p.SampleType {
		have = append(have, st.Type)
	}
	return 0, "", fmt.Errorf("the profile has no %s samples (it has %v)", kind, have)
}

func total(p *profile.Profile, i int) float64 {
	var t float64
	for _, s := range p.Sample {
		t += float64(s.Value[i])
	}
	return t
}
