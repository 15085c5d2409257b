// Package command reads the commands people give benchgate in pull request comments. Only one
// exists: a comment whose first line is "/benchgate run", optionally followed by "count=N", asks
// for a fresh measurement of the pull request. Who may give it is not this package's business:
// the action checks the commenter's write access through the API.
package command

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxCount is the most rounds a command may ask for: enough to resolve small changes (the
// README's detection tables go to 30 pairs), few enough that a comment cannot hold a runner
// for hours.
const MaxCount = 100

// Run is a "/benchgate run" command.
type Run struct {
	// Count is the rounds it asks for; 0 when it names none, and the workflow's count input
	// applies.
	Count int
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
	const want = "count=N, N a whole number of rounds from 1 to %d"
	for _, arg := range fields[2:] {
		key, value, found := strings.Cut(arg, "=")
		if !found || !strings.EqualFold(key, "count") {
			return Run{}, true, fmt.Errorf("/benchgate run: unknown argument %s: expected "+want, quote(arg), MaxCount)
		}
		if run.Count != 0 {
			return Run{}, true, fmt.Errorf("/benchgate run: count is given twice: expected one "+want, MaxCount)
		}
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > MaxCount || strings.TrimLeft(value, "0123456789") != "" {
			return Run{}, true, fmt.Errorf("/benchgate run: %s: expected "+want, quote(arg), MaxCount)
		}
		run.Count = n
	}
	return run, true, nil
}

// quote quotes what the commenter wrote, cut to a length that an error message can carry.
func quote(s string) string {
	const limit = 40
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "…"
	}
	return strconv.Quote(s)
}
