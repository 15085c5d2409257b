package ghapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"unicode"

	"github.com/google/go-github/v93/github"
)

// PullRequest is what a pull_request (or pull_request_target) event says about the change.
type PullRequest struct {
	Number  int
	HeadSHA string
	BaseSHA string
	// HeadRepo is the head repository's owner/name: another one for a pull request from a fork.
	HeadRepo string
	// Action is what happened to the pull request ("opened", "synchronize", "labeled", ...),
	// and Label the name of the label that was added or removed, on "labeled" and "unlabeled":
	// both "" when the pull request was read from the API.
	Action, Label string
}

// ParsePullRequestEvent reads a pull_request event payload (the file at GITHUB_EVENT_PATH). The
// SHAs come from here, not from GITHUB_SHA, which names a merge commit GitHub made.
func ParsePullRequestEvent(data []byte) (*PullRequest, error) {
	var ev github.PullRequestEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("reading the pull_request event: %w", err)
	}
	pr := ev.GetPullRequest()
	out := &PullRequest{Number: pr.GetNumber(), HeadSHA: pr.GetHead().GetSHA(), BaseSHA: pr.GetBase().GetSHA(), HeadRepo: pr.GetHead().GetRepo().GetFullName(),
		Action: ev.GetAction(), Label: ev.GetLabel().GetName()}
	if out.Number == 0 || out.HeadSHA == "" || out.BaseSHA == "" {
		return nil, errors.New("the event has no pull_request with a number, head.sha and base.sha")
	}
	if out.Number < 0 || !isSHA(out.HeadSHA) || !isSHA(out.BaseSHA) {
		return nil, fmt.Errorf("the event's pull_request has number %d, head.sha %q and base.sha %q: expected a positive number and hexadecimal commit SHAs", out.Number, out.HeadSHA, out.BaseSHA)
	}
	if out.Action == "labeled" && out.Label == "" {
		return nil, errors.New("the pull_request event is labeled, but has no label with a name")
	}
	if out.Label != "" && !isLabel(out.Label) {
		return nil, fmt.Errorf("the pull_request event's label %q: expected a label's name as GitHub gives it, 1 to 50 characters and no control characters", out.Label)
	}
	return out, nil
}

// isLabel reports whether s could be a label's name on GitHub: 1 to 50 characters, none of them
// a control character (a line break would end a workflow command's line).
func isLabel(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 50
}

// WorkflowRun is what a workflow_run event says about the measuring run whose report is to be
// posted.
type WorkflowRun struct {
	HeadSHA    string
	HeadBranch string
	// HeadOwner owns the head repository (a fork's owner for a pull request from a fork).
	HeadOwner string
	// PullRequests are the pull requests the event lists with their head SHAs; empty when the
	// head is in a fork.
	PullRequests map[int]string
	Event        string // the event that started the measuring run
	Conclusion   string
}

// ParseWorkflowRunEvent reads a workflow_run event payload.
func ParseWorkflowRunEvent(data []byte) (*WorkflowRun, error) {
	var ev github.WorkflowRunEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("reading the workflow_run event: %w", err)
	}
	run := ev.GetWorkflowRun()
	out := &WorkflowRun{
		HeadSHA: run.GetHeadSHA(), HeadBranch: run.GetHeadBranch(), HeadOwner: run.GetHeadRepository().GetOwner().GetLogin(),
		PullRequests: map[int]string{}, Event: run.GetEvent(), Conclusion: run.GetConclusion(),
	}
	if out.HeadSHA == "" { // also when there is no workflow_run, whose list cannot be read
		return nil, errors.New("the event has no workflow_run with a head_sha")
	}
	if !isSHA(out.HeadSHA) {
		return nil, fmt.Errorf("the event's workflow_run.head_sha %q is not a hexadecimal commit SHA", out.HeadSHA)
	}
	for _, pr := range run.PullRequests {
		out.PullRequests[pr.GetNumber()] = pr.GetHead().GetSHA()
	}
	return out, nil
}

// IssueComment is what an issue_comment event says about a comment: on which issue or pull
// request, by whom, and what it says. The event carries no commit: a pull request's head is read
// from the API.
type IssueComment struct {
	// Number is the issue's or pull request's; PullRequest is true for a pull request.
	Number      int
	PullRequest bool
	// Action is "created", "edited" or "deleted".
	Action string
	Body   string
	// Login is the commenter's; ID the comment's.
	Login string
	ID    int64
}

// ParseIssueCommentEvent reads an issue_comment event payload. The login goes into API paths,
// so it must be one GitHub could have given.
func ParseIssueCommentEvent(data []byte) (*IssueComment, error) {
	var ev github.IssueCommentEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("reading the issue_comment event: %w", err)
	}
	is, cm := ev.GetIssue(), ev.GetComment()
	out := &IssueComment{Number: is.GetNumber(), PullRequest: is.GetPullRequestLinks() != nil, Action: ev.GetAction(), Body: cm.GetBody(), Login: cm.GetUser().GetLogin(), ID: cm.GetID()}
	if out.Number == 0 || out.Login == "" || out.ID == 0 {
		return nil, errors.New("the issue_comment event has no issue with a number and comment with an id and a user's login")
	}
	if out.Number < 0 || out.ID < 0 || !isLogin(out.Login) {
		return nil, fmt.Errorf("the issue_comment event has issue number %d, comment id %d and login %q: expected positive numbers and a GitHub login (letters, digits and hyphens, or an app's name[bot])", out.Number, out.ID, out.Login)
	}
	return out, nil
}

// login is a GitHub user's login, up to 39 letters, digits and hyphens (not first), or an app's
// bot, "name[bot]".
var login = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$`)

func isLogin(s string) bool { return login.MatchString(s) }

// sha is a commit's full SHA: SHA-1, or SHA-256 in a repository that uses it.
var sha = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

func isSHA(s string) bool { return sha.MatchString(s) }

// Push is what a push or workflow_dispatch event says about the commit to record.
type Push struct {
	SHA string
	// Ref is the branch ("refs/heads/main"); DefaultBranch the repository's ("main").
	Ref, DefaultBranch string
}

// OnDefaultBranch reports whether the commit is on the repository's default branch.
func (p *Push) OnDefaultBranch() bool { return p.Ref == "refs/heads/"+p.DefaultBranch }

// ParsePushEvent reads a push event payload.
func ParsePushEvent(data []byte) (*Push, error) {
	var ev github.PushEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("reading the push event: %w", err)
	}
	p := &Push{SHA: ev.GetAfter(), Ref: ev.GetRef(), DefaultBranch: ev.GetRepo().GetDefaultBranch()}
	if p.SHA == "" || p.Ref == "" {
		return nil, errors.New("the event has no after SHA and ref")
	}
	if !isSHA(p.SHA) {
		return nil, fmt.Errorf("the push event's after %q is not a hexadecimal commit SHA", p.SHA)
	}
	return p, nil
}

// ParseDispatchEvent reads a workflow_dispatch event payload; the commit is the run's
// (GITHUB_SHA), which the payload does not carry.
func ParseDispatchEvent(data []byte, sha string) (*Push, error) {
	var ev github.WorkflowDispatchEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("reading the workflow_dispatch event: %w", err)
	}
	return &Push{SHA: sha, Ref: ev.GetRef(), DefaultBranch: ev.GetRepo().GetDefaultBranch()}, nil
}
