// Package config turns benchgate's YAML config file into one validated Config: the statistical
// settings, the direction of custom units, and the threshold rules that decide how large a
// significant change must be before it is a regression.
//
// Every error names the file, the line and the key, and says what was expected, because a gate
// that fails on a typo must say exactly where the typo is.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/perf/benchunit"

	"github.com/benchgate/benchgate/internal/report"
)

// DefaultPath is where the config is looked for when no --config is given.
const DefaultPath = ".github/benchgate.yml"

// Config is the validated configuration.
type Config struct {
	// File is the file the config was read from, or "" for the defaults.
	File string
	// Alpha is the significance level a (possibly adjusted) p-value must not exceed.
	Alpha float64
	// Confidence is the level of the confidence intervals shown around each center.
	Confidence        float64
	FalseAlarmControl report.FalseAlarmControl
	// Better gives the direction of units that the benchmark output does not declare:
	// -1 lower is better, +1 higher is better. Keys are tidied units (sec/op, not ns/op).
	Better map[string]int
	// Thresholds are the rules in order; the last rule that matches a comparison wins.
	Thresholds []Threshold
	// NoiseMultiple, when above 0, makes a change also exceed this many times the run-to-run
	// spread of its benchmark's recorded default-branch history before it is a regression or an
	// improvement; 0 (the default) leaves verdicts to the thresholds alone.
	NoiseMultiple float64
	// Measure is the instrument gate run and the action measure with when no flag or input
	// names one; "" leaves it to them (time).
	Measure report.Instrument
	// Accept says how a regression may be accepted (the accept section).
	Accept report.AcceptPolicy
}

// Threshold is one rule: the largest change, in percent, that a comparison matching Unit,
// Benchmark and Package may show and still not be a regression (or an improvement).
type Threshold struct {
	Unit       string         // tidied unit; "" matches every unit
	Benchmark  *regexp.Regexp // matched against the name without "Benchmark"; nil matches all
	Package    *regexp.Regexp // matched against the pkg key; nil matches all
	MaxPercent float64
}

// Default returns the configuration used when there is no config file.
//
// alpha 0.05 and confidence 0.95 are benchstat's. Benjamini–Hochberg is on because a suite of
// hundreds of benchmarks otherwise flags about 5% of the unchanged ones. 5% is past the
// run-to-run noise of interleaved runs on a shared CI runner, so a change that large is worth a
// reviewer's attention; allocs/op is a count with no noise, so any significant increase counts.
// A benchmark process's peak RSS (gate run's peak-RSS-B) moves in pages and with the garbage
// collector's timing, so only a change past 20% counts.
func Default() *Config {
	return &Config{
		Alpha:             0.05,
		Confidence:        0.95,
		FalseAlarmControl: report.BenjaminiHochberg,
		Better:            map[string]int{},
		Accept:            report.DefaultAcceptPolicy(),
		Thresholds: []Threshold{
			{MaxPercent: 5},
			{Unit: "allocs/op", MaxPercent: 0},
			{Unit: "peak-RSS-B", MaxPercent: 20},
			// Counts move by a fraction of a percent between runs of the same code (see
			// benchexec's count.go), so a change of 1% is real work.
			{Unit: report.InstructionsUnit, MaxPercent: 1},
			{Unit: report.EstCyclesUnit, MaxPercent: 1},
		},
	}
}

