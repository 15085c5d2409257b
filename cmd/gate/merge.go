package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/report"
)

func newMerge() *cobra.Command {
	var f compareFlags
	cmd := &cobra.Command{
		Use:   "merge [flags] DIR...",
		Short: "Merge the shards of a run into one report and one verdict",
		Long: `Merge reads the output directories of the shards of one run (gate run --shard K/N --out DIR,
each on its own runner of a matrix), checks that they belong together, and judges the union as
one run: the false-alarm control over every benchmark of every shard, each comparison still
paired on its own shard's machine. It prints and writes what gate run would, and its exit status
is the set's verdict.

The set must be whole: every shard 1..N once, the same base and head commits, instrument,
selection, rounds, split and config, and each shard's results of its own benchmark functions
only. Anything else is an error that names the shard (exit 2), never a pass over part of the
suite. The shards' files are read as untrusted (they come from jobs that ran pull request code):
reports are validated as gate comment validates them, raw results are bounded in size.

Exit status: 0 pass, 1 a regression past the thresholds, 2 for bad usage or a set that is not
whole.`,
		Example: `  gate run --shard 1/3 --out shard-1   # on three runners, one shard each
  gate run --shard 2/3 --out shard-2
  gate run --shard 3/3 --out shard-3
  gate merge --out merged shard-1 shard-2 shard-3`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("merge needs the shards' directories (gate run --shard K/N --out DIR)")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd, f, args)
		},
	}
	f.register(cmd.Flags(), "write base.txt, head.txt, report.json and report.md of the union to `dir`")
	return cmd
}

func runMerge(cmd *cobra.Command, f compareFlags, dirs []string) error {
	render, err := renderer(f.format)
	if err != nil {
		return err
	}
	cfg, err := config.Load(f.config, cmd.Flags().Changed("config"))
	if err != nil {
		return err
	}
	m, err := gate.Merge(gate.MergeOptions{Dirs: dirs, Config: cfg})
	if err != nil {
		return err
	}
	rep := m.Report
	stderr := cmd.ErrOrStderr()
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "gate: warning: %s\n", w)
	}
	for _, s := range rep.Run.Shards {
		fmt.Fprintf(stderr, "gate: shard %d/%d: %d benchmark functions, %d rounds in %.1fs on %s\n", s.Index, len(rep.Run.Shards), s.Functions, s.Rounds, s.WallSeconds, s.Machine.CPUModel)
	}
	if f.out != "" {
		if err := m.WriteDir(f.out); err != nil {
			return err
		}
	}
	if err := render(cmd.OutOrStdout(), rep); err != nil {
		return err
	}
	if rep.Verdict == report.Fail {
		return gate.ErrFailed
	}
	return nil
}
