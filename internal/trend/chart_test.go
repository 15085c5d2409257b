package trend

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/report"
)

// TestCharts draws two series, one with a step, and checks that each SVG is well-formed XML that
// holds its title, its history, and the change-point marker where there is one, and that
// index.html lists every chart.
func TestCharts(t *testing.T) {
	step := series(1, 60, 40, 0.12, 0.03, 0)
	flat := series(2, 60, -1, 0, 0.03, 0)
	in := []*Series{
		{Config: map[string]string{"pkg": "example.com/m"}, Benchmark: "Step-8", Unit: "sec/op", Values: step, Changes: ChangePoints(step, Options{Seed: 1})},
		{Config: map[string]string{"pkg": "example.com/m"}, Benchmark: "Flat-8 <&>", Unit: "B/op", Values: flat, Changes: ChangePoints(flat, Options{Seed: 2})},
		{Config: map[string]string{"pkg": "example.com/m"}, Benchmark: "Step-8", Unit: "allocs/op", Values: make([]float64, 60)}, // zero throughout: not drawn
	}
	var commits []Commit
	for i := range 60 {
		commits = append(commits, Commit{Name: fmt.Sprintf("c%02d change %d", i, i)})
	}
	dir := t.TempDir()
	files, err := Site(in, commits)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteSite(dir, files); err != nil {
		t.Fatal(err)
	}
	names := []string{"charts/m.Step-8_sec_op.svg", "charts/m.Flat-8_B_op.svg"}
	if len(files) != 4 {
		t.Errorf("files: %d, want two charts, index.html and .nojekyll (and no chart of zeros)", len(files))
	}
	for name := range files {
		if !slices.ContainsFunc(SitePaths, func(p string) bool { return name == p || strings.HasSuffix(p, "/") && strings.HasPrefix(name, p) }) {
			t.Errorf("%s is outside SitePaths %v", name, SitePaths)
		}
	}
	for i, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		all, paths := svgParts(t, name, data)
		if !strings.Contains(all, in[i].Title()) || !strings.Contains(all, "median, ") || paths < 10 {
			t.Errorf("%s: texts %q, %d paths", name, all, paths)
		}
		if got, want := strings.Contains(all, "change point") && strings.Contains(all, "level"), len(in[i].Changes) > 0; got != want {
			t.Errorf("%s: change-point marker and levels %v, want %v", name, got, want)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if !strings.Contains(string(page), `<img src="`+name+`"`) {
			t.Errorf("index.html does not show %s:\n%s", name, page)
		}
	}
	// html/template writes "+" as &#43;, which a browser shows as "+".
	if !strings.Contains(string(page), "step at c40 change 40: &#43;1") || !strings.Contains(string(page), "60 recorded commits, the newest c59 change 59") || strings.Contains(string(page), "<&>") {
		t.Errorf("index.html:\n%s", page)
	}
}

// svgParts are the texts an SVG shows, joined by "|", and how many paths it draws; it fails the
// test when the SVG is not well-formed XML.
func svgParts(t *testing.T, name string, svg []byte) (texts string, paths int) {
	t.Helper()
	var all []string
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			all = append(all, string(tok))
		case xml.StartElement:
			if tok.Name.Local == "path" {
				paths++
			}
		}
	}
	return strings.Join(all, "|"), paths
}

// TestChartsAcknowledged draws a history in which A steps up twice: at c06, a regression its
// pull request accepted (alice, "a safer hash"), and at c11, one nobody accepted. The chart marks
// both, the accepted one apart and labelled with who accepted it; the index says so beside
// that step only. B, level throughout, has no marks.
func TestChartsAcknowledged(t *testing.T) {
	var history []Commit
	for i := range 16 {
		a := 100.0
		switch {
		case i >= 11:
			a = 170
		case i >= 6:
			a = 130
		}
		c := Commit{Name: fmt.Sprintf("c%02d", i), Results: results(a, 50)}
		if i == 6 {
			c.Accepted = []report.AcceptedChange{{Package: "example.com/m", Benchmark: "A-8", Unit: "sec/op", Acceptance: report.Acceptance{By: "alice", Source: report.AcceptDescription, Reason: "a safer hash"}}}
		}
		history = append(history, c)
	}
	_, series, err := FindSteps(history)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Site(series, history)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		chart     string
		want, not []string
		diamonds  int // shapes filled in the accepted color: the marks and the legend's
	}{
		{"charts/m.A-8_sec_op.svg", []string{"|change point|", "|change point, accepted|", "|accepted by alice|"}, nil, 2},
		{"charts/m.B-8_sec_op.svg", nil, []string{"change point", "accepted by"}, 0},
	}
	for _, tt := range tests {
		svg, ok := files[tt.chart]
		if !ok {
			t.Fatalf("no %s among %d files", tt.chart, len(files))
		}
		texts, _ := svgParts(t, tt.chart, svg)
		texts = "|" + texts + "|"
		for _, want := range tt.want {
			if !strings.Contains(texts, want) {
				t.Errorf("%s lacks %q: %s", tt.chart, want, texts)
			}
		}
		for _, not := range tt.not {
			if strings.Contains(texts, not) {
				t.Errorf("%s shows %q: %s", tt.chart, not, texts)
			}
		}
		if got := strings.Count(string(svg), `style="fill:#2864B4" />`); got != tt.diamonds {
			t.Errorf("%s: %d shapes filled in the accepted color, want %d", tt.chart, got, tt.diamonds)
		}
	}
	page := string(files["index.html"])
	// html/template writes "+" as &#43;, which a browser shows as "+".
	for _, want := range []string{"step at c06: &#43;30.0%, accepted by alice (a safer hash)", "step at c11: &#43;30.8%</figcaption>", "a blue diamond"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q:\n%s", want, page)
		}
	}
}

func TestCommitTicks(t *testing.T) {
	for _, tt := range []struct {
		lo, hi float64
		want   string
	}{
		{0.5, 3.5, "1 2 3"},
		{0.5, 12.5, "2 4 6 8 10 12"},
		{40.5, 140.5, "60 80 100 120 140"},
	} {
		var got []string
		for _, tick := range (commitTicks{}).Ticks(tt.lo, tt.hi) {
			got = append(got, tick.Label)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("ticks of %v–%v: %v, want %s", tt.lo, tt.hi, got, tt.want)
		}
	}
}
