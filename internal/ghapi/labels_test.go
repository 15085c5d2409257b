package ghapi

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/ghapi/ghtest"
)

// TestLabels adds, lists and removes labels as the loopback API answers, as the token's actor:
// a name with a space or a slash goes into the path escaped, removing a label the pull request
// does not have is no error, and 150 labels are listed over two pages.
func TestLabels(t *testing.T) {
	srv, _, _ := setup(t)
	srv.Tokens["github_pat_requests"] = ghtest.Token{Login: "benchgate-requests[bot]"}
	c, err := New(Config{Token: "github_pat_requests", APIURL: srv.APIURL(), Repository: "octo/repo"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, l := range []string{"benchgate-run count=3", "perf/ci", "bug"} {
		if err := c.AddLabel(ctx, 7, l); err != nil {
			t.Fatalf("adding %q: %v", l, err)
		}
	}
	if err := c.AddLabel(ctx, 7, "bug"); err != nil { // already there: no change
		t.Fatal(err)
	}
	got, err := c.Labels(ctx, 7)
	if want := []string{"benchgate-run count=3", "perf/ci", "bug"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("labels %q, %v; want %q", got, err, want)
	}
	for _, l := range []string{"benchgate-run count=3", "perf/ci", "not there"} {
		if err := c.RemoveLabel(ctx, 7, l); err != nil {
			t.Errorf("removing %q: %v", l, err)
		}
	}
	if got := srv.Labels(7); !slices.Equal(got, []string{"bug"}) {
		t.Errorf("labels after removing %q", got)
	}
	if n := srv.Count("DELETE /repos/octo/repo/issues/7/labels/benchgate-run%20count=3") + srv.Count("DELETE /repos/octo/repo/issues/7/labels/perf%2Fci"); n != 2 {
		t.Errorf("the names were not escaped in the paths: %q", srv.Requests)
	}
	want := []ghtest.LabelEvent{
		{Label: "benchgate-run count=3", Actor: "benchgate-requests[bot]"}, {Label: "perf/ci", Actor: "benchgate-requests[bot]"}, {Label: "bug", Actor: "benchgate-requests[bot]"},
		{Label: "benchgate-run count=3", Actor: "benchgate-requests[bot]", Removed: true}, {Label: "perf/ci", Actor: "benchgate-requests[bot]", Removed: true},
	}
	if got := srv.LabelEvents(7); !slices.Equal(got, want) {
		t.Errorf("label events %+v\nwant %+v", got, want)
	}

	for i := range 150 {
		srv.AddLabel(7, "area-"+strconv.Itoa(i), "maintainer")
	}
	got, err = c.Labels(ctx, 7)
	if err != nil || len(got) != 151 || got[150] != "area-149" {
		t.Errorf("%d labels, %v; want 151", len(got), err)
	}
	if n := srv.Count("GET /repos/octo/repo/issues/7/labels"); n != 3 {
		t.Errorf("%d list requests, want 1 and then 2 pages of 100", n)
	}
	if _, err := c.Labels(ctx, 99); err == nil || !strings.Contains(err.Error(), "listing the labels of #99") {
		t.Errorf("#99: %v", err)
	}
}

// TestLabelsReadOnly is a token that may not label: the error says which permission it needs.
func TestLabelsReadOnly(t *testing.T) {
	srv, c, _ := setup(t)
	srv.AddLabel(7, "benchgate-run", "maintainer")
	srv.ReadOnly = true
	for name, err := range map[string]error{"add": c.AddLabel(context.Background(), 7, "benchgate-run count=3"), "remove": c.RemoveLabel(context.Background(), 7, "benchgate-run")} {
		if !errors.Is(err, ErrCannotLabel) || !strings.Contains(err.Error(), `"Pull requests: write"`) || !strings.Contains(err.Error(), "Resource not accessible by integration") {
			t.Errorf("%s: %v, want ErrCannotLabel naming the permission", name, err)
		}
	}
	srv.ReadOnly = false
	srv.Tokens["github_pat_readonly"] = ghtest.Token{Login: "maintainer", ReadOnly: true}
	c, err := New(Config{Token: "github_pat_readonly", APIURL: srv.APIURL(), Repository: "octo/repo"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddLabel(context.Background(), 7, "benchgate-run count=3"); !errors.Is(err, ErrCannotLabel) || !strings.Contains(err.Error(), `adding the label "benchgate-run count=3" to #7`) {
		t.Errorf("a read-only personal access token: %v", err)
	}
	if got := srv.Labels(7); !slices.Equal(got, []string{"benchgate-run"}) {
		t.Errorf("labels %q", got)
	}
}
