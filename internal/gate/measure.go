// Package gate holds benchgate's use cases, each one call from an options struct to a report:
//
//   - Measure runs a module's benchmarks on two revisions and judges them: run (benchexec),
//     read and compare (compare), verdicts under the config; the undecided get extra pairs.
//   - ReadHistory reads the data branch; Measure judges beside it (MeasureOptions.History),
//     so each comparison shows its recorded past and the config's noise-multiple applies, and
//     AttachHistory judges a finished measurement again beside a history read after it.
//   - Record stores a measured commit, with its parent's results, on the data branch, and
//     republishes the branch's site of charts.
//
// The action's flows, one per GitHub event (PullRequest, Baseline, Comment), are made of these.
// cmd/gate turns flags into options, calls one of them, and prints.
package gate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// MeasureOptions say what to measure and how to judge it.
type MeasureOptions struct {
	Run    benchexec.Options
	Config *config.Config
	// History, when not nil, is put beside each comparison (see AttachHistory).
	History *History
	// ProfileDir, when set, is where the regressions' profiles go: after the rounds, the
	// functions that regressed (the largest five) run once more on each side with a CPU or
	// memory profile, and the report says where each one's head spent more than its base.
	ProfileDir string
}

// Measurement is what a run measured, and the report judged from it.
type Measurement struct {
	// Exec is the run: each side's raw results, how the run went, its warnings.
	Exec *benchexec.Result
	// Report is the judged report, the history's too when one is attached.
	Report *report.Report

	results  *compare.Results
	cfg      *config.Config
	profiles []report.ProfileDiff
}

// Measure runs the benchmarks on both revisions, reads their results and judges them in one
// pass. At each look of the run, the verdicts under the config, beside the history when there
// is one, say which benchmarks are still undecided and get more pairs: the looks and the
// report judge alike.
func Measure(ctx context.Context, opts MeasureOptions) (*Measurement, error) {
	// Before the run: a history that cannot be put beside the comparisons should not cost one.
	ch, err := opts.History.forComparisons()
	if err != nil {
		return nil, err
	}
	opts.Run.Undecided = compare.Undecided(opts.Config, ch)
	if opts.ProfileDir != "" {
		opts.Run.Explain, opts.Run.ProfileDir = regressed(opts.Config), opts.ProfileDir
	}
	res, err := benchexec.Run(ctx, opts.Run)
	if err != nil {
		return nil, err
	}
	results, err := compare.ReadRun(res.Base, res.Head)
	if err != nil {
		return nil, err
	}
	m := &Measurement{Exec: res, results: results, cfg: opts.Config}
	m.profiles, res.Warnings = diffProfiles(res.Profiles, res.Warnings)
	m.judge(opts.History, ch)
	return m, nil
}

// AttachHistory judges the measurement again, in one pass, beside the history h (nil for
// none), and returns the new report, which is also m.Report. It is for a history read after
// the measurement (a baseline's, its new record included); one read before goes to
// MeasureOptions.History, so the looks that gave extra rounds judged with it too.
func (m *Measurement) AttachHistory(h *History) (*report.Report, error) {
	ch, err := h.forComparisons()
	if err != nil {
		return nil, err
	}
	m.judge(h, ch)
	return m.Report, nil
}

// judge sets m.Report: the comparisons judged beside h, whose series for comparisons are ch.
// The run's warnings come first in it, then those of reading the history.
func (m *Measurement) judge(h *History, ch *compare.History) {
	x := compare.Extra{Run: &m.Exec.Run, Warnings: slices.Clone(m.Exec.Warnings), History: ch}
	if h != nil {
		x.Warnings = append(x.Warnings, h.Warnings...)
		if ch != nil {
			if d := h.machineDifference(m.Exec.Run.Machine); d != "" {
				x.Warnings = append(x.Warnings, d)
			}
		}
	}
	m.Report, _ = m.results.Compare(m.cfg, x)
	m.Report.Profiles = m.profiles
}

// WriteDir writes the raw results (base.txt, head.txt), the report (report.json) and its
// markdown (report.md) into dir.
func (m *Measurement) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var md bytes.Buffer
	if err := comment.Markdown(&md, m.Report); err != nil {
		return err
	}
	return errors.Join(
		os.WriteFile(filepath.Join(dir, "base.txt"), m.Exec.Base, 0o644),
		os.WriteFile(filepath.Join(dir, "head.txt"), m.Exec.Head, 0o644),
		os.WriteFile(filepath.Join(dir, "report.md"), md.Bytes(), 0o644),
		report.WriteFile(filepath.Join(dir, "report.json"), m.Report),
	)
}
