package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/ghactions"
)

func newAction(env environment) *cobra.Command {
	return &cobra.Command{
		Use:   "action",
		Short: "Run as the GitHub Action (the default when GITHUB_ACTIONS=true)",
		Long: `Action is the entrypoint of benchgate's GitHub Action. It reads the action's inputs
(INPUT_*) and the event (GITHUB_EVENT_PATH), and by event:

  pull_request         measures the PR head against its merge-base with the base, writes the
                       job summary, annotations, outputs and .benchgate/, posts or updates
                       the sticky comment, and fails when the gate fails (fail-on); when
                       labeled, only for a "benchgate-run [count=N]" label (a request, in N
                       rounds), and only while the PR is open at the event's head
  pull_request_target  the same, only with the input allow-pull-request-target: true
  workflow_run         posts the comment for a report measured by a pull_request workflow
                       (the fork-safe setup; see gate comment)
  issue_comment        answers a "/benchgate run [count=N]" comment on a pull request from
                       someone with write access by labelling the PR "benchgate-run
                       [count=N]" (with label-token, else token), which starts its
                       pull_request workflow; runs and fetches nothing of the PR, and replies
  push, workflow_dispatch
                       on the default branch: measures the commit against its parent,
                       records it on the data branch (data-branch, keep), and writes a job
                       summary with the change and the steps in the recorded history

docs/action.md lists every input and output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rt := ghactions.New(env.Getenv, cmd.OutOrStdout())
			in, err := ghactions.ReadInputs(rt.GetInput)
			if err != nil {
				return usageError{err}
			}
			a := &gate.Action{Runtime: rt, Env: ghactions.ReadEnv(env.Getenv), Inputs: in, Environ: env, Log: cmd.ErrOrStderr()}
			return a.Run(ctx)
		},
	}
}
