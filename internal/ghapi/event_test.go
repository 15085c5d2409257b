package ghapi

import (
	"os"
	"path/filepath"
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

// TestParseIssueCommentEvent reads the action tests' issue_comment payload, shaped like GitHub's,
// on a pull request and on an issue, and refuses what could not have come from GitHub: a login
// that would change the path of the permission request, a negative number, no comment.
func TestParseIssueCommentEvent(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "cmd", "gate", "testdata", "events", "issue_comment.json"))
	if err != nil {
		t.Fatal(err)
	}
	fill := func(login, body string) []byte {
		return []byte(strings.NewReplacer("{{LOGIN}}", login, "{{BODY}}", body).Replace(string(data)))
	}
	got, err := ParseIssueCommentEvent(fill("maintainer", `/benchgate run count=3\r\nplease`))
	want := IssueComment{Number: 7, PullRequest: true, Action: "created", Body: "/benchgate run count=3\r\nplease", Login: "maintainer", ID: 2501234567}
	if err != nil || *got != want {
		t.Fatalf("%+v, %v; want %+v", got, err, want)
	}
	onIssue := strings.Replace(string(fill("maintainer", "/benchgate run")), `"pull_request": {`, `"not_a_pull_request": {`, 1)
	if got, err := ParseIssueCommentEvent([]byte(onIssue)); err != nil || got.PullRequest {
		t.Errorf("a comment on an issue: %+v, %v; want no pull request", got, err)
	}
	if got, err := ParseIssueCommentEvent(fill("dependabot[bot]", "")); err != nil || got.Login != "dependabot[bot]" {
		t.Errorf("an app's comment: %+v, %v", got, err)
	}
	for _, tc := range []struct{ payload, err string }{
		{string(fill("../../orgs/octo", "x")), `login "../../orgs/octo": expected positive numbers and a GitHub login`},
		{string(fill("a b", "x")), `login "a b"`},
		{strings.Replace(string(fill("maintainer", "x")), `"number": 7`, `"number": -7`, 1), "issue number -7"},
		{`{"action": "created", "issue": {"number": 7}}`, "the issue_comment event has no issue with a number and comment"},
		{`{"pull_request": {"number": 7}}`, "no issue with a number"},
		{`[]`, "reading the issue_comment event"},
	} {
		if _, err := ParseIssueCommentEvent([]byte(tc.payload)); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%.80s: %v, want an error with %q", tc.payload, err, tc.err)
		}
	}
}

// TestParsePullRequestEventLabeled reads the action tests' labeled payload, shaped like GitHub's:
// the action and the added label's name come with the pull request. A labeled event without a
// label, or with a name GitHub could not have given, is refused.
func TestParsePullRequestEventLabeled(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "cmd", "gate", "testdata", "events", "pull_request_labeled.json"))
	if err != nil {
		t.Fatal(err)
	}
	head, base := strings.Repeat("1", 40), strings.Repeat("2", 40)
	fill := func(label string) []byte {
		return []byte(strings.NewReplacer("{{HEAD_SHA}}", head, "{{BASE_SHA}}", base, "{{LABEL}}", label, "{{LABEL_URL}}", "x").Replace(string(data)))
	}
	got, err := ParsePullRequestEvent(fill("benchgate-run count=3"))
	want := PullRequest{Number: 7, HeadSHA: head, BaseSHA: base, HeadRepo: "octo/repo", Action: "labeled", Label: "benchgate-run count=3"}
	if err != nil || *got != want {
		t.Fatalf("%+v, %v; want %+v", got, err, want)
	}
	noLabel := strings.Replace(string(fill("x")), `"label": {`, `"not_a_label": {`, 1)
	for _, tc := range []struct{ payload, err string }{
		{noLabel, "the pull_request event is labeled, but has no label with a name"},
		{string(fill("")), "the pull_request event is labeled, but has no label"},
		{string(fill(`benchgate-run\ncount=3`)), `the pull_request event's label "benchgate-run\ncount=3": expected a label's name as GitHub gives it`},
		{string(fill(strings.Repeat("x", 51))), "1 to 50 characters"},
	} {
		if _, err := ParsePullRequestEvent([]byte(tc.payload)); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%v, want an error with %q", err, tc.err)
		}
	}
	if got, err := ParsePullRequestEvent(fill(strings.Repeat("é", 50))); err != nil || got.Label != strings.Repeat("é", 50) {
		t.Errorf("a name of 50 characters: %+v, %v", got, err)
	}
}
