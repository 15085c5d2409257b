// Package command reads the requests people give benchgate on a pull request. Only one exists,
// in two forms: a comment whose first line is "/benchgate run", optionally followed by
// "count=N", and a label named "benchgate-run" or "benchgate-run count=N"; each asks for a fresh
// measurement of the pull request. The comment is answered by labelling: the label is the
// request the pull request's own workflow measures. Who may give either is not this package's
// business: the action checks a commenter's write access through the API, and GitHub lets only
// people with triage access or more label a pull request.
package command

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxCount is the most rounds a command may ask for: enough to resolve small changes (the
// detection tables in docs/performance.md go to 30 pairs), few enough that a comment cannot hold a runner
// for hours.
const MaxCount = 100

// Label is the name of the label that requests a measurement, and the first word of every
// label of its family: "benchgate-run count=N" asks for N rounds.
const Label = "benchgate-run"

// Run is a "/benchgate run" command, or a benchgate-run label.
type Run struct {
	// Count is the rounds it asks for; 0 when it names none, and the workflow's count input
	// applies.
	Count int
}

// Label is the name of the label that requests run: at most 23 characters, within GitHub's 50
// for a label's name.
func (r Run) Label() string {
	if r.Count == 0 {
		return Label
	}
	return fmt.Sprintf("%s count=%d", Label, r.Count)
}

// Parse reads a comment's body. ok is false when the comment is no command: its first line
// does not start with the words "/benchgate run" (in any case, as the workflow's startsWith
// matches them). A command whose arguments are wrong returns ok and an error that says what
// was expected, fit to be shown to the commenter. Lines after the first are free text.
func Parse(body string) (run Run, ok bool, err error) {
	line, _, _ := strings.Cut(body, "\n")
	fields := strings.Fields(line) // also drops the "\r" of a comment written in a browser
	if len(fields) < 2 || !strings.EqualFold(fields[0], "/benchgate") || !strings.EqualFold(fields[1], "run") {
		return Run{}, false, nil
	}
	run, err = parseArgs("/benchgate run", fields[2:])
	return run, true, err
}

// ParseLabel reads a label's name. ok is false when the label is no request: its first word is
// not benchgate-run, in any case (GitHub's label names, and the workflow's startsWith, ignore
// case), so benchgate-runner is none, although the workflow's startsWith starts a run for it. A
// request whose arguments are wrong returns ok and an error, as Parse's.
func ParseLabel(name string) (run Run, ok bool, err error) {
	fields := strings.Fields(name)
	if len(fields) == 0 || !strings.EqualFold(fields[0], Label) {
		return Run{}, false, nil
	}
	run, err = parseArgs("label "+quote(name), fields[1:])
	return run, true, err
}

// parseArgs reads a request's arguments, after its words; what names the request in errors.
func parseArgs(what string, args []string) (Run, error) {
	const want = "count=N, N a whole number of rounds from 1 to %d"
	var run Run
	for _, arg := range args {
		key, value, found := strings.Cut(arg, "=")
		if !found || !strings.EqualFold(key, "count") {
			return Run{}, fmt.Errorf("%s: unknown argument %s: expected "+want, what, quote(arg), MaxCount)
		}
		if run.Count != 0 {
			return Run{}, fmt.Errorf("%s: count is given twice: expected one "+want, what, MaxCount)
		}
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > MaxCount || strings.TrimLeft(value, "0123456789") != "" {
			return Run{}, fmt.Errorf("%s: %s: expected "+want, what, quote(arg), MaxCount)
		}
		run.Count = n
	}
	return run, nil
}

// quote quotes what the commenter wrote, cut to a length that an error message can carry.
func quote(s string) string {
	const limit = 40
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "…"
	}
	return strconv.Quote(s)
}
