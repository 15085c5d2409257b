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

// TestParseEventsRefuseOtherSHAs refuses events whose commits are not hexadecimal SHAs or whose
// pull request number is negative: what the runner's file says goes to git as revisions.
func TestParseEventsRefuseOtherSHAs(t *testing.T) {
	good := strings.Repeat("ab", 20)
	for _, tc := range []struct {
		name  string
		parse func() error
	}{
		{"pull_request head", func() error {
			_, err := ParsePullRequestEvent([]byte(`{"pull_request": {"number": 7, "head": {"sha": "--output=x"}, "base": {"sha": "` + good + `"}}}`))
			return err
		}},
		{"pull_request number", func() error {
			_, err := ParsePullRequestEvent([]byte(`{"pull_request": {"number": -7, "head": {"sha": "` + good + `"}, "base": {"sha": "` + good + `"}}}`))
			return err
		}},
		{"workflow_run", func() error {
			_, err := ParseWorkflowRunEvent([]byte(`{"workflow_run": {"head_sha": "HEAD~1"}}`))
			return err
		}},
		{"push", func() error {
			_, err := ParsePushEvent([]byte(`{"after": "main", "ref": "refs/heads/main"}`))
			return err
		}},
	} {
		if err := tc.parse(); err == nil || !strings.Contains(err.Error(), "hexadecimal") {
			t.Errorf("%s: %v, want a refusal", tc.name, err)
		}
	}
	if _, err := ParsePullRequestEvent([]byte(`{"pull_request": {"number": 7, "head": {"sha": "` + good + `"}, "base": {"sha": "` + good + `"}}}`)); err != nil {
		t.Errorf("a good event: %v", err)
	}
}
