package benchexec

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/benchgate/benchgate/internal/report"
)

// binary is a package's test binary built for one side.
type binary struct {
	side report.Side
	pkg  pkg
	path string
}

// buildError is a package that did not build on a side, with the compiler's message.
type buildError struct {
	side        report.Side
	pkg, output string
}

// build compiles each package's test binary once per side. A side's packages build in as few go
// commands as possible (go test -c -o DIR/ pkg...), so the standard library's test dependencies
// compile once and the go command schedules the work over the cores itself; the second side
// reuses the first's build cache; -trimpath keeps the worktree's temporary path out of the build,
// so that the cache serves the next run too. Packages whose binaries would have the same name go
// in separate commands. A package whose binary is missing afterwards is built alone, which also gives its
// compiler message on its own.
func build(ctx context.Context, env []string, binDir string, sides map[report.Side]*sideTree, jobs []binary) ([]binary, []buildError) {
	var built []binary
	var failed []buildError
	n := 0
	for _, side := range []report.Side{report.Base, report.Head} {
		for _, batch := range batches(jobs, side) {
			n++
			dir := filepath.Join(binDir, fmt.Sprintf("%s-%d", side, n))
			args := []string{"test", "-c", "-trimpath", "-o", dir + string(filepath.Separator)}
			for _, j := range batch {
				args = append(args, j.pkg.ImportPath)
			}
			goCommand(ctx, env, sides[side].moduleDir, args...)
			for i, j := range batch {
				j.path = filepath.Join(dir, path.Base(j.pkg.ImportPath)+".test"+exeSuffix)
				if _, err := os.Stat(j.path); err != nil {
					j.path = filepath.Join(dir, fmt.Sprintf("alone-%d.test%s", i, exeSuffix))
					if out, err := goCommand(ctx, env, sides[side].moduleDir, "test", "-c", "-trimpath", "-o", j.path, j.pkg.ImportPath); err != nil {
						failed = append(failed, buildError{side: side, pkg: j.pkg.ImportPath, output: out})
						continue
					}
				}
				built = append(built, j)
			}
		}
	}
	return built, failed
}

// batches splits a side's jobs into groups whose binaries have distinct names, in job order.
func batches(jobs []binary, side report.Side) [][]binary {
	var out [][]binary
	var names []map[string]bool
	for _, j := range jobs {
		if j.side != side {
			continue
		}
		name := path.Base(j.pkg.ImportPath)
		i := 0
		for i < len(out) && names[i][name] {
			i++
		}
		if i == len(out) {
			out = append(out, nil)
			names = append(names, map[string]bool{})
		}
		out[i] = append(out[i], j)
		names[i][name] = true
	}
	return out
}

// goCommand runs the go command in dir and returns its combined output, trimmed.
func goCommand(ctx context.Context, env []string, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	msg := strings.TrimSpace(out.String())
	if err != nil && msg == "" {
		msg = err.Error()
	}
	return msg, err
}
