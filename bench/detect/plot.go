package main

import (
	"maps"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// plotDetection draws each strategy's detection rate against the size of the slowdown, in each
// condition.
func plotDetection(tables map[string][]row, path string) error {
	p := plot.New()
	p.Title.Text = "Slowdowns caught, by size"
	p.X.Label.Text = "slowdown (%)"
	p.Y.Label.Text = "caught (%)"
	p.Y.Min, p.Y.Max = 0, 100
	p.Legend.Top = false
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	var lines []any
	for _, cond := range slices.Sorted(maps.Keys(tables)) {
		for _, r := range tables[cond] {
			pts := make(plotter.XYs, len(Effects))
			for i, e := range Effects {
				pts[i].X, pts[i].Y = 100*e, 100*r.detection[e]
			}
			lines = append(lines, cond+": "+r.strategy, pts)
		}
	}
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return err
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}
