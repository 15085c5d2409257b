package command

import (
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		ok         bool
		count      int
		err        string // a part of the error; "" for none
	}{
		{name: "bare", body: "/benchgate run", ok: true},
		{name: "with a count", body: "/benchgate run count=30", ok: true, count: 30},
		{name: "browser line ending and more text", body: "/benchgate run count=5\r\nThe last run was on a noisy machine.", ok: true, count: 5},
		{name: "extra spaces", body: "  /benchgate   run\tcount=1  ", ok: true, count: 1},
		{name: "any case", body: "/Benchgate RUN Count=100", ok: true, count: 100},
		{name: "the command on a later line", body: "Thanks!\n/benchgate run"},
		{name: "another word", body: "/benchgate running"},
		{name: "another command", body: "/benchgate help"},
		{name: "prose", body: "please /benchgate run"},
		{name: "empty", body: ""},
		{name: "count zero", body: "/benchgate run count=0", ok: true, err: `"count=0": expected count=N, N a whole number of rounds from 1 to 100`},
		{name: "count too large", body: "/benchgate run count=101", ok: true, err: `"count=101": expected count=N`},
		{name: "count not a number", body: "/benchgate run count=ten", ok: true, err: `"count=ten": expected`},
		{name: "count signed", body: "/benchgate run count=+5", ok: true, err: `"count=+5": expected`},
		{name: "count empty", body: "/benchgate run count=", ok: true, err: `"count=": expected`},
		{name: "count twice", body: "/benchgate run count=3 count=4", ok: true, err: "count is given twice"},
		{name: "unknown argument", body: "/benchgate run now", ok: true, err: `unknown argument "now": expected count=N`},
		{name: "unknown key", body: "/benchgate run benchtime=2s", ok: true, err: `unknown argument "benchtime=2s"`},
		{name: "long argument cut", body: "/benchgate run " + strings.Repeat("x", 500), ok: true, err: `unknown argument "` + strings.Repeat("x", 40) + `…"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run, ok, err := Parse(tt.body)
			checkParsed(t, run, ok, err, tt.ok, tt.count, tt.err)
		})
	}
}

func TestParseLabel(t *testing.T) {
	for _, tt := range []struct {
		name, label string
		ok          bool
		count       int
		err         string // a part of the error; "" for none
	}{
		{name: "bare", label: "benchgate-run", ok: true},
		{name: "with a count", label: "benchgate-run count=3", ok: true, count: 3},
		{name: "any case", label: "Benchgate-Run COUNT=100", ok: true, count: 100},
		{name: "spaces around", label: "  benchgate-run   count=1 ", ok: true, count: 1},
		{name: "a longer word", label: "benchgate-runner"},
		{name: "the accept label", label: "benchgate-accept"},
		{name: "another label", label: "bug"},
		{name: "the command's words", label: "/benchgate run"},
		{name: "empty", label: ""},
		{name: "count zero", label: "benchgate-run count=0", ok: true, err: `label "benchgate-run count=0": "count=0": expected count=N, N a whole number of rounds from 1 to 100`},
		{name: "count too large", label: "benchgate-run count=101", ok: true, err: `"count=101": expected count=N`},
		{name: "count not a number", label: "benchgate-run count=many", ok: true, err: `"count=many": expected`},
		{name: "count twice", label: "benchgate-run count=3 count=3", ok: true, err: "count is given twice"},
		{name: "unknown argument", label: "benchgate-run please", ok: true, err: `unknown argument "please": expected count=N`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run, ok, err := ParseLabel(tt.label)
			checkParsed(t, run, ok, err, tt.ok, tt.count, tt.err)
		})
	}
}

// TestLabelRoundTrip names the label of every command a comment can give, and reads it back as
// the same request, within GitHub's 50 characters for a label's name.
func TestLabelRoundTrip(t *testing.T) {
	for n := 0; n <= MaxCount; n++ {
		body := "/benchgate run"
		if n > 0 {
			body += " count=" + strconv.Itoa(n)
		}
		run, ok, err := Parse(body)
		if !ok || err != nil {
			t.Fatalf("%q: %v, %v", body, ok, err)
		}
		label := run.Label()
		back, ok, err := ParseLabel(label)
		if !ok || err != nil || back != run || len(label) > 50 {
			t.Errorf("%q: label %q reads back as %+v, %v, %v", body, label, back, ok, err)
		}
	}
	if got := (Run{}).Label(); got != "benchgate-run" {
		t.Errorf("bare label %q", got)
	}
	if got := (Run{Count: 3}).Label(); got != "benchgate-run count=3" {
		t.Errorf("label %q", got)
	}
}

// checkParsed compares what Parse or ParseLabel read with what a case wants: whether it is a
// request, its count, and a part of its error ("" for none).
func checkParsed(t *testing.T, run Run, ok bool, err error, wantOK bool, count int, wantErr string) {
	t.Helper()
	if ok != wantOK {
		t.Fatalf("ok %v, want %v", ok, wantOK)
	}
	if wantErr == "" {
		if err != nil || run.Count != count {
			t.Errorf("count %d, error %v; want count %d", run.Count, err, count)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), wantErr) || run.Count != 0 {
		t.Errorf("count %d, error %v; want an error with %q", run.Count, err, wantErr)
	}
}
