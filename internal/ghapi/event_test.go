package ghapi

import (
	"strings"
	"testing"
)

// TestParseWorkflowRunEventWithoutRun gives the workflow_run parser payloads of other events,
// as gate comment gets when a workflow runs it on the wrong event: an error, not a panic.
func TestParseWorkflowRunEventWithoutRun(t *testing.T) {
	for _, payload := range []string{`{}`, `{"pull_request": {"number": 7}}`, `{"workflow_run": null}`} {
		if _, err := ParseWorkflowRunEvent([]byte(payload)); err == nil || !strings.Contains(err.Error(), "no workflow_run") {
			t.Errorf("%s: error %v, want one saying there is no workflow_run", payload, err)
		}
	}
}
