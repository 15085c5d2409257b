package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
	"github.com/benchgate/benchgate/internal/report"
)

const forkHead = "abcdefabcdefabcdefabcdefabcdefabcdefabcd"

// measuredReport is a real report of gate run: base and head of the tiny module, the head three
// times slower (whether 4 short rounds show it significantly is no matter here).
func measuredReport(t *testing.T) *report.Report {
	t.Helper()
	s := newPRScenario(t)
	out := t.TempDir()
	t.Chdir(s.repo)
	if code, _, stderr := runIn(t, s.env, "run", "--base", s.base, "--head", s.head, "--count", "4", "--benchtime", "100x", "--out", out); code != exitFail && code != exitPass {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	return readReport(t, out)
}

// commentScenario is a workflow_run event for a fork's pull request (#9, which the event does not
// list) and a loopback API that knows it.
func commentScenario(t *testing.T) (*ghtest.Server, string, runner) {
	t.Helper()
	srv := ghtest.New(t, "octo", "repo")
	srv.AddPull(ghtest.PullRequest{Number: 9, HeadSHA: forkHead, HeadRef: "patch-1", HeadRepo: "forker/repo", BaseSHA: "0000", BaseRef: "main"})
	srv.AddPull(ghtest.PullRequest{Number: 8, HeadSHA: "1234", HeadRef: "patch-1", HeadRepo: "someone/repo", BaseRef: "main"})
	dir := t.TempDir()
	event := filepath.Join(dir, "event.json")
	writeEvent(t, filepath.Join(eventsDir, "workflow_run.json"), event, map[string]string{"{{HEAD_SHA}}": forkHead})
	return srv, dir, runner{
		"GITHUB_EVENT_PATH": event, "GITHUB_EVENT_NAME": "workflow_run", "GITHUB_REPOSITORY": "octo/repo",
		"GITHUB_API_URL": srv.APIURL(), "GITHUB_TOKEN": "ghs_comment_token", "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_RUN_ID": "77", "GITHUB_OUTPUT": filepath.Join(dir, "output"), "GITHUB_ACTIONS": "true",
	}
}

// writeReportJSON writes a report as JSON after f has its way with the decoded document, so that
// tests can forge what a hostile artifact could hold.
func writeReportJSON(t *testing.T, r *report.Report, f func(doc map[string]any)) string {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(data, &doc)
	if f != nil {
		f(doc)
	}
	data, _ = json.Marshal(doc)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "report.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestComment(t *testing.T) {
	r := measuredReport(t)
	r.Run.Head.SHA = forkHead // as if measured in the fork's pull_request workflow
	hostileNames := []string{"@org/team look", "<img src=x onerror=alert(1)>", "](javascript:alert(1))", "x\n## injected heading"}
	for i := range r.Comparisons {
		r.Comparisons[i].Benchmark = hostileNames[i%len(hostileNames)]
	}
	r.Warnings = append(r.Warnings, "@everyone <script>alert(1)</script>")
	r.Tally() // renamed, the benchmarks group differently

	tests := []struct {
		name   string
		forge  func(doc map[string]any)
		refuse string // "" when the report must be posted
	}{
		{name: "posted inert"},
		{name: "another head", forge: func(d map[string]any) { d["run"].(map[string]any)["head"].(map[string]any)["sha"] = "ffff" }, refuse: "it measured ffff, but the workflow run is for " + forkHead},
		{name: "other schema", forge: func(d map[string]any) { d["schema_version"] = 2 }, refuse: "report schema_version is 2"},
		{name: "a PR number", forge: func(d map[string]any) { d["pull_request"] = 1 }, refuse: `unknown field "pull_request"`},
		{name: "markdown to post", forge: func(d map[string]any) { d["markdown"] = "# hi" }, refuse: `unknown field "markdown"`},
		{name: "10 MB string", forge: func(d map[string]any) {
			d["comparisons"].([]any)[0].(map[string]any)["benchmark"] = strings.Repeat("A", 10<<20)
		}, refuse: "comparisons[0].benchmark: 10485760 bytes long, limit 2048"},
		{name: "100,000 rows", forge: func(d map[string]any) {
			// Rows small enough that the count, not the size, is what is refused.
			row := d["comparisons"].([]any)[0].(map[string]any)
			delete(row, "warnings")
			delete(row, "paired")
			for _, side := range []string{"base", "head"} {
				row[side].(map[string]any)["values"] = []any{1.0}
			}
			cs := []any{row}
			for len(cs) < 100_000 {
				cs = append(cs, cs[0])
			}
			d["comparisons"] = cs
		}, refuse: "comparisons: 100000 entries, limit 50000"},
		{name: "forged verdict", forge: func(d map[string]any) {
			d["verdict"] = map[any]string{"pass": "fail", "fail": "pass"}[d["verdict"]]
		}, refuse: "its comparisons and failures make it"},
		{name: "no run section", forge: func(d map[string]any) { delete(d, "run") }, refuse: "no run section"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _, env := commentScenario(t)
			dir := writeReportJSON(t, r, tt.forge)
			code, stdout, stderr := runIn(t, env, "comment", "--report", dir)
			if tt.refuse != "" {
				if code != exitError || !strings.Contains(stderr, "refusing the report") || !strings.Contains(stderr, tt.refuse) {
					t.Errorf("exit %d, stderr:\n%.2000s\nwant a refusal saying %q", code, stderr, tt.refuse)
				}
				if n := s(srv); n != 0 {
					t.Errorf("%d comments posted from a refused report", n)
				}
				return
			}
			if code != exitPass {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			cs := srv.Comments(9)
			if len(cs) != 1 {
				t.Fatalf("%d comments on #9 (the event's pull request, found through the API)", len(cs))
			}
			body := cs[0].Body
			for _, bad := range []string{"<img", "<script", "@org", "@everyone", "\n## injected"} {
				if strings.Contains(body, bad) {
					t.Errorf("comment contains %q", bad)
				}
			}
			if regexp.MustCompile(`(^|[^\\])\]\(javascript`).MatchString(body) {
				t.Error("comment contains a javascript link")
			}
			if !strings.Contains(body, "\n### ") || !strings.HasPrefix(body, "<!-- benchgate:sticky key=benchgate head="+forkHead+" -->") {
				t.Errorf("comment:\n%.500s", body)
			}
		})
	}
}

func s(srv *ghtest.Server) int { return srv.Count("POST ") + srv.Count("PATCH ") }

// TestCommentListedPullRequest uses the pull request the event lists, when it lists one with the
// head SHA, and never asks the API for others.
func TestCommentListedPullRequest(t *testing.T) {
	r := measuredReport(t)
	r.Run.Head.SHA = forkHead
	srv, dir, env := commentScenario(t)
	srv.AddPull(ghtest.PullRequest{Number: 12, HeadSHA: forkHead, HeadRef: "feature", HeadRepo: "octo/repo", BaseRef: "main"})
	event := filepath.Join(dir, "listed.json")
	writeEvent(t, filepath.Join(eventsDir, "workflow_run.json"), event, map[string]string{
		"{{HEAD_SHA}}":        forkHead,
		`"pull_requests": []`: `"pull_requests": [{"url": "https://api.github.com/repos/octo/repo/pulls/12", "id": 1, "number": 12, "head": {"ref": "feature", "sha": "` + forkHead + `", "repo": {"id": 1, "url": "https://api.github.com/repos/octo/repo", "name": "repo"}}, "base": {"ref": "main", "sha": "0000", "repo": {"id": 1, "url": "https://api.github.com/repos/octo/repo", "name": "repo"}}}]`,
	})
	env["GITHUB_EVENT_PATH"] = event
	reportDir := writeReportJSON(t, r, nil)
	if code, _, stderr := runIn(t, env, "comment", "--report", filepath.Join(reportDir, "report.json")); code != exitPass {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if len(srv.Comments(12)) != 1 || len(srv.Comments(9)) != 0 || srv.Count("GET /repos/octo/repo/pulls?") != 0 {
		t.Errorf("comments on #12: %d, on #9: %d; requests %v", len(srv.Comments(12)), len(srv.Comments(9)), srv.Requests)
	}
}

// TestCommentAccept is the fork-safe comment step on a report whose artifact claims that
// mallory accepted its regression: that claim is dropped, and only an accept line the API shows
// in the pull request's description, by someone with write access, counts.
func TestCommentAccept(t *testing.T) {
	r := measuredReport(t)
	r.Run.Head.SHA = forkHead
	forged := -1
	for i, c := range r.Comparisons {
		if c.Unit == "sec/op" && forged < 0 {
			forged = i
			r.Comparisons[i].Verdict = report.Regression
			r.Comparisons[i].Accepted = &report.Acceptance{By: "mallory", Source: report.AcceptLabel}
		}
	}
	r.Tally()
	name := r.Comparisons[forged].Benchmark
	for _, tc := range []struct {
		name, body, verdict, want string
	}{
		{"only the artifact's claim", "", "fail", "### ❌"},
		{"an accept line by a writer", "benchgate: accept " + name + " — expected, the cache is off", "pass", "accepted by alice in the pull request's description: expected, the cache is off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, dir, env := commentScenario(t)
			srv.AddPull(ghtest.PullRequest{Number: 9, HeadSHA: forkHead, HeadRef: "patch-1", HeadRepo: "forker/repo", BaseSHA: "0000", BaseRef: "main", Body: tc.body, Author: "alice"})
			srv.Permissions["alice"] = "write"
			reportDir := writeReportJSON(t, r, nil)
			if code, _, stderr := runIn(t, env, "comment", "--report", reportDir); code != exitPass {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			cs := srv.Comments(9)
			if len(cs) != 1 || !strings.Contains(cs[0].Body, tc.want) || strings.Contains(cs[0].Body, "mallory") {
				t.Errorf("comment, want %q and no mallory:\n%v", tc.want, cs)
			}
			if got := outputs(t, filepath.Join(dir, "output"))["verdict"]; got != tc.verdict {
				t.Errorf("verdict output %q, want %q", got, tc.verdict)
			}
		})
	}
}
