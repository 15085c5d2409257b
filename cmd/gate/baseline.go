package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/report"
)

func newBaseline(env environment) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Keep measured commits on a data branch, for trends",
	}
	var f recordFlags
	record := &cobra.Command{
		Use:   "record [flags] [packages]",
		Short: "Measure a commit against its parent and store it on the data branch",
		Long: `Record measures a commit (--rev, HEAD by default) against its first parent, in interleaved
rounds on this machine as gate run does, and stores it on the data branch: the commit's raw
results and its parent's, the machine's fingerprint, the settings, and the commit's parent,
author date and subject. Keeping the parent's results makes every record carry the commit's
own change, measured on one machine; the run-to-run spread that gate run --history and the
action show next to a regression is taken over those changes. --command records another
harness's benchmarks (criterion, Google Benchmark, pytest-benchmark, hyperfine), measured in
pairs as gate run --command measures them. With --from, it records a finished gate run (the
directory written by gate run --out, of go test or of a --command) instead of measuring; the
base side is kept when it was the head's first parent.

The branch holds one file per commit, records/<sha>.json; index.json, which every write
checks against the records and stores again; and a static site, index.html and an SVG chart per benchmark and
unit of the newest 100 records with their change points marked, which GitHub Pages can serve
from the branch. It uses git's plumbing with a temporary index, so the checkout, index and
branches are never touched, and it never forces a push: when another writer got there first
it rebuilds its commit on the new tip and tries again, with jittered backoff, up to 8 times.
A commit is recorded once; --keep drops the records it does not keep, by number or by the
age of their commits, in the same commit.`,
		Example: `  gate baseline record                          # HEAD against HEAD~1, 10 rounds
  gate baseline record --rev v1.4.0 --count 20 ./...
  gate baseline record --command 'hyperfine -N --export-json results.json "sh bench.sh"' --results results.json
  gate run --base HEAD~1 --head HEAD --out results && gate baseline record --from results
  gate trend --branch benchgate-data`,
		RunE: func(cmd *cobra.Command, packages []string) error {
			return recordBaseline(cmd, f, env, packages)
		},
	}
	fl := record.Flags()
	fl.StringVar(&f.rev, "rev", "HEAD", "the commit to measure and record")
	fl.IntVar(&f.count, "count", 0, "`rounds`: samples per benchmark and side (default 10; 5 with --measure instructions)")
	fl.StringVar(&f.bench, "bench", ".", "run only benchmarks matching `regexp`, as go test -bench")
	fl.StringVar(&f.benchtime, "benchtime", "", "run each benchmark for `d` (a duration, or Nx iterations), as go test -benchtime (default 1s)")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Minute, "kill a benchmark process (and all it started) after `d`; 0 for no limit")
	fl.DurationVar(&f.budget, "budget", 0, "start no round that would end the run past `d`; 0 for no limit")
	fl.StringVar(&f.config, "config", config.DefaultPath, "config `file` for the comparison with the parent that is printed")
	fl.StringVar(&f.measure, "measure", "", "the `instrument`: time, instructions or both, as gate run --measure (default: the config's measure, else time)")
	fl.IntVar(&f.countJobs, "count-jobs", 0, "with --measure instructions or both, count `n` benchmarks at a time, as gate run --count-jobs (default: one per logical CPU)")
	fl.BoolVar(&f.retained, "retained", false, "after the rounds, measure retained-B/op, as gate run --retained")
	f.registerHarness(fl)
	fl.StringVar(&f.from, "from", "", "record the head side of a finished gate run from `dir` (written by gate run --out) instead of measuring")
	fl.StringVar(&f.branch, "branch", "benchgate-data", "the data `branch`")
	fl.StringVar(&f.remote, "remote", "origin", "the `remote` the data branch is pushed to")
	fl.StringVar(&f.keep, "keep", "", "keep the newest `n` records only (\"200\"), or those of the last n days (\"90d\"); all by default")
	cmd.AddCommand(record)
	return cmd
}

// recordFlags are gate baseline record's flags.
type recordFlags struct {
	rev, bench, benchtime, config, from, branch, remote, keep string
	measure                                                   string
	count, countJobs                                          int
	retained                                                  bool
	timeout, budget                                           time.Duration
	harnessFlags
}

func recordBaseline(cmd *cobra.Command, f recordFlags, env environment, packages []string) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	keep, err := baseline.ParseRetention(f.keep)
	if err != nil {
		return usageError{fmt.Errorf("--keep: %w", err)}
	}
	rec := gate.RecordOptions{Store: baseline.Open(".", f.remote, f.branch, env), Keep: keep}
	if f.from != "" {
		for _, name := range append([]string{"rev", "count", "bench", "benchtime", "timeout", "budget", "config", "measure", "count-jobs", "retained"}, harnessFlagNames...) {
			if cmd.Flags().Changed(name) {
				return usageError{fmt.Errorf("--%s: --from records a finished run, which is measured already", name)}
			}
		}
		if len(packages) > 0 {
			return usageError{errors.New("--from records a finished run: give no packages")}
		}
		if rec.Report, err = report.ReadFile(filepath.Join(f.from, "report.json")); err != nil {
			return err
		}
		if rec.Results, err = os.ReadFile(filepath.Join(f.from, "head.txt")); err != nil {
			return err
		}
		// The base side is recorded when it was head's parent; a directory without it records head.
		if rec.ParentResults, err = os.ReadFile(filepath.Join(f.from, "base.txt")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	} else {
		if f.count < 1 && cmd.Flags().Changed("count") {
			return usageError{fmt.Errorf("--count %d: expected at least 1", f.count)}
		}
		harness, err := f.harness(cmd, packages, "bench", "benchtime", "retained")
		if err != nil {
			return err
		}
		cfg, err := config.Load(f.config, cmd.Flags().Changed("config"))
		if err != nil {
			return err
		}
		measure := cfg.Measure
		if f.measure != "" {
			if measure, err = report.ParseInstrument(f.measure); err != nil {
				return usageError{fmt.Errorf("--%w", err)}
			}
		}
		m, err := gate.MeasureCommit(ctx, f.rev, gate.MeasureOptions{
			Run: benchexec.Options{
				Dir: ".", Packages: packages, Bench: f.bench,
				Count: f.count, Benchtime: f.benchtime, Timeout: f.timeout, Budget: f.budget, CountJobs: f.countJobs, Retained: f.retained,
				Harness: harness, Measure: measure, Env: env, Progress: progressFor(cmd.ErrOrStderr()),
			},
			Config: cfg,
		})
		var revErr *gate.RevisionError
		if errors.As(err, &revErr) {
			return usageError{fmt.Errorf("--rev %w", err)}
		}
		if err != nil {
			return err
		}
		for _, warning := range m.Report.Warnings {
			fmt.Fprintf(cmd.ErrOrStderr(), "gate: warning: %s\n", warning)
		}
		rec.Report, rec.Results, rec.ParentResults = m.Report, m.Exec.Head, m.Exec.Base
	}
	commit, err := gate.Record(ctx, rec)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "recorded %s (%s) on %s; against its parent: %s\n", report.ShortSHA(commit.SHA), commit.Subject, f.branch, comment.Tally(rec.Report, ", "))
	return nil
}
