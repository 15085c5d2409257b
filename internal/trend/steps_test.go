package trend

import (
	"fmt"
	"testing"

	"github.com/benchgate/benchgate/internal/report"
)

// TestFindStepsAcknowledged finds A's step at the commit whose pull request accepted A's
// regression in time, and shows it acknowledged; B's unchanged series has no step, and an
// acceptance of another unit or package does not count.
func TestFindStepsAcknowledged(t *testing.T) {
	var history []Commit
	for i := range 14 {
		a := 100.0
		if i >= 7 {
			a = 130
		}
		c := Commit{Name: fmt.Sprintf("c%02d", i), Results: results(a, 50)}
		if i == 7 {
			c.Accepted = []report.AcceptedChange{
				{Package: "example.com/other", Benchmark: "A-8", Unit: "sec/op", Acceptance: report.Acceptance{By: "mallory", Source: report.AcceptLabel}},
				{Package: "example.com/m", Benchmark: "A-8", Unit: "B/op", Acceptance: report.Acceptance{By: "mallory", Source: report.AcceptLabel}},
				{Package: "example.com/m", Benchmark: "A-8", Unit: "sec/op", Acceptance: report.Acceptance{By: "alice", Source: report.AcceptDescription, Reason: "a safer hash"}},
			}
		}
		history = append(history, c)
	}
	steps, _, err := FindSteps(history)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps.Steps) != 1 {
		t.Fatalf("steps %+v, want A's alone", steps.Steps)
	}
	s := steps.Steps[0]
	if s.Benchmark != "A-8" || s.Index != 7 || !s.Worse || s.Acknowledged == nil || s.Acknowledged.By != "alice" || s.Acknowledged.Reason != "a safer hash" {
		t.Errorf("step %+v, acknowledged %+v", s, s.Acknowledged)
	}
}
