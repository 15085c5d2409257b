package formats

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Google Benchmark's JSON (--benchmark_format=json, or --benchmark_out=FILE
// --benchmark_out_format=json) lists every run in "benchmarks":
//
//   - each entry with run_type "iteration" is one sample: a repetition when the benchmark ran
//     with --benchmark_repetitions, else the benchmark's only run. Its real_time (wall time per
//     iteration, in time_unit: ns, us, ms or s) becomes sec/op; its cpu_time becomes cpu-sec/op
//     (lower is better), as the console shows both;
//   - entries with run_type "aggregate" (_mean, _median, _stddev, _cv, and complexity's _BigO
//     and _RMS) summarize the repetitions and are skipped, except that a benchmark with nothing
//     but aggregates (--benchmark_report_aggregates_only) gets its median as a single sample,
//     with a warning;
//   - bytes_per_second becomes B/s and items_per_second items/s, both higher-is-better; any
//     other counter becomes a unit of its own name, its direction unknown (the JSON does not say
//     whether it is a cost or a rate; give it in the config's units);
//   - a run with error_occurred is skipped, with a warning.
//
// Versions before 1.5 have no run_type; their aggregates are told by their names' suffixes.

// gbenchFields are an entry's keys that are not counters.
var gbenchFields = map[string]bool{
	"name": true, "family_index": true, "per_family_instance_index": true, "run_name": true,
	"run_type": true, "repetitions": true, "repetition_index": true, "threads": true,
	"iterations": true, "real_time": true, "cpu_time": true, "time_unit": true,
	"aggregate_name": true, "aggregate_unit": true, "error_occurred": true, "error_message": true,
	"label": true, "big_o": true, "rms": true, "cpu_coefficient": true, "real_coefficient": true,
	"complexity_n": true,
}

var gbenchTimeUnits = map[string]float64{"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}

var gbenchAggregates = []string{"_mean", "_median", "_stddev", "_cv", "_BigO", "_RMS"}

const gbenchExpected = `"benchmarks" entries with run_type "iteration" (a benchmark that ran)`

func convertGbench(w *writer, data []byte) error {
	top, err := parseObject(w.name, data, "Google Benchmark's JSON output")
	if err != nil {
		return err
	}
	if ctx, ok, err := top.object("context"); err != nil {
		return err
	} else if ok {
		if t, _, _ := ctx.str("library_build_type"); t == "debug" {
			w.warn("the Google Benchmark library was built as debug (context.library_build_type); timings may be affected")
		}
		if scaling, _ := ctx.boolean("cpu_scaling_enabled"); scaling {
			w.warn("CPU frequency scaling was enabled when it ran (context.cpu_scaling_enabled); timings are noisier")
		}
	}
	entries, ok, err := top.array("benchmarks")
	if err != nil {
		return err
	}
	if !ok {
		return top.need("benchmarks", "an array of benchmark runs")
	}
	sampled := map[string]bool{}   // run names with an iteration entry
	medians := map[string]object{} // run name → its median aggregate
	var order []string             // run names of medians, in order
	var failed []string            // names of runs with an error
	for i, raw := range entries {
		e, err := top.elem("benchmarks", i, raw)
		if err != nil {
			return err
		}
		name, err := e.requiredStr("name", "the benchmark's name")
		if err != nil {
			return err
		}
		run, _, err := e.str("run_name")
		if err != nil {
			return err
		}
		if aggregate, err := gbenchAggregate(e, name); err != nil {
			return err
		} else if aggregate != "" {
			if run == "" {
				run = strings.TrimSuffix(name, "_"+aggregate)
			}
			if aggregate == "median" {
				if _, seen := medians[run]; !seen {
					order = append(order, run)
				}
				medians[run] = e
			}
			continue
		}
		if errored, err := e.boolean("error_occurred"); err != nil {
			return err
		} else if errored {
			msg, _, _ := e.str("error_message")
			failed = append(failed, fmt.Sprintf("%.120q (%.200s)", name, msg))
			continue
		}
		iters, err := gbenchIterations(e)
		if err != nil {
			return err
		}
		vals, err := gbenchValues(w, e)
		if err != nil {
			return err
		}
		if err := w.result(name, iters, vals...); err != nil {
			return err
		}
		sampled[name] = true
		if run != "" {
			sampled[run] = true
		}
	}
	var summarized []string
	for _, run := range order {
		if sampled[run] {
			continue
		}
		vals, err := gbenchValues(w, medians[run])
		if err != nil {
			return err
		}
		if err := w.result(run, 1, vals...); err != nil {
			return err
		}
		summarized = append(summarized, run)
	}
	if len(summarized) > 0 {
		w.warn("%d benchmarks (%.120q first) have only aggregates, as with --benchmark_report_aggregates_only: each one's median is a single sample, so comparing them needs several runs; without that flag every repetition is a sample", len(summarized), summarized[0])
	}
	if len(failed) > 0 {
		w.warn("%d benchmark runs failed and are skipped (error_occurred), the first %s", len(failed), failed[0])
	}
	return nil
}

// gbenchAggregate returns the aggregate an entry is ("mean", "median", ...), or "" for a run.
func gbenchAggregate(e object, name string) (string, error) {
	runType, hasType, err := e.str("run_type")
	if err != nil {
		return "", err
	}
	if hasType {
		if runType != "aggregate" {
			return "", nil
		}
		agg, _, err := e.str("aggregate_name")
		if err != nil {
			return "", err
		}
		if agg == "" {
			agg = "aggregate"
		}
		return agg, nil
	}
	for _, suffix := range gbenchAggregates {
		if strings.HasSuffix(name, suffix) {
			return suffix[1:], nil
		}
	}
	return "", nil
}

func gbenchIterations(e object) (int64, error) {
	n, ok, err := e.number("iterations")
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, e.need("iterations", "the run's iteration count")
	}
	iters, ok := iterations(n)
	if !ok {
		return 0, e.errorf("iterations", "expected a whole number from 1, got %v", n)
	}
	return iters, nil
}

