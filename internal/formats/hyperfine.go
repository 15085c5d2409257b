package formats

import "encoding/json"

// hyperfine's JSON (--export-json FILE) lists each command in "results":
//
//   - each run in "times" (seconds) is one sample of one iteration, named by "command", which is
//     the --command-name when one was given, else the command line (its spaces become "_": name
//     commands with --command-name to keep names short and stable);
//   - "memory_usage_byte" (hyperfine 1.16 and later: each run's peak memory) becomes peak-RSS-B,
//     lower is better, the unit gate run gives a benchmark process's peak RSS (so the config's
//     peak-RSS-B threshold, 20% by default, applies);
//   - a run whose exit code is not 0 (kept with --ignore-failure) is skipped with a warning: a
//     failed run's time is not the command's;
//   - output without "times" (very old hyperfine) gets its median as a single sample, with a
//     warning.
//
// hyperfine has no way to run one of several commands by name: Filter says so.

const hyperfineExpected = `"results" with "command" and "times"`

func convertHyperfine(w *writer, data []byte) error {
	top, err := parseObject(w.name, data, "hyperfine's JSON output (--export-json)")
	if err != nil {
		return err
	}
	results, ok, err := top.array("results")
	if err != nil {
		return err
	}
	if !ok {
		return top.need("results", "an array of commands' results")
	}
	seen := map[string]int{} // command → index of its first result
	var summarized []string
	failedRuns := 0
	for i, raw := range results {
		r, err := top.elem("results", i, raw)
		if err != nil {
			return err
		}
		name, err := r.requiredStr("command", "the command or its --command-name")
		if err != nil {
			return err
		}
		if first, dup := seen[name]; dup {
			w.warn("%s: command %.120q is also results[%d]: their runs are samples of one benchmark", r.path, name, first)
		} else {
			seen[name] = i
		}
		times, hasTimes, err := r.numbers("times")
		if err != nil {
			return err
		}
		if !hasTimes {
			median, ok, err := r.number("median")
			if err != nil {
				return err
			}
			if !ok {
				return r.need("times", "each run's time in seconds")
			}
			times = []float64{median}
			summarized = append(summarized, name)
		}
		memory, hasMemory, err := r.numbers("memory_usage_byte")
		if err != nil {
			return err
		}
		if hasMemory && len(memory) != len(times) {
			return r.errorf("memory_usage_byte", "%d values; expected one per run, %d", len(memory), len(times))
		}
		codes, err := exitCodes(r, hasTimes, len(times))
		if err != nil {
			return err
		}
		for j, t := range times {
			if t < 0 {
				return r.errorf("times", "run %d: expected a time of at least 0, got %v", j, t)
			}
			if codes != nil && (codes[j] == nil || *codes[j] != 0) {
				failedRuns++
				continue
			}
			vals := []value{{t, "sec/op"}}
			if hasMemory {
				w.better("peak-RSS-B", "lower")
				vals = append(vals, value{memory[j], "peak-RSS-B"})
			}
			if err := w.result(name, 1, vals...); err != nil {
				return err
			}
		}
	}
	if len(summarized) > 0 {
		w.warn("%d commands (%.120q first) have no \"times\", only summary statistics: each one's median is a single sample, so comparing them needs several runs", len(summarized), summarized[0])
	}
	if failedRuns > 0 {
		w.warn("%d runs exited with a status other than 0 (hyperfine --ignore-failure) and are skipped", failedRuns)
	}
	return nil
}

// exitCodes reads a result's exit codes, one per run (null for a run a signal ended), or nil
// when there are none to check against the runs.
func exitCodes(r object, hasTimes bool, runs int) ([]*int, error) {
	raw, ok := r.m["exit_codes"]
	if !ok || !hasTimes || string(raw) == "null" {
		return nil, nil
	}
	var codes []*int
	if err := json.Unmarshal(raw, &codes); err != nil {
		return nil, r.errorf("exit_codes", "expected an array of whole numbers or nulls, got %s", kind(raw))
	}
	if len(codes) != runs {
		return nil, r.errorf("exit_codes", "%d values; expected one per run, %d", len(codes), runs)
	}
	return codes, nil
}
