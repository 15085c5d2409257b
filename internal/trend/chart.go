package trend

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchunit"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/benchgate/benchgate/internal/report"
)

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// SitePaths are the paths Site writes ("charts/" is a folder): a data branch that publishes the
// site gives them to the store, which replaces all of them on every write.
var SitePaths = []string{"index.html", ".nojekyll", "charts/"}

// Site draws each series as an SVG, with its change points marked, and an index.html listing
// them: a static site GitHub Pages can serve as it is (.nojekyll tells Pages to serve the files
// as they are). history is the commits the series index: their names caption the steps, and a
// step at a commit whose pull request accepted the regression is marked apart, with who
// accepted it, so a reader sees which steps were meant. Series that are zero throughout (B/op
// of a benchmark that never allocates) are left out: a flat line at zero tells nothing. It
// returns the files by path, all under SitePaths: "index.html", ".nojekyll" and
// "charts/<name>.svg".
func Site(all []*Series, history []Commit) (map[string][]byte, error) {
	files := map[string][]byte{".nojekyll": {}}
	var names []string
	var series []*Series
	seen := map[string]int{}
	for _, s := range all {
		if !slices.ContainsFunc(s.Values, func(v float64) bool { return v != 0 }) {
			continue
		}
		series = append(series, s)
		name := strings.Trim(unsafeName.ReplaceAllString(s.Title(), "_"), "_")
		if n := seen[name]; n > 0 {
			name = fmt.Sprintf("%s-%d", name, n)
		}
		seen[name]++
		name = "charts/" + name + ".svg"
		svg, err := chart(s, history)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		files[name] = svg
		names = append(names, name)
	}
	var page bytes.Buffer
	if err := index(&page, series, names, history); err != nil {
		return nil, err
	}
	files["index.html"] = page.Bytes()
	return files, nil
}

