// Package docs holds benchgate's documentation; its test keeps the README's and the pages'
// relative links from rotting as pages are split, renamed or retitled.
package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestLinksResolve checks every relative link of README.md and docs/*.md: the file or
// directory it names exists, and an #anchor names a heading of the page it points to, as GitHub
// makes anchors.
func TestLinksResolve(t *testing.T) {
	pages, err := filepath.Glob("*.md")
	if err != nil || len(pages) < 5 {
		t.Fatalf("found %d pages in docs/ (%v)", len(pages), err)
	}
	pages = append(pages, filepath.Join("..", "README.md"))
	links := 0
	for _, page := range pages {
		problems, n, err := brokenLinks(page)
		if err != nil {
			t.Fatal(err)
		}
		links += n
		for _, p := range problems {
			t.Error(p)
		}
	}
	if links < 50 {
		t.Errorf("checked %d relative links; the README and docs have more: is the link pattern wrong?", links)
	}
}

// TestBrokenLinksFound is the checker on a page whose every link but the good ones is broken.
func TestBrokenLinksFound(t *testing.T) {
	problems, n, err := brokenLinks(filepath.Join("testdata", "broken", "page.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`testdata/broken/page.md:5: "missing.md": no such file`,
		`testdata/broken/page.md:6: "#no-such-heading": no heading "no-such-heading" in testdata/broken/page.md`,
		`testdata/broken/page.md:7: "other.md#gone": no heading "gone" in testdata/broken/other.md`,
		`testdata/broken/page.md:8: "#a-heading-2": no heading "a-heading-2" in testdata/broken/page.md`,
	}
	for i := range problems {
		problems[i] = filepath.ToSlash(problems[i])
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
	if n != 8 {
		t.Errorf("checked %d links, want 8", n)
	}
}

// link is a markdown link or image: [text](target) or ![alt](target).
var link = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// brokenLinks lists page's relative links that do not resolve, each as "page:line: target:
// why", and how many relative links it checked. Links in code (fenced blocks, `spans`) are no
// links.
func brokenLinks(page string) (problems []string, checked int, err error) {
	data, err := os.ReadFile(page)
	if err != nil {
		return nil, 0, err
	}
	fence := false
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fence = !fence
			continue
		}
		if fence {
			continue
		}
		for _, m := range link.FindAllStringSubmatch(withoutCode(line), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			if why := resolve(page, target); why != "" {
				problems = append(problems, fmt.Sprintf("%s:%d: %q: %s", page, i+1, target, why))
			}
		}
	}
	return problems, checked, nil
}

// inlineCode is a code span.
var inlineCode = regexp.MustCompile("`[^`]*`")

func withoutCode(line string) string { return inlineCode.ReplaceAllString(line, "``") }

// resolve says why target, a relative link on page, does not resolve; "" when it does.
func resolve(page, target string) string {
	path, anchor, _ := strings.Cut(target, "#")
	file := page
	if path != "" {
		file = filepath.Join(filepath.Dir(page), filepath.FromSlash(path))
		if _, err := os.Stat(file); err != nil {
			return "no such file"
		}
	}
	if anchor == "" {
		return ""
	}
	if !strings.HasSuffix(file, ".md") {
		return "an anchor on a file that is no markdown page"
	}
	anchors, err := headingAnchors(file)
	if err != nil {
		return err.Error()
	}
	if !anchors[anchor] {
		return fmt.Sprintf("no heading %q in %s", anchor, filepath.ToSlash(file))
	}
	return ""
}

// headingAnchors are the anchors GitHub gives the headings of a markdown file: the heading's
// text in lower case, without punctuation, spaces as hyphens; a repeated one gets -1, -2, ….
func headingAnchors(file string) (map[string]bool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	anchors, seen := map[string]bool{}, map[string]int{}
	fence := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fence = !fence
			continue
		}
		level := len(line) - len(strings.TrimLeft(line, "#"))
		if fence || level == 0 || level > 6 || !strings.HasPrefix(line[level:], " ") {
			continue
		}
		a := slug(line[level+1:])
		if n := seen[a]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors, nil
}

// slug is GitHub's anchor of a heading's text.
func slug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
