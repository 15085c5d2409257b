// Command gate is benchgate's command line: it compares Go benchmark results of two revisions
// with benchstat's statistics and fails when a change is a significant regression past its
// threshold. This file and its siblings only turn flags into options, call the internal
// packages (the use cases are in internal/gate), print, and choose the exit status.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/guard"
)

// Exit statuses, the same for every subcommand.
const (
	exitPass  = 0 // the gate passes
	exitFail  = 1 // a regression past its threshold
	exitError = 2 // bad usage, bad input or config, or nothing to compare
)

// usageError marks errors in how the command was called, which get a pointer to --help.
type usageError struct{ error }

func main() {
	// Before anything else, and above all before any benchmark runs: credentials out of the
	// exec-time environment, the process non-dumpable (see internal/guard).
	env, err := guard.Protect(os.Args, os.Environ(), os.Getenv("GITHUB_ACTIONS") == "true")
	if err != nil {
		fmt.Fprintf(os.Stderr, "gate: %v\n", err)
		os.Exit(exitError)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, env))
}

// environment is the environment gate runs with, as KEY=VALUE entries. It is passed in, never
// read from the process, so that each test can give a run its own and run in parallel.
type environment []string

// Getenv is the value of key, "" when it is not set.
func (e environment) Getenv(key string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// run executes the command line args in the environment env and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	root := newRoot(stdin, stdout, stderr, env)
	// In a GitHub Actions step without a subcommand, be the action: the container's entrypoint.
	if len(args) == 0 && environment(env).Getenv("GITHUB_ACTIONS") == "true" {
		args = []string{"action"}
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	switch {
	case err == nil:
		return exitPass
	case errors.Is(err, gate.ErrFailed):
		return exitFail
	}
	fmt.Fprintf(stderr, "gate: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return exitError
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer, env environment) *cobra.Command {
	root := &cobra.Command{
		Use:   "gate",
		Short: "A benchmark regression gate for Go",
		Long: `gate runs a Go repository's benchmarks on two revisions, compares them with benchstat's
statistics, and fails when a change is a statistically significant regression past the
configured thresholds.

Exit status: 0 when the gate passes, 1 when it fails (a regression past its threshold),
2 for bad usage, unreadable input or config, or nothing to compare.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newCompare(env), newRun(env), newMerge(), newAction(env), newComment(env), newTrend(env), newBaseline(env))
	return root
}

// version is the module version gate was built at, "devel" for a build from a checkout.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		compare.Tool.Version = bi.Main.Version
	}
	return compare.Tool.Version
}
