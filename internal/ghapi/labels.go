package ghapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/google/go-github/v93/github"
)

// ErrCannotLabel is returned when the token may not label the pull request.
var ErrCannotLabel = errors.New(`the token may not label this pull request: labelling needs the permission "Pull requests: write" (or "Issues: write") on this repository, for a fine-grained personal access token or a GitHub App alike; for the workflow's own token, permissions: pull-requests: write`)

// Labels returns the names of issue or pull request n's labels, paging through all of them.
func (c *Client) Labels(ctx context.Context, n int) ([]string, error) {
	opts := &github.ListOptions{PerPage: 100}
	var names []string
	for {
		labels, resp, err := c.gh.Issues.ListLabelsByIssue(ctx, c.owner, c.repo, n, opts)
		if err != nil {
			return nil, fmt.Errorf("listing the labels of #%d: %w", n, err)
		}
		for _, l := range labels {
			names = append(names, l.GetName())
		}
		if resp.NextPage == 0 {
			return names, nil
		}
		opts.Page = resp.NextPage
	}
}

// AddLabel adds label to pull request n. Adding a label that the pull request has already
// changes nothing, and no workflow run starts for it: to ask again, remove it first.
func (c *Client) AddLabel(ctx context.Context, n int, label string) error {
	if _, _, err := c.gh.Issues.AddLabelsToIssue(ctx, c.owner, c.repo, n, []string{label}); err != nil {
		return labelling(err, fmt.Sprintf("adding the label %q to #%d", label, n))
	}
	return nil
}

// RemoveLabel removes label from pull request n; a label it does not have is no error.
func (c *Client) RemoveLabel(ctx context.Context, n int, label string) error {
	// go-github puts the name into the path as it is; a name may hold "/", "?" or "#".
	_, err := c.gh.Issues.RemoveLabelForIssue(ctx, c.owner, c.repo, n, url.PathEscape(label))
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response.StatusCode == http.StatusNotFound && er.Message == "Label does not exist" {
		return nil
	}
	if err != nil {
		return labelling(err, fmt.Sprintf("removing the label %q from #%d", label, n))
	}
	return nil
}

// labelling says what failed, and which permission is missing when GitHub refused the token.
func labelling(err error, what string) error {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response.StatusCode == http.StatusForbidden {
		return fmt.Errorf("%s: %w (GitHub answered %q)", what, ErrCannotLabel, er.Message)
	}
	return fmt.Errorf("%s: %w", what, err)
}
