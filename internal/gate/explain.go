package gate

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/google/pprof/profile"
	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/cachegrind"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/profdiff"
	"github.com/benchgate/benchgate/internal/report"
)

// topFunctions is how many functions a profile diff keeps.
const topFunctions = 10

// regressed tells the run, after its rounds, which benchmark functions regressed under cfg,
// the largest regression first, and which profiles explain them: CPU for time, memory for
// B/op and allocs/op.
func regressed(cfg *config.Config) func(run *report.Run, base, head []byte) []benchexec.ProfileRequest {
	return func(run *report.Run, base, head []byte) []benchexec.ProfileRequest {
		res, err := compare.ReadRun(base, head)
		if err != nil {
			return nil // the final read reports it
		}
		rep, _ := res.Compare(cfg, compare.Extra{Run: run})
		type found struct {
			req  benchexec.ProfileRequest
			size float64
		}
		var order []report.Func
		byFunc := map[report.Func]*found{}
		for _, c := range rep.Comparisons {
			if c.Verdict != report.Regression || c.Benchmark == report.ProcessBenchmark {
				continue
			}
			f := report.Func{Package: c.Config["pkg"], Name: string(benchfmt.Name(c.Benchmark).Base())}
			r := byFunc[f]
			if r == nil {
				r = &found{req: benchexec.ProfileRequest{Func: f}}
			}
			switch c.Unit {
			case "sec/op":
				r.req.CPU = true
			case "B/op", "allocs/op":
				r.req.Memory = true
			case report.InstructionsUnit, report.EstCyclesUnit:
				r.req.Instructions = true
			case report.RetainedUnit:
				r.req.Retained = true
			default:
				continue
			}
			if byFunc[f] == nil {
				byFunc[f] = r
				order = append(order, f)
			}
			// The sub-benchmark with the largest regression is the one profiled.
			if size := deltaSize(&c); r.req.Benchmark == "" || size > r.size {
				r.size, r.req.Benchmark = size, c.Benchmark
			}
		}
		slices.SortStableFunc(order, func(a, b report.Func) int { return cmp.Compare(byFunc[b].size, byFunc[a].size) })
		reqs := make([]benchexec.ProfileRequest, len(order))
		for i, f := range order {
			reqs[i] = byFunc[f].req
		}
		return reqs
	}
}

// diffCounts is where an instructions profile's head executed more than its base, by function,
// per operation: cachegrind counts exactly, so unlike a sampled profile the code's own changes
// are exact; the runtime's background (the page allocator, the scheduler) still moves a little
// between runs. It has no inclusive counts: a function's cumulative change is its own.
func diffCounts(p benchexec.Profile) (report.ProfileDiff, error) {
	var outs [4]*cachegrind.Out
	for i, path := range []string{p.BaseShort, p.Base, p.HeadShort, p.Head} {
		o, err := cachegrind.ReadFile(path)
		if err != nil {
			return report.ProfileDiff{}, err
		}
		outs[i] = o
	}
	base, head := cachegrind.Diff(outs[0], outs[1], p.Ops), cachegrind.Diff(outs[2], outs[3], p.Ops)
	pd := report.ProfileDiff{
		Package: p.Func.Package, Function: p.Func.Name, Benchmark: p.Benchmark, Kind: report.ProfileInstructions, Unit: "instructions", Ops: p.Ops,
		BaseFile: filepath.Base(p.Base), HeadFile: filepath.Base(p.Head),
		Base: base.Instructions, Head: head.Instructions, Change: head.Instructions - base.Instructions,
	}
	for _, fn := range cachegrind.Changes(base, head, topFunctions) {
		pd.Functions = append(pd.Functions, report.ProfileFunction{Name: fn.Name, Flat: fn.Change, Cum: fn.Change, FlatShare: fn.ShareOfTotal, CumShare: fn.ShareOfTotal})
	}
	return pd, nil
}

