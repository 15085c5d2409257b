package trend

import (
	"sort"

	"github.com/benchgate/benchgate/internal/report"
)

// StepsVersion is the version of the Steps document. It changes only when a field changes
// meaning or goes away; fields may be added.
const StepsVersion = 1

// Steps is what gate trend finds in a history, as its JSON output gives it.
type Steps struct {
	SchemaVersion int `json:"schema_version"`
	// Commits is the number of commits the history had.
	Commits int `json:"commits"`
	// MinCommits is the fewest commits steps are looked for in: with fewer, Steps is empty
	// because none could be found, not because the series are level.
	MinCommits int    `json:"min_commits"`
	Steps      []Step `json:"steps"`
	// Series are every benchmark and unit's medians by commit, in the order they first appear,
	// so that a history too short for steps still shows how it went.
	Series []Outline `json:"series"`
}

// Step is one change point of one benchmark's series, placed on its commit.
type Step struct {
	Config    map[string]string `json:"config,omitempty"`
	Benchmark string            `json:"benchmark"`
	Unit      string            `json:"unit"`
	// Index is the commit the new level starts at, counted from 0 in the history; File is that
	// commit's name (a file, or a short SHA and subject).
	Index         int     `json:"index"`
	File          string  `json:"file"`
	Before        float64 `json:"before"`
	After         float64 `json:"after"`
	ChangePercent float64 `json:"change_percent"`
	P             float64 `json:"p"`
	// Worse is true when the step goes the unit's worse way (slower, bigger, fewer per second).
	Worse bool `json:"worse"`
	// Acknowledged, on a step at a commit whose pull request accepted this benchmark's
	// regression, says who accepted it and why.
	Acknowledged *report.Acceptance `json:"acknowledged,omitempty"`
}

// FindSteps builds the series of history and finds the steps of every one, ordered by commit.
// It returns the series too, with their change points, for charts.
func FindSteps(history []Commit) (Steps, []*Series, error) {
	series, err := Build(history)
	if err != nil {
		return Steps{}, nil, err
	}
	steps := []Step{}
	for _, ser := range series {
		ser.Detect(Options{Seed: 1})
		for _, cp := range ser.Changes {
			up := cp.After > cp.Before
			at := ser.First + cp.Index
			steps = append(steps, Step{
				Config: ser.Config, Benchmark: ser.Benchmark, Unit: ser.Unit,
				Index: at, File: history[at].Name,
				Before: cp.Before, After: cp.After, ChangePercent: 100 * cp.Change(), P: cp.P,
				Worse:        ser.Better == report.Lower && up || ser.Better == report.Higher && !up,
				Acknowledged: acknowledged(history[at].Accepted, ser),
			})
		}
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].Index < steps[j].Index })
	return Steps{SchemaVersion: StepsVersion, Commits: len(history), MinCommits: MinCommits, Steps: steps, Series: Outlines(series)}, series, nil
}

// acknowledged is the acceptance of the series' benchmark and unit among a commit's, or nil.
func acknowledged(accepted []report.AcceptedChange, ser *Series) *report.Acceptance {
	for _, a := range accepted {
		if a.Benchmark == ser.Benchmark && a.Unit == ser.Unit && (a.Package == "" || a.Package == ser.Config["pkg"]) {
			return &a.Acceptance
		}
	}
	return nil
}

// MinCommits is the fewest commits a history needs for steps to be looked for: a level needs
// at least 5 commits on each side of a step.
const MinCommits = 10
