package main

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// commandScenario is the /benchgate run workflow on pull request #7 of the pull request scenario
// (BenchmarkA three times slower on head): a bare origin whose main is the base and whose
// refs/pull/7/head is the head, as GitHub keeps it, and the comment job's workspace, a clone of
// origin's default branch only, as actions/checkout makes it. The comment job must run nothing
// of the pull request's and fetch nothing of it: go and git are on PATH only as stand-ins that
// log their calls and fail.
type commandScenario struct {
	*prScenario
	origin, ws string
	calls      string // the stand-ins' log
	git        string // the real git, to look into the workspace with
}

// newCommandScenario makes the scenario for a comment by login saying body. It sets PATH, so
// its test cannot run in parallel; it needs no go or git, since the comment job runs neither.
func newCommandScenario(t *testing.T, login, body string) *commandScenario {
	t.Helper()
	s := &commandScenario{prScenario: newPRScenario(t)}
	s.origin = filepath.Join(t.TempDir(), "origin.git")
	gittest.Git(t, s.repo, "init", "-q", "--bare", s.origin)
	gittest.Git(t, s.repo, "push", "-q", s.origin, s.base+":refs/heads/main", s.head+":refs/pull/7/head")
	s.ws = filepath.Join(t.TempDir(), "ws")
	gittest.Git(t, s.repo, "clone", "-q", "--no-local", s.origin, s.ws) // fetched, not copied: only the branches come
	writeEvent(t, filepath.Join(eventsDir, "issue_comment.json"), s.env["GITHUB_EVENT_PATH"], map[string]string{"{{LOGIN}}": login, "{{BODY}}": body})
	s.env["GITHUB_EVENT_NAME"] = "issue_comment"
	s.env["GITHUB_SHA"] = s.base // the default branch's, as on issue_comment
	s.env["GITHUB_WORKSPACE"] = s.ws

	var err error
	if s.git, err = exec.LookPath("git"); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	s.calls = filepath.Join(t.TempDir(), "calls")
	for _, tool := range []string{"go", "git"} {
		script := "#!/bin/sh\necho \"" + tool + " $*\" >> '" + s.calls + "'\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin) // gate looks its tools up in its own PATH
	return s
}

// ranNothing fails the test when the comment job ran go or git, fetched the pull request's head
// or left results: it must never run, or even fetch, the pull request's code.
func (s *commandScenario) ranNothing(t *testing.T) {
	t.Helper()
	if calls, err := os.ReadFile(s.calls); err == nil {
		t.Errorf("the comment job ran:\n%s", calls)
	}
	if _, err := os.Stat(filepath.Join(s.ws, ".benchgate")); err == nil {
		t.Error("the comment job left results")
	}
	if _, err := os.Stat(filepath.Join(s.ws, ".git", "FETCH_HEAD")); err == nil {
		t.Error("the comment job fetched")
	}
	if exec.Command(s.git, "-C", s.ws, "cat-file", "-e", s.head+"^{commit}").Run() == nil {
		t.Error("the comment job's workspace has the pull request's head")
	}
}

func (s *commandScenario) labelRequests() int {
	return s.srv.Count("POST /repos/octo/repo/issues/7/labels") + s.srv.Count("DELETE /repos/octo/repo/issues/7/labels/")
}

// TestActionCommand is "/benchgate run count=3" from a maintainer, on a pull request that an
// earlier request left labelled benchgate-run: the comment job removes that label and adds
// "benchgate-run count=3", with the label token (an app's, whose label starts the pull
// request's workflow), and replies with the token input, naming the head the API gives and the
// rounds. It measures nothing, runs no go and no git, and fetches nothing.
func TestActionCommand(t *testing.T) {
	s := newCommandScenario(t, "maintainer", `/benchgate run count=3\r\nThe last run was on a busy machine.`)
	s.srv.Permissions["maintainer"] = "maintain"
	s.srv.Tokens["ghs_app_installation"] = ghtest.Token{Login: "benchgate-requests[bot]"}
	s.env["INPUT_LABEL-TOKEN"] = "ghs_app_installation"
	s.srv.AddLabel(7, "bug", "reviewer")
	s.srv.AddLabel(7, "benchgate-run", "maintainer")
	code, stdout, stderr := s.runAsRunner(t)
	if code != exitPass {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	s.ranNothing(t)
	if got := s.srv.Labels(7); !slices.Equal(got, []string{"bug", "benchgate-run count=3"}) {
		t.Errorf("labels %q, want the old request replaced by benchgate-run count=3", got)
	}
	want := []ghtest.LabelEvent{{Label: "bug", Actor: "reviewer"}, {Label: "benchgate-run", Actor: "maintainer"},
		{Label: "benchgate-run", Actor: "benchgate-requests[bot]", Removed: true}, {Label: "benchgate-run count=3", Actor: "benchgate-requests[bot]"}}
	if got := s.srv.LabelEvents(7); !slices.Equal(got, want) {
		t.Errorf("label events %+v\nwant %+v", got, want)
	}
	cs := s.srv.Comments(7)
	wantReply := "requested with the label `benchgate-run count=3`: the pull request's own benchgate workflow measures its head, now `" + report.ShortSHA(s.head) + "`, against its merge-base, in 3 rounds"
	if len(cs) != 1 || cs[0].Login != "github-actions[bot]" || !strings.HasPrefix(cs[0].Body, "benchgate, on [this command](https://github.com/octo/repo/pull/7#issuecomment-2501234567): ") ||
		!strings.Contains(cs[0].Body, wantReply) || strings.Contains(cs[0].Body, "no label-token") || strings.Contains(cs[0].Body, "benchgate:sticky") {
		t.Errorf("comments %+v, want one reply by the token input's actor saying %q", cs, wantReply)
	}
	if !strings.Contains(stdout, "::notice::benchgate: labelled #7 benchgate-run count=3: its pull_request workflow measures it") {
		t.Errorf("no notice of the label:\n%s", stdout)
	}
	if n := s.srv.Count("PATCH "); n != 0 {
		t.Errorf("%d comments updated: the sticky comment is the measuring run's", n)
	}
}

// TestActionCommandOwnToken is a request without a label token: the label is added with the
// token input, and the reply says that a label added with the workflow's own token starts no
// run, and what to do.
func TestActionCommandOwnToken(t *testing.T) {
	s := newCommandScenario(t, "maintainer", "/benchgate run")
	s.srv.Permissions["maintainer"] = "write"
	if code, stdout, stderr := s.runAsRunner(t); code != exitPass {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	s.ranNothing(t)
	if got := s.srv.LabelEvents(7); !slices.Equal(got, []ghtest.LabelEvent{{Label: "benchgate-run", Actor: "github-actions[bot]"}}) {
		t.Errorf("label events %+v", got)
	}
	cs := s.srv.Comments(7)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "in as many rounds as that workflow's count input says") ||
		!strings.Contains(cs[0].Body, "GitHub starts no workflow run for it, so a maintainer has to remove the label and add it again by hand, or set label-token") {
		t.Errorf("comments %+v", cs)
	}
}

// TestActionCommandRefused gives the comment job comments that must request nothing: they add
// no label, run nothing, and get a reply that says why; comments that are no command get no
// answer and no API request at all.
func TestActionCommandRefused(t *testing.T) {
	for _, tt := range []struct {
		name, login, body string
		setup             func(s *commandScenario)
		notice            string // in the log
		reply             string // "" for no reply
	}{
		{name: "from someone without write access", login: "mallory", body: "/benchgate run count=30",
			setup:  func(s *commandScenario) { s.srv.Permissions["mallory"] = "triage" },
			notice: "::notice::benchgate: mallory has no write access to the repository, so /benchgate run is not honoured: no measurement is requested",
			reply:  "`/benchgate run` is honoured only from people with write access to this repository, which `mallory` does not have, so no measurement was requested. People with triage access can request one by adding the label `benchgate-run`."},
		{name: "a wrong count from a writer", login: "maintainer", body: "/benchgate run count=500",
			notice: `::notice::benchgate: /benchgate run: "count=500": expected count=N, N a whole number of rounds from 1 to 100: no measurement is requested`,
			reply:  "no measurement was requested: `/benchgate run: \"count=500\": expected count=N, N a whole number of rounds from 1 to 100`. Ask with `/benchgate run`, or `/benchgate run count=N` for N rounds."},
		{name: "a closed pull request", login: "maintainer", body: "/benchgate run",
			setup: func(s *commandScenario) {
				s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: s.head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main", State: "closed"})
			},
			notice: "::notice::benchgate: #7 is closed: no measurement is requested", reply: "#7 is closed, so no measurement was requested."},
		{name: "no command", login: "maintainer", body: "Thanks! Could someone /benchgate run this?",
			notice: "::notice::benchgate: the comment is no /benchgate run command: nothing to do"},
		{name: "an edited command", login: "maintainer", body: "/benchgate run",
			setup: func(s *commandScenario) {
				rewriteEvent(t, s.env["GITHUB_EVENT_PATH"], `"action": "created"`, `"action": "edited"`)
			},
			notice: "::notice::benchgate: the comment was edited; only a new comment gives a command: nothing to do"},
		{name: "a comment on an issue", login: "maintainer", body: "/benchgate run",
			setup: func(s *commandScenario) {
				rewriteEvent(t, s.env["GITHUB_EVENT_PATH"], `"pull_request": {`, `"not_a_pull_request": {`)
			},
			notice: "::notice::benchgate: #7 is an issue, not a pull request: nothing to do"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newCommandScenario(t, tt.login, tt.body)
			s.srv.Permissions["maintainer"] = "admin"
			s.env["INPUT_LABEL-TOKEN"] = "ghs_app_installation"
			if tt.setup != nil {
				tt.setup(s)
			}
			code, stdout, stderr := s.runAsRunner(t)
			if code != exitPass || !strings.Contains(stdout, tt.notice) {
				t.Fatalf("exit %d, want 0 and %q\n%s\n%s", code, tt.notice, stdout, stderr)
			}
			s.ranNothing(t)
			if n := s.labelRequests(); n != 0 || len(s.srv.Labels(7)) != 0 {
				t.Errorf("%d label requests, labels %q; want none", n, s.srv.Labels(7))
			}
			cs := s.srv.Comments(7)
			if tt.reply == "" {
				if len(cs) != 0 || len(s.srv.Requests) != 0 {
					t.Errorf("comments %+v, requests %v; want no API request at all", cs, s.srv.Requests)
				}
				return
			}
			if len(cs) != 1 || !strings.HasPrefix(cs[0].Body, "benchgate, on [this command](https://github.com/octo/repo/pull/7#issuecomment-2501234567): ") ||
				!strings.Contains(cs[0].Body, tt.reply) || strings.Contains(cs[0].Body, "@") || strings.Contains(cs[0].Body, "benchgate:sticky") {
				t.Errorf("comments %+v, want one reply saying %q", cs, tt.reply)
			}
		})
	}
}

// TestActionCommandLabelTokenReadOnly is a label token that may not label: the step fails with
// an error naming the permission it lacks, and the reply, with the token input, says that the
// measurement could not be requested.
func TestActionCommandLabelTokenReadOnly(t *testing.T) {
	s := newCommandScenario(t, "maintainer", "/benchgate run count=3")
	s.srv.Permissions["maintainer"] = "admin"
	s.srv.Tokens["github_pat_readonly"] = ghtest.Token{Login: "maintainer", ReadOnly: true}
	s.env["INPUT_LABEL-TOKEN"] = "github_pat_readonly"
	code, stdout, stderr := s.runAsRunner(t)
	if code != exitError || !strings.Contains(stderr, `adding the label "benchgate-run count=3" to #7: the token may not label this pull request: labelling needs the permission "Pull requests: write" (or "Issues: write")`) {
		t.Fatalf("exit %d, want %d and the missing permission named\n%s\n%s", code, exitError, stdout, stderr)
	}
	s.ranNothing(t)
	if got := s.srv.Labels(7); len(got) != 0 {
		t.Errorf("labels %q", got)
	}
	cs := s.srv.Comments(7)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "the measurement could not be requested: the label `benchgate-run count=3` could not be added with the action's label-token input") {
		t.Errorf("comments %+v", cs)
	}
}

