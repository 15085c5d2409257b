package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/gitexec"
	"github.com/benchgate/benchgate/internal/report"
)

func newBaseline() *cobra.Command {
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
action show next to a regression is taken over those changes. With --from, it records a
finished gate run (the directory written by gate run --out) instead of measuring; the base
side is kept when it was the head's first parent.

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
  gate run --base HEAD~1 --head HEAD --out results && gate baseline record --from results
  gate trend --branch benchgate-data`,
		RunE: func(cmd *cobra.Command, packages []string) error {
			return recordBaseline(cmd, f, packages)
		},
	}
	fl := record.Flags()
	fl.StringVar(&f.rev, "rev", "HEAD", "the commit to measure and record")
	fl.IntVar(&f.count, "count", 10, "`rounds`: samples per benchmark and side")
	fl.StringVar(&f.bench, "bench", ".", "run only benchmarks matching `regexp`, as go test -bench")
	fl.StringVar(&f.benchtime, "benchtime", "", "run each benchmark for `d` (a duration, or Nx iterations), as go test -benchtime (default 1s)")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Minute, "kill a benchmark process (and all it started) after `d`; 0 for no limit")
	fl.DurationVar(&f.budget, "budget", 0, "start no round that would end the run past `d`; 0 for no limit")
	fl.StringVar(&f.config, "config", config.DefaultPath, "config `file` for the comparison with the parent that is printed")
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
	count                                                     int
	timeout, budget                                           time.Duration
}

func recordBaseline(cmd *cobra.Command, f recordFlags, packages []string) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	keep, err := baseline.ParseRetention(f.keep)
	if err != nil {
		return usageError{fmt.Errorf("--keep: %w", err)}
	}
	w := baselineWrite{dir: ".", environ: os.Environ(), remote: f.remote, branch: f.branch, keep: keep}
	var rep *report.Report
	var results, parent []byte
	if f.from != "" {
		for _, name := range []string{"rev", "count", "bench", "benchtime", "timeout", "budget", "config"} {
			if cmd.Flags().Changed(name) {
				return usageError{fmt.Errorf("--%s: --from records a finished run, which is measured already", name)}
			}
		}
		if len(packages) > 0 {
			return usageError{errors.New("--from records a finished run: give no packages")}
		}
		if rep, err = report.ReadFile(filepath.Join(f.from, "report.json")); err != nil {
			return err
		}
		if results, err = os.ReadFile(filepath.Join(f.from, "head.txt")); err != nil {
			return err
		}
		// The base side is recorded when it was head's parent; a directory without it records head.
		if parent, err = os.ReadFile(filepath.Join(f.from, "base.txt")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	} else {
		if f.count < 1 {
			return usageError{fmt.Errorf("--count %d: expected at least 1", f.count)}
		}
		cfg, err := config.Load(f.config, cmd.Flags().Changed("config"))
		if err != nil {
			return err
		}
		env := benchexec.ChildEnv(os.Environ())
		if _, err := gitexec.Output(ctx, ".", env, "rev-parse", "--verify", "--quiet", f.rev+"^{commit}"); err != nil {
			return usageError{fmt.Errorf("--rev %q: not a commit in this repository", f.rev)}
		}
		if _, err := gitexec.Output(ctx, ".", env, "rev-parse", "--verify", "--quiet", f.rev+"^1"); err != nil {
			return usageError{fmt.Errorf("--rev %q has no parent to measure it against (a root commit, or a shallow clone: fetch with fetch-depth: 0)", f.rev)}
		}
		res, measured, err := measure(ctx, benchexec.Options{
			Dir: ".", Base: f.rev + "^", Head: f.rev, Packages: packages, Bench: f.bench,
			Count: f.count, Benchtime: f.benchtime, Timeout: f.timeout, Budget: f.budget,
			Env: os.Environ(), Progress: progressFor(cmd.ErrOrStderr()),
		}, cfg)
		if err != nil {
			return err
		}
		r := judge(res, measured, cfg, nil, nil)
		for _, warning := range r.Warnings {
			fmt.Fprintf(cmd.ErrOrStderr(), "gate: warning: %s\n", warning)
		}
		rep, results, parent = r, res.Head, res.Base
	}
	commit, err := storeBaseline(ctx, w, rep, results, parent)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "recorded %s (%s) on %s; against its parent: %s\n", report.ShortSHA(commit.SHA), commit.Subject, f.branch, comment.Tally(rep, ", "))
	return nil
}

// baselineWrite says where and how a record is written.
type baselineWrite struct {
	dir     string   // the repository
	environ []string // the git commands' environment, before credentials are removed
	remote  string
	branch  string
	keep    baseline.Retention
}

// storeBaseline records the head side of a gate run (its report and raw results) on the data
// branch, and publishes the branch's site of charts in the same commit. When the run's base was
// head's first parent, the base's results are recorded too, so the record carries the commit's
// own change, measured on one machine in the same rounds.
func storeBaseline(ctx context.Context, w baselineWrite, rep *report.Report, results, baseResults []byte) (baseline.Commit, error) {
	if rep.Run == nil {
		return baseline.Commit{}, errors.New("the report was not written by gate run (no run section)")
	}
	if rep.Run.Head.Dirty {
		return baseline.Commit{}, errors.New("the run measured uncommitted changes: only a commit can be recorded")
	}
	env := benchexec.ChildEnv(w.environ)
	commit, err := commitInfo(ctx, env, w.dir, rep.Run.Head.SHA)
	if err != nil {
		return baseline.Commit{}, err
	}
	rec := baseline.Record{
		Commit: commit, RecordedAt: time.Now().UTC().Truncate(time.Second), Machine: rep.Run.Machine,
		Settings: map[string]string{"count": fmt.Sprint(rep.Run.Count), "rounds": fmt.Sprint(rep.Run.Rounds), "benchtime": rep.Run.Benchtime, "bench": rep.Run.Bench},
		Results:  string(results),
	}
	if commit.Parent != "" && rep.Run.Base.SHA == commit.Parent && !rep.Run.Base.Dirty {
		rec.ParentResults = string(baseResults)
	}
	s := &baseline.Store{Dir: w.dir, Remote: w.remote, Branch: w.branch, Env: env, Pages: site, PagesRecords: chartWindow}
	return commit, s.Add(ctx, rec, w.keep)
}

// commitInfo reads a commit's parent, author date and subject.
func commitInfo(ctx context.Context, env []string, dir, sha string) (baseline.Commit, error) {
	out, err := gitexec.Output(ctx, dir, env, "log", "-1", "--format=%H%n%P%n%aI%n%s", sha)
	if err != nil {
		return baseline.Commit{}, err
	}
	lines := strings.SplitN(out, "\n", 4)
	if len(lines) < 4 {
		return baseline.Commit{}, errors.New("git log: unexpected output")
	}
	date, err := time.Parse(time.RFC3339, lines[2])
	if err != nil {
		return baseline.Commit{}, err
	}
	parent, _, _ := strings.Cut(lines[1], " ")
	return baseline.Commit{SHA: lines[0], Parent: parent, AuthorDate: date, Subject: lines[3]}, nil
}
