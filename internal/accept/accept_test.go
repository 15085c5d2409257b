package accept

import (
	"reflect"
	"testing"

	"github.com/benchgate/benchgate/internal/report"
)

func TestParse(t *testing.T) {
	text := `Speeds up decoding.

benchgate: accept BenchmarkEncode sec/op — the new format is worth it
  benchgate: accept codec.Decode-8 -- one more allocation, for safety
> benchgate: accept Walk/depth=3
* Benchgate:  accept Sort B/op: the buffer is reused now
benchgate: accept
benchgate: accept too many words here — why
not a benchgate: accept line in the middle of text`
	ds, problems := Parse(text)
	want := []Directive{
		{Benchmark: "Encode", Unit: "sec/op", Reason: "the new format is worth it"},
		{Benchmark: "codec.Decode-8", Reason: "one more allocation, for safety"},
		{Benchmark: "Walk/depth=3"},
		{Benchmark: "Sort", Unit: "B/op", Reason: "the buffer is reused now"},
	}
	if !reflect.DeepEqual(ds, want) {
		t.Errorf("directives\n%+v\nwant\n%+v", ds, want)
	}
	if len(problems) != 2 {
		t.Errorf("problems %q, want the bare accept and the one of too many words", problems)
	}
}

func TestMatchesAndApply(t *testing.T) {
	cmp := func(pkg, name, unit string, v report.Verdict) report.Comparison {
		return report.Comparison{Config: map[string]string{"pkg": pkg}, Benchmark: name, Unit: unit, Verdict: v}
	}
	rep := &report.Report{Comparisons: []report.Comparison{
		cmp("example.com/codec", "Encode-8", "sec/op", report.Regression),
		cmp("example.com/codec", "Encode-8", "B/op", report.Regression),
		cmp("example.com/codec", "Decode/size=1k-8", "sec/op", report.Regression),
		cmp("example.com/walk", "Encode-8", "sec/op", report.Improvement),
	}}
	rep.Tally()
	if rep.Verdict != report.Fail {
		t.Fatal("three regressions pass")
	}
	grants := []Grant{
		{Directive: Directive{Benchmark: "codec.Encode", Unit: "sec/op", Reason: "worth it"}, By: "alice", Source: report.AcceptDescription},
		{Directive: Directive{Benchmark: "Decode/size=1k-8"}, By: "bob", Source: report.AcceptCommit},
	}
	if n := Apply(rep, grants); n != 2 {
		t.Errorf("%d accepted, want Encode's time and Decode's", n)
	}
	got := []*report.Acceptance{}
	for _, c := range rep.Comparisons {
		got = append(got, c.Accepted)
	}
	if got[0] == nil || got[0].By != "alice" || got[0].Reason != "worth it" || got[1] != nil || got[2] == nil || got[2].By != "bob" || got[3] != nil {
		t.Errorf("acceptances %+v", got)
	}
	if rep.Verdict != report.Fail {
		t.Error("Encode's B/op is not accepted, yet the gate passes")
	}
	Apply(rep, []Grant{{Directive: Directive{Reason: "benchgate-accept"}, By: "carol", Source: report.AcceptLabel}})
	if rep.Verdict != report.Pass || rep.Comparisons[1].Accepted.By != "carol" || rep.Comparisons[0].Accepted.By != "alice" {
		t.Errorf("after the label: %s, %+v", rep.Verdict, rep.Comparisons[1].Accepted)
	}
}
