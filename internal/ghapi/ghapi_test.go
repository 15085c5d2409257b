package ghapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
)

const headSHA = "1111111111111111111111111111111111111111"

func setup(t *testing.T) (*ghtest.Server, *Client, *[]string) {
	t.Helper()
	srv := ghtest.New(t, "octo", "repo")
	srv.AddPull(ghtest.PullRequest{Number: 7, HeadSHA: headSHA, HeadRef: "feature", HeadRepo: "octo/repo", BaseSHA: "2222", BaseRef: "main"})
	var logs []string
	c, err := New(Config{Token: "ghs_test", APIURL: srv.APIURL(), Repository: "octo/repo", Log: func(s string) { logs = append(logs, s) }})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, &logs
}

func TestStickyCreatesThenUpdates(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	first, err := c.PostSticky(ctx, 7, "gate", headSHA, "first", true)
	if err != nil || !first.Created {
		t.Fatalf("first post: %+v, %v", first, err)
	}
	second, err := c.PostSticky(ctx, 7, "gate", headSHA, "second", true)
	if err != nil || second.Created || second.URL != first.URL {
		t.Fatalf("second post: %+v, %v; want the same comment updated", second, err)
	}
	cs := srv.Comments(7)
	if len(cs) != 1 || !strings.HasSuffix(cs[0].Body, "\nsecond") || !strings.HasPrefix(cs[0].Body, marker("gate", headSHA)) {
		t.Errorf("comments %+v", cs)
	}
	if _, err := c.PostSticky(ctx, 7, "other-gate", headSHA, "another gate", true); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Comments(7)); n != 2 {
		t.Errorf("%d comments; each comment key has its own", n)
	}
}

// TestStickyAmongMany finds the sticky comment on the third page of 150+ comments, and ignores a
// person's comment that copies the marker.
func TestStickyAmongMany(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	srv.AddComment(7, marker("gate", headSHA)+"\nforged by a person", "mallory", "User")
	for range 150 {
		srv.AddComment(7, "LGTM", "reviewer", "User")
	}
	ours := srv.AddComment(7, marker("gate", "0000")+"\nold result", "github-actions[bot]", "Bot")
	if _, err := c.PostSticky(ctx, 7, "gate", headSHA, "new result", true); err != nil {
		t.Fatal(err)
	}
	cs := srv.Comments(7)
	if len(cs) != 152 {
		t.Fatalf("%d comments, want 152: a duplicate was created", len(cs))
	}
	for _, cm := range cs {
		switch {
		case cm.ID == ours && !strings.HasSuffix(cm.Body, "new result"):
			t.Errorf("our comment was not updated: %q", cm.Body)
		case cm.Login == "mallory" && strings.Contains(cm.Body, "new result"):
			t.Error("a person's comment with the marker was taken for ours")
		}
	}
	if n := srv.Count("GET /repos/octo/repo/issues/7/comments"); n != 2 {
		t.Errorf("%d list requests, want 2 pages of 100", n)
	}
}

func TestStickyByLogin(t *testing.T) {
	srv, c, _ := setup(t)
	srv.Login = "perf-bot"
	srv.AddComment(7, marker("gate", "0000")+"\nsome bot's", "github-actions[bot]", "Bot")
	mine := srv.AddComment(7, marker("gate", "0000")+"\nmine", "perf-bot", "User")
	if _, err := c.PostSticky(context.Background(), 7, "gate", headSHA, "updated", true); err != nil {
		t.Fatal(err)
	}
	for _, cm := range srv.Comments(7) {
		if (cm.ID == mine) != strings.HasSuffix(cm.Body, "updated") {
			t.Errorf("comment %d by %s: %q", cm.ID, cm.Login, cm.Body)
		}
	}
}

func TestStickyReadOnly(t *testing.T) {
	srv, c, _ := setup(t)
	srv.ReadOnly = true
	_, err := c.PostSticky(context.Background(), 7, "gate", headSHA, "x", true)
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("error %v, want ErrReadOnly", err)
	}
}

func TestStickyStale(t *testing.T) {
	srv, c, _ := setup(t)
	_, err := c.PostSticky(context.Background(), 7, "gate", "3333333333333333", "older commit", true)
	if !errors.Is(err, ErrStale) {
		t.Errorf("error %v, want ErrStale", err)
	}
	if n := srv.Count("POST "); n != 0 {
		t.Errorf("a stale run wrote %d comments", n)
	}
}

func TestStickyOnlyUpdates(t *testing.T) {
	srv, c, _ := setup(t)
	s, err := c.PostSticky(context.Background(), 7, "gate", headSHA, "x", false)
	if err != nil || s != nil || len(srv.Comments(7)) != 0 {
		t.Errorf("%+v, %v; want nothing done", s, err)
	}
}