// rewriteEvent replaces old with new in the event payload at path.
func rewriteEvent(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q (%v)", path, old, err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// labeled makes the pull request scenario's event a pull_request labeled with label, as GitHub
// sends it when someone, or the comment job, adds it.
func labeled(t *testing.T, s *prScenario, label string) {
	t.Helper()
	writeEvent(t, filepath.Join(eventsDir, "pull_request_labeled.json"), s.env["GITHUB_EVENT_PATH"], map[string]string{
		"{{HEAD_SHA}}": s.head, "{{BASE_SHA}}": s.base, "{{LABEL}}": label, "{{LABEL_URL}}": url.PathEscape(label)})
}

// TestActionLabeledRequest is the pull request's own workflow started by the label
// "benchgate-run count=3": it measures the head against the merge-base in the label's 3 rounds
// (not the count input's 12) and posts the sticky comment, as the comment input says.
func TestActionLabeledRequest(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	s.env["INPUT_PROFILE"] = "false"
	labeled(t, s, "benchgate-run count=3")
	code, stdout, stderr := s.runAsRunner(t)
	if code != exitFail && code != exitPass {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "::notice::benchgate: the label benchgate-run count=3 requests a measurement of #7 at "+report.ShortSHA(s.head)) {
		t.Errorf("no notice of the request:\n%s", stdout)
	}
	r, err := report.ReadFile(filepath.Join(s.repo, ".benchgate", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Run.Head.SHA != s.head || r.Run.Base.SHA != s.base {
		t.Errorf("measured %s against %s, want the event's head %s against the merge-base %s", r.Run.Head.SHA, r.Run.Base.SHA, s.head, s.base)
	}
	if r.Run.Count != 3 || r.Run.MaxCount != 9 {
		t.Errorf("count %d, max count %d; want the label's 3 and 3 × 3", r.Run.Count, r.Run.MaxCount)
	}
	for _, c := range r.Comparisons {
		if c.Paired != nil && (c.Paired.N < 3 || c.Paired.N > 9) {
			t.Errorf("%s %s: %d pairs, want 3 to 9", c.Benchmark, c.Unit, c.Paired.N)
		}
	}
	cs := s.srv.Comments(7)
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Body, "<!-- benchgate:sticky key=benchgate head="+s.head+" -->") || !strings.Contains(cs[0].Body, "tiny.A-") {
		t.Fatalf("comments %+v, want the sticky comment for %s", cs, s.head)
	}
	if out := outputs(t, s.output); out["report"] != ".benchgate/report.json" || out["verdict"] == "" || out["comment-url"] == "" {
		t.Errorf("outputs %v", out)
	}
}

// TestActionLabeledNothing is the pull request's workflow started by labels that must measure
// nothing, none of which fails the check: a label of no request (the workflow's startsWith lets
// benchgate-runner through too), a request with a wrong count, and a request whose pull request
// has moved on to a newer head (that push's own run reports) or was closed since.
func TestActionLabeledNothing(t *testing.T) {
	t.Parallel()
	moved := strings.Repeat("ab", 20)
	for _, tt := range []struct {
		name, label string
		setup       func(s *prScenario)
		log         string
		asksAPI     bool
	}{
		{name: "another label", label: "bug", log: `::notice::benchgate: the label "bug" is not a benchgate request: nothing to do`},
		{name: "a longer word", label: "benchgate-runner", log: `::notice::benchgate: the label "benchgate-runner" is not a benchgate request: nothing to do`},
		{name: "a wrong count", label: "benchgate-run count=0",
			log: `::warning::benchgate: label "benchgate-run count=0": "count=0": expected count=N, N a whole number of rounds from 1 to 100: nothing is measured`},
		{name: "a moved head", label: "benchgate-run", asksAPI: true,
			setup: func(s *prScenario) {
				s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: moved, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main"})
			},
			log: "::notice::benchgate: #7's head moved from " + "%s to " + report.ShortSHA(moved) + " after it was labelled benchgate-run: nothing is measured here; the run for the new head reports"},
		{name: "a closed pull request", label: "benchgate-run count=3", asksAPI: true,
			setup: func(s *prScenario) {
				s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: s.head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main", State: "closed"})
			},
			log: "::notice::benchgate: #7 is closed: the label benchgate-run count=3 measures nothing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newPRScenario(t)
			labeled(t, s, tt.label)
			if tt.setup != nil {
				tt.setup(s)
			}
			code, stdout, stderr := s.runAsRunner(t)
			log := strings.Replace(tt.log, "%s", report.ShortSHA(s.head), 1)
			if code != exitPass || !strings.Contains(stdout, log) {
				t.Fatalf("exit %d, want 0 and %q\n%s\n%s", code, log, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(s.repo, ".benchgate")); err == nil {
				t.Error("results were written: something was measured")
			}
			want := []string(nil)
			if tt.asksAPI {
				want = []string{"GET /repos/octo/repo/pulls/7"}
			}
			if !slices.Equal(s.srv.Requests, want) {
				t.Errorf("API requests %q, want %q", s.srv.Requests, want)
			}
			if out := outputs(t, s.output); len(out) != 0 {
				t.Errorf("outputs %v", out)
			}
		})
	}
}
