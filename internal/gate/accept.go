package gate

import (
	"context"
	"fmt"
	"slices"

	"github.com/benchgate/benchgate/internal/accept"
	"github.com/benchgate/benchgate/internal/ghapi"
	"github.com/benchgate/benchgate/internal/report"
)

// acceptRegressions marks the regressions of rep that people with write access accepted in pull
// request pr, from the sources the policy honours, as GitHub says now: its description and
// labels, and the head commit's message. What is ignored, and why, is added to the report's
// warnings, so the comment says it. Any acceptance already in rep is dropped first: only what
// the API says counts, never what a report brought with it.
func (a *Action) acceptRegressions(ctx context.Context, rep *report.Report, pr int, headSHA string) {
	for i := range rep.Comparisons {
		rep.Comparisons[i].Accepted = nil
	}
	rep.Tally()
	if rep.Counts[report.Regression] == 0 {
		return
	}
	policy := report.DefaultAcceptPolicy()
	if rep.Settings.Accept != nil {
		policy = *rep.Settings.Accept
	}
	grants, notes := a.grants(ctx, pr, headSHA, policy)
	if n := accept.Apply(rep, grants); n > 0 {
		a.Runtime.Noticef("benchgate: %d regressions accepted", n)
	}
	for _, n := range notes {
		if len(rep.Warnings) < report.MaxWarnings {
			rep.Warnings = append(rep.Warnings, n)
		}
	}
}

// acceptPushed marks the regressions of a default-branch commit that were accepted in the pull
// request that merged it, so that its record notes them; a direct push has no pull request, and
// its own message alone is read.
func (a *Action) acceptPushed(ctx context.Context, rep *report.Report, sha string) {
	client, err := a.client()
	if err != nil {
		return // no token, no acceptances: the record is made all the same
	}
	pr, err := client.MergedPullRequest(ctx, sha)
	if err != nil {
		a.Runtime.Warningf("benchgate: %v; accepted regressions are not noted in the record", err)
		return
	}
	a.acceptRegressions(ctx, rep, pr, sha)
}

// grants reads the accept lines and the label of pull request pr that count: those whose writer
// has write access, with a reason when the policy wants one.
func (a *Action) grants(ctx context.Context, pr int, headSHA string, policy report.AcceptPolicy) ([]accept.Grant, []string) {
	client, err := a.client()
	if err != nil {
		return nil, []string{fmt.Sprintf("accept lines were not read: %v", err)}
	}
	var grants []accept.Grant
	var notes []string
	writers := map[string]bool{}
	canWrite := func(login, where string) bool {
		if login == "" {
			notes = append(notes, fmt.Sprintf("an accept in the %s is ignored: its author has no GitHub account", where))
			return false
		}
		ok, seen := writers[login]
		if !seen {
			var err error
			if ok, err = client.CanWrite(ctx, login); err != nil {
				notes = append(notes, fmt.Sprintf("an accept by %s in the %s is ignored: %v", login, where, err))
				return false
			}
			writers[login] = ok
		}
		if !ok {
			notes = append(notes, fmt.Sprintf("an accept by %s in the %s is ignored: only people with write access to the repository can accept a regression", login, where))
		}
		return ok
	}
	lines := func(text, by, source, where string) {
		ds, problems := accept.Parse(text)
		for _, p := range problems {
			notes = append(notes, fmt.Sprintf("an accept line in the %s is ignored: %s", where, p))
		}
		if len(ds) == 0 || !canWrite(by, where) {
			return
		}
		for _, d := range ds {
			if policy.RequireReason && d.Reason == "" {
				notes = append(notes, fmt.Sprintf("the accept of %s in the %s is ignored: it gives no reason (benchgate: accept %s — why)", d.Benchmark, where, d.Benchmark))
				continue
			}
			grants = append(grants, accept.Grant{Directive: d, By: by, Source: source})
		}
	}
	var labels []string
	if pr != 0 && (policy.Honours(report.AcceptDescription) || policy.Honours(report.AcceptLabel)) {
		text, err := client.PullRequestText(ctx, pr)
		if err != nil {
			return nil, []string{fmt.Sprintf("accepts were not read: %v", err)}
		}
		if policy.Honours(report.AcceptDescription) {
			lines(text.Body, text.Author, report.AcceptDescription, "pull request's description")
		}
		labels = text.Labels
	}
	if policy.Honours(report.AcceptCommit) {
		if msg, author, err := client.CommitMessage(ctx, headSHA); err != nil {
			notes = append(notes, fmt.Sprintf("the head commit's accept lines were not read: %v", err))
		} else {
			lines(msg, author, report.AcceptCommit, "head commit's message")
		}
	}
	if policy.Honours(report.AcceptLabel) && slices.Contains(labels, policy.Label) {
		where := "label " + policy.Label
		if who, err := client.LabelAdder(ctx, pr, policy.Label); err != nil {
			notes = append(notes, fmt.Sprintf("the %s is ignored: %v", where, err))
		} else if canWrite(who, where) {
			grants = append(grants, accept.Grant{Directive: accept.Directive{Reason: policy.Label}, By: who, Source: report.AcceptLabel})
		}
	}
	return grants, notes
}

// client is the API client of the action's token.
func (a *Action) client() (*ghapi.Client, error) {
	if a.Inputs.Token == "" {
		return nil, fmt.Errorf("no token: set the input token (the default is ${{ github.token }})")
	}
	return a.clientWith(a.Inputs.Token)
}

// clientWith is an API client of token.
func (a *Action) clientWith(token string) (*ghapi.Client, error) {
	return ghapi.New(ghapi.Config{Token: token, APIURL: a.Env.APIURL, Repository: a.Env.Repository, Log: func(s string) { a.Runtime.Infof("benchgate: %s", s) }})
}
