package ghapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/google/go-github/v93/github"
)

// ErrReadOnly is returned when the token may not write comments: the GITHUB_TOKEN of a pull
// request from a fork is read-only.
var ErrReadOnly = errors.New("the token may not comment on this pull request (a pull request from a fork gets a read-only token); use the fork-safe setup: measure in a pull_request workflow, comment from a workflow_run workflow")

// ErrStale is returned when the pull request's head moved on while this run measured an older
// commit: its result must not replace what a run for the newer commit reports.
var ErrStale = errors.New("the pull request's head has moved past the measured commit")

var keyRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ValidKey reports whether key can name a sticky comment.
func ValidKey(key string) bool { return keyRE.MatchString(key) }

// marker is the hidden first line of the sticky comment for key: it finds the comment again and
// records the head commit it reports on.
func marker(key, headSHA string) string {
	return fmt.Sprintf("<!-- benchgate:sticky key=%s head=%s -->", key, headSHA)
}

func markerPrefix(key string) string { return fmt.Sprintf("<!-- benchgate:sticky key=%s ", key) }

// author is whom sticky comments are found by.
type author struct {
	login string // "" when the token cannot say who it is
}

// matches reports whether a comment by u could be ours. Without a login (the Actions token and
// app tokens answer 403 to GET /user), only a bot's comments can be, never a person's, however
// the comment reads.
func (a author) matches(u *github.User) bool {
	if a.login != "" {
		return strings.EqualFold(u.GetLogin(), a.login)
	}
	return u.GetType() == "Bot"
}

func (c *Client) self(ctx context.Context) (author, error) {
	u, _, err := c.gh.Users.Get(ctx, "")
	var er *github.ErrorResponse
	if errors.As(err, &er) && (er.Response.StatusCode == http.StatusForbidden || er.Response.StatusCode == http.StatusUnauthorized) {
		return author{}, nil
	}
	if err != nil {
		return author{}, err
	}
	return author{login: u.GetLogin()}, nil
}

// findSticky pages through all the pull request's comments for the oldest one with key's marker
// written by a.
func (c *Client) findSticky(ctx context.Context, pr int, key string, a author) (*github.IssueComment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, pr, opts)
		if err != nil {
			return nil, err
		}
		for _, cm := range comments {
			if strings.HasPrefix(cm.GetBody(), markerPrefix(key)) && a.matches(cm.GetUser()) {
				return cm, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// Sticky says what PostSticky did.
type Sticky struct {
	URL     string
	Created bool
}

// PostSticky writes body as the sticky comment for key on pull request pr, for the head commit
// headSHA: it updates the comment in place, or creates it. create false only updates: a
// comment that does not exist yet is not started. It returns ErrStale when the pull request's
// head is no longer headSHA, and ErrReadOnly when the token may not comment.
func (c *Client) PostSticky(ctx context.Context, pr int, key, headSHA, body string, create bool) (*Sticky, error) {
	if !ValidKey(key) {
		return nil, fmt.Errorf("comment key %q: expected 1 to 64 letters, digits, '.', '_' or '-'", key)
	}
	p, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.repo, pr)
	if err != nil {
		return nil, fmt.Errorf("reading pull request #%d: %w", pr, err)
	}
	if p.GetHead().GetSHA() != headSHA {
		return nil, fmt.Errorf("%w: #%d is at %s, this run measured %s", ErrStale, pr, report.ShortSHA(p.GetHead().GetSHA()), report.ShortSHA(headSHA))
	}
	me, err := c.self(ctx)
	if err != nil {
		return nil, err
	}
	existing, err := c.findSticky(ctx, pr, key, me)
	if err != nil {
		return nil, fmt.Errorf("listing the comments of #%d: %w", pr, err)
	}
	req := github.IssueCommentRequest{Body: marker(key, headSHA) + "\n" + body}
	var cm *github.IssueComment
	switch {
	case existing != nil:
		cm, _, err = c.gh.Issues.UpdateComment(ctx, c.owner, c.repo, existing.GetID(), req)
	case create:
		cm, _, err = c.gh.Issues.CreateComment(ctx, c.owner, c.repo, pr, req)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, readOnly(err)
	}
	return &Sticky{URL: cm.GetHTMLURL(), Created: existing == nil}, nil
}

// PostComment writes body as a new comment on issue or pull request n, for answers that belong
// to one moment (a reply to a command), unlike the sticky comment, which is kept up to date.
// It returns the comment's URL, and ErrReadOnly when the token may not comment.
func (c *Client) PostComment(ctx context.Context, n int, body string) (string, error) {
	cm, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, n, github.IssueCommentRequest{Body: body})
	if err != nil {
		return "", readOnly(err)
	}
	return cm.GetHTMLURL(), nil
}

// readOnly turns GitHub's answer to a read-only token into ErrReadOnly.
func readOnly(err error) error {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response.StatusCode == http.StatusForbidden && strings.Contains(er.Message, "not accessible by integration") {
		return fmt.Errorf("%w (%s)", ErrReadOnly, er.Message)
	}
	return err
}
