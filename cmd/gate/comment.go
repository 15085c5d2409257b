package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/ghactions"
	"github.com/benchgate/benchgate/internal/ghapi"
)

func newComment(env environment) *cobra.Command {
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
			ghEnv := ghactions.ReadEnv(env.Getenv)
			if ghEnv.EventPath == "" {
				return usageError{errors.New("GITHUB_EVENT_PATH is not set: gate comment runs in a workflow_run workflow")}
			}
			commentMode, err := ghactions.ParseCommentMode(mode)
			if err != nil {
				return usageError{fmt.Errorf("--comment %q: expected %v", mode, err)}
			}
			event, err := ghEnv.Event()
			if err != nil {
				return err
			}
			run, err := ghapi.ParseWorkflowRunEvent(event)
			if err != nil {
				return err
			}
			a := &gate.Action{
				Runtime: ghactions.New(env.Getenv, cmd.OutOrStdout()), Env: ghEnv,
				Inputs: ghactions.Inputs{Token: ghEnv.Token, CommentKey: key, Comment: commentMode},
			}
			return a.Comment(cmd.Context(), path, run)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&path, "report", "", "the measured report: a `dir` with report.json, or the file")
	fl.StringVar(&key, "comment-key", "benchgate", "`key` of the sticky comment, to keep several gates' comments apart")
	fl.StringVar(&mode, "comment", "always", "when to comment: always, on-change, on-regression or never")
	cmd.MarkFlagRequired("report")
	return cmd
}
