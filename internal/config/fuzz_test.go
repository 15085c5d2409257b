package config_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/config"
)

// FuzzParse parses arbitrary config files: the config comes from the repository being measured,
// which may be a pull request's. Parse must not panic; each error it returns must name the file,
// since that is how a typo is found; and a config it accepts must hold what Parse validates, so
// that no caller needs to check again: alpha and confidence strictly between 0 and 1, a known
// false-alarm control, unit directions of ±1 keyed by units without blanks, the default rules
// first and every threshold a finite percentage from 0 to 1e9, and a noise multiple from 0 to
// 100.
//
// The seeds are the repository's own config and every string literal of config_test.go (its
// valid and broken YAML snippets).
func FuzzParse(f *testing.F) {
	own, err := os.ReadFile("../../.github/benchgate.yml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(own)
	file, err := parser.ParseFile(token.NewFileSet(), "config_test.go", nil, 0)
	if err != nil {
		f.Fatal(err)
	}
	ast.Inspect(file, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				f.Add([]byte(s))
			}
		}
		return true
	})

	const name = "benchgate.yml"
	defaults := config.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.Parse(data, name)
		if err != nil {
			errs := []error{err}
			if joined, ok := err.(interface{ Unwrap() []error }); ok {
				errs = joined.Unwrap()
			}
			for _, e := range errs {
				if !strings.HasPrefix(e.Error(), name+":") {
					t.Errorf("error does not name the file: %q", e)
				}
			}
			if c != nil {
				t.Error("a config beside an error")
			}
			return
		}
		if c.File != name || !(c.Alpha > 0 && c.Alpha < 1) || !(c.Confidence > 0 && c.Confidence < 1) ||
			(c.FalseAlarmControl != "benjamini-hochberg" && c.FalseAlarmControl != "none") ||
			!(c.NoiseMultiple >= 0 && c.NoiseMultiple <= 100) {
			t.Errorf("settings out of range: file %q alpha %v confidence %v control %q noise multiple %v", c.File, c.Alpha, c.Confidence, c.FalseAlarmControl, c.NoiseMultiple)
		}
		for unit, b := range c.Better {
			if unit == "" || strings.ContainsAny(unit, " \t") || (b != 1 && b != -1) {
				t.Errorf("unit %q: direction %d", unit, b)
			}
		}
		if len(c.Thresholds) < len(defaults.Thresholds) {
			t.Fatalf("%d threshold rules; the %d default rules are gone", len(c.Thresholds), len(defaults.Thresholds))
		}
		for i, th := range c.Thresholds {
			if i < len(defaults.Thresholds) && (th.Unit != defaults.Thresholds[i].Unit || th.MaxPercent != defaults.Thresholds[i].MaxPercent) {
				t.Errorf("default rule %d became %+v", i, th)
			}
			if math.IsNaN(th.MaxPercent) || th.MaxPercent < 0 || th.MaxPercent > 1e9 || strings.ContainsAny(th.Unit, " \t") {
				t.Errorf("rule %d: %+v", i, th)
			}
		}
	})
}
