package compare

import (
	"fmt"
	"math"

	"github.com/benchgate/benchgate/internal/report"
)

// ApplyHistory puts each comparison beside its benchmark's recorded default-branch history
// (history returns nil where there is none), and names where the history came from.
//
// With the settings' noise multiple k above 0, it settles the verdicts that depend on the
// history: a significant change's threshold is raised to k × the run-to-run spread of its
// history (to a tenth of a percent) where that is larger, and a regression or an improvement no
// larger than it is within-threshold, because the default branch moves that much from run to run
// with no change at all. A comparison whose history is too short to tell a spread is left to its
// threshold.
func ApplyHistory(rep *report.Report, source report.HistorySource, history func(*report.Comparison) *report.History) {
	rep.History = &source
	k := rep.Settings.NoiseMultiple
	for i := range rep.Comparisons {
		c := &rep.Comparisons[i]
		h := history(c)
		if h == nil {
			continue
		}
		c.History = h
		if k <= 0 || h.SpreadPercent == nil || c.DeltaPercent == nil {
			continue
		}
		noise := math.Round(10*k**h.SpreadPercent) / 10 // to a tenth of a percent, as people read it
		if noise <= c.ThresholdPercent {
			continue
		}
		switch c.Verdict {
		case report.Regression, report.Improvement, report.WithinThreshold:
		default:
			continue // not a significant change: no threshold was needed
		}
		c.Reason = fmt.Sprintf("threshold %v%%, not %v%%: %v × the run-to-run spread of this benchmark's history (±%.1f%%), since the default branch moves that much with no change", noise, c.ThresholdPercent, k, *h.SpreadPercent)
		c.ThresholdPercent = noise
		if math.Abs(*c.DeltaPercent) <= noise {
			c.Verdict = report.WithinThreshold
		}
	}
	rep.Tally()
}
