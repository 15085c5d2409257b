package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// commandScenario is the /benchgate run workflow on pull request #7 of the pull request scenario
// (BenchmarkA three times slower on head): a bare origin whose main is the base and whose
// refs/pull/7/head is the head, as GitHub keeps it, and the two jobs' workspaces, each a clone of
// origin's default branch only, as actions/checkout makes them.
type commandScenario struct {
	*prScenario
	origin           string
	measureWS, reply string // the jobs' workspaces
}

func newCommandScenario(t *testing.T, login, body string) *commandScenario {
	t.Helper()
	s := &commandScenario{prScenario: newPRScenario(t)}
	s.origin = filepath.Join(t.TempDir(), "origin.git")
	gittest.Git(t, s.repo, "init", "-q", "--bare", s.origin)
	gittest.Git(t, s.repo, "push", "-q", s.origin, s.base+":refs/heads/main", s.head+":refs/pull/7/head")
	s.measureWS, s.reply = filepath.Join(t.TempDir(), "measure"), filepath.Join(t.TempDir(), "reply")
	for _, ws := range []string{s.measureWS, s.reply} {
		gittest.Git(t, s.repo, "clone", "-q", "--no-local", s.origin, ws) // fetched, not copied: only the branches come
	}
	writeEvent(t, filepath.Join(eventsDir, "issue_comment.json"), s.env["GITHUB_EVENT_PATH"], map[string]string{"{{LOGIN}}": login, "{{BODY}}": body})
	s.env["GITHUB_EVENT_NAME"] = "issue_comment"
	s.env["GITHUB_SHA"] = s.base // the default branch's, as on issue_comment
	s.env["INPUT_PROFILE"] = "false"
	return s
}

