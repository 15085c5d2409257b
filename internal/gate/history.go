package gate

import (
	"context"
	"fmt"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/shard"
	"github.com/benchgate/benchgate/internal/trend"
)

// chartWindow is how many of the newest recorded commits the data branch's charts show: enough
// to see the trend, while the site that each record rewrites stays small.
const chartWindow = 100

// History is what a data branch recorded: its newest records, oldest first.
type History struct {
	// Branch is the data branch the records were read from.
	Branch string
	// Records are the records read, oldest first, in commit order.
	Records []baseline.Record
	// Warnings are the records that could not be read, each naming its file.
	Warnings []string
}

// ReadHistory reads the newest n records (all for n = 0) of the store's data branch. A data
// branch that does not exist yet is a history without records.
func ReadHistory(ctx context.Context, store *baseline.Store, n int) (*History, error) {
	recs, warnings, err := store.Recent(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("reading the recorded history on %s: %w", store.Branch, err)
	}
	return &History{Branch: store.Branch, Records: recs, Warnings: warnings}, nil
}

// forComparisons puts each comparison beside its benchmark's series in the newest trend.Recent
// records, all that a comparison's history and spread use; nil without records.
func (h *History) forComparisons() (*compare.History, error) {
	if h == nil || len(h.Records) == 0 {
		return nil, nil
	}
	series, err := trend.Build(h.Commits())
	if err != nil {
		return nil, err
	}
	byKey := map[trend.Key]*trend.Series{}
	for _, s := range series {
		byKey[trend.KeyOf(s.Config, s.Benchmark, s.Unit)] = s
	}
	recent := h.Records[max(0, len(h.Records)-trend.Recent):]
	return &compare.History{
		Source: report.HistorySource{Branch: h.Branch, Commits: len(recent), Newest: recent[len(recent)-1].Commit.SHA},
		Of: func(c *report.Comparison) *report.History {
			if s := byKey[trend.KeyOf(c.Config, c.Benchmark, c.Unit)]; s != nil {
				return s.History()
			}
			return nil
		},
	}, nil
}

// machineDifference says when the newest records, those a comparison's history uses, were
// measured on machines unlike m in CPU model, core count or Go version: then their spread is
// another machine's noise. "" when they are alike.
func (h *History) machineDifference(m report.Machine) string {
	recent := h.Records[max(0, len(h.Records)-trend.Recent):]
	type kind struct {
		cpu   string
		cores int
		goV   string
	}
	this := kind{m.CPUModel, m.LogicalCores, m.GoVersion}
	counts := map[kind]int{}
	var first kind
	for _, r := range recent {
		k := kind{r.Machine.CPUModel, r.Machine.LogicalCores, r.Machine.GoVersion}
		if k != this && k != (kind{}) { // a record without a fingerprint tells nothing
			if counts[k] == 0 && len(counts) == 0 {
				first = k
			}
			counts[k]++
		}
	}
	if len(counts) == 0 {
		return ""
	}
	other := 0
	for _, n := range counts {
		other += n
	}
	return fmt.Sprintf("%d of the %d recorded commits the history shows were measured on another machine than this runner (e.g. %s, %d cores, %s; this runner: %s, %d cores, %s), so the history's spread may not be this runner's",
		other, len(recent), first.cpu, first.cores, first.goV, this.cpu, this.cores, this.goV)
}

// Commits are the records as the trend package reads them, each named by its short SHA and
// subject.
func (h *History) Commits() []trend.Commit {
	return commitsOf(h.Records)
}

func commitsOf(recs []baseline.Record) []trend.Commit {
	out := make([]trend.Commit, len(recs))
	for i, r := range recs {
		out[i] = trend.Commit{Name: report.ShortSHA(r.Commit.SHA) + " " + r.Commit.Subject, Results: []byte(r.Results), ParentResults: []byte(r.ParentResults), Accepted: r.Accepted}
	}
	return out
}

// site is the data branch's static site (see trend.Site) made of the records the store gives
// it: the newest chartWindow.
var site = &baseline.Site{
	Paths:   trend.SitePaths,
	Records: chartWindow,
	Make: func(recs []baseline.Record) (map[string][]byte, error) {
		commits := commitsOf(recs)
		_, series, err := trend.FindSteps(commits)
		if err != nil {
			return nil, err
		}
		return trend.Site(series, commits)
	},
}

// ShardCosts are the benchmark functions' costs a sharded run balances its split by: those of
// the newest record that has any (see shard.Costs), and the record's name (branch@sha), which
// every shard of a set must have used alike. nil and "" without records.
func (h *History) ShardCosts() (map[report.Func]float64, string) {
	for i := len(h.Records) - 1; i >= 0; i-- {
		if costs := shard.Costs([]byte(h.Records[i].Results)); len(costs) > 0 {
			return costs, h.Branch + "@" + report.ShortSHA(h.Records[i].Commit.SHA)
		}
	}
	return nil, ""
}
