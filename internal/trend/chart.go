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
)

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// SitePaths are the paths Site writes ("charts/" is a folder): a data branch that publishes the
// site gives them to the store, which replaces all of them on every write.
var SitePaths = []string{"index.html", ".nojekyll", "charts/"}

// Site draws each series as an SVG, with its change points marked, and an index.html listing
// them: a static site GitHub Pages can serve as it is (.nojekyll tells Pages to serve the files
// as they are). commits names the commits the series index, for the steps' captions. Series
// that are zero throughout (B/op of a benchmark that never allocates) are left out: a flat line
// at zero tells nothing. It returns the files by path, all under SitePaths: "index.html",
// ".nojekyll" and "charts/<name>.svg".
func Site(all []*Series, commits []string) (map[string][]byte, error) {
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
		svg, err := chart(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		files[name] = svg
		names = append(names, name)
	}
	var page bytes.Buffer
	if err := index(&page, series, names, commits); err != nil {
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

// chart draws one series: its medians by commit, in the unit's humane scale (µsec/op, KiB/op),
// each level between change points as a dashed line at its median, and a triangle at each
// change point.
func chart(s *Series) ([]byte, error) {
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
			level.Color = color.RGBA{R: 200, A: 255}
			level.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(level)
			if i == 0 {
				p.Legend.Add("level", level)
			}
		}
		marks := make(plotter.XYs, len(s.Changes))
		for i, c := range s.Changes {
			marks[i].X, marks[i].Y = x(c.Index), y(s.Values[c.Index])
		}
		sc, err := plotter.NewScatter(marks)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{R: 200, A: 255}, Radius: vg.Points(5), Shape: draw.TriangleGlyph{}}
		p.Add(sc)
		p.Legend.Add("change point", sc)
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
<p>{{.Commits}} recorded commits{{with .Newest}}, the newest {{.}}{{end}}. Each chart shows a benchmark's median per commit, oldest first; a triangle marks a change point, the first commit of a new level.</p>
{{range .Charts}}<figure>
<img src="{{.File}}" alt="{{.Title}}">
<figcaption>{{.Title}}{{range .Changes}}; step at {{.At}}: {{.Size}}{{end}}</figcaption>
</figure>
{{end}}</html>
`))

func index(w io.Writer, series []*Series, names, commits []string) error {
	type change struct{ At, Size string }
	type entry struct {
		File, Title string
		Changes     []change
	}
	var entries []entry
	for i, s := range series {
		e := entry{File: names[i], Title: s.Title()}
		for _, c := range s.Changes {
			at := fmt.Sprintf("commit %d", s.First+c.Index+1)
			if i := s.First + c.Index; i < len(commits) {
				at = commits[i]
			}
			e.Changes = append(e.Changes, change{at, fmt.Sprintf("%+.1f%%", 100*c.Change())})
		}
		entries = append(entries, e)
	}
	newest := ""
	if len(commits) > 0 {
		newest = commits[len(commits)-1]
	}
	return page.Execute(w, struct {
		Commits int
		Newest  string
		Charts  []entry
	}{len(commits), newest, entries})
}
