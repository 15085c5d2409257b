package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// eventsDir holds the event payloads, shaped like GitHub's. It is absolute because the tests
// change directory.
var eventsDir, _ = filepath.Abs(filepath.Join("testdata", "events"))

// prScenario is a repository whose pull request (#7) makes BenchmarkA three times slower (12
// rounds of 2000 iterations, about 40 ms a run: long enough that losing the CPU for a time slice
// to the tests beside it is a small part of a sample, and enough samples that the several a
// heavily loaded machine slows cannot hide the change), a
// loopback GitHub API that knows the pull request, and the runner's environment for a
// pull_request event.
type prScenario struct {
	repo, base, head string
	srv              *ghtest.Server
	output, summary  string
	env              runner
}

func newPRScenario(t *testing.T) *prScenario {
	t.Helper()
	return newPRScenarioWith(t, nil)
}

// newPRScenarioWith is newPRScenario with more files on both sides.
func newPRScenarioWith(t *testing.T, files map[string]string) *prScenario {
	t.Helper()
	repo, isolation := gittest.NewIsolatedRepo(t)
	s := &prScenario{repo: repo}
	gittest.WriteFiles(t, s.repo, files)
	gittest.WriteFiles(t, s.repo, tiny(20000, ""))
	s.base = gittest.Commit(t, s.repo, "base")
	gittest.WriteFiles(t, s.repo, tiny(60000, ""))
	s.head = gittest.Commit(t, s.repo, "the pull request")
	s.srv = ghtest.New(t, "octo", "repo")
	s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: s.head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main"})

	runnerDir := t.TempDir()
	event := filepath.Join(runnerDir, "event.json")
	writeEvent(t, filepath.Join(eventsDir, "pull_request.json"), event, map[string]string{"{{HEAD_SHA}}": s.head, "{{BASE_SHA}}": s.base})
	s.output, s.summary = filepath.Join(runnerDir, "output"), filepath.Join(runnerDir, "summary")
	s.env = runner{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event,
		"GITHUB_WORKSPACE": s.repo, "GITHUB_REPOSITORY": "octo/repo", "GITHUB_API_URL": s.srv.APIURL(),
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42", "RUNNER_OS": "Linux",
		"GITHUB_OUTPUT": s.output, "GITHUB_STEP_SUMMARY": s.summary, "GITHUB_TOKEN": "ghs_job_token",
		// As the runner sets inputs: upper case, hyphens kept.
		"INPUT_TOKEN": "ghs_job_token", "INPUT_COUNT": "12", "INPUT_BENCHTIME": "2000x", "INPUT_COMMENT": "always",
		"INPUT_COMMENT-KEY": "benchgate", "INPUT_FAIL-ON": "regression", "INPUT_WORKING-DIRECTORY": ".",
		"INPUT_PACKAGES": "./...", "INPUT_BENCH": ".", "INPUT_TIMEOUT": "5m", "INPUT_BUDGET": "", "INPUT_CONFIG": "",
	}
	for k, v := range isolation {
		s.env[k] = v
	}
	for _, f := range []string{s.output, s.summary} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func writeEvent(t *testing.T, template, path string, values map[string]string) {
	t.Helper()
	data, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for k, v := range values {
		text = strings.ReplaceAll(text, k, v)
	}
	if !json.Valid([]byte(text)) {
		t.Fatalf("%s: not JSON after substitution", template)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// outputs reads a GITHUB_OUTPUT file as the runner does (name<<DELIMITER lines).
func outputs(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			continue
		}
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		out[name] = strings.Join(value, "\n")
	}
	return out
}

// runAsRunner runs gate as the container's entrypoint runs it, with no arguments, in the
// scenario's runner environment.
func (s *prScenario) runAsRunner(t *testing.T) (int, string, string) {
	t.Helper()
	return runIn(t, s.env)
}

func TestActionPullRequest(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	for range 150 {
		s.srv.AddComment(7, "Looks good to me", "reviewer", "User")
	}
	code, stdout, stderr := s.runAsRunner(t)
	if code != exitFail {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFail, stdout, stderr)
	}
	out := outputs(t, s.output)
	if out["verdict"] != "fail" || out["regressions"] != "1" || out["improvements"] != "0" || out["report"] != ".benchgate/report.json" {
		t.Errorf("outputs %v", out)
	}
	if !strings.HasPrefix(out["comment-url"], "https://github.com/octo/repo/pull/7#issuecomment-") {
		t.Errorf("comment-url %q", out["comment-url"])
	}
	summary, _ := os.ReadFile(s.summary)
	for _, want := range []string{"### ❌ 1 regression past threshold", "tiny.A-", "<details><summary>All ", "head: [" + s.head[:12] + "](https://github.com/octo/repo/commit/" + s.head + ")"} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	// Without a remote there is no recorded history, which is no warning.
	if strings.Contains(stdout, "::warning::benchgate: reading the recorded history") {
		t.Errorf("a warning about the missing history:\n%s", stdout)
	}
	// Workflow command properties are percent-encoded: ":" is %3A.
	if !strings.Contains(stdout, "::error title=benchgate%3A regression::example.com/tiny.A-") {
		t.Errorf("no error annotation for the regression:\n%s", stdout)
	}
	r, err := report.ReadFile(filepath.Join(s.repo, ".benchgate", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Run.Head.SHA != s.head || r.Run.Base.SHA != s.base {
		t.Errorf("measured %s against %s, want the PR head %s against the merge-base %s", r.Run.Head.SHA, r.Run.Base.SHA, s.head, s.base)
	}
	mine := func() []ghtest.Comment {
		var out []ghtest.Comment
		for _, c := range s.srv.Comments(7) {
			if c.Login == "github-actions[bot]" {
				out = append(out, c)
			}
		}
		return out
	}
	if cs := mine(); len(cs) != 1 || !strings.Contains(cs[0].Body, "### ❌ 1 regression past threshold") {
		t.Fatalf("comments after the first run: %+v", cs)
	}
	first := mine()[0].ID

	// A second run updates the comment in place.
	os.WriteFile(s.output, nil, 0o644)
	if code, _, stderr := s.runAsRunner(t); code != exitFail {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	if cs := mine(); len(cs) != 1 || cs[0].ID != first {
		t.Errorf("second run: comments %+v, want comment %d updated", cs, first)
	}
	if n := s.srv.Count("POST "); n != 1 {
		t.Errorf("%d comments created over two runs, want 1", n)
	}
	if n := s.srv.Count("PATCH /repos/octo/repo/issues/comments/"); n != 1 {
		t.Errorf("%d updates, want 1", n)
	}
	gittest.CheckCleanIn(t, s.repo, s.env["TMPDIR"])
}

// TestActionReadOnlyToken is a fork's pull request: the token may not comment. The check's
// result is the gate's, with a warning that points to the fork-safe setup.
func TestActionReadOnlyToken(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	s.srv.ReadOnly = true
	code, stdout, stderr := s.runAsRunner(t)
	if code != exitFail {
		t.Fatalf("exit %d, want %d (the regression's), not the comment's failure\n%s", code, exitFail, stderr)
	}
	if !strings.Contains(stdout, "::warning::benchgate: no comment posted") || !strings.Contains(stdout, "fork-safe") {
		t.Errorf("no warning about the read-only token:\n%s", stdout)
	}
	if got := outputs(t, s.output)["verdict"]; got != "fail" {
		t.Errorf("verdict output %q", got)
	}
}

// TestActionSecondaryRateLimit waits out a secondary rate limit on the comment and retries.
func TestActionSecondaryRateLimit(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	s.srv.SecondaryLimit = 1
	code, stdout, stderr := s.runAsRunner(t)
	if code != exitFail {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if n := s.srv.Count("POST "); n != 2 {
		t.Errorf("%d create requests, want the limited one and its retry", n)
	}
	if len(s.srv.Comments(7)) != 1 || !strings.Contains(stdout, "secondary rate limit; retrying in 1s") {
		t.Errorf("comments %d, log:\n%s", len(s.srv.Comments(7)), stdout)
	}
}

// TestActionFailOnNever reports the regression without failing the check, and comments only on
// regressions as asked.
func TestActionFailOnNever(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	s.env["INPUT_FAIL-ON"] = "never"
	s.env["INPUT_COMMENT"] = "never"
	if code, _, stderr := s.runAsRunner(t); code != exitPass {
		t.Fatalf("exit %d, want %d\n%s", code, exitPass, stderr)
	}
	// The pull request is read, for its accept lines; nothing is written.
	if n := s.srv.Count("POST ") + s.srv.Count("PATCH "); n != 0 {
		t.Errorf("%d API writes with comment: never", n)
	}
	if got := outputs(t, s.output)["verdict"]; got != "fail" {
		t.Errorf("verdict output %q: the gate's verdict is reported even when it does not fail the check", got)
	}
}

func TestActionBadInputs(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	s.env["INPUT_COUNT"] = "ten"
	s.env["INPUT_FAIL-ON"] = "sometimes"
	s.env["INPUT_COMMENT-KEY"] = "a b"
	s.env["INPUT_KEEP"] = "3 weeks"
	s.env["INPUT_MAX-COUNT"] = "0"
	s.env["INPUT_INTERLEAVE"] = "round"
	code, _, stderr := s.runAsRunner(t)
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	for _, want := range []string{`input "count": expected a whole number of rounds, at least 1, got "ten"`, `input "fail-on": expected regression or never, got "sometimes"`, `input "comment-key"`,
		`input "keep": expected a number of records such as "200", or of days such as "90d"; 0 keeps all, got "3 weeks"`,
		`input "max-count": expected a whole number of pairs, at least 1, got "0"`, `input "interleave": expected benchmark or package, got "round"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestActionEvents(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	s.env["GITHUB_EVENT_NAME"] = "issues"
	if code, _, stderr := s.runAsRunner(t); code != exitError || !strings.Contains(stderr, `does not handle "issues" events`) {
		t.Errorf("issues: exit %d\n%s", code, stderr)
	}
	s.env["GITHUB_EVENT_NAME"] = "pull_request_target"
	if code, _, stderr := s.runAsRunner(t); code != exitError || !strings.Contains(stderr, "allow-pull-request-target: true") {
		t.Errorf("pull_request_target without opting in: exit %d\n%s", code, stderr)
	}
	s.env["GITHUB_EVENT_NAME"] = "pull_request"
	s.env["GITHUB_WORKSPACE"] = t.TempDir()
	if code, _, stderr := s.runAsRunner(t); code != exitError || !strings.Contains(stderr, "no git repository at") {
		t.Errorf("no repository: exit %d\n%s", code, stderr)
	}
}

// TestActionNeedsGo runs the action where git is on PATH but the go command is not, as on a
// runner without Docker that skipped actions/setup-go: the error names what is missing and how
// to get it, instead of failing somewhere in the measurement.
func TestActionNeedsGo(t *testing.T) {
	s := newPRScenario(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(git, filepath.Join(bin, filepath.Base(git))); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin) // gate looks its tools up in its own PATH
	code, _, stderr := s.runAsRunner(t)
	if code != exitError || !strings.Contains(stderr, "go is not on PATH") || !strings.Contains(stderr, "actions/setup-go") {
		t.Errorf("exit %d, want %d and the missing go command named\n%s", code, exitError, stderr)
	}
	if cs := s.srv.Comments(7); len(cs) != 0 {
		t.Errorf("commented %+v", cs)
	}
}

// TestActionBodyBounded checks that what the action posts can never draw the API's 422 for a
// body over 65,536 characters: the loopback API refuses such bodies as GitHub does.
func TestActionBodyBounded(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	var b bytes.Buffer
	for i := range 3000 {
		b.WriteString("func BenchmarkMany" + strings.Repeat("x", 40) + strconv.Itoa(i) + "(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += spin(1)\n\t}\n}\n")
	}
	gittest.WriteFiles(t, s.repo, tiny(60000, b.String()))
	head := gittest.Commit(t, s.repo, "many benchmarks")
	s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main"})
	writeEvent(t, filepath.Join(eventsDir, "pull_request.json"), s.env["GITHUB_EVENT_PATH"], map[string]string{"{{HEAD_SHA}}": head, "{{BASE_SHA}}": s.base})
	s.env["INPUT_COUNT"] = "1"
	s.env["INPUT_BENCHTIME"] = "1x"
	code, stdout, stderr := s.runAsRunner(t)
	if code != exitPass && code != exitFail {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	cs := s.srv.Comments(7)
	if len(cs) != 1 {
		t.Fatalf("%d comments; the post failed:\n%s", len(cs), stdout)
	}
	if len(cs[0].Body) > 65536 || !strings.Contains(cs[0].Body, "They are too many for a comment") {
		t.Errorf("comment of %d bytes", len(cs[0].Body))
	}
}

// TestActionProfileDiff is a pull request that makes one known function three times slower and
// another allocate four times as much: the comment says where each regression went, naming that
// function first with most of the change, from real profiles of the real test binaries, which
// the results directory keeps for go tool pprof.
func TestActionProfileDiff(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	// The profile diff's own fixture, in prof/: its head makes hot three times slower and gather
	// allocate four times as much.
	fixture := filepath.Join("..", "..", "internal", "profdiff", "testdata")
	gittest.CopyTree(t, filepath.Join(fixture, "base"), filepath.Join(s.repo, "prof"))
	base := gittest.Commit(t, s.repo, "profiled base")
	gittest.CopyTree(t, filepath.Join(fixture, "head"), filepath.Join(s.repo, "prof"))
	head := gittest.Commit(t, s.repo, "hot does three times the work, gather allocates four times as much")
	s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: base, BaseRef: "main"})
	writeEvent(t, filepath.Join(eventsDir, "pull_request.json"), s.env["GITHUB_EVENT_PATH"], map[string]string{"{{HEAD_SHA}}": head, "{{BASE_SHA}}": base})
	s.env["INPUT_WORKING-DIRECTORY"] = "prof"
	s.env["INPUT_BENCHTIME"] = "200x"
	code, stdout, stderr := s.runAsRunner(t)
	if code != exitFail {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	cs := s.srv.Comments(7)
	if len(cs) != 1 {
		t.Fatalf("%d comments", len(cs))
	}
	body := cs[0].Body
	for _, want := range []struct{ summary, fn string }{
		{`prof\.Work: CPU time \+[0-9.]+µs/op: `, `example\.com/prof\.hot`},
		{`prof\.Gather: allocated bytes \+[0-9.]+KiB/op: `, `example\.com/prof\.gather`},
		{`prof\.Gather: allocated objects \+[0-9.]+/op: `, `example\.com/prof\.gather`},
	} {
		m := regexp.MustCompile(`<summary>` + want.summary + `(\d+)% in ` + want.fn + `[,<]`).FindStringSubmatch(body)
		if m == nil {
			t.Errorf("no summary %q naming %s first:\n%s", want.summary, want.fn, body)
			continue
		}
		if share, _ := strconv.Atoi(m[1]); share <= 50 {
			t.Errorf("%s has %d%% of the change, want more than half", want.fn, share)
		}
	}
	r, err := report.ReadFile(filepath.Join(s.repo, ".benchgate", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Gather's allocations cost time too, so it may have a CPU diff of its own.
	if len(r.Profiles) < 3 {
		t.Fatalf("%d profile diffs, want CPU for Work and bytes and objects for Gather: %+v", len(r.Profiles), r.Profiles)
	}
	for _, p := range r.Profiles {
		for _, f := range []string{p.BaseFile, p.HeadFile} {
			if _, err := os.Stat(filepath.Join(s.repo, ".benchgate", "profiles", f)); err != nil { // the workspace's
				t.Errorf("profile %s: %v", f, err)
			}
		}
		// A CPU diff's functions carry their samples and sampling error; the others record every
		// allocation and have none.
		if len(p.Functions) == 0 {
			t.Errorf("%s %s: no functions", p.Function, p.Kind)
		} else if top := p.Functions[0]; (p.Kind == report.ProfileCPU) != (top.FlatError > 0 && top.BaseSamples+top.HeadSamples > 0) {
			t.Errorf("%s %s: top function %+v", p.Function, p.Kind, top)
		}
	}
}

// TestActionToolchainChange is a pull request whose go.mod gains a toolchain line: the comment
// says that base and head were built differently, so that a change is not blamed on the code
// alone.
func TestActionToolchainChange(t *testing.T) {
	t.Parallel()
	s := newPRScenario(t)
	files := tiny(60000, "")
	files["go.mod"] += "\ntoolchain go1.26.0\n"
	gittest.WriteFiles(t, s.repo, files)
	head := gittest.Commit(t, s.repo, "a toolchain line")
	s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main"})
	writeEvent(t, filepath.Join(eventsDir, "pull_request.json"), s.env["GITHUB_EVENT_PATH"], map[string]string{"{{HEAD_SHA}}": head, "{{BASE_SHA}}": s.base})
	s.env["INPUT_COUNT"], s.env["INPUT_PROFILE"] = "4", "false"
	if code, stdout, stderr := s.runAsRunner(t); code != exitFail && code != exitPass {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	cs := s.srv.Comments(7)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "base and head were built differently (go.mod's toolchain line none on base, go1.26.0 on head)") {
		t.Errorf("comment does not say the toolchain changed:\n%v", cs)
	}
	r, err := report.ReadFile(filepath.Join(s.repo, ".benchgate", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if b, h := r.Run.Base.Build, r.Run.Head.Build; b == nil || h == nil || b.Toolchain != "" || h.Toolchain != "go1.26.0" || h.GoDirective != "1.26" || h.GoVersion == "" {
		t.Errorf("builds %+v and %+v", b, h)
	}
}

// TestActionAccept accepts the pull request's regression (BenchmarkA three times slower) from
// each source, as the loopback API tells it: the description, the head commit's message and a
// label. Only people with write access can accept; an accept from anyone else is ignored with a
// note in the comment, and the check fails as before.
func TestActionAccept(t *testing.T) {
	t.Parallel()
	line := "benchgate: accept BenchmarkA sec/op — the new hashing is worth it"
	tests := []struct {
		name   string
		setup  func(s *prScenario)
		code   int
		inBody string
	}{
		{"description by a writer", func(s *prScenario) {
			s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: s.head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: s.base, BaseRef: "main", Body: "Faster hashing.\n\n" + line, Author: "alice"})
			s.srv.Permissions["alice"] = "write"
		}, exitPass, "accepted by alice in the pull request's description: the new hashing is worth it"},
		{"description by a reader", func(s *prScenario) {
			s.srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: s.head, HeadRef: "feature", HeadRepo: "forker/repo", BaseSHA: s.base, BaseRef: "main", Body: line, Author: "mallory"})
			s.srv.Permissions["mallory"] = "read"
		}, exitFail, "an accept by mallory in the pull request's description is ignored: only people with write access to the repository can accept a regression"},
		{"head commit by a maintainer", func(s *prScenario) {
			s.srv.AddCommit(s.head, ghtest.Commit{Message: "Hash with the new function\n\n" + line, Author: "bob"})
			s.srv.Permissions["bob"] = "maintain"
		}, exitPass, "accepted by bob in the head commit's message: the new hashing is worth it"},
		{"label by an admin", func(s *prScenario) {
			s.srv.AddLabel(7, "benchgate-accept", "carol")
			s.srv.Permissions["carol"] = "admin"
		}, exitPass, "accepted by carol with a label: benchgate-accept"},
		{"label by a triager", func(s *prScenario) {
			s.srv.AddLabel(7, "benchgate-accept", "dave")
			s.srv.Permissions["dave"] = "triage"
		}, exitFail, "an accept by dave in the label benchgate-accept is ignored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newPRScenario(t)
			s.env["INPUT_PROFILE"] = "false"
			tt.setup(s)
			code, stdout, stderr := s.runAsRunner(t)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, stdout, stderr)
			}
			cs := s.srv.Comments(7)
			if len(cs) != 1 || !strings.Contains(cs[0].Body, tt.inBody) {
				t.Fatalf("comment lacks %q:\n%v", tt.inBody, cs)
			}
			r, err := report.ReadFile(filepath.Join(s.repo, ".benchgate", "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			accepted := false
			for _, c := range r.Comparisons {
				if c.Verdict == report.Regression && c.Unit == "sec/op" {
					accepted = c.Accepted != nil
				}
			}
			if accepted != (tt.code == exitPass) || (r.Verdict == report.Pass) != (tt.code == exitPass) {
				t.Errorf("A accepted: %v, report verdict %s", accepted, r.Verdict)
			}
			if tt.code == exitPass && (!strings.Contains(cs[0].Body, "regression past threshold, accepted") || !strings.Contains(cs[0].Body, "🟡")) {
				t.Errorf("the comment does not show the regression accepted:\n%s", cs[0].Body)
			}
		})
	}
}
