// Package ghactions is the GitHub Actions runtime as benchgate's action sees it, after the
// model of reviewdog's cienv: the runner's environment is read once, through a getenv that the
// caller passes in, into an Env; the action's inputs (INPUT_<NAME>, hyphens kept) are parsed
// into typed Inputs, with errors that name the input and what was expected; and a Runtime
// reports back the ways a step can: outputs, the job summary and annotations (through
// go-githubactions). Nothing else in benchgate reads GITHUB_* or INPUT_* variables.
package ghactions

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"
)

// Env is what the action reads of the runner's environment.
type Env struct {
	// Actions is true in a GitHub Actions step (GITHUB_ACTIONS=true).
	Actions bool
	// Workspace is the checkout's directory (GITHUB_WORKSPACE).
	Workspace string
	// EventName and EventPath are the event that started the workflow and its payload's file.
	EventName, EventPath string
	// Repository is "owner/name".
	Repository string
	// APIURL is the REST API's root ("" for api.github.com); ServerURL is the web's root.
	APIURL, ServerURL string
	// RunID is the workflow run, for links back to it ("" outside a run).
	RunID string
	// SHA is the commit the workflow runs on; for a pull request it is a merge commit, so the
	// pull request's own SHAs come from the event.
	SHA string
	// Token is GITHUB_TOKEN, as a plain workflow step has it (the action uses its token input).
	Token string
}

// ReadEnv reads the runner's environment through getenv.
func ReadEnv(getenv func(string) string) Env {
	return Env{
		Actions:    getenv("GITHUB_ACTIONS") == "true",
		Workspace:  getenv("GITHUB_WORKSPACE"),
		EventName:  getenv("GITHUB_EVENT_NAME"),
		EventPath:  getenv("GITHUB_EVENT_PATH"),
		Repository: getenv("GITHUB_REPOSITORY"),
		APIURL:     getenv("GITHUB_API_URL"),
		ServerURL:  orDefault(getenv("GITHUB_SERVER_URL"), "https://github.com"),
		RunID:      getenv("GITHUB_RUN_ID"),
		SHA:        getenv("GITHUB_SHA"),
		Token:      getenv("GITHUB_TOKEN"),
	}
}

// RepoURL is the repository's web address.
func (e Env) RepoURL() string { return e.ServerURL + "/" + e.Repository }

// RunURL is the workflow run's web address, "" outside a run.
func (e Env) RunURL() string {
	if e.RunID == "" {
		return ""
	}
	return e.RepoURL() + "/actions/runs/" + e.RunID
}

// Event reads the event's payload.
func (e Env) Event() ([]byte, error) {
	if e.EventPath == "" {
		return nil, errors.New("GITHUB_EVENT_PATH is not set: this runs as a step of a GitHub Actions workflow")
	}
	data, err := os.ReadFile(e.EventPath)
	if err != nil {
		return nil, fmt.Errorf("reading the event: %w", err)
	}
	return data, nil
}

// Runtime reports back to the runner: outputs, the job summary, annotations and log lines.
type Runtime struct {
	*githubactions.Action
}

// New is the runtime of a step whose workflow commands go to w, and whose GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files are found through getenv.
func New(getenv func(string) string, w io.Writer) *Runtime {
	return &Runtime{githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(w))}
}

// Annotate adds up to max annotations of a kind ("error" or "warning") with the title, the
// first ones as given and, when there are more, one that says how many more of what (noun)
// there are, and where to look.
func (r *Runtime) Annotate(kind, title, noun string, texts []string, max int) {
	for i, text := range texts {
		a, msg := r.WithFieldsMap(map[string]string{"title": title}), text
		if i == max {
			a = r.WithFieldsMap(map[string]string{"title": "benchgate"})
			msg = fmt.Sprintf("… and %d more %s: see the job summary", len(texts)-max, noun)
		}
		if kind == "error" {
			a.Errorf("%s", msg)
		} else {
			a.Warningf("%s", msg)
		}
		if i == max {
			return
		}
	}
}

// WithSafeDirectory marks dir as a git safe.directory for every git command started with the
// environment it returns (the runner's checkout belongs to another user than the container's),
// through git's command-line configuration in the environment rather than by changing any
// config file.
func WithSafeDirectory(env []string, dir string) []string {
	n := 0
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GIT_CONFIG_COUNT="); ok {
			n, _ = strconv.Atoi(v)
		}
	}
	out := make([]string, 0, len(env)+3)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GIT_CONFIG_COUNT=") {
			out = append(out, kv)
		}
	}
	return append(out,
		fmt.Sprintf("GIT_CONFIG_COUNT=%d", n+1),
		fmt.Sprintf("GIT_CONFIG_KEY_%d=safe.directory", n),
		fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", n, dir))
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
