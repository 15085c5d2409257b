package comment

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/trend"
)

// Steps writes the steps found in a history for a terminal, a line each: the benchmark and
// unit, the change, worse or better, and the commit it starts at. A history too short for steps
// is shown as it is instead (see outlines).
func Steps(w io.Writer, s trend.Steps) error {
	if s.Commits < s.MinCommits {
		return outlines(w, s)
	}
	if len(s.Steps) == 0 {
		_, err := fmt.Fprintf(w, "no step in %d commits\n", s.Commits)
		return err
	}
	for _, st := range s.Steps {
		way := "better"
		if st.Worse {
			way = "WORSE"
		}
		if a := st.Acknowledged; a != nil {
			way += ", acknowledged by " + printable(a.By)
			if a.Reason != "" {
				way += ": " + printable(a.Reason)
			}
		}
		name := st.Benchmark
		if pkg := st.Config["pkg"]; pkg != "" {
			name = report.PackageName(pkg) + "." + name
		}
		if _, err := fmt.Fprintf(w, "%s %s: %+.1f%% (%s) at %s (commit %d of %d), p=%.3f\n",
			printable(name), st.Unit, st.ChangePercent, way, st.File, st.Index+1, s.Commits, st.P); err != nil {
			return err
		}
	}
	return nil
}

// outlines shows a history too short for steps as it is: a line for each series, with its
// sparkline, its first and last median and how many commits it spans, then why no step was
// looked for, so that a young history is still worth running trend on.
func outlines(w io.Writer, s trend.Steps) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, o := range s.Series {
		first, last := o.Levels()
		levels := first
		if len(o.Values) > 1 {
			levels += " → " + last
		}
		span := fmt.Sprintf("%d commits", len(o.Values))
		if len(o.Values) == 1 {
			span = "1 commit"
		}
		if len(o.Values) < s.Commits {
			span += fmt.Sprintf(" (%d–%d of %d)", o.Index+1, o.Index+len(o.Values), s.Commits)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", printable(o.Title()), trend.Sparkline(o.Values), levels, span)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "change points need at least %d commits (5 on each side of a step); this history has %d\n", s.MinCommits, s.Commits)
	return err
}
