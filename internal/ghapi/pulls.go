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
