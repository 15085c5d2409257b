package gate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestActionPullRequestBoth runs the action's pull request flow with measure: both against the
// loopback API, on a pull request whose BenchmarkWork does 20% more work: the sticky comment
// shows the benchmark in time and in counts, and, under the regression, the functions its
// instructions went to.
func TestActionPullRequestBoth(t *testing.T) {
	needValgrind(t)
	repo, base, head := countedRepo(t, 3000, 3600)
	r := newPRRunner(t, repo, base, head)
	err, log := r.run(t, map[string]string{
		"INPUT_MEASURE": "both", "INPUT_BENCH": "Work", "INPUT_COUNT": "5",
		"INPUT_MAX-COUNT": "5", "INPUT_BENCHTIME": "3000x", "INPUT_COMMENT": "always", "INPUT_PROFILE": "true",
	})
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("the action: %v, want the gate to fail\n%s", err, log)
	}
	comments := r.srv.Comments(7)
	if len(comments) != 1 {
		t.Fatalf("%d comments, want the sticky one", len(comments))
	}
	body := comments[0].Body
	for _, want := range []string{"instructions/op", "est-cycles/op", "sec/op", "Where the regressions went", "example.com/counted.spin", "cg_diff profiles/"} {
		if !strings.Contains(body, want) {
			t.Errorf("the comment lacks %q:\n%s", want, body)
		}
	}
	if _, err := os.Stat(filepath.Join(repo, ".benchgate", "profiles")); err != nil {
		t.Error(err)
	}
}
