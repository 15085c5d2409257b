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
	var commits []string
	for i := range 60 {
		commits = append(commits, fmt.Sprintf("c%02d change %d", i, i))
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
		var texts []string
		dec := xml.NewDecoder(strings.NewReader(string(data)))
		paths := 0
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
				texts = append(texts, string(tok))
			case xml.StartElement:
				if tok.Name.Local == "path" {
					paths++
				}
			}
		}
		all := strings.Join(texts, "|")
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
