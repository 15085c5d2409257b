package formats

// pytest-benchmark's JSON — written by pytest --benchmark-json=FILE, or stored by
// --benchmark-save and --benchmark-autosave (under .benchmarks/) — lists each benchmark in
// "benchmarks" with its statistics in "stats", in seconds per iteration:
//
//   - stats.data holds every round's time per iteration: each round is one sample of
//     stats.iterations iterations. --benchmark-json always writes it; a stored run has it only
//     with --benchmark-save-data;
//   - without it there are only the statistics. A summary is not a set of samples, and none are
//     invented: the median becomes a single sample (robust to a slow round, and what a bencher
//     line holds too), with a warning that the statistics need every round (or several runs);
//   - benchmarks are named by "name" (test_sort[size-8]); when two share it (the same test name
//     in two modules), by "fullname", the node ID (tests/test_a.py::test_sort[size-8]);
//   - machine_info.cpu's brand becomes the "cpu" configuration, as go test prints it: gate warns
//     when base and head ran on different CPUs. extra_info is not read.

const pytestExpected = `"benchmarks" with "stats"`

func convertPytest(w *writer, data []byte) error {
	top, err := parseObject(w.name, data, "pytest-benchmark's JSON output (--benchmark-json)")
	if err != nil {
		return err
	}
	if mi, ok, err := top.object("machine_info"); err != nil {
		return err
	} else if ok {
		if cpu, ok, _ := mi.object("cpu"); ok {
			brand, _, _ := cpu.str("brand_raw")
			if brand == "" {
				brand, _, _ = cpu.str("brand")
			}
			w.configure("cpu", brand)
		}
	}
	entries, ok, err := top.array("benchmarks")
	if err != nil {
		return err
	}
	if !ok {
		return top.need("benchmarks", "an array of benchmarks")
	}
	type bench struct {
		o              object
		name, fullname string
	}
	benches := make([]bench, len(entries))
	fullnames := map[string]map[string]bool{} // name → its fullnames
	for i, raw := range entries {
		e, err := top.elem("benchmarks", i, raw)
		if err != nil {
			return err
		}
		name, err := e.requiredStr("name", "the test's name")
		if err != nil {
			return err
		}
		fullname, _, err := e.str("fullname")
		if err != nil {
			return err
		}
		benches[i] = bench{e, name, fullname}
		if fullnames[name] == nil {
			fullnames[name] = map[string]bool{}
		}
		fullnames[name][fullname] = true
	}
	var summarized []string
	for _, b := range benches {
		name := b.name
		if len(fullnames[name]) > 1 && b.fullname != "" {
			name = b.fullname
		}
		stats, ok, err := b.o.object("stats")
		if err != nil {
			return err
		}
		if !ok {
			return b.o.need("stats", "the benchmark's statistics")
		}
		n, ok, err := stats.number("iterations")
		if err != nil {
			return err
		}
		iters, valid := iterations(n)
		if !ok || !valid {
			return stats.errorf("iterations", "expected a whole number from 1, got %v", n)
		}
		key := "data"
		rounds, hasData, err := stats.numbers(key)
		if err != nil {
			return err
		}
		if !hasData || len(rounds) == 0 {
			key = "median"
			median, ok, err := stats.number("median")
			if err != nil {
				return err
			}
			if !ok {
				return stats.need("median", "the median time (or data, with --benchmark-save-data)")
			}
			rounds = []float64{median}
			summarized = append(summarized, name)
		}
		for i, t := range rounds {
			if t < 0 {
				return stats.errorf(key, "value %d: expected a time of at least 0, got %v", i, t)
			}
			if err := w.result(name, iters, value{t, "sec/op"}); err != nil {
				return err
			}
		}
	}
	if len(summarized) > 0 {
		w.warn("%d benchmarks (%.120q first) have only summary statistics, as a run stored without --benchmark-save-data has: each one's median is a single sample, so comparing them needs several runs; --benchmark-json, or storing with --benchmark-save-data, keeps every round as a sample", len(summarized), summarized[0])
	}
	return nil
}
