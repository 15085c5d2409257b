package gate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/gitexec"
	"github.com/benchgate/benchgate/internal/report"
)

// RecordOptions say what to record, and where.
type RecordOptions struct {
	// Store is the data branch.
	Store *baseline.Store
	// Report is a finished gate run's report, Results its head side's raw results, and
	// ParentResults its base side's.
	Report                 *report.Report
	Results, ParentResults []byte
	// Keep drops the records it does not keep, in the same write.
	Keep baseline.Retention
}

// Record stores the head side of a gate run on the data branch and publishes the branch's site
// of charts in the same commit. When the run's base was head's first parent, the base's results
// are recorded too, so the record carries the commit's own change, measured on one machine in
// the same rounds. It returns the commit recorded.
func Record(ctx context.Context, o RecordOptions) (baseline.Commit, error) {
	run := o.Report.Run
	if run == nil {
		return baseline.Commit{}, errors.New("the report was not written by gate run (no run section)")
	}
	if run.Head.Dirty {
		return baseline.Commit{}, errors.New("the run measured uncommitted changes: only a commit can be recorded")
	}
	info, err := gitexec.Log(ctx, o.Store.Dir, o.Store.Env, run.Head.SHA)
	if err != nil {
		return baseline.Commit{}, err
	}
	commit := baseline.Commit(info)
	rec := baseline.Record{
		Commit: commit, RecordedAt: time.Now().UTC().Truncate(time.Second), Machine: run.Machine,
		Settings: map[string]string{"count": fmt.Sprint(run.Count), "rounds": fmt.Sprint(run.Rounds), "benchtime": run.Benchtime, "bench": run.Bench},
		Results:  string(o.Results),
	}
	if commit.Parent != "" && run.Base.SHA == commit.Parent && !run.Base.Dirty {
		rec.ParentResults = string(o.ParentResults)
		for _, c := range o.Report.Comparisons {
			if c.Verdict == report.Regression && c.Accepted != nil {
				rec.Accepted = append(rec.Accepted, report.AcceptedChange{Package: c.Config["pkg"], Benchmark: c.Benchmark, Unit: c.Unit, Acceptance: *c.Accepted})
			}
		}
	}
	store := *o.Store
	store.Site = site
	return commit, store.Add(ctx, rec, o.Keep)
}

// MeasureCommit measures the commit rev against its first parent, as a record of it needs.
func MeasureCommit(ctx context.Context, rev string, opts MeasureOptions) (*Measurement, error) {
	dir, env := opts.Run.Dir, opts.Run.Env
	if _, err := gitexec.Output(ctx, dir, env, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, &RevisionError{Rev: rev, Problem: "not a commit in this repository"}
	}
	if _, err := gitexec.Output(ctx, dir, env, "rev-parse", "--verify", "--quiet", rev+"^1"); err != nil {
		return nil, &RevisionError{Rev: rev, Problem: "has no parent to measure it against (a root commit, or a shallow clone: fetch with fetch-depth: 0)"}
	}
	opts.Run.Base, opts.Run.Head, opts.Run.MergeBase = rev+"^", rev, false
	return Measure(ctx, opts)
}

// RevisionError is a revision that cannot be measured as asked.
type RevisionError struct {
	Rev, Problem string
}

func (e *RevisionError) Error() string { return fmt.Sprintf("%q: %s", e.Rev, e.Problem) }