// measure runs the measuring job's step, in its workspace.
// measured runs the measure step, which must pass or fail the gate, and reads its report.
func (s *commandScenario) measured(t *testing.T) *report.Report {
	t.Helper()
	code, stdout, stderr := s.measure(t)
	if code != exitFail && code != exitPass {
		t.Fatalf("measure: exit %d\n%s\n%s", code, stdout, stderr)
	}
	r, err := report.ReadFile(filepath.Join(s.measureWS, ".benchgate", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (s *commandScenario) measure(t *testing.T) (int, string, string) {
	t.Helper()
	s.env["GITHUB_WORKSPACE"], s.env["INPUT_COMMAND-STEP"] = s.measureWS, "measure"
	return s.runAsRunner(t)
}

// replyStep runs the replying job's step in its workspace, with the measuring job's results
// directory downloaded into benchgate-report, as actions/download-artifact puts it, when there
// is one.
func (s *commandScenario) replyStep(t *testing.T) (int, string, string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(s.measureWS, ".benchgate")); err == nil {
		gittest.CopyTree(t, filepath.Join(s.measureWS, ".benchgate"), filepath.Join(s.reply, "benchgate-report"))
	}
	s.env["GITHUB_WORKSPACE"], s.env["INPUT_COMMAND-STEP"], s.env["INPUT_REPORT"] = s.reply, "reply", "benchgate-report"
	s.env["GITHUB_RUN_ID"] = "4242"
	return s.runAsRunner(t)
}

func (s *commandScenario) writes() int { return s.srv.Count("POST ") + s.srv.Count("PATCH ") }

// TestActionCommand is "/benchgate run count=3" from a maintainer: the measuring job fetches the
// pull request's head, which its checkout of the default branch lacks, measures it against the
// merge-base in 3 rounds (the command's count, not the count input's 12), and writes nothing to
// the API; the replying job, which fetches and builds nothing, posts the sticky comment for that
// head. Asked again after the pull request moved on, the reply says the report is stale.
func TestActionCommand(t *testing.T) {
	t.Parallel()
	s := newCommandScenario(t, "maintainer", `/benchgate run count=3\r\nThe last run was on a busy machine.`)
	s.srv.Permissions["maintainer"] = "maintain"
	if hasCommit(s.measureWS, s.head) {
		t.Fatal("the measuring workspace has the head before the step: the fetch would be untested")
	}
	r := s.measured(t)
	if r.Run.Head.SHA != s.head || r.Run.Base.SHA != s.base {
		t.Errorf("measured %s against %s, want the API's head %s against the merge-base %s", r.Run.Head.SHA, r.Run.Base.SHA, s.head, s.base)
	}
	if r.Run.Count != 3 || r.Run.MaxCount != 9 {
		t.Errorf("count %d, max count %d; want the command's 3 and 3 × 3", r.Run.Count, r.Run.MaxCount)
	}
	for _, c := range r.Comparisons {
		if c.Paired != nil && (c.Paired.N < 3 || c.Paired.N > 9) {
			t.Errorf("%s %s: %d pairs, want 3 to 9", c.Benchmark, c.Unit, c.Paired.N)
		}
	}
	if n := s.writes(); n != 0 {
		t.Errorf("the measuring step wrote to the API %d times: %v", n, s.srv.Requests)
	}
	if out := outputs(t, s.output); out["report"] != ".benchgate/report.json" || out["verdict"] == "" {
		t.Errorf("outputs %v", out)
	}
	if summary, _ := os.ReadFile(s.summary); !strings.Contains(string(summary), "tiny.A-") {
		t.Errorf("summary:\n%s", summary)
	}
	gittest.CheckCleanIn(t, s.measureWS, s.env["TMPDIR"])

	code, stdout, stderr := s.replyStep(t)
	if code != exitPass {
		t.Fatalf("reply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	cs := s.srv.Comments(7)
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Body, "<!-- benchgate:sticky key=benchgate head="+s.head+" -->") || !strings.Contains(cs[0].Body, "tiny.A-") {
		t.Fatalf("comments %+v, want the sticky comment for %s", cs, s.head)
	}
	if _, err := os.Stat(filepath.Join(s.reply, ".git", "FETCH_HEAD")); err == nil {
		t.Error("the replying step fetched: it must run nothing of the pull request's")
	}
	if got := outputs(t, s.output)["comment-url"]; got != "https://github.com/octo/repo/pull/7#issuecomment-"+strconv.FormatInt(cs[0].ID, 10) {
		t.Errorf("comment-url %q", got)
	}

	// The pull request moves on before a second reply: the report of its old head is not posted,
	// and the reply says why.
	moved := strings.Repeat("ab", 20)
	s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: moved, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main"})
	if code, stdout, stderr := s.replyStep(t); code != exitPass {
		t.Fatalf("second reply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	cs = s.srv.Comments(7)
	want := "the measurement of `" + s.head[:12] + "` is not posted: the pull request's head is now `" + moved[:12] + "`"
	if len(cs) != 2 || !strings.HasPrefix(cs[0].Body, "<!-- benchgate:sticky key=benchgate head="+s.head) || !strings.Contains(cs[1].Body, want) {
		t.Errorf("comments %+v, want the sticky one untouched and a reply saying %q", cs, want)
	}
}

func hasCommit(dir, sha string) bool {
	return exec.Command("git", "-C", dir, "cat-file", "-e", sha+"^{commit}").Run() == nil
}

// TestActionCommandRefused runs both jobs on comments that must measure nothing: the measuring
// job fetches and builds nothing and exits 0 with a notice (or, when the pull request moved
// away from the API's head, with an error), and the replying job says on the pull request why
// nothing was measured; comments that are no command get no answer and no API request at all.
func TestActionCommandRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, login, body string
		setup             func(s *commandScenario)
		measureCode       int
		notice            string // in the measuring step's log
		reply             string // "" for no reply
	}{
		{name: "from someone without write access", login: "mallory", body: "/benchgate run count=30",
			setup:  func(s *commandScenario) { s.srv.Permissions["mallory"] = "triage" },
			notice: "::notice::benchgate: mallory has no write access to the repository, so /benchgate run is not honoured: nothing is measured",
			reply:  "`/benchgate run` is honoured only from people with write access to this repository, which `mallory` does not have, so nothing was measured."},
		{name: "a wrong count from a writer", login: "maintainer", body: "/benchgate run count=500",
			notice: `::notice::benchgate: /benchgate run: "count=500": expected count=N, N a whole number of rounds from 1 to 100: nothing is measured`,
			reply:  "nothing was measured: `/benchgate run: \"count=500\": expected count=N, N a whole number of rounds from 1 to 100`. Ask with `/benchgate run`, or `/benchgate run count=N` for N rounds."},
		{name: "a closed pull request", login: "maintainer", body: "/benchgate run",
			setup: func(s *commandScenario) {
				s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: s.head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main", State: "closed"})
			},
			notice: "::notice::benchgate: #7 is closed: nothing is measured", reply: "#7 is closed, so nothing was measured."},
		{name: "a head origin does not have", login: "maintainer", body: "/benchgate run",
			setup: func(s *commandScenario) {
				s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: strings.Repeat("ab", 20), HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main"})
			},
			measureCode: exitError, notice: "pull request #7 moved: the API names " + strings.Repeat("ab", 20) + " as its head, but origin's refs/pull/7/head does not have it; ask again with /benchgate run",
			reply: "the measurement left no report: it failed or was cancelled. See [the workflow run](https://github.com/octo/repo/actions/runs/4242)."},
		{name: "no command", login: "maintainer", body: "Thanks! Could someone /benchgate run this?",
			notice: "::notice::benchgate: the comment is no /benchgate run command: nothing to do"},
		{name: "an edited command", login: "maintainer", body: "/benchgate run",
			setup:  func(s *commandScenario) { rewriteEvent(t, s, `"action": "created"`, `"action": "edited"`) },
			notice: "::notice::benchgate: the comment was edited; only a new comment gives a command: nothing to do"},
		{name: "a comment on an issue", login: "maintainer", body: "/benchgate run",
			setup:  func(s *commandScenario) { rewriteEvent(t, s, `"pull_request": {`, `"not_a_pull_request": {`) },
			notice: "::notice::benchgate: #7 is an issue, not a pull request: nothing to do"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newCommandScenario(t, tt.login, tt.body)
			s.srv.Permissions["maintainer"] = "admin"
			if tt.setup != nil {
				tt.setup(s)
			}
			code, stdout, stderr := s.measure(t)
			if code != tt.measureCode || !strings.Contains(stdout+stderr, tt.notice) {
				t.Fatalf("measure: exit %d, want %d and %q\n%s\n%s", code, tt.measureCode, tt.notice, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(s.measureWS, ".benchgate")); err == nil {
				t.Error("the measuring step left results")
			}
			if tt.measureCode == exitPass && hasCommit(s.measureWS, s.head) {
				t.Error("the measuring step fetched the pull request's head")
			}
			if code, stdout, stderr := s.replyStep(t); code != exitPass {
				t.Fatalf("reply: exit %d\n%s\n%s", code, stdout, stderr)
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

// rewriteEvent replaces old with new in the scenario's event payload.
func rewriteEvent(t *testing.T, s *commandScenario, old, new string) {
	t.Helper()
	path := s.env["GITHUB_EVENT_PATH"]
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q (%v)", path, old, err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestActionCommandMeasuresTheAPIsHead is a pull request whose branch and refs/pull/7/head have
// moved on to a newer commit while the API still names the older head: the older head, the
// API's, is measured, not what the fetched ref or the branch points at.
func TestActionCommandMeasuresTheAPIsHead(t *testing.T) {
	t.Parallel()
	s := newCommandScenario(t, "maintainer", "/benchgate run count=2")
	s.srv.Permissions["maintainer"] = "write"
	gittest.WriteFiles(t, s.repo, map[string]string{"NOTES": "a newer commit\n"})
	newer := gittest.Commit(t, s.repo, "pushed after the API answered")
	gittest.Git(t, s.repo, "push", "-q", "--force", s.origin, newer+":refs/pull/7/head", newer+":refs/heads/feature")
	gittest.Git(t, s.measureWS, "fetch", "-q", "origin") // the checkout knows the branch too
	if got := gittest.Git(t, s.measureWS, "rev-parse", "origin/feature"); got != newer {
		t.Fatalf("origin/feature is %s, want %s", got, newer)
	}
	r := s.measured(t)
	if r.Run.Head.SHA != s.head || r.Run.Count != 2 {
		t.Errorf("measured %s in %d rounds, want the API's head %s (not the ref's %s) in 2", r.Run.Head.SHA, r.Run.Count, s.head, newer)
	}
}