// Load reads the config at path. When the path is the default one and no file is there, the
// defaults are used; a path the user named must exist.
func Load(path string, named bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !named {
		return Default(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(data, path)
}

// ThresholdFor returns the threshold, in percent, for a benchmark in a package and unit.
func (c *Config) ThresholdFor(pkg, benchmark, unit string) float64 {
	max := 0.0
	for _, t := range c.Thresholds {
		if t.Unit != "" && t.Unit != unit {
			continue
		}
		if t.Benchmark != nil && !t.Benchmark.MatchString(benchmark) {
			continue
		}
		if t.Package != nil && !t.Package.MatchString(pkg) {
			continue
		}
		max = t.MaxPercent
	}
	return max
}

// Parse parses and validates a config file's contents; name is used in error messages.
// Unset settings keep their defaults, and threshold rules are added after the default rules,
// so they override them.
func Parse(data []byte, name string) (*Config, error) {
	c := Default()
	c.File = name
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// "yaml: line 3: did not find expected key" becomes "name:3: did not find expected key".
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", name, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %s", name, msg)
	}
	if len(doc.Content) == 0 {
		return c, nil // an empty file: all defaults
	}
	p := &parser{file: name}
	root := doc.Content[0]
	p.mapping(root, "", map[string]func(*yaml.Node, string){
		"alpha": func(n *yaml.Node, key string) {
			c.Alpha = p.fraction(n, key, "a significance level such as 0.05")
		},
		"confidence": func(n *yaml.Node, key string) {
			c.Confidence = p.fraction(n, key, "a confidence level such as 0.95")
		},
		"false-alarm-control": func(n *yaml.Node, key string) {
			v := report.FalseAlarmControl(p.scalar(n, key, "benjamini-hochberg or none"))
			if v != report.BenjaminiHochberg && v != report.NoControl {
				p.errorf(n, key, "expected benjamini-hochberg or none, got %q", v)
				return
			}
			c.FalseAlarmControl = v
		},
		"measure": func(n *yaml.Node, key string) {
			v, err := report.ParseInstrument(p.scalar(n, key, "time, instructions or both"))
			if n.Kind == yaml.ScalarNode && err != nil {
				p.errorf(n, key, "expected time, instructions or both, got %q", n.Value)
				return
			}
			c.Measure = v
		},
		"units":      func(n *yaml.Node, key string) { p.units(n, key, c) },
		"accept":     func(n *yaml.Node, key string) { p.accept(n, key, c) },
		"thresholds": func(n *yaml.Node, key string) { p.thresholds(n, key, c) },
		"noise-multiple": func(n *yaml.Node, key string) {
			const want = "a number of spreads such as 3, or 0 for off"
			v, err := strconv.ParseFloat(p.scalar(n, key, want), 64)
			if n.Kind == yaml.ScalarNode && (err != nil || !(v >= 0 && v <= 100)) {
				p.errorf(n, key, "expected %s (at most 100), got %q", want, n.Value)
				return
			}
			c.NoiseMultiple = v
		},
	})
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	return c, nil
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// parser walks the YAML tree and collects every error with its position.
type parser struct {
	file string
	errs []error
}

func (p *parser) errorf(n *yaml.Node, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = key + ": " + msg
	}
	p.errs = append(p.errs, fmt.Errorf("%s:%d: %s", p.file, n.Line, msg))
}

// mapping calls the handler of each key of the mapping n, and reports keys it does not know.
func (p *parser) mapping(n *yaml.Node, path string, handlers map[string]func(*yaml.Node, string)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "expected a mapping of keys (%s), got %s", knownKeys(handlers), kindName(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		full := key
		if path != "" {
			full = path + "." + key
		}
		if line, dup := seen[key]; dup {
			p.errorf(k, full, "set twice (first on line %d)", line)
			continue
		}
		seen[key] = k.Line
		h, ok := handlers[key]
		if !ok {
			p.errorf(k, full, "unknown key; expected one of %s", knownKeys(handlers))
			continue
		}
		h(v, full)
	}
}

func knownKeys(handlers map[string]func(*yaml.Node, string)) string {
	// The order of the documentation, not of the map.
	order := []string{"alpha", "confidence", "false-alarm-control", "units", "thresholds", "noise-multiple", "measure", "better", "unit", "benchmark", "package", "max"}
	var keys []string
	for _, k := range order {
		if _, ok := handlers[k]; ok {
			keys = append(keys, k)
		}
	}
	return strings.Join(keys, ", ")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func (p *parser) scalar(n *yaml.Node, key, want string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, key, "expected %s, got %s", want, kindName(n))
		return ""
	}
	return n.Value
}

// fraction parses a number strictly between 0 and 1.
func (p *parser) fraction(n *yaml.Node, key, want string) float64 {
	s := p.scalar(n, key, want)
	if n.Kind != yaml.ScalarNode {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v < 1) {
		p.errorf(n, key, "expected %s (between 0 and 1), got %q", want, s)
		return 0
	}
	return v
}

// percent parses "5%" or "0.5%". The % sign is required, so that 0.05 is never read as 5%.
func (p *parser) percent(n *yaml.Node, key string) float64 {
	const want = `a percentage such as "5%"`
	s := p.scalar(n, key, want)
	if n.Kind != yaml.ScalarNode {
		return 0
	}
	num, ok := strings.CutSuffix(strings.TrimSpace(s), "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if !ok || err != nil || v < 0 || math.IsNaN(v) || v > 1e9 {
		p.errorf(n, key, "expected %s, got %q", want, s)
		return 0
	}
	return v
}

