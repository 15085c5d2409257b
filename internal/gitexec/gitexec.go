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
)

// Run runs git with args in dir and returns its standard output as it is. env is the whole
// environment of the command; stdin, when not nil, is its standard input.
func Run(ctx context.Context, dir string, env []string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir, cmd.Env = dir, env
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