func TestRetries(t *testing.T) {
	srv, c, logs := setup(t)
	srv.SecondaryLimit = 1
	srv.ServerErrors = 2
	start := time.Now()
	if _, err := c.PostSticky(context.Background(), 7, "gate", headSHA, "x", true); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("took %v: the secondary rate limit's Retry-After of 1s was not waited out", took)
	}
	text := strings.Join(*logs, "\n")
	if !strings.Contains(text, "502 Bad Gateway; retrying") || !strings.Contains(text, "secondary rate limit; retrying in 1s") {
		t.Errorf("logs:\n%s", text)
	}
	if n := len(srv.Comments(7)); n != 1 {
		t.Errorf("%d comments after retries, want 1", n)
	}
}

func TestRetriesGiveUp(t *testing.T) {
	srv, _, _ := setup(t)
	srv.ServerErrors = 100
	c, err := New(Config{Token: "t", APIURL: srv.APIURL(), Repository: "octo/repo", Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PostSticky(context.Background(), 7, "gate", headSHA, "x", true)
	if err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("error %v, want the 502 after the last attempt", err)
	}
	if n := srv.Count("GET /repos/octo/repo/pulls/7"); n != 5 {
		t.Errorf("%d attempts, want 5", n)
	}
}

func TestFindPullRequest(t *testing.T) {
	srv, c, _ := setup(t)
	srv.AddPull(ghtest.PullRequest{Number: 9, HeadSHA: "abc", HeadRef: "patch-1", HeadRepo: "forker/repo", BaseRef: "main"})
	srv.AddPull(ghtest.PullRequest{Number: 10, HeadSHA: "def", HeadRef: "patch-1", HeadRepo: "other/repo", BaseRef: "main"})
	n, err := c.FindPullRequest(context.Background(), "forker", "patch-1", "abc")
	if err != nil || n != 9 {
		t.Errorf("found #%d, %v; want #9", n, err)
	}
	if _, err := c.FindPullRequest(context.Background(), "forker", "patch-1", "zzz"); err == nil {
		t.Error("found a pull request for a SHA it is not at")
	}
}

func TestValidKey(t *testing.T) {
	for key, want := range map[string]bool{"gate": true, "bench-linux_1.2": true, "": false, "a b": false, "x-->": false, strings.Repeat("k", 65): false} {
		if ValidKey(key) != want {
			t.Errorf("ValidKey(%q) != %v", key, want)
		}
	}
}

// TestPullRequest reads a pull request's head, base and state as the API answers them, and
// refuses an answer whose SHAs could not be commits: they go to git as revisions.
func TestPullRequest(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	base := strings.Repeat("2", 40)
	srv.AddPull(ghtest.PullRequest{Number: 8, HeadSHA: headSHA, HeadRef: "patch-1", HeadRepo: "forker/repo", BaseSHA: base, BaseRef: "main"})
	srv.AddPull(ghtest.PullRequest{Number: 9, HeadSHA: headSHA, HeadRef: "old", HeadRepo: "octo/repo", BaseSHA: base, BaseRef: "main", State: "closed"})
	pr, open, err := c.PullRequest(ctx, 8)
	if want := (PullRequest{Number: 8, HeadSHA: headSHA, BaseSHA: base, HeadRepo: "forker/repo"}); err != nil || !open || *pr != want {
		t.Errorf("#8: %+v, open %v, %v; want %+v, open", pr, open, err, want)
	}
	if _, open, err := c.PullRequest(ctx, 9); err != nil || open {
		t.Errorf("#9: open %v, %v; want closed", open, err)
	}
	if _, _, err := c.PullRequest(ctx, 7); err == nil || !strings.Contains(err.Error(), `base.sha "2222"`) {
		t.Errorf("#7, base 2222: %v, want a refusal", err)
	}
	if _, _, err := c.PullRequest(ctx, 99); err == nil || !strings.Contains(err.Error(), "reading pull request #99") || !strings.Contains(err.Error(), "404") {
		t.Errorf("#99: %v", err)
	}
}

// TestPostComment writes a new comment each time, not the sticky one, and reports a read-only
// token as such.
func TestPostComment(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	for _, body := range []string{"first reply", "second reply"} {
		url, err := c.PostComment(ctx, 7, body)
		if err != nil || !strings.HasPrefix(url, "https://github.com/octo/repo/pull/7#issuecomment-") {
			t.Fatalf("%q: %q, %v", body, url, err)
		}
	}
	if cs := srv.Comments(7); len(cs) != 2 || cs[0].Body != "first reply" || cs[1].Body != "second reply" {
		t.Errorf("comments %+v", cs)
	}
	srv.ReadOnly = true
	if _, err := c.PostComment(ctx, 7, "third"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only token: %v", err)
	}
}
