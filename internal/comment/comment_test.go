package comment_test

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/golden"
	"github.com/benchgate/benchgate/internal/report"
)

// TestRender renders every report in testdata as text and markdown and compares the result with
// the golden files beside it (-update rewrites them).
func TestRender(t *testing.T) {
	reports, err := filepath.Glob("testdata/*.json")
	if err != nil || len(reports) == 0 {
		t.Fatalf("no reports in testdata: %v", err)
	}
	for _, path := range reports {
		r, err := report.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(path, ".json")
		for ext, render := range map[string]func(*bytes.Buffer, *report.Report) error{
			".txt": func(b *bytes.Buffer, r *report.Report) error { return comment.Text(b, r) },
			".md":  func(b *bytes.Buffer, r *report.Report) error { return comment.Markdown(b, r) },
		} {
			t.Run(filepath.Base(base)+ext, func(t *testing.T) {
				var got bytes.Buffer
				if err := render(&got, r); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, base+ext, got.Bytes())
			})
		}
	}
}

// TestMarkdownIsInert checks the hostile report's markdown for anything that would render as
// HTML, a link, a mention or a broken table.
func TestMarkdownIsInert(t *testing.T) {
	r, err := report.ReadFile("testdata/hostile.json")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := comment.Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, bad := range []string{"<img", "<script", " @org", "@everyone", "\nname"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown contains %q", bad)
		}
	}
	// A link needs an unescaped "](".
	if regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(md) {
		t.Error("markdown contains a link")
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, "|")-strings.Count(line, `\|`) < 5 {
			t.Errorf("table row lost its cells: %q", line)
		}
	}
}

func TestHeadline(t *testing.T) {
	r := &report.Report{Comparisons: []report.Comparison{
		{Verdict: report.Regression}, {Verdict: report.Regression}, {Verdict: report.Improvement},
		{Verdict: report.New}, {Verdict: report.Unchanged}, {Verdict: report.WithinThreshold},
	}}
	r.Tally()
	want := "FAIL: 2 regressions past threshold, 1 improvement, 1 new benchmark, 1 within threshold, 1 unchanged"
	if got := comment.Headline(r); got != want {
		t.Errorf("headline\n%s\nwant\n%s", got, want)
	}
}
