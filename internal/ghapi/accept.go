package ghapi

import (
	"context"
	"fmt"

	"github.com/google/go-github/v93/github"
)

// PullRequestText is what a pull request says of itself: its description and author, and its
// labels.
type PullRequestText struct {
	Body, Author string
	Labels       []string
}

// PullRequestText reads pull request n's description, author and labels from the API, so that
// what counts is what GitHub says now, not what an artifact or an old event payload said.
func (c *Client) PullRequestText(ctx context.Context, n int) (*PullRequestText, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.repo, n)
	if err != nil {
		return nil, fmt.Errorf("reading pull request #%d: %w", n, err)
	}
	out := &PullRequestText{Body: pr.GetBody(), Author: pr.GetUser().GetLogin()}
	for _, l := range pr.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out, nil
}

// MergedPullRequest returns the number of the merged pull request that made commit sha on the
// base branch, or 0 when none did (a direct push).
func (c *Client) MergedPullRequest(ctx context.Context, sha string) (int, error) {
	prs, _, err := c.gh.PullRequests.ListPullRequestsWithCommit(ctx, c.owner, c.repo, sha, &github.ListOptions{PerPage: 100})
	if err != nil {
		return 0, fmt.Errorf("looking up the pull request of %s: %w", sha, err)
	}
	for _, p := range prs {
		if p.GetMergeCommitSHA() == sha {
			return p.GetNumber(), nil
		}
	}
	return 0, nil
}

// CommitMessage reads a commit's message and its author's GitHub login ("" when the author's
// email belongs to no GitHub account).
func (c *Client) CommitMessage(ctx context.Context, sha string) (message, author string, err error) {
	rc, _, err := c.gh.Repositories.GetCommit(ctx, c.owner, c.repo, sha, nil)
	if err != nil {
		return "", "", fmt.Errorf("reading commit %s: %w", sha, err)
	}
	return rc.GetCommit().GetMessage(), rc.GetAuthor().GetLogin(), nil
}

// LabelAdder returns who last added label to pull request n, from its events.
func (c *Client) LabelAdder(ctx context.Context, n int, label string) (string, error) {
	opts := &github.ListOptions{PerPage: 100}
	who := ""
	for {
		events, resp, err := c.gh.Issues.ListIssueEvents(ctx, c.owner, c.repo, n, opts)
		if err != nil {
			return "", fmt.Errorf("reading the events of #%d: %w", n, err)
		}
		for _, e := range events {
			if e.GetEvent() == "labeled" && e.GetLabel().GetName() == label {
				who = e.GetActor().GetLogin()
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if who == "" {
		return "", fmt.Errorf("no event of #%d says who added the label %s", n, label)
	}
	return who, nil
}

// CanWrite tells whether login has write access to the repository (admin, maintain or write),
// by the collaborator permission API.
func (c *Client) CanWrite(ctx context.Context, login string) (bool, error) {
	p, _, err := c.gh.Repositories.GetPermissionLevel(ctx, c.owner, c.repo, login)
	if err != nil {
		return false, fmt.Errorf("reading %s's permission: %w", login, err)
	}
	switch p.GetPermission() {
	case "admin", "maintain", "write":
		return true, nil
	}
	switch p.GetRoleName() {
	case "admin", "maintain", "write":
		return true, nil
	}
	return false, nil
}
