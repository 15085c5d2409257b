package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/report"
)

// compareFlags are the flags every comparing command has.
type compareFlags struct {
	config string
	format string
	out    string
}

// register adds the flags to fl; outUsage says what --out writes.
func (f *compareFlags) register(fl *pflag.FlagSet, outUsage string) {
	fl.StringVar(&f.config, "config", config.DefaultPath, "config `file` with thresholds and statistics settings (the defaults apply when the default file is absent)")
	fl.StringVar(&f.format, "format", "text", "output `format`: text, markdown or json")
	fl.StringVar(&f.out, "out", "", outUsage)
}

func newCompare() *cobra.Command {
	var f compareFlags
	cmd := &cobra.Command{
		Use:   "compare [flags] OLD NEW | FILE...",
		Short: "Compare benchmark results of a base and a head revision",
		Long: `Compare reads Go benchmark results (the output of "go test -bench") for a base and a head
revision and compares them the way benchstat does: the median and its confidence interval per
benchmark and unit, a Mann–Whitney U test per comparison, and the geomean of each table. It
then controls false alarms across all comparisons (Benjamini–Hochberg), applies the
thresholds, and gives each comparison a verdict: regression, improvement, within-threshold,
unchanged, inconclusive, new or removed.

With two files, OLD is the base and NEW the head. With any other number of files, each result
must carry its side as a "benchgate-side: base" or "benchgate-side: head" configuration line,
as "gate run" writes them; such a line overrides the side of its file. A file named "-" is
standard input.

Exit status: 0 when no comparison is a regression, 1 when one is, 2 for bad usage, unreadable
input or config, or when no benchmark has results on both sides.`,
		Example: `  go test -run '^$' -bench . -count 10 > old.txt   # on the base revision
  go test -run '^$' -bench . -count 10 > new.txt   # on the head revision
  gate compare old.txt new.txt
  gate compare --format markdown --out report.json old.txt new.txt`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("compare needs benchmark result files: OLD NEW, or FILE... labelled with benchgate-side")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(cmd, f, args)
		},
	}
	f.register(cmd.Flags(), "also write the JSON report to `file`")
	return cmd
}

func runCompare(cmd *cobra.Command, f compareFlags, args []string) error {
	render, err := renderer(f.format)
	if err != nil {
		return err
	}
	cfg, err := config.Load(f.config, cmd.Flags().Changed("config"))
	if err != nil {
		return err
	}
	inputs, closeAll, err := openInputs(cmd.InOrStdin(), args)
	defer closeAll()
	if err != nil {
		return err
	}
	rep, err := compare.Compare(inputs, cfg)
	if err != nil {
		return err
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "gate: warning: %s\n", w)
	}
	if f.out != "" {
		if err := report.WriteFile(f.out, rep); err != nil {
			return fmt.Errorf("writing report: %w", err)
		}
	}
	if err := render(cmd.OutOrStdout(), rep); err != nil {
		return err
	}
	if !comparable(rep) {
		return errors.New("nothing to compare: no benchmark has results on both base and head")
	}
	if rep.Verdict == report.Fail {
		return gate.ErrFailed
	}
	return nil
}

func renderer(format string) (func(io.Writer, *report.Report) error, error) {
	switch format {
	case "text":
		return comment.Text, nil
	case "markdown":
		return comment.Markdown, nil
	case "json":
		return report.Write, nil
	}
	return nil, usageError{fmt.Errorf("--format %q: expected text, markdown or json", format)}
}

// openInputs opens the named files. With exactly two, the first is the base and the second
// the head; otherwise every result must say its side.
func openInputs(stdin io.Reader, paths []string) ([]compare.Input, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	var inputs []compare.Input
	stdinUsed := false
	for i, path := range paths {
		in := compare.Input{Name: path}
		if len(paths) == 2 {
			in.Side = []report.Side{report.Base, report.Head}[i]
		}
		if path == "-" {
			if stdinUsed {
				return nil, closeAll, usageError{errors.New(`standard input ("-") can be read only once`)}
			}
			stdinUsed = true
			in.R = stdin
		} else {
			f, err := os.Open(path)
			if err != nil {
				return nil, closeAll, err
			}
			files = append(files, f)
			in.R = f
		}
		inputs = append(inputs, in)
	}
	return inputs, closeAll, nil
}

// comparable reports whether any benchmark was measured on both sides.
func comparable(r *report.Report) bool {
	for _, c := range r.Comparisons {
		if c.Base != nil && c.Head != nil {
			return true
		}
	}
	return false
}
