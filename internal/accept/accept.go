// Package accept lets a person with write access accept a regression without turning the gate
// off: a line in the pull request's description or in its head commit's message,
//
//	benchgate: accept BenchmarkEncode sec/op — the new format is worth it
//
// accepts that benchmark's regression in that unit (in every unit when none is given), and a
// label on the pull request (benchgate-accept by default) accepts all of them. Parse reads the
// lines, Apply marks the regressions they accept; an accepted regression stays a regression in
// the report, with who accepted it, where and why, but does not fail the gate. Who may accept,
// and from which sources, is the caller's to check (the config's accept section and the
// repository's collaborator permissions).
package accept

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/report"
)

// Directive is one accept line: the benchmark, the unit ("" for every unit) and the reason.
type Directive struct {
	Benchmark, Unit, Reason string
}

// Grant is a directive someone wrote somewhere: By is their login, Source one of the
// report.Accept* sources. A grant from a label has an empty Benchmark: it accepts every
// regression.
type Grant struct {
	Directive
	By, Source string
}

var line = regexp.MustCompile(`(?im)^[ \t>*-]*benchgate:[ \t]*accept\b(.*)$`)

// Parse reads the accept lines of a text. A line that does not say which benchmark it accepts
// is returned as a problem, with its text.
func Parse(text string) (ds []Directive, problems []string) {
	for _, m := range line.FindAllStringSubmatch(text, -1) {
		rest := strings.TrimSpace(m[1])
		what, reason := rest, ""
		for _, sep := range []string{"—", " -- ", " - ", ": "} {
			if before, after, ok := strings.Cut(rest, sep); ok {
				what, reason = strings.TrimSpace(before), strings.TrimSpace(after)
				break
			}
		}
		f := strings.Fields(what)
		if len(f) == 0 || len(f) > 2 {
			problems = append(problems, fmt.Sprintf("%q: expected benchgate: accept BENCHMARK [UNIT] — REASON", strings.TrimSpace(m[0])))
			continue
		}
		d := Directive{Benchmark: strings.TrimPrefix(f[0], "Benchmark"), Reason: reason}
		if len(f) == 2 {
			d.Unit = f[1]
		}
		ds = append(ds, d)
	}
	return ds, problems
}

// Matches tells whether the directive accepts comparison c. The benchmark may be named as the
// report shows it ("Encode-8", "Encode/size=1k-8"), without its -GOMAXPROCS suffix, with its
// package's last element ("codec.Encode"), and with or without "Benchmark".
func (d Directive) Matches(c *report.Comparison) bool {
	if d.Unit != "" && d.Unit != c.Unit {
		return false
	}
	if d.Benchmark == "" {
		return true
	}
	base, parts := benchfmt.Name(c.Benchmark).Parts()
	name := string(base)
	for _, p := range parts {
		if strings.HasPrefix(string(p), "/") {
			name += string(p)
		}
	}
	pkg := c.Config["pkg"]
	pkg = pkg[strings.LastIndex(pkg, "/")+1:]
	for _, n := range []string{c.Benchmark, name} {
		if d.Benchmark == n || pkg != "" && d.Benchmark == pkg+"."+n {
			return true
		}
	}
	return false
}

// Apply marks each regression of rep that a grant accepts, with the first grant that does, and
// recomputes the report's verdict: accepted regressions do not fail the gate. It returns how
// many regressions it marked.
func Apply(rep *report.Report, grants []Grant) int {
	n := 0
	for i := range rep.Comparisons {
		c := &rep.Comparisons[i]
		if c.Verdict != report.Regression || c.Accepted != nil {
			continue
		}
		for _, g := range grants {
			if g.Matches(c) {
				c.Accepted = &report.Acceptance{By: g.By, Source: g.Source, Reason: g.Reason}
				n++
				break
			}
		}
	}
	rep.Tally()
	return n
}