// gbenchValues reads an entry's times and counters.
func gbenchValues(w *writer, e object) ([]value, error) {
	unit, err := e.requiredStr("time_unit", "ns, us, ms or s")
	if err != nil {
		return nil, err
	}
	scale, known := gbenchTimeUnits[unit]
	if !known {
		return nil, e.errorf("time_unit", "expected ns, us, ms or s, got %.40q", unit)
	}
	var vals []value
	for _, key := range []string{"real_time", "cpu_time"} {
		t, ok, err := e.number(key)
		if err != nil {
			return nil, err
		}
		if !ok {
			if key == "cpu_time" {
				continue
			}
			return nil, e.need(key, "the time per iteration")
		}
		if t < 0 {
			return nil, e.errorf(key, "expected a time of at least 0, got %v", t)
		}
		if key == "real_time" {
			vals = append(vals, value{t * scale, "sec/op"})
		} else {
			w.better("cpu-sec/op", "lower")
			vals = append(vals, value{t * scale, "cpu-sec/op"})
		}
	}
	for _, key := range slices.Sorted(maps.Keys(e.m)) {
		if gbenchFields[key] || unitName(key) == "" {
			continue
		}
		if isNonFinite(e.m[key]) {
			w.warn("%s: not a finite number; that value is skipped", e.at(key))
			continue
		}
		if kind(e.m[key]) != "a number" {
			continue // a label of the user's, not a counter
		}
		v, _, err := e.number(key)
		if err != nil {
			return nil, err
		}
		switch key {
		case "bytes_per_second":
			vals = append(vals, value{v, "B/s"})
		case "items_per_second":
			w.better("items/s", "higher")
			vals = append(vals, value{v, "items/s"})
		default:
			vals = append(vals, value{v, unitName(key)})
		}
	}
	return vals, nil
}
