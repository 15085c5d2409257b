package trend

import (
	"fmt"
	"html/template"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one benchmark's history in one unit, with its change points.
type Series struct {
	Title   string // "pkg.Benchmark unit"
	Values  []float64
	Changes []ChangePoint
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Charts draws each series as an SVG in dir, with its change points marked, and writes
// index.html listing them, a page GitHub Pages can serve as it is. It returns the charts' file
// names.
func Charts(dir string, series []Series) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]int{}
	for _, s := range series {
		name := strings.Trim(unsafeName.ReplaceAllString(s.Title, "_"), "_")
		if n := seen[name]; n > 0 {
			name = fmt.Sprintf("%s-%d", name, n)
		}
		seen[name]++
		name += ".svg"
		if err := chart(filepath.Join(dir, name), s); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		names = append(names, name)
	}
	f, err := os.Create(filepath.Join(dir, "index.html"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := index(f, series, names); err != nil {
		return nil, err
	}
	return names, f.Close()
}

func chart(path string, s Series) error {
	p := plot.New()
	p.Title.Text = s.Title
	p.X.Label.Text = "commit"
	p.Y.Label.Text = "median"
	p.Add(plotter.NewGrid())
	pts := make(plotter.XYs, len(s.Values))
	for i, v := range s.Values {
		pts[i].X, pts[i].Y = float64(i+1), v
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	p.Add(line)
	p.Legend.Add("history", line)
	if len(s.Changes) > 0 {
		marks := make(plotter.XYs, len(s.Changes))
		for i, c := range s.Changes {
			marks[i].X, marks[i].Y = float64(c.Index+1), s.Values[c.Index]
		}
		sc, err := plotter.NewScatter(marks)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{R: 200, A: 255}, Radius: vg.Points(5), Shape: draw.TriangleGlyph{}}
		p.Add(sc)
		p.Legend.Add("change point", sc)
	}
	p.Legend.Top = true
	return p.Save(6*vg.Inch, 3*vg.Inch, path)
}

var page = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>benchgate: benchmark history</title>
<h1>Benchmark history</h1>
{{range .}}<figure>
<img src="{{.File}}" alt="{{.Title}}">
<figcaption>{{.Title}}{{range .Changes}}; step at commit {{.At}}: {{.Size}}{{end}}</figcaption>
</figure>
{{end}}</html>
`))

func index(w io.Writer, series []Series, names []string) error {
	type change struct{ At, Size string }
	type entry struct {
		File, Title string
		Changes     []change
	}
	var entries []entry
	for i, s := range series {
		e := entry{File: names[i], Title: s.Title}
		for _, c := range s.Changes {
			e.Changes = append(e.Changes, change{fmt.Sprint(c.Index + 1), fmt.Sprintf("%+.1f%%", 100*c.Change())})
		}
		entries = append(entries, e)
	}
	return page.Execute(w, entries)
}
