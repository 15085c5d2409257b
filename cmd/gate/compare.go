package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/formats"
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

func newCompare(env environment) *cobra.Command {
	var f compareFlags
	var formatIn string
	cmd := &cobra.Command{
		Use:   "compare [flags] OLD NEW | FILE...",
		Short: "Compare benchmark results of a base and a head revision",
		Long: `Compare reads benchmark results (the output of "go test -bench", or of another harness:
see --format-in) for a base and a head revision and compares them the way benchstat does: the
median and its confidence interval per benchmark and unit, a Mann–Whitney U test per
comparison, and the geomean of each table. It then controls false alarms across all
comparisons (Benjamini–Hochberg), applies the thresholds, and gives each comparison a verdict:
regression, improvement, within-threshold, unchanged, inconclusive, new or removed.

With two files, OLD is the base and NEW the head. With any other number of files, each result
must carry its side as a "benchgate-side: base" or "benchgate-side: head" configuration line,
as "gate run" writes them; such a line overrides the side of its file. A file named "-" is
standard input.

Other harnesses' output is converted to the Go benchmark format first, each file's format
detected from its content unless --format-in names it: criterion (a target/criterion
directory, or one under it), bencher lines (cargo bench -- --output-format bencher), and the
JSON of Google Benchmark, pytest-benchmark and hyperfine.

Exit status: 0 when no comparison is a regression, 1 when one is, 2 for bad usage, unreadable
input or config, or when no benchmark has results on both sides.`,
		Example: `  go test -run '^$' -bench . -count 10 > old.txt   # on the base revision
  go test -run '^$' -bench . -count 10 > new.txt   # on the head revision
  gate compare old.txt new.txt
  gate compare --format markdown --out report.json old.txt new.txt
  gate compare base/target/criterion head/target/criterion
  gate compare --format-in gbench old.json new.json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("compare needs benchmark result files: OLD NEW, or FILE... labelled with benchgate-side")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if env.Getenv("GOGC") == "" {
				// What gate compare keeps live is small beside the binary's own pages (15 MB at
				// 5,000 benchmarks × 3 units, 17 MB), so the collector's default headroom of
				// another live heap was a third of its peak RSS. Half of that takes 8 MB (16%)
				// off the peak for 10% more CPU time.
				defer debug.SetGCPercent(debug.SetGCPercent(50))
			}
			return runCompare(cmd, f, formatIn, args)
		},
	}
	f.register(cmd.Flags(), "also write the JSON report to `file`")
	cmd.Flags().StringVar(&formatIn, "format-in", "auto", "input `format` of every file: auto (detected per file), "+strings.TrimPrefix(formatList(), "auto, "))
	return cmd
}

func runCompare(cmd *cobra.Command, f compareFlags, formatIn string, args []string) error {
	render, err := renderer(f.format)
	if err != nil {
		return err
	}
	in, err := formats.ParseFormat(formatIn)
	if err != nil {
		return usageError{fmt.Errorf("--format-in %q: expected %s", formatIn, formatList())}
	}
	cfg, err := config.Load(f.config, cmd.Flags().Changed("config"))
	if err != nil {
		return err
	}
	inputs, converted, closeAll, err := openInputs(cmd.InOrStdin(), args, in)
	defer closeAll()
	if err != nil {
		return err
	}
	res, err := compare.Read(inputs)
	if err != nil {
		return err
	}
	if err := res.Missing(); err != nil {
		return err
	}
	// The conversions' warnings come first, and go into the report with the comparison's own.
	rep, _ := res.Compare(cfg, compare.Extra{Warnings: converted})
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

// formatList is --format-in's values, for help and errors.
func formatList() string {
	names := []string{"auto"}
	for _, f := range formats.Formats {
		names = append(names, string(f))
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// openInputs opens the named files, in format f ("" detects each one's), converting other
// harnesses' output to the Go benchmark format; it returns the conversions' warnings. Go output
// is streamed as before. With exactly two files, the first is the base and the second the
// head; otherwise every result must say its side.
func openInputs(stdin io.Reader, paths []string, f formats.Format) ([]compare.Input, []string, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	var inputs []compare.Input
	var warnings []string
	stdinUsed := false
	for i, path := range paths {
		in := compare.Input{Name: path}
		if len(paths) == 2 {
			in.Side = []report.Side{report.Base, report.Head}[i]
		}
		var r io.Reader
		if path == "-" {
			if stdinUsed {
				return nil, nil, closeAll, usageError{errors.New(`standard input ("-") can be read only once`)}
			}
			stdinUsed = true
			r = stdin
		} else if info, err := os.Stat(path); err == nil && info.IsDir() {
			c, err := formats.Read(path, f) // a criterion directory
			if err != nil {
				return nil, nil, closeAll, err
			}
			in.R = bytes.NewReader(c.Results)
			warnings = append(warnings, c.Warnings...)
			inputs = append(inputs, in)
			continue
		} else {
			file, err := os.Open(path)
			if err != nil {
				return nil, nil, closeAll, err
			}
			files = append(files, file)
			r = file
		}
		s, err := formats.NewStream(path, r, f)
		if err != nil {
			return nil, nil, closeAll, err
		}
		in.R = s.R
		warnings = append(warnings, s.Warnings...)
		inputs = append(inputs, in)
	}
	return inputs, warnings, closeAll, nil
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