func (p *parser) regexp(n *yaml.Node, key string) *regexp.Regexp {
	s := p.scalar(n, key, "a regular expression")
	if n.Kind != yaml.ScalarNode {
		return nil
	}
	if len(s) > report.MaxNameLen {
		p.errorf(n, key, "expected a regular expression of at most %d bytes, got %d", report.MaxNameLen, len(s))
		return nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		p.errorf(n, key, "expected a regular expression: %v", err)
		return nil
	}
	return re
}

// unit parses a unit name and tidies it the way benchfmt does, so "ns/op" means "sec/op".
func (p *parser) unit(n *yaml.Node, key string) string {
	s := p.scalar(n, key, "a unit such as sec/op")
	if n.Kind != yaml.ScalarNode {
		return ""
	}
	if s == "" || strings.ContainsAny(s, " \t") {
		p.errorf(n, key, "expected a unit such as sec/op, got %q", s)
		return ""
	}
	_, tidy := benchunit.Tidy(1, s)
	return tidy
}

func (p *parser) units(n *yaml.Node, key string, c *Config) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, key, "expected a mapping from unit to settings, such as `frames/s: {better: higher}`, got %s", kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		unit := p.unit(n.Content[i], key)
		if unit == "" {
			continue
		}
		path := key + "." + n.Content[i].Value
		p.mapping(n.Content[i+1], path, map[string]func(*yaml.Node, string){
			"better": func(v *yaml.Node, k string) {
				switch p.scalar(v, k, "higher or lower") {
				case "higher":
					c.Better[unit] = 1
				case "lower":
					c.Better[unit] = -1
				default:
					if v.Kind == yaml.ScalarNode {
						p.errorf(v, k, "expected higher or lower, got %q", v.Value)
					}
				}
			},
		})
	}
}

func (p *parser) accept(n *yaml.Node, key string, c *Config) {
	p.mapping(n, key, map[string]func(*yaml.Node, string){
		"from": func(v *yaml.Node, k string) {
			const want = "a list of description, commit and label, such as [description, label]"
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, k, "expected %s, got %s", want, kindName(v))
				return
			}
			c.Accept.From = []string{}
			for _, s := range v.Content {
				switch src := p.scalar(s, k, want); src {
				case report.AcceptDescription, report.AcceptCommit, report.AcceptLabel:
					c.Accept.From = append(c.Accept.From, src)
				default:
					if s.Kind == yaml.ScalarNode {
						p.errorf(s, k, "expected description, commit or label, got %q", src)
					}
				}
			}
		},
		"label": func(v *yaml.Node, k string) {
			if l := p.scalar(v, k, "a label name"); l != "" {
				c.Accept.Label = l
			} else if v.Kind == yaml.ScalarNode {
				p.errorf(v, k, "expected a label name, got an empty one")
			}
		},
		"require-reason": func(v *yaml.Node, k string) {
			switch p.scalar(v, k, "true or false") {
			case "true":
				c.Accept.RequireReason = true
			case "false":
				c.Accept.RequireReason = false
			default:
				if v.Kind == yaml.ScalarNode {
					p.errorf(v, k, "expected true or false, got %q", v.Value)
				}
			}
		},
	})
}

func (p *parser) thresholds(n *yaml.Node, key string, c *Config) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, key, "expected a list of rules such as `- {unit: sec/op, max: 5%%}`, got %s", kindName(n))
		return
	}
	for i, rn := range n.Content {
		path := fmt.Sprintf("%s[%d]", key, i)
		var t Threshold
		hasMax := false
		p.mapping(rn, path, map[string]func(*yaml.Node, string){
			"unit":      func(v *yaml.Node, k string) { t.Unit = p.unit(v, k) },
			"benchmark": func(v *yaml.Node, k string) { t.Benchmark = p.regexp(v, k) },
			"package":   func(v *yaml.Node, k string) { t.Package = p.regexp(v, k) },
			"max":       func(v *yaml.Node, k string) { t.MaxPercent, hasMax = p.percent(v, k), true },
		})
		if rn.Kind == yaml.MappingNode && !hasMax {
			p.errorf(rn, path, `missing "max", the largest change allowed, such as "5%%"`)
		}
		c.Thresholds = append(c.Thresholds, t)
	}
}
