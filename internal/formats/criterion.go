package formats

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// Criterion.rs (0.3 and later, run by cargo bench) keeps each benchmark's latest measurement in
// target/criterion/<benchmark directory>/new/:
//
//   - sample.json: "iters" and "times", one entry per sample: how many iterations the sample
//     ran and how long they took in all, in nanoseconds. Each sample becomes one result of
//     times[i]/iters[i] per iteration (in sec/op) over iters[i] iterations. That is the sample
//     criterion's own mean and median are of; its headline "slope" estimate is a regression
//     over all samples, not a sample, and estimates.json (criterion's bootstrapped summaries of
//     these samples) is not read: benchgate computes its own statistics.
//   - benchmark.json: the benchmark's id, "full_id" (group/function/parameter, as criterion
//     prints it; the directory name has characters such as "/" and ":" replaced), and its
//     throughput: {"Bytes": n} (or "BytesDecimal") adds B/s, which gate shows with the time it
//     is derived from, as for go test's b.SetBytes. {"Elements": n} adds nothing: elements per
//     second is the time again, and would be a second finding for every change.
//
// Only new/ is read: base/ and baselines saved with --save-baseline are earlier runs. Every
// benchmark under the directory is read, also one left there by an earlier run whose benchmark
// has since been renamed or filtered out: compare directories that hold one run each (copy
// target/criterion after each run, or remove it before). The times are taken to be criterion's
// default wall-clock measurement: the files do not say which measurement made them.

// readCriterionDir reads the criterion output under dir.
func readCriterionDir(dir string) (*Converted, error) {
	return readCriterion(os.DirFS(dir), dir)
}

// criterionBench is one benchmark found, before its name is settled.
type criterionBench struct {
	id, title string
	dir       string // under the root, with "/"
	sample    object
	bytes     float64 // throughput per iteration, 0 for none
}

func readCriterion(fsys fs.FS, root string) (*Converted, error) {
	w := newWriter(root, Criterion)
	var dirs []string // of new/sample.json files
	entries := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entries++; entries > MaxDirEntries {
			return fmt.Errorf("more than %d files and directories; expected a target/criterion directory", MaxDirEntries)
		}
		if !d.IsDir() && d.Name() == "sample.json" && path.Base(path.Dir(p)) == "new" {
			dirs = append(dirs, path.Dir(p))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%s: no benchmark results in this criterion output; expected <benchmark>/new/sample.json files under it, as cargo bench leaves them in target/criterion", root)
	}
	budget := int64(MaxInputBytes)
	read := func(p, what string) (object, error) {
		file := filepath.Join(root, filepath.FromSlash(p))
		data, err := readLimited(fsys, p, &budget)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return object{}, fmt.Errorf("%s: missing; expected %s beside new/sample.json (criterion writes it last: was the run interrupted?)", file, what)
			}
			return object{}, fmt.Errorf("%s: %w", file, err)
		}
		return parseObject(file, data, what)
	}
	var benches []criterionBench
	ids := map[string]int{}
	for _, dir := range dirs {
		b := criterionBench{dir: dir}
		if b.sample, err = read(path.Join(dir, "sample.json"), "criterion's sample.json"); err != nil {
			return nil, err
		}
		meta, err := read(path.Join(dir, "benchmark.json"), "criterion's benchmark.json")
		if err != nil {
			return nil, err
		}
		id, ok, err := meta.str("full_id")
		if err != nil {
			return nil, err
		}
		if !ok || id == "" {
			return nil, meta.need("full_id", "the benchmark's id")
		}
		b.id = id
		if b.title, _, err = meta.str("title"); err != nil {
			return nil, err
		}
		if b.bytes, err = criterionBytes(meta); err != nil {
			return nil, err
		}
		ids[id]++
		benches = append(benches, b)
	}
	for _, b := range benches {
		name := b.id
		if ids[b.id] > 1 && b.title != "" {
			// criterion keeps two benchmarks with one id apart by their titles ("id #2").
			name = b.title
		}
		if err := criterionSamples(w, name, b); err != nil {
			return nil, err
		}
	}
	return w.finish("<benchmark>/new/sample.json files with samples")
}

// readLimited reads the file at p, taking its size from the bytes left to read.
func readLimited(fsys fs.FS, p string, budget *int64) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, *budget+1))
	if err != nil {
		return nil, err
	}
	if *budget -= int64(len(data)); *budget < 0 {
		return nil, fmt.Errorf("the criterion output's JSON files are more than %d bytes in all; expected a smaller output", MaxInputBytes)
	}
	return data, nil
}

// criterionBytes reads a benchmark's throughput in bytes per iteration, 0 when it has none.
func criterionBytes(meta object) (float64, error) {
	tp, ok, err := meta.object("throughput")
	if err != nil || !ok {
		return 0, err
	}
	for _, key := range []string{"Bytes", "BytesDecimal"} {
		n, ok, err := tp.number(key)
		if err != nil {
			return 0, err
		}
		if ok {
			if n < 0 {
				return 0, tp.errorf(key, "expected a number of bytes, got %v", n)
			}
			return n, nil
		}
	}
	return 0, nil
}

func criterionSamples(w *writer, name string, b criterionBench) error {
	s := b.sample
	iters, ok, err := s.numbers("iters")
	if err != nil {
		return err
	}
	if !ok {
		return s.need("iters", "each sample's iteration count")
	}
	times, ok, err := s.numbers("times")
	if err != nil {
		return err
	}
	if !ok {
		return s.need("times", "each sample's total time in nanoseconds")
	}
	if len(times) != len(iters) {
		return s.errorf("times", "%d values; expected one per sample, as many as iters (%d)", len(times), len(iters))
	}
	if len(times) == 0 {
		return s.errorf("times", "empty; expected the benchmark's samples")
	}
	for i := range times {
		n, ok := iterations(iters[i])
		if !ok {
			return s.errorf("iters", "value %d: expected a whole number from 1, got %v", i, iters[i])
		}
		if times[i] < 0 {
			return s.errorf("times", "value %d: expected a time of at least 0, got %v", i, times[i])
		}
		perOp := times[i] / iters[i] * 1e-9
		vals := []value{{perOp, "sec/op"}}
		if b.bytes > 0 && perOp > 0 {
			vals = append(vals, value{b.bytes / perOp, "B/s"})
		}
		if err := w.result(name, n, vals...); err != nil {
			return err
		}
	}
	return nil
}
