package ghactions

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/formats"
	"github.com/benchgate/benchgate/internal/ghapi"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/shard"
)

// ResultsDir is where the action writes the raw results, report.json and report.md, relative to
// the workspace, so that later steps (actions/upload-artifact) find them under the same path.
const ResultsDir = ".benchgate"

// CommentMode is when the action posts its sticky comment (the comment input).
type CommentMode string

const (
	CommentAlways       CommentMode = "always"
	CommentOnChange     CommentMode = "on-change"
	CommentOnRegression CommentMode = "on-regression"
	CommentNever        CommentMode = "never"
)

// CommentAction is what a comment mode asks for, given a report.
type CommentAction int

const (
	Skip   CommentAction = iota // post nothing
	Update                      // only update a comment that exists
	Create                      // update or create
)

// Want decides by the mode: always; on-change when something changed (and to update an earlier
// comment, so it never shows a stale failure); on-regression likewise; never.
func (m CommentMode) Want(rep *report.Report) CommentAction {
	changed := rep.Counts[report.Regression]+rep.Counts[report.Improvement] > 0 || rep.Verdict == report.Fail
	switch {
	case m == CommentAlways:
		return Create
	case m == CommentOnChange && changed, m == CommentOnRegression && rep.Verdict == report.Fail:
		return Create
	case m == CommentOnChange, m == CommentOnRegression:
		return Update
	}
	return Skip
}

// ParseCommentMode reads a comment mode; the error says what was expected.
func ParseCommentMode(s string) (CommentMode, error) {
	switch m := CommentMode(s); m {
	case CommentAlways, CommentOnChange, CommentOnRegression, CommentNever:
		return m, nil
	}
	return "", errors.New("always, on-change, on-regression or never")
}

// FailOn is what fails the check (the fail-on input).
type FailOn string

const (
	FailOnRegression FailOn = "regression"
	FailOnNever      FailOn = "never"
)

// Inputs are the action's inputs, validated, with their defaults applied.
type Inputs struct {
	Token string
	// LabelToken labels the pull request that a /benchgate run comment asks to measure, on
	// issue_comment; "" labels with Token. A label added with the workflow's own GITHUB_TOKEN
	// starts no workflow run, so this is an app's or a person's token.
	LabelToken string
	Bench      string
	Benchtime  string
	// Config is the config file's path, relative to WorkingDir unless absolute; ConfigNamed is
	// set when it is not the default, which must then exist.
	Config      string
	ConfigNamed bool
	WorkingDir  string
	Packages    []string
	Count       int // 0: the instrument's default (benchexec.DefaultCount)
	MaxCount    int // 0: 3 × Count
	Interleave  string
	// Measure is the instrument the measure input names; "" leaves it to the config (time).
	Measure    report.Instrument
	Timeout    time.Duration
	Budget     time.Duration
	Comment    CommentMode
	CommentKey string
	FailOn     FailOn
	// ReportPath is the measured report that a workflow_run comment posts: a directory with
	// report.json, or the file.
	ReportPath  string
	DataBranch  string
	Keep        baseline.Retention
	AllowTarget bool // allow-pull-request-target
	// Profile profiles the regressions after the rounds (the profile input).
	Profile bool
	// Retained measures retained-B/op after the rounds (the retained input).
	Retained bool
	// Command, when set, is the benchmark command of another harness than go test, built by
	// Build, its results read from Results (standard output when "") in FormatIn ("" detects
	// it): see benchexec.Harness.
	Command, Build, Results string
	FormatIn                formats.Format
	// Shard, when set, measures only this shard of the benchmarks (the shard input, "K/N");
	// Merge, when set, is a directory of shards' downloaded outputs that a pull_request job
	// merges and reports instead of measuring (the merge input).
	Shard *shard.Spec
	Merge string
}

