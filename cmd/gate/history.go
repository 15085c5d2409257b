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

// readHistory reads the newest n records on the store's data branch. It returns them oldest
// first, and the history they make for a comparison (see historyFrom). A data branch that does
// not exist yet is no history.
func readHistory(ctx context.Context, store *baseline.Store, n int) ([]baseline.Record, *compare.History, []string, error) {
	recs, warnings, err := store.Recent(ctx, n)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading the recorded history on %s: %w", store.Branch, err)
	}
	h, err := historyFrom(store.Branch, recs)
	return recs, h, warnings, err
}

// historyFrom makes the history that puts each comparison beside its benchmark's history in
// recs, for the config's noise-multiple to settle the verdicts it applies to; nil for no records.
// Only the newest trend.Recent records count, all that a comparison's history and spread use.
func historyFrom(branch string, recs []baseline.Record) (*compare.History, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	series, err := trend.Build(historyOf(recs))
	if err != nil {
		return nil, err
	}
	byKey := map[string]*trend.Series{}
	for _, s := range series {
		byKey[trend.Key(s.Config, s.Benchmark, s.Unit)] = s
	}
	recs = recs[max(0, len(recs)-trend.Recent):]
	return &compare.History{
		Source: report.HistorySource{Branch: branch, Commits: len(recs), Newest: recs[len(recs)-1].Commit.SHA},
		Of: func(c *report.Comparison) *report.History {
			if s := byKey[trend.Key(c.Config, c.Benchmark, c.Unit)]; s != nil {
				return s.History()
			}
			return nil
		},
	}, nil
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
