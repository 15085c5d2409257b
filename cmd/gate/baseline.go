package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/report"
)

func newBaseline() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Keep measured commits on a data branch, for trends",
	}
	var from, branch, remote string
	var keep int
	record := &cobra.Command{
		Use:   "record --from DIR",
		Short: "Store a measured commit on the data branch",
		Long: `Record stores the head side of a gate run (the directory written by gate run --out) on the
data branch: its raw results, the machine's fingerprint, the run's settings, and the commit's
parent, author date and subject. The branch holds one file per commit, records/<sha>.json,
and index.json, which is rebuilt from the records on every write.

It uses git's plumbing with a temporary index, so the checkout, index and branches are never
touched, and it never forces a push: when another writer got there first it rebuilds its
commit on the new tip and tries again, with jittered backoff, up to 8 times. A commit is
recorded once; --keep drops the oldest records in the same commit.`,
		Example: `  gate run --base HEAD~1 --head HEAD --out results && gate baseline record --from results
  gate trend --branch benchgate-data`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return recordBaseline(cmd.Context(), cmd.OutOrStdout(), from, remote, branch, keep)
		},
	}
	fl := record.Flags()
	fl.StringVar(&from, "from", "", "`dir` written by gate run --out, whose head side is recorded")
	fl.StringVar(&branch, "branch", "benchgate-data", "the data `branch`")
	fl.StringVar(&remote, "remote", "origin", "the `remote` the data branch is pushed to")
	fl.IntVar(&keep, "keep", 0, "keep the newest `n` records only (0 keeps all)")
	record.MarkFlagRequired("from")
	cmd.AddCommand(record)
	return cmd
}

func recordBaseline(ctx context.Context, out io.Writer, from, remote, branch string, keep int) error {
	rep, err := report.ReadFile(filepath.Join(from, "report.json"))
	if err != nil {
		return err
	}
	results, err := os.ReadFile(filepath.Join(from, "head.txt"))
	if err != nil {
		return err
	}
	// The base side is recorded when it was head's parent; a directory without it records head.
	parent, err := os.ReadFile(filepath.Join(from, "base.txt"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	commit, err := storeBaseline(ctx, baselineWrite{dir: ".", environ: os.Environ(), remote: remote, branch: branch, keep: keep}, rep, results, parent)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "recorded %s (%s) on %s\n", commit.SHA[:12], commit.Subject, branch)
	return nil
}

// baselineWrite says where and how a record is written.
type baselineWrite struct {
	dir     string   // the repository
	environ []string // the git commands' environment, before credentials are removed
	remote  string
	branch  string
	keep    int
	pages   bool // publish the charts and their index.html beside the records
}

// storeBaseline records the head side of a gate run (its report and raw results) on the data
// branch. When the run's base was head's first parent, the base's results are recorded too, so
// the record carries the commit's own change, measured on one machine in the same rounds.
func storeBaseline(ctx context.Context, w baselineWrite, rep *report.Report, results, baseResults []byte) (baseline.Commit, error) {
	if rep.Run == nil {
		return baseline.Commit{}, errors.New("the report was not written by gate run (no run section)")
	}
	if rep.Run.Head.Dirty {
		return baseline.Commit{}, errors.New("the run measured uncommitted changes: only a commit can be recorded")
	}
	env := benchexec.ChildEnv(w.environ)
	commit, err := commitInfo(ctx, env, w.dir, rep.Run.Head.SHA)
	if err != nil {
		return baseline.Commit{}, err
	}
	rec := baseline.Record{
		Commit: commit, RecordedAt: time.Now().UTC().Truncate(time.Second), Machine: rep.Run.Machine,
		Settings: map[string]string{"count": fmt.Sprint(rep.Run.Count), "rounds": fmt.Sprint(rep.Run.Rounds), "benchtime": rep.Run.Benchtime, "bench": rep.Run.Bench},
		Results:  string(results),
	}
	if commit.Parent != "" && rep.Run.Base.SHA == commit.Parent && !rep.Run.Base.Dirty {
		rec.ParentResults = string(baseResults)
	}
	s := &baseline.Store{Dir: w.dir, Remote: w.remote, Branch: w.branch, Env: env}
	if w.pages {
		s.Pages = site
	}
	return commit, s.Add(ctx, rec, w.keep)
}

// commitInfo reads a commit's parent, author date and subject.
func commitInfo(ctx context.Context, env []string, dir, sha string) (baseline.Commit, error) {
	out, err := gitOutput(ctx, env, dir, "log", "-1", "--format=%H%n%P%n%aI%n%s", sha)
	if err != nil {
		return baseline.Commit{}, err
	}
	lines := strings.SplitN(out, "\n", 4)
	if len(lines) < 4 {
		return baseline.Commit{}, errors.New("git log: unexpected output")
	}
	date, err := time.Parse(time.RFC3339, lines[2])
	if err != nil {
		return baseline.Commit{}, err
	}
	parent, _, _ := strings.Cut(lines[1], " ")
	return baseline.Commit{SHA: lines[0], Parent: parent, AuthorDate: date, Subject: lines[3]}, nil
}

// gitOutput runs git in dir and returns its output, trimmed.
func gitOutput(ctx context.Context, env []string, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %s", args[0], strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