// diffRetained is where head keeps more than base, by allocation site, per operation: each
// side's heap profile after Ops operations (BaseShort, HeadShort) subtracted from the one after
// twice as many (base and head, read already).
func diffRetained(p benchexec.Profile, base2N, head2N *profile.Profile) (report.ProfileDiff, error) {
	baseN, errB := profdiff.ReadFile(p.BaseShort)
	headN, errH := profdiff.ReadFile(p.HeadShort)
	if err := cmp.Or(errB, errH); err != nil {
		return report.ProfileDiff{}, err
	}
	d, err := profdiff.Retained(baseN, base2N, headN, head2N, p.Ops, topFunctions)
	if err != nil {
		return report.ProfileDiff{}, err
	}
	pd := report.ProfileDiff{
		Package: p.Func.Package, Function: p.Func.Name, Benchmark: p.Benchmark, Kind: report.ProfileInuseSpace, Unit: d.Unit, Ops: p.Ops,
		BaseFile: filepath.Base(p.Base), HeadFile: filepath.Base(p.Head), Base: d.Base, Head: d.Head, Change: d.Change,
	}
	for _, fn := range d.Funcs {
		pd.Functions = append(pd.Functions, report.ProfileFunction{Name: fn.Name, Flat: fn.Flat, Cum: fn.Cum, FlatShare: fn.FlatShare, CumShare: fn.CumShare})
	}
	return pd, nil
}

// diffProfiles diffs each profiled function's head against its base: a CPU profile in time, a
// memory profile in allocated bytes and in allocated objects. A profile that cannot be read is
// a warning.
func diffProfiles(profiles []benchexec.Profile, warnings []string) ([]report.ProfileDiff, []string) {
	var out []report.ProfileDiff
	for _, p := range profiles {
		if p.Kind == benchexec.InstructionsProfile {
			pd, err := diffCounts(p)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("the instruction counts of %s.%s were not compared: %v", p.Func.Package, p.Func.Name, err))
				continue
			}
			out = append(out, pd)
			continue
		}
		base, errB := profdiff.ReadFile(p.Base)
		head, errH := profdiff.ReadFile(p.Head)
		if err := cmp.Or(errB, errH); err != nil {
			warnings = append(warnings, fmt.Sprintf("the profiles of %s.%s were not compared: %v", p.Func.Package, p.Func.Name, err))
			continue
		}
		if p.Kind == benchexec.RetainedProfile {
			pd, err := diffRetained(p, base, head)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("the retained heaps of %s.%s were not compared: %v", p.Func.Package, p.Func.Name, err))
				continue
			}
			out = append(out, pd)
			continue
		}
		kinds := []profdiff.Kind{profdiff.CPU}
		if p.Kind == benchexec.MemoryProfile {
			kinds = []profdiff.Kind{profdiff.AllocSpace, profdiff.AllocObjects}
		}
		for _, kind := range kinds {
			d, err := profdiff.Compare(base, head, kind, p.Ops, p.Ops, topFunctions)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("the %s profiles of %s.%s were not compared: %v", kind, p.Func.Package, p.Func.Name, err))
				continue
			}
			pd := report.ProfileDiff{
				Package: p.Func.Package, Function: p.Func.Name, Benchmark: p.Benchmark, Kind: string(kind), Unit: d.Unit, Ops: p.Ops,
				BaseFile: filepath.Base(p.Base), HeadFile: filepath.Base(p.Head), Base: d.Base, Head: d.Head, Change: d.Change,
			}
			for _, fn := range d.Funcs {
				pd.Functions = append(pd.Functions, report.ProfileFunction{Name: fn.Name, Flat: fn.Flat, Cum: fn.Cum, FlatShare: fn.FlatShare, CumShare: fn.CumShare,
					BaseSamples: fn.BaseSamples, HeadSamples: fn.HeadSamples, FlatError: fn.FlatError})
			}
			out = append(out, pd)
		}
	}
	return out, warnings
}
