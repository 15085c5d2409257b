package trend

import (
	"bytes"
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

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Site draws each series as an SVG, with its change points marked, and an index.html listing
// them: a static site GitHub Pages can serve as it is. commits names the commits the series
// index, for the steps' captions. It returns the files by path: "index.html" and
// "charts/<name>.svg".
func Site(series []*Series, commits []string) (map[string][]byte, error) {
	files := map[string][]byte{}
	var names []string
	seen := map[string]int{}
	for _, s := range series {
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

func chart(s *Series) ([]byte, error) {
	p := plot.New()
	p.Title.Text = s.Title()
	p.X.Label.Text = "commit"
	p.Y.Label.Text = "median"
	p.Add(plotter.NewGrid())
	pts := make(plotter.XYs, len(s.Values))
	for i, v := range s.Values {
		pts[i].X, pts[i].Y = float64(i+1), v
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
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
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{R: 200, A: 255}, Radius: vg.Points(5), Shape: draw.TriangleGlyph{}}
		p.Add(sc)
		p.Legend.Add("change point", sc)
	}
	p.Legend.Top = true
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
