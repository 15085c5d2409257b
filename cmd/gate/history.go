package main

import (
	"context"
	"fmt"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/trend"
)

// chartWindow is how many of the newest recorded commits the data branch's charts show: enough
// to see the trend, while the site that each record rewrites stays small.
const chartWindow = 100

// historyOf turns recorded commits into the history trend reads, each named by its short SHA
// and subject.
func historyOf(recs []baseline.Record) []trend.Commit {
	out := make([]trend.Commit, len(recs))
	for i, r := range recs {
		out[i] = trend.Commit{Name: report.ShortSHA(r.Commit.SHA) + " " + r.Commit.Subject, Results: []byte(r.Results), ParentResults: []byte(r.ParentResults)}
	}
	return out
}

// addHistory reads the newest n records on the store's data branch and puts each comparison of
// rep beside them (see withHistory). It returns the records read, oldest first. A data branch
// that does not exist yet is no history; the records that cannot be read are named in the
// report's warnings.
func addHistory(ctx context.Context, rep *report.Report, store *baseline.Store, n int) ([]baseline.Record, error) {
	recs, warnings, err := store.Recent(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("reading the recorded history on %s: %w", store.Branch, err)
	}
	return recs, withHistory(rep, store.Branch, recs, warnings)
}

// withHistory puts each comparison of rep beside its benchmark's history in recs, and adds the
// warnings of reading them to the report's; the config's noise-multiple then settles the
// verdicts it applies to. Only the newest trend.Recent records count, all that a comparison's
// history and spread use.
func withHistory(rep *report.Report, branch string, recs []baseline.Record, warnings []string) error {
	rep.Warnings = append(rep.Warnings, warnings...)
	rep.Warnings = rep.Warnings[:min(len(rep.Warnings), report.MaxWarnings)]
	if len(recs) == 0 {
		return nil
	}
	series, err := trend.Build(historyOf(recs))
	if err != nil {
		return err
	}
	byKey := map[string]*trend.Series{}
	for _, s := range series {
		byKey[trend.Key(s.Config, s.Benchmark, s.Unit)] = s
	}
	recs = recs[max(0, len(recs)-trend.Recent):]
	source := report.HistorySource{Branch: branch, Commits: len(recs), Newest: recs[len(recs)-1].Commit.SHA}
	compare.ApplyHistory(rep, source, func(c *report.Comparison) *report.History {
		if s := byKey[trend.Key(c.Config, c.Benchmark, c.Unit)]; s != nil {
			return s.History()
		}
		return nil
	})
	return nil
}

// site is the data branch's static site: a chart of every benchmark and unit over the records
// it is given (the store gives it the newest chartWindow), change points marked, and the
// index.html that lists them.
func site(recs []baseline.Record) (map[string][]byte, error) {
	history := historyOf(recs)
	_, series, err := findSteps(history)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(history))
	for i, h := range history {
		names[i] = h.Name
	}
	files, err := trend.Site(series, names)
	if err != nil {
		return nil, err
	}
	files[".nojekyll"] = []byte{} // GitHub Pages serves the files as they are
	return files, nil
}
