// Package gitexec runs git for gate: in a directory, with an environment and optional standard
// input, and on failure with an error that carries git's own message, which is what a person
// needs to see ("fatal: couldn't find remote ref …"), rather than "exit status 128".
package gitexec

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/procenv"
)

// Run runs git with args in dir and returns its standard output as it is. env is the whole
// environment of the command, less what procenv.Child removes; stdin, when not nil, is its standard input.
func Run(ctx context.Context, dir string, env []string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir, cmd.Env = dir, procenv.Child(env)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return stdout.Bytes(), nil
}

// Output is Run without standard input, with the output's surrounding white space trimmed.
func Output(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	out, err := Run(ctx, dir, env, nil, args...)
	return strings.TrimSpace(string(out)), err
}

// Commit is what gate keeps of a commit besides its results: its SHA, its first parent ("" for
// a root commit), its author date and its subject.
type Commit struct {
	SHA        string
	Parent     string
	AuthorDate time.Time
	Subject    string
}

// Log reads a commit's SHA, first parent, author date and subject.
func Log(ctx context.Context, dir string, env []string, rev string) (Commit, error) {
	raw, err := Run(ctx, dir, env, nil, "log", "-1", "--format=%H%n%P%n%aI%n%s", rev)
	if err != nil {
		return Commit{}, err
	}
	// Not trimmed: a root commit's parents and an empty subject are empty lines.
	out := strings.TrimSuffix(string(raw), "\n")
	lines := strings.SplitN(out, "\n", 4)
	if len(lines) < 4 {
		return Commit{}, fmt.Errorf("git log -1 %s: expected 4 lines (SHA, parents, date, subject), got %q", rev, out)
	}
	date, err := time.Parse(time.RFC3339, lines[2])
	if err != nil {
		return Commit{}, fmt.Errorf("git log -1 %s: author date: %w", rev, err)
	}
	parent, _, _ := strings.Cut(lines[1], " ")
	return Commit{SHA: lines[0], Parent: parent, AuthorDate: date, Subject: lines[3]}, nil
}