// WriteSite writes the files of Site into dir.
func WriteSite(dir string, files map[string][]byte) error {
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Colors of the chart's marks: a step nobody accepted stands out in red; an accepted one, a
// known and wanted cost, in a quieter blue.
var (
	stepColor     = color.RGBA{R: 200, A: 255}
	acceptedColor = color.RGBA{R: 40, G: 100, B: 180, A: 255}
)

// chart draws one series of history: its medians by commit, in the unit's humane scale
// (µsec/op, KiB/op), each level between change points as a dashed line at its median, a red
// triangle at each change point, and a blue diamond at each one whose regression its pull
// request accepted, labelled with who accepted it.
func chart(s *Series, history []Commit) ([]byte, error) {
	scale := benchunit.CommonScale(s.Values, benchunit.ClassOf(s.Unit))
	y := func(v float64) float64 { return v / scale.Factor }
	p := plot.New()
	p.Title.Text = s.Title()
	p.X.Label.Text = "commit"
	p.Y.Label.Text = "median, " + scale.Prefix + s.Unit
	p.Add(plotter.NewGrid())
	x := func(i int) float64 { return float64(s.First + i + 1) }
	pts := make(plotter.XYs, len(s.Values))
	for i, v := range s.Values {
		pts[i].X, pts[i].Y = x(i), y(v)
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	p.Add(line)
	p.Legend.Add("median", line)
	if len(s.Changes) > 0 {
		// The levels, so a step reads as one.
		bounds := []int{0}
		for _, c := range s.Changes {
			bounds = append(bounds, c.Index)
		}
		bounds = append(bounds, len(s.Values))
		for i := 0; i+1 < len(bounds); i++ {
			lo, hi := bounds[i], bounds[i+1]
			m := y(median(s.Values[lo:hi]))
			level, err := plotter.NewLine(plotter.XYs{{X: x(lo), Y: m}, {X: x(hi - 1), Y: m}})
			if err != nil {
				return nil, err
			}
			level.Color = stepColor
			level.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(level)
			if i == 0 {
				p.Legend.Add("level", level)
			}
		}
		var marks, accepted plotter.XYs
		var by []string
		for _, c := range s.Changes {
			at := plotter.XY{X: x(c.Index), Y: y(s.Values[c.Index])}
			if a := s.acknowledged(c, history); a != nil {
				accepted = append(accepted, at)
				by = append(by, "accepted by "+a.By)
			} else {
				marks = append(marks, at)
			}
		}
		for _, m := range []struct {
			at     plotter.XYs
			legend string
			color  color.Color
			shape  draw.GlyphDrawer
		}{
			{marks, "change point", stepColor, draw.TriangleGlyph{}},
			{accepted, "change point, accepted", acceptedColor, diamond{}},
		} {
			if len(m.at) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(m.at)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: m.color, Radius: vg.Points(5), Shape: m.shape}
			p.Add(sc)
			p.Legend.Add(m.legend, sc)
		}
		if len(accepted) > 0 {
			labels, err := plotter.NewLabels(plotter.XYLabels{XYs: accepted, Labels: by})
			if err != nil {
				return nil, err
			}
			for i := range labels.TextStyle {
				labels.TextStyle[i].Color = acceptedColor
				labels.TextStyle[i].Font.Size = vg.Points(8)
			}
			labels.Offset = vg.Point{X: vg.Points(6), Y: vg.Points(6)}
			p.Add(labels)
		}
	}
	// Room above the data for the legend, so it never hides the newest points.
	lo, hi := y(slices.Min(s.Values)), y(slices.Max(s.Values))
	span := hi - lo
	if span == 0 {
		span = math.Max(math.Abs(hi)*0.1, 1)
	}
	p.Y.Min, p.Y.Max = lo-0.05*span, hi+0.45*span
	p.X.Min, p.X.Max = x(0)-0.5, x(len(s.Values)-1)+0.5 // the end ticks' labels are not clipped
	p.X.Tick.Marker = commitTicks{}
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Points(8)
	w, err := p.WriterTo(6*vg.Inch, 3*vg.Inch, "svg")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// diamond is the glyph of an accepted change point: a square on its corner.
type diamond struct{}

func (diamond) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetColor(sty.Color)
	r := sty.Radius
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	p.Close()
	c.Fill(p)
}

// acknowledged is the acceptance of the series' regression at change point c, from the
// history's commit it starts at; nil when none was accepted there.
func (s *Series) acknowledged(c ChangePoint, history []Commit) *report.Acceptance {
	if at := s.First + c.Index; at < len(history) {
		return acknowledged(history[at].Accepted, s)
	}
	return nil
}

// commitTicks marks whole commits only, at a round step that gives about six marks.
type commitTicks struct{}

func (commitTicks) Ticks(lo, hi float64) []plot.Tick {
	want := math.Max(1, (hi-lo)/6)
	mag := math.Pow(10, math.Floor(math.Log10(want)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= want {
			step = m * mag
			break
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return ticks
}

var page = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>benchgate: benchmark history</title>
<h1>Benchmark history</h1>
<p>{{.Commits}} recorded commits{{with .Newest}}, the newest {{.}}{{end}}. Each chart shows a benchmark's median per commit, oldest first; a red triangle marks a change point, the first commit of a new level, and a blue diamond one whose regression was accepted in its pull request, labelled with who accepted it.</p>
{{range .Charts}}<figure>
<img src="{{.File}}" alt="{{.Title}}">
<figcaption>{{.Title}}{{range .Changes}}; step at {{.At}}: {{.Size}}{{with .Accepted}}, accepted by {{.By}}{{with .Reason}} ({{.}}){{end}}{{end}}{{end}}</figcaption>
</figure>
{{end}}</html>
`))

func index(w io.Writer, series []*Series, names []string, history []Commit) error {
	type change struct {
		At, Size string
		Accepted *report.Acceptance
	}
	type entry struct {
		File, Title string
		Changes     []change
	}
	var entries []entry
	for i, s := range series {
		e := entry{File: names[i], Title: s.Title()}
		for _, c := range s.Changes {
			at := fmt.Sprintf("commit %d", s.First+c.Index+1)
			if i := s.First + c.Index; i < len(history) {
				at = history[i].Name
			}
			e.Changes = append(e.Changes, change{at, fmt.Sprintf("%+.1f%%", 100*c.Change()), s.acknowledged(c, history)})
		}
		entries = append(entries, e)
	}
	newest := ""
	if len(history) > 0 {
		newest = history[len(history)-1].Name
	}
	return page.Execute(w, struct {
		Commits int
		Newest  string
		Charts  []entry
	}{len(history), newest, entries})
}
