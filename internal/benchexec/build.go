package benchexec

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// binary is a package's test binary built for one side.
type binary struct {
	side string
	pkg  pkg
	path string
}

// buildError is a package that did not build on a side, with the compiler's message.
type buildError struct {
	side, pkg, output string
}

// build compiles each package's test binary once (go test -c), up to one build per core at a
// time. It returns the binaries that built and the packages that did not.
func build(ctx context.Context, env []string, binDir string, sides map[string]*sideTree, jobs []binary) ([]binary, []buildError) {
	var (
		mu     sync.Mutex
		built  []binary
		failed []buildError
		wg     sync.WaitGroup
	)
	sem := make(chan struct{}, runtime.NumCPU())
	for i, job := range jobs {
		job.path = filepath.Join(binDir, fmt.Sprintf("%s-%03d.test", job.side, i))
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", job.path, job.pkg.ImportPath)
			cmd.Dir, cmd.Env = sides[job.side].moduleDir, env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				msg := strings.TrimSpace(out.String())
				if msg == "" {
					msg = err.Error()
				}
				failed = append(failed, buildError{side: job.side, pkg: job.pkg.ImportPath, output: msg})
				return
			}
			built = append(built, job)
		})
	}
	wg.Wait()
	// Keep the order of the jobs, whatever order the builds finished in.
	order := map[string]int{}
	for i, j := range jobs {
		order[j.side+" "+j.pkg.ImportPath] = i
	}
	slices.SortFunc(built, func(a, b binary) int { return order[a.side+" "+a.pkg.ImportPath] - order[b.side+" "+b.pkg.ImportPath] })
	slices.SortFunc(failed, func(a, b buildError) int { return order[a.side+" "+a.pkg] - order[b.side+" "+b.pkg] })
	return built, failed
}
