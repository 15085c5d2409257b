package gate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/benchgate/benchgate/internal/command"
	"github.com/benchgate/benchgate/internal/ghactions"
	"github.com/benchgate/benchgate/internal/ghapi"
	"github.com/benchgate/benchgate/internal/gitexec"
	"github.com/benchgate/benchgate/internal/report"
)

// Command answers a "/benchgate run" comment on a pull request, as one of the two jobs of the
// command workflow, which the command-step input names. Measuring runs the pull request's code,
// so it has a read-only token and posts nothing; replying has a token that may comment and runs
// none of that code. Each step reads the comment from the event and asks the API whether its
// writer has write access: the reply never takes the measuring job's word, or its artifact's,
// for anything but the measurement, which it validates.
//
// Comments that are no command, edits, and comments on issues are left alone, with a notice.
// A command from someone without write access measures nothing, and the reply says why; so
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
	replying := a.Inputs.CommandStep == ghactions.StepReply
	answer := func(text string) error {
		if !replying {
			return nil // the reply step says it on the pull request
		}
		return a.reply(ctx, client, ev, text)
	}
	writer, err := client.CanWrite(ctx, ev.Login)
	if err != nil {
		return err
	}
	if !writer {
		a.Runtime.Noticef("benchgate: %s has no write access to the repository, so /benchgate run is not honoured: nothing is measured", ev.Login)
		return answer(fmt.Sprintf("`/benchgate run` is honoured only from people with write access to this repository, which %s does not have, so nothing was measured.", code(ev.Login)))
	}
	if badArgs != nil {
		a.Runtime.Noticef("benchgate: %v: nothing is measured", badArgs)
		return answer(fmt.Sprintf("nothing was measured: %s. Ask with `/benchgate run`, or `/benchgate run count=N` for N rounds.", code(badArgs.Error())))
	}
	pr, open, err := client.PullRequest(ctx, ev.Number)
	if err != nil {
		return err
	}
	if !open {
		a.Runtime.Noticef("benchgate: #%d is closed: nothing is measured", ev.Number)
		return answer(fmt.Sprintf("#%d is closed, so nothing was measured.", ev.Number))
	}
	if replying {
		return a.replyMeasured(ctx, client, ev, pr)
	}
	return a.measureCommand(ctx, pr, run)
}

// measureCommand measures pull request pr at the head the API names, against its merge-base with
// its base, as a pull_request run would, with the command's count of rounds. The checkout is the
// default branch's (its config and the action's code are trusted), so the head is fetched first.
// It posts nothing: its token is read-only, and the reply job posts the results directory.
func (a *Action) measureCommand(ctx context.Context, pr *ghapi.PullRequest, run command.Run) error {
	c, err := a.prepare(ctx)
	if err != nil {
		return err
	}
	if err := fetchPullRequest(ctx, c, pr); err != nil {
		return err
	}
	asked := *a
	if run.Count > 0 {
		asked.Inputs.Count = run.Count
	}
	rep, err := asked.measurePullRequest(ctx, c, pr)
	if err != nil {
		return err
	}
	a.Runtime.Noticef("benchgate: measured #%d at %s, %d rounds asked for; the reply job posts the report", pr.Number, report.ShortSHA(pr.HeadSHA), asked.Inputs.Count)
	return a.failed(rep)
}

// fetchPullRequest fetches pull request pr's head from origin, where GitHub keeps it as
// refs/pull/N/head also for a fork's pull request, and makes sure the commit the API named is
// there: when it is not, the pull request moved between the API's answer and the fetch, and
// what to measure is no longer known.
func fetchPullRequest(ctx context.Context, c checkout, pr *ghapi.PullRequest) error {
	ref := fmt.Sprintf("refs/pull/%d/head", pr.Number)
	if _, err := gitexec.Output(ctx, c.dir, c.environ, "fetch", "--quiet", "--no-tags", "origin", "+"+ref); err != nil {
		return fmt.Errorf("fetching pull request #%d's head: %w", pr.Number, err)
	}
	if _, err := gitexec.Output(ctx, c.dir, c.environ, "cat-file", "-e", pr.HeadSHA+"^{commit}"); err != nil {
		return fmt.Errorf("pull request #%d moved: the API names %s as its head, but origin's %s does not have it; ask again with /benchgate run", pr.Number, pr.HeadSHA, ref)
	}
	return nil
}

// replyMeasured posts the report the measuring job left (the report input) as the sticky
// comment, validated as the fork-safe comment step validates it: it must be a measurement of
// pull request pr's current head, and the pull request is the event's. No report means the
// measurement failed, and the reply says so with a link to the run.
func (a *Action) replyMeasured(ctx context.Context, client *ghapi.Client, ev *ghapi.IssueComment, pr *ghapi.PullRequest) error {
	path := a.Inputs.ReportPath
	if !filepath.IsAbs(path) {
		path = filepath.Join(a.Env.Workspace, path)
	}
	if _, err := os.Stat(reportFile(path)); errors.Is(err, fs.ErrNotExist) {
		a.Runtime.Warningf("benchgate: no report at %s: the measurement failed or was cancelled", path)
		where := "the workflow run's log"
		if url := a.Env.RunURL(); url != "" {
			where = fmt.Sprintf("[the workflow run](%s)", url)
		}
		return a.reply(ctx, client, ev, fmt.Sprintf("the measurement left no report: it failed or was cancelled. See %s.", where))
	}
	rep, file, err := readMeasured(path)
	if err != nil {
		return err
	}
	if rep.Run.Head.SHA != pr.HeadSHA {
		a.Runtime.Noticef("benchgate: not posting the report %s: it measured %s, but #%d's head is now %s", file, rep.Run.Head.SHA, pr.Number, pr.HeadSHA)
		return a.reply(ctx, client, ev, fmt.Sprintf("the measurement of %s is not posted: the pull request's head is now %s. Ask again with `/benchgate run`.", code(report.ShortSHA(rep.Run.Head.SHA)), code(report.ShortSHA(pr.HeadSHA))))
	}
	return a.postMeasured(ctx, rep, pr.Number, pr.HeadSHA, true)
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