// ReadInputs reads and validates the inputs through getInput (go-githubactions' GetInput).
// Every input that is wrong is named in the error, with what was expected and what it got.
func ReadInputs(getInput func(string) string) (Inputs, error) {
	in := Inputs{
		Token:      getInput("token"),
		LabelToken: getInput("label-token"),
		Bench:      orDefault(getInput("bench"), "."),
		Benchtime:  getInput("benchtime"),
		Config:     orDefault(getInput("config"), config.DefaultPath),
		WorkingDir: orDefault(getInput("working-directory"), "."),
		CommentKey: orDefault(getInput("comment-key"), "benchgate"),
		ReportPath: orDefault(getInput("report"), ResultsDir),
		DataBranch: orDefault(getInput("data-branch"), "benchgate-data"),
		Packages:   strings.Fields(getInput("packages")),
		Command:    strings.TrimSpace(getInput("command")),
		Build:      strings.TrimSpace(getInput("build")),
		Results:    strings.TrimSpace(getInput("results")),
		Timeout:    10 * time.Minute,
	}
	// The runner passes every default, so only another path than the default must exist.
	in.ConfigNamed = in.Config != config.DefaultPath
	var errs []error
	bad := func(name, want, got string) {
		errs = append(errs, fmt.Errorf("input %q: expected %s, got %q", name, want, got))
	}
	if count := getInput("count"); count != "" { // empty: the instrument's default
		if n, err := strconv.Atoi(count); err != nil || n < 1 {
			bad("count", "a whole number of rounds, at least 1", count)
		} else {
			in.Count = n
		}
	}
	if v := getInput("max-count"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			bad("max-count", "a whole number of pairs, at least 1", v)
		} else {
			in.MaxCount = n
		}
	}
	switch in.Interleave = orDefault(getInput("interleave"), report.InterleaveBenchmark); in.Interleave {
	case report.InterleaveBenchmark, report.InterleavePackage:
	default:
		bad("interleave", "benchmark or package", in.Interleave)
	}
	if v := getInput("measure"); v != "" {
		if m, err := report.ParseInstrument(v); err != nil {
			bad("measure", "time, instructions or both", v)
		} else {
			in.Measure = m
		}
	}
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{"timeout", &in.Timeout}, {"budget", &in.Budget}} {
		v := getInput(d.name)
		if v == "" {
			continue
		}
		parsed, err := time.ParseDuration(v)
		if err != nil || parsed < 0 {
			bad(d.name, `a duration such as "10m" or "90s"`, v)
			continue
		}
		*d.to = parsed
	}
	mode := orDefault(getInput("comment"), string(CommentAlways))
	if m, err := ParseCommentMode(mode); err != nil {
		bad("comment", err.Error(), mode)
	} else {
		in.Comment = m
	}
	switch in.FailOn = FailOn(orDefault(getInput("fail-on"), string(FailOnRegression))); in.FailOn {
	case FailOnRegression, FailOnNever:
	default:
		bad("fail-on", "regression or never", string(in.FailOn))
	}
	if keep, err := baseline.ParseRetention(getInput("keep")); err != nil {
		errs = append(errs, fmt.Errorf("input %q: %w", "keep", err))
	} else {
		in.Keep = keep
	}
	if !ghapi.ValidKey(in.CommentKey) {
		bad("comment-key", "1 to 64 letters, digits, '.', '_' or '-'", in.CommentKey)
	}
	if f, err := formats.ParseFormat(getInput("format-in")); err != nil {
		errs = append(errs, fmt.Errorf("input %q: %w", "format-in", err))
	} else {
		in.FormatIn = f
	}
	if v := strings.TrimSpace(getInput("shard")); v != "" {
		if sp, err := shard.Parse(v); err != nil {
			bad("shard", "K/N with 1 ≤ K ≤ N ≤ 256, as ${{ matrix.shard }}/4", v)
		} else {
			in.Shard = &sp
		}
	}
	in.Merge = strings.TrimSpace(getInput("merge"))
	if in.Shard != nil && in.Merge != "" {
		errs = append(errs, errors.New(`inputs "shard" and "merge" are two jobs' inputs: a shard measures its part, the merge job judges the shards' outputs`))
	}
	if in.Command == "" && (in.Build != "" || in.Results != "") {
		errs = append(errs, errors.New(`inputs "build" and "results" apply to a "command" only, which is empty`))
	}
	for _, b := range []struct {
		name, def string
		to        *bool
	}{{"allow-pull-request-target", "false", &in.AllowTarget}, {"profile", "true", &in.Profile}, {"retained", "false", &in.Retained}} {
		switch v := orDefault(getInput(b.name), b.def); v {
		case "true", "false":
			*b.to = v == "true"
		default:
			bad(b.name, "true or false", v)
		}
	}
	return in, errors.Join(errs...)
}
