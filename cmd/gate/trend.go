package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/trend"
)

func newTrend(env environment) *cobra.Command {
	var format, branch, remote, charts string
	cmd := &cobra.Command{
		Use:   "trend [flags] FILE...",
		Short: "Find the commits where benchmarks stepped up or down",
		Long: `Trend reads benchmark results of successive commits, one file per commit, oldest first, and
finds the commits where a benchmark's level changed for good: for each benchmark and unit, the
series of its medians goes through E-Divisive means change-point detection (as in MongoDB's
performance CI and Apache Otava), with a permutation test for each step (p ≤ 0.01) and at least
5 commits on each level. Each step is reported with its commit, its size and its p-value, and
called worse or better by the unit's direction. A history of fewer than 10 commits is too short
for steps: then each series is shown as a sparkline with its first and last median instead.

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
				h, err := gate.ReadHistory(cmd.Context(), baseline.Open(".", remote, branch, env), 0)
				if err != nil {
					return err
				}
				for _, w := range h.Warnings {
					fmt.Fprintf(cmd.ErrOrStderr(), "gate: warning: %s\n", w)
				}
				inputs = h.Commits()
				if len(inputs) == 0 {
					return fmt.Errorf("--branch %s: no recorded commit on %s/%s, expected at least one (gate baseline record writes them)", branch, remote, branch)
				}
			} else {
				if len(files) == 0 {
					return usageError{errors.New("expected the result files of one or more commits, oldest first, or --branch")}
				}
				for _, f := range files {
					data, err := os.ReadFile(f)
					if err != nil {
						return err
					}
					inputs = append(inputs, trend.Commit{Name: f, Results: data})
				}
			}
			steps, series, err := trend.FindSteps(inputs)
			if err != nil {
				return err
			}
			if charts != "" {
				files, err := trend.Site(series, inputs)
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
			return comment.Steps(cmd.OutOrStdout(), steps)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output `format`: text or json")
	cmd.Flags().StringVar(&branch, "branch", "", "read the history from this data `branch` (see gate baseline record) instead of files")
	cmd.Flags().StringVar(&remote, "remote", "origin", "the `remote` of the data branch")
	cmd.Flags().StringVar(&charts, "charts", "", "also draw each series, with its change points, as an SVG in `dir`/charts, with `dir`/index.html listing them")
	return cmd
}
