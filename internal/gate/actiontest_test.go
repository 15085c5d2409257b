package gate

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghactions"
	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
)

// prRunner is a GitHub Actions runner of pull request 7 of octo/repo, base → head of repo,
// against the loopback API srv: the event payload written as GitHub writes it, and its
// output and summary files.
type prRunner struct {
	repo, dir, event string
	srv              *ghtest.Server
}

func newPRRunner(t *testing.T, repo, base, head string) *prRunner {
	t.Helper()
	srv := ghtest.New(t, "octo", "repo")
	srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: head, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: base, BaseRef: "main"})
	r := &prRunner{repo: repo, dir: t.TempDir(), srv: srv}
	template, err := os.ReadFile(filepath.Join("..", "..", "cmd", "gate", "testdata", "events", "pull_request.json"))
	if err != nil {
		t.Fatal(err)
	}
	r.event = filepath.Join(r.dir, "event.json")
	payload := strings.NewReplacer("{{HEAD_SHA}}", head, "{{BASE_SHA}}", base).Replace(string(template))
	if err := os.WriteFile(r.event, []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

// run runs the action's step with inputs (INPUT_ variables), and returns its error and log.
func (r *prRunner) run(t *testing.T, inputs map[string]string) (error, string) {
	t.Helper()
	vars := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": r.event,
		"GITHUB_WORKSPACE": r.repo, "GITHUB_REPOSITORY": "octo/repo", "GITHUB_API_URL": r.srv.APIURL(),
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42",
		"GITHUB_OUTPUT": filepath.Join(r.dir, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(r.dir, "summary"),
		"INPUT_TOKEN": "ghs_job_token",
	}
	for k, v := range inputs {
		vars[k] = v
	}
	getenv := func(k string) string { return vars[k] }
	var log bytes.Buffer
	rt := ghactions.New(getenv, &log)
	in, err := ghactions.ReadInputs(rt.GetInput)
	if err != nil {
		t.Fatal(err)
	}
	a := &Action{Runtime: rt, Env: ghactions.ReadEnv(getenv), Inputs: in, Environ: os.Environ(), Log: io.Discard}
	return a.Run(context.Background()), log.String()
}
