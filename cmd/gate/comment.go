package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sethvargo/go-githubactions"
	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/ghapi"
	"github.com/benchgate/benchgate/internal/report"
)

func newComment() *cobra.Command {
	var path, key, mode string
	cmd := &cobra.Command{
		Use:   "comment --report DIR|FILE",
		Short: "Post a measured report as the pull request's sticky comment (fork-safe)",
		Long: `Comment posts the report that a pull_request workflow measured and uploaded as an artifact,
from a workflow_run workflow that has a token allowed to comment. It is the second half of the
fork-safe setup: pull requests from forks get a read-only token, so the measuring workflow
cannot comment itself.

It executes nothing from the pull request. It reads the report (DIR/report.json, or FILE) and
refuses it unless it validates: its schema version, the size of every field and list, counts
and verdict consistent with its comparisons, and a head commit equal to the workflow_run
event's head_sha. The pull request comes from the event (GITHUB_EVENT_PATH), never from the
artifact; when the event lists none, as for forks, it is found through the API by head
repository, branch and SHA. The markdown is rendered here, from the report's data, with every
string escaped.

It reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL and GITHUB_RUN_ID
as a workflow step has them. As the action (uses: benchgate, on: workflow_run) it does the same
with the inputs report, token, comment and comment-key.`,
		Example: `  gate comment --report ./benchgate-report`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eventPath := os.Getenv("GITHUB_EVENT_PATH")
			if eventPath == "" {
				return usageError{errors.New("GITHUB_EVENT_PATH is not set: gate comment runs in a workflow_run workflow")}
			}
			data, err := os.ReadFile(eventPath)
			if err != nil {
				return fmt.Errorf("reading the event: %w", err)
			}
			run, err := ghapi.ParseWorkflowRunEvent(data)
			if err != nil {
				return err
			}
			act := githubactions.New(githubactions.WithWriter(cmd.OutOrStdout()))
			return postReport(cmd.Context(), act, commentRequest{
				reportPath: path, run: run, token: os.Getenv("GITHUB_TOKEN"), key: key, mode: mode, stderr: cmd.ErrOrStderr(),
				env: actionEnv{repository: os.Getenv("GITHUB_REPOSITORY"), apiURL: os.Getenv("GITHUB_API_URL"),
					serverURL: orDefault(os.Getenv("GITHUB_SERVER_URL"), "https://github.com"), runID: os.Getenv("GITHUB_RUN_ID")},
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&path, "report", "", "the measured report: a `dir` with report.json, or the file")
	fl.StringVar(&key, "comment-key", "benchgate", "`key` of the sticky comment, to keep several gates' comments apart")
	fl.StringVar(&mode, "comment", "always", "when to comment: always, on-change, on-regression or never")
	cmd.MarkFlagRequired("report")
	return cmd
}

// commentRequest is a report to post for a workflow run.
type commentRequest struct {
	reportPath string
	run        *ghapi.WorkflowRun
	token      string
	key, mode  string
	env        actionEnv
	stderr     io.Writer
}

// postReport validates an untrusted report against the event and posts it.
func postReport(ctx context.Context, act *githubactions.Action, req commentRequest) error {
	path := req.reportPath
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		path = filepath.Join(path, "report.json")
	}
	rep, err := report.ReadFile(path)
	if err != nil {
		return fmt.Errorf("refusing the report: %w", err)
	}
	if rep.Run == nil {
		return fmt.Errorf("refusing the report %s: it was not measured by gate run or the action (no run section)", path)
	}
	if rep.Run.Head.SHA != req.run.HeadSHA {
		return fmt.Errorf("refusing the report %s: it measured %s, but the workflow run is for %s", path, rep.Run.Head.SHA, req.run.HeadSHA)
	}
	pr, err := pullRequestOf(ctx, req)
	if err != nil {
		return err
	}
	act.SetOutput("verdict", string(rep.Verdict))
	want := wantComment(req.mode, rep)
	if want == skip {
		return nil
	}
	repoURL := req.env.serverURL + "/" + req.env.repository
	runURL := ""
	if req.env.runID != "" {
		runURL = repoURL + "/actions/runs/" + req.env.runID
	}
	url, err := post(ctx, act, req.token, req.env, pr, req.key, req.run.HeadSHA, rep, want == create, repoURL, runURL)
	if errors.Is(err, ghapi.ErrStale) {
		act.Noticef("benchgate: no comment posted: %v; the run for the newer commit reports.", err)
		return nil
	}
	if err != nil {
		return err
	}
	act.SetOutput("comment-url", url)
	return nil
}

// pullRequestOf finds the pull request of the event: listed in it with this head SHA, or else
// looked up by the head repository's owner, branch and SHA.
func pullRequestOf(ctx context.Context, req commentRequest) (int, error) {
	for n, sha := range req.run.PullRequests {
		if sha == req.run.HeadSHA {
			return n, nil
		}
	}
	client, err := ghapi.New(ghapi.Config{Token: req.token, APIURL: req.env.apiURL, Repository: req.env.repository})
	if err != nil {
		return 0, err
	}
	return client.FindPullRequest(ctx, req.run.HeadOwner, req.run.HeadBranch, req.run.HeadSHA)
}
