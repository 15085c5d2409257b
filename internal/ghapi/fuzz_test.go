package ghapi_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghapi"
)

// FuzzParseEvents gives the same bytes to each event parser, as the action reads whatever file
// GITHUB_EVENT_PATH names. No parser may panic or accept what is not JSON; each error must say
// which event it was reading or what it missed; and what a parser returns must be the payload's
// own fields (checked against a decoding of just those fields), with the fields each parser
// requires set: a pull request's number and both SHAs (and a label's name when it was labeled),
// a workflow run's head SHA, a push's SHA and ref, a comment's issue number, id and login. The parsers promise no more than that: they do not check that a SHA is hex or that a
// number is positive.
//
// The seeds are the event payloads of the action's tests, with their placeholders filled in as
// those tests fill them.
func FuzzParseEvents(f *testing.F) {
	paths, _ := filepath.Glob("../../cmd/gate/testdata/events/*.json")
	if len(paths) < 5 {
		f.Fatalf("found %d event payloads for seeds", len(paths))
	}
	fill := strings.NewReplacer("{{HEAD_SHA}}", strings.Repeat("1", 40), "{{BASE_SHA}}", strings.Repeat("2", 40),
		"{{AFTER}}", strings.Repeat("3", 40), "{{BEFORE}}", strings.Repeat("4", 40), "{{REF}}", "refs/heads/main",
		"{{LOGIN}}", "maintainer", "{{BODY}}", `/benchgate run count=3\r\nThe last run was noisy.`,
		"{{LABEL}}", "benchgate-run count=3", "{{LABEL_URL}}", "benchgate-run%20count=3")
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(fill.Replace(string(data))))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		valid := json.Valid(data)

		pr, err := ghapi.ParsePullRequestEvent(data)
		check(t, "pull_request", err, valid)
		if p, ok := decode[prEvent](data); err == nil {
			want := ghapi.PullRequest{Number: p.PR.Number, HeadSHA: p.PR.Head.SHA, BaseSHA: p.PR.Base.SHA, HeadRepo: p.PR.Head.Repo.FullName,
				Action: p.Action, Label: p.Label.Name}
			if !ok || *pr != want || pr.Number == 0 || pr.HeadSHA == "" || pr.BaseSHA == "" || (pr.Action == "labeled" && pr.Label == "") {
				t.Errorf("pull request %+v; the payload says %+v", *pr, want)
			}
		}

		run, err := ghapi.ParseWorkflowRunEvent(data)
		check(t, "workflow_run", err, valid)
		if ev, ok := decode[runEvent](data); err == nil {
			r := ev.Run
			prs := map[int]string{}
			for _, p := range r.PullRequests {
				prs[p.Number] = p.Head.SHA
			}
			if !ok || run.HeadSHA == "" || run.HeadSHA != r.HeadSHA || run.HeadBranch != r.HeadBranch ||
				run.HeadOwner != r.HeadRepository.Owner.Login || run.Event != r.Event ||
				run.Conclusion != r.Conclusion || !maps.Equal(run.PullRequests, prs) {
				t.Errorf("workflow run %+v; the payload says %+v", *run, r)
			}
		}

		push, err := ghapi.ParsePushEvent(data)
		check(t, "push", err, valid)
		if ev, ok := decode[pushEvent](data); err == nil {
			want := ghapi.Push{SHA: ev.After, Ref: ev.Ref, DefaultBranch: ev.Repo.DefaultBranch}
			if !ok || *push != want || push.SHA == "" || push.Ref == "" {
				t.Errorf("push %+v; the payload says %+v", *push, want)
			}
		}

		cm, err := ghapi.ParseIssueCommentEvent(data)
		check(t, "issue_comment", err, valid)
		if ev, ok := decode[commentEvent](data); err == nil {
			want := ghapi.IssueComment{Number: ev.Issue.Number, PullRequest: ev.Issue.PullRequest != nil, Action: ev.Action,
				Body: ev.Comment.Body, Login: ev.Comment.User.Login, ID: ev.Comment.ID}
			if !ok || *cm != want || cm.Number == 0 || cm.ID == 0 || cm.Login == "" {
				t.Errorf("issue comment %+v; the payload says %+v", *cm, want)
			}
		}

		const sha = "5555555555555555555555555555555555555555"
		dispatch, err := ghapi.ParseDispatchEvent(data, sha)
		check(t, "workflow_dispatch", err, valid)
		if ev, ok := decode[dispatchEvent](data); err == nil {
			want := ghapi.Push{SHA: sha, Ref: ev.Ref, DefaultBranch: ev.Repo.DefaultBranch}
			if !ok || *dispatch != want {
				t.Errorf("dispatch %+v; the payload says %+v", *dispatch, want)
			}
		}
	})
}

// check fails the test when a parser accepted what is not JSON, or its error names neither the
// event it was reading nor the fields it missed (the push parser names only those).
func check(t *testing.T, kind string, err error, valid bool) {
	t.Helper()
	if err == nil && !valid {
		t.Errorf("%s: accepted bytes that are not JSON", kind)
	}
	if err != nil && !strings.Contains(err.Error(), kind) && !strings.Contains(err.Error(), "no after SHA and ref") {
		t.Errorf("%s: error does not name the event: %v", kind, err)
	}
}

// The fields of each payload that its parser reads, decoded on their own.
type (
	prEvent struct {
		Action string `json:"action"`
		Label  struct {
			Name string `json:"name"`
		} `json:"label"`
		PR struct {
			Number int `json:"number"`
			Head   struct {
				SHA  string `json:"sha"`
				Repo struct {
					FullName string `json:"full_name"`
				} `json:"repo"`
			} `json:"head"`
			Base struct {
				SHA string `json:"sha"`
			} `json:"base"`
		} `json:"pull_request"`
	}
	runEvent struct {
		Run struct {
			HeadSHA        string `json:"head_sha"`
			HeadBranch     string `json:"head_branch"`
			Event          string `json:"event"`
			Conclusion     string `json:"conclusion"`
			HeadRepository struct {
				Owner struct {
					Login string `json:"login"`
				} `json:"owner"`
			} `json:"head_repository"`
			PullRequests []struct {
				Number int `json:"number"`
				Head   struct {
					SHA string `json:"sha"`
				} `json:"head"`
			} `json:"pull_requests"`
		} `json:"workflow_run"`
	}
	dispatchEvent struct {
		Ref  string `json:"ref"`
		Repo struct {
			DefaultBranch string `json:"default_branch"`
		} `json:"repository"`
	}
	commentEvent struct {
		Action string `json:"action"`
		Issue  struct {
			Number      int       `json:"number"`
			PullRequest *struct{} `json:"pull_request"`
		} `json:"issue"`
		Comment struct {
			ID   int64  `json:"id"`
			Body string `json:"body"`
			User struct {
				Login string `json:"login"`
			} `json:"user"`
		} `json:"comment"`
	}
	pushEvent struct {
		dispatchEvent
		After string `json:"after"`
	}
)

func decode[T any](data []byte) (T, bool) {
	var v T
	return v, json.Unmarshal(data, &v) == nil
}
