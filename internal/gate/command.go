package gate

import (
	"context"
	"fmt"
	"strings"

	"github.com/benchgate/benchgate/internal/command"
	"github.com/benchgate/benchgate/internal/ghapi"
	"github.com/benchgate/benchgate/internal/report"
)

// Command answers a "/benchgate run" comment on a pull request, on issue_comment, which runs in
// the default branch's context (its cache scope, its token): so it runs nothing of the pull
// request's and fetches nothing from it. It requests the measurement by labelling the pull
// request (benchgate-run, or "benchgate-run count=N"), and the pull request's own pull_request
// workflow, started by that label, measures it in the pull request's context (see
// Action.PullRequest). A request label the pull request has already is removed first, since
// adding a label it has starts no workflow run.
//
// The label is added with the label-token input when it is set, else with the token input. A
// label added with the workflow's own GITHUB_TOKEN starts no workflow run (GitHub starts none
// for events its own token causes), so the reply says so when no label-token is set. Replies
// and the permission check use the token input.
//
// Comments that are no command, edits, and comments on issues are left alone, with a notice.
// A command from someone without write access requests nothing, and the reply says why; so
// does a command with wrong arguments, or on a closed pull request.
func (a *Action) Command(ctx context.Context, ev *ghapi.IssueComment) error {
	run, isCommand, badArgs := command.Parse(ev.Body)
	switch {
	case !ev.PullRequest:
		a.Runtime.Noticef("benchgate: #%d is an issue, not a pull request: nothing to do", ev.Number)
		return nil
	case ev.Action != "created":
		// An old comment edited later would run the command again, maybe by someone else's edit.
		a.Runtime.Noticef("benchgate: the comment was %s; only a new comment gives a command: nothing to do", ev.Action)
		return nil
	case !isCommand:
		a.Runtime.Noticef("benchgate: the comment is no /benchgate run command: nothing to do")
		return nil
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	writer, err := client.CanWrite(ctx, ev.Login)
	if err != nil {
		return err
	}
	if !writer {
		a.Runtime.Noticef("benchgate: %s has no write access to the repository, so /benchgate run is not honoured: no measurement is requested", ev.Login)
		return a.reply(ctx, client, ev, fmt.Sprintf("`/benchgate run` is honoured only from people with write access to this repository, which %s does not have, so no measurement was requested. People with triage access can request one by adding the label %s.", code(ev.Login), code(command.Label)))
	}
	if badArgs != nil {
		a.Runtime.Noticef("benchgate: %v: no measurement is requested", badArgs)
		return a.reply(ctx, client, ev, fmt.Sprintf("no measurement was requested: %s. Ask with `/benchgate run`, or `/benchgate run count=N` for N rounds.", code(badArgs.Error())))
	}
	pr, open, err := client.PullRequest(ctx, ev.Number)
	if err != nil {
		return err
	}
	if !open {
		a.Runtime.Noticef("benchgate: #%d is closed: no measurement is requested", ev.Number)
		return a.reply(ctx, client, ev, fmt.Sprintf("#%d is closed, so no measurement was requested.", ev.Number))
	}
	labeller, ownToken := client, a.Inputs.LabelToken == ""
	if !ownToken {
		if labeller, err = a.clientWith(a.Inputs.LabelToken); err != nil {
			return err
		}
	}
	label := run.Label()
	if err := requestRun(ctx, labeller, ev.Number, label); err != nil {
		input := "label-token"
		if ownToken {
			input = "token (no label-token is set)"
		}
		if rerr := a.reply(ctx, client, ev, fmt.Sprintf("the measurement could not be requested: the label %s could not be added with the action's %s input. The workflow run's log says why.", code(label), input)); rerr != nil {
			a.Runtime.Warningf("benchgate: %v", rerr)
		}
		return err
	}
	a.Runtime.Noticef("benchgate: labelled #%d %s: its pull_request workflow measures it", ev.Number, label)
	rounds := "as many rounds as that workflow's count input says"
	if run.Count > 0 {
		rounds = fmt.Sprintf("%d rounds", run.Count)
	}
	text := fmt.Sprintf("requested with the label %s: the pull request's own benchgate workflow measures its head, now %s, against its merge-base, in %s, and the sticky comment is updated with the result when it is done (by the comment workflow, in the fork-safe setup). If the head moves on first, that run measures nothing and the run for the new head reports.",
		code(label), code(report.ShortSHA(pr.HeadSHA)), rounds)
	if ownToken {
		text += " The label was added with the action's token input, as no label-token is set: if that is the workflow's own GITHUB_TOKEN, GitHub starts no workflow run for it, so a maintainer has to remove the label and add it again by hand, or set label-token (see docs/action.md)."
	}
	return a.reply(ctx, client, ev, text)
}

// requestRun labels pull request n with label, after removing the request labels it has, so
// that the label is added anew and its labeled event starts the pull request's workflow.
func requestRun(ctx context.Context, c *ghapi.Client, n int, label string) error {
	labels, err := c.Labels(ctx, n)
	if err != nil {
		return err
	}
	for _, l := range labels {
		if _, ok, _ := command.ParseLabel(l); ok {
			if err := c.RemoveLabel(ctx, n, l); err != nil {
				return err
			}
		}
	}
	return c.AddLabel(ctx, n, label)
}

// requested decides what a pull_request event that labelled pull request pr asks for: a request
// label (see command.ParseLabel) measures the pull request, in its count of rounds when it gives
// one, but only while it is open and its head is still the event's, which the API says: else
// the run for the newer head reports, and this one measures nothing. ok is false when nothing
// is to be measured, which is said in a notice or warning, never a failed check.
func (a *Action) requested(ctx context.Context, pr *ghapi.PullRequest) (run command.Run, ok bool, err error) {
	run, isRequest, badArgs := command.ParseLabel(pr.Label)
	switch {
	case !isRequest:
		a.Runtime.Noticef("benchgate: the label %q is not a benchgate request: nothing to do", pr.Label)
		return run, false, nil
	case badArgs != nil:
		a.Runtime.Warningf("benchgate: %v: nothing is measured", badArgs)
		return run, false, nil
	}
	client, err := a.client()
	if err != nil {
		return run, false, err
	}
	now, open, err := client.PullRequest(ctx, pr.Number)
	if err != nil {
		return run, false, err
	}
	switch {
	case !open:
		a.Runtime.Noticef("benchgate: #%d is closed: the label %s measures nothing", pr.Number, pr.Label)
		return run, false, nil
	case now.HeadSHA != pr.HeadSHA:
		a.Runtime.Noticef("benchgate: #%d's head moved from %s to %s after it was labelled %s: nothing is measured here; the run for the new head reports", pr.Number, report.ShortSHA(pr.HeadSHA), report.ShortSHA(now.HeadSHA), pr.Label)
		return run, false, nil
	}
	a.Runtime.Noticef("benchgate: the label %s requests a measurement of #%d at %s", pr.Label, pr.Number, report.ShortSHA(pr.HeadSHA))
	return run, true, nil
}

// reply posts text as a new comment on the command's pull request, linking the command: an
// answer to one request, which the sticky comment, kept up to date for the head, is not.
func (a *Action) reply(ctx context.Context, client *ghapi.Client, ev *ghapi.IssueComment, text string) error {
	link := fmt.Sprintf("%s/pull/%d#issuecomment-%d", a.Env.RepoURL(), ev.Number, ev.ID)
	url, err := client.PostComment(ctx, ev.Number, fmt.Sprintf("benchgate, on [this command](%s): %s", link, text))
	if err != nil {
		return fmt.Errorf("replying to the command on #%d: %w", ev.Number, err)
	}
	a.Runtime.Infof("benchgate: replied on #%d: %s", ev.Number, url)
	return nil
}

// code sets text from a comment or an error in code style, where GitHub makes nothing of it: no
// mention pings, no markdown renders. A backtick would end the span, so it becomes a quote.
func code(s string) string {
	return "`" + strings.NewReplacer("`", "'", "\r", " ", "\n", " ").Replace(s) + "`"
}
