package ghapi

import (
	"context"
	"fmt"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/google/go-github/v93/github"
)

// FindPullRequest returns the number of the open pull request whose head is branch of headOwner's
// fork (or of this repository) at headSHA. A workflow_run event lists no pull requests when the
// head is in a fork, so the fork-safe comment step finds it this way.
func (c *Client) FindPullRequest(ctx context.Context, headOwner, branch, headSHA string) (int, error) {
	opts := &github.PullRequestListOptions{State: "open", Head: headOwner + ":" + branch, ListOptions: github.ListOptions{PerPage: 100}}
	for {
		prs, resp, err := c.gh.PullRequests.List(ctx, c.owner, c.repo, opts)
		if err != nil {
			return 0, fmt.Errorf("listing pull requests for %s:%s: %w", headOwner, branch, err)
		}
		for _, p := range prs {
			if p.GetHead().GetSHA() == headSHA {
				return p.GetNumber(), nil
			}
		}
		if resp.NextPage == 0 {
			return 0, fmt.Errorf("no open pull request has %s:%s at %s", headOwner, branch, report.ShortSHA(headSHA))
		}
		opts.Page = resp.NextPage
	}
}

// PullRequest reads pull request n as it is now: its head and base commits and whether it is
// open. A comment that asks for a measurement carries no commit, so the API's head is the one
// measured; its SHAs go to git as revisions, so they must be hexadecimal.
func (c *Client) PullRequest(ctx context.Context, n int) (pr *PullRequest, open bool, err error) {
	p, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.repo, n)
	if err != nil {
		return nil, false, fmt.Errorf("reading pull request #%d: %w", n, err)
	}
	pr = &PullRequest{Number: p.GetNumber(), HeadSHA: p.GetHead().GetSHA(), BaseSHA: p.GetBase().GetSHA(), HeadRepo: p.GetHead().GetRepo().GetFullName()}
	if pr.Number != n || !isSHA(pr.HeadSHA) || !isSHA(pr.BaseSHA) {
		return nil, false, fmt.Errorf("pull request #%d: the API answered number %d, head.sha %q and base.sha %q: expected #%d and hexadecimal commit SHAs", n, pr.Number, pr.HeadSHA, pr.BaseSHA, n)
	}
	return pr, p.GetState() == "open", nil
}
