package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/trend"
)

func newTrend() *cobra.Command {
	var format, branch, remote, charts string
	cmd := &cobra.Command{
		Use:   "trend [flags] FILE...",
		Short: "Find the commits where benchmarks stepped up or down",
		Long: `Trend reads benchmark results of successive commits, one file per commit, oldest first, and
finds the commits where a benchmark's level changed for good: for each benchmark and unit, the
series of its medians goes through E-Divisive means change-point detection (as in MongoDB's
performance CI and Apache Otava), with a permutation test for each step (p ≤ 0.01) and at least
5 commits on each level. Each step is reported with its commit, its size and its p-value, and
called worse or better by the unit's direction.

Any file gate compare reads will do, including gate run's base.txt and head.txt.`,
		Example: `  gate trend results/*.txt                 # files named so that they sort in commit order
  gate trend --format json $(ls -tr results/*.txt)
  gate trend --branch benchgate-data       # the history gate baseline record keeps`,
		RunE: func(cmd *cobra.Command, files []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format %q: expected text or json", format)}
			}
			var inputs []trend.Commit
			if branch != "" {
				if len(files) > 0 {
					return usageError{errors.New("give result files or --branch, not both")}
				}
				s := &baseline.Store{Dir: ".", Remote: remote, Branch: branch, Env: benchexec.ChildEnv(os.Environ())}
				recs, warnings, err := s.History(cmd.Context())
				if err != nil {
					return err
				}
				for _, w := range warnings {
					fmt.Fprintf(cmd.ErrOrStderr(), "gate: warning: %s\n", w)
				}
				inputs = historyOf(recs)
			} else {
				for _, f := range files {
					data, err := os.ReadFile(f)
					if err != nil {
						return err
					}
					inputs = append(inputs, trend.Commit{Name: f, Results: data})
				}
			}
			if len(inputs) < 10 {
				return usageError{fmt.Errorf("trend needs the results of at least 10 commits (5 on each side of a step), got %d", len(inputs))}
			}
			steps, series, err := findSteps(inputs)
			if err != nil {
				return err
			}
			if charts != "" {
				names := make([]string, len(inputs))
				for i, in := range inputs {
					names[i] = in.Name
				}
				files, err := trend.Site(series, names)
				if err != nil {
					return err
				}
				if err := trend.WriteSite(charts, files); err != nil {
					return err
				}
			}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(steps)
			}
			return printSteps(cmd.OutOrStdout(), steps, len(inputs))
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output `format`: text or json")
	cmd.Flags().StringVar(&branch, "branch", "", "read the history from this data `branch` (see gate baseline record) instead of files")
	cmd.Flags().StringVar(&remote, "remote", "origin", "the `remote` of the data branch")
	cmd.Flags().StringVar(&charts, "charts", "", "also draw each series, with its change points, as an SVG in `dir`/charts, with `dir`/index.html listing them")
	return cmd
}

// step is one change point of one benchmark's history.
type step struct {
	Config        map[string]string `json:"config,omitempty"`
	Benchmark     string            `json:"benchmark"`
	Unit          string            `json:"unit"`
	Index         int               `json:"index"`
	File          string            `json:"file"`
	Before        float64           `json:"before"`
	After         float64           `json:"after"`
	ChangePercent float64           `json:"change_percent"`
	P             float64           `json:"p"`
	// Worse is true when the step goes the unit's worse way (slower, bigger, fewer per second).
	Worse bool `json:"worse"`
}

// findSteps finds the steps of every series of the history; it returns the series too, with
// their change points, for charts.
func findSteps(history []trend.Commit) ([]step, []*trend.Series, error) {
	series, err := trend.Build(history)
	if err != nil {
		return nil, nil, err
	}
	var steps []step
	for _, ser := range series {
		ser.Detect(trend.Options{Seed: 1})
		for _, cp := range ser.Changes {
			up := cp.After > cp.Before
			at := ser.First + cp.Index
			steps = append(steps, step{
				Config: ser.Config, Benchmark: ser.Benchmark, Unit: ser.Unit,
				Index: at, File: history[at].Name,
				Before: cp.Before, After: cp.After, ChangePercent: 100 * cp.Change(), P: cp.P,
				Worse: ser.Better == "lower" && up || ser.Better == "higher" && !up,
			})
		}
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].Index < steps[j].Index })
	return steps, series, nil
}

func printSteps(w io.Writer, steps []step, commits int) error {
	if len(steps) == 0 {
		_, err := fmt.Fprintf(w, "no step in %d commits\n", commits)
		return err
	}
	for _, s := range steps {
		way := "better"
		if s.Worse {
			way = "WORSE"
		}
		name := s.Benchmark
		if pkg := s.Config["pkg"]; pkg != "" {
			name = pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
		}
		if _, err := fmt.Fprintf(w, "%s %s: %+.1f%% (%s) at %s (commit %d of %d), p=%.3f\n",
			comment.Printable(name), s.Unit, s.ChangePercent, way, s.File, s.Index+1, commits, s.P); err != nil {
			return err
		}
	}
	return nil
}
