package comment

import (
	"fmt"
	"io"
	"strings"

	"github.com/benchgate/benchgate/internal/trend"
)

// Steps writes the steps found in a history for a terminal, a line each: the benchmark and
// unit, the change, worse or better, and the commit it starts at.
func Steps(w io.Writer, s trend.Steps) error {
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
			name = pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
		}
		if _, err := fmt.Fprintf(w, "%s %s: %+.1f%% (%s) at %s (commit %d of %d), p=%.3f\n",
			printable(name), st.Unit, st.ChangePercent, way, st.File, st.Index+1, s.Commits, st.P); err != nil {
			return err
		}
	}
	return nil
}
