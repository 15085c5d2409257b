package benchexec

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/benchgate/benchgate/internal/report"
)

// codegenVars are the go command's settings that change the code it generates for a machine.
var codegenVars = []string{"GOAMD64", "GOARM64", "GOARM", "GO386", "GOPPC64", "GORISCV64", "GOWASM", "GOEXPERIMENT", "CGO_ENABLED"}

// sideBuild reads how a side's module is built: its go.mod's go and toolchain lines, and the go
// command's version and code-generation settings in its directory.
func sideBuild(ctx context.Context, env []string, moduleDir string) *report.Build {
	b := &report.Build{}
	if data, err := os.ReadFile(filepath.Join(moduleDir, "go.mod")); err == nil {
		if f, err := modfile.Parse("go.mod", data, nil); err == nil {
			if f.Go != nil {
				b.GoDirective = f.Go.Version
			}
			if f.Toolchain != nil {
				b.Toolchain = f.Toolchain.Name
			}
		}
	}
	cmd := exec.CommandContext(ctx, "go", append([]string{"env", "-json", "GOVERSION"}, codegenVars...)...)
	cmd.Dir, cmd.Env = moduleDir, env
	out, err := cmd.Output()
	var vars map[string]string
	if err == nil && json.Unmarshal(out, &vars) == nil {
		b.GoVersion = vars["GOVERSION"]
		for _, k := range codegenVars {
			if v := vars[k]; v != "" {
				if b.Env == nil {
					b.Env = map[string]string{}
				}
				b.Env[k] = v
			}
		}
	}
	return b
}

// buildDifference says how base and head were built differently, "" when alike.
func buildDifference(base, head *report.Build) string {
	if base == nil || head == nil {
		return ""
	}
	var diffs []string
	differ := func(what, b, h string) {
		if b != h {
			diffs = append(diffs, fmt.Sprintf("%s %s on base, %s on head", what, orNone(b), orNone(h)))
		}
	}
	differ("go.mod's go line", base.GoDirective, head.GoDirective)
	differ("go.mod's toolchain line", base.Toolchain, head.Toolchain)
	differ("the go command", base.GoVersion, head.GoVersion)
	keys := slices.Sorted(maps.Keys(base.Env))
	for _, k := range slices.Sorted(maps.Keys(head.Env)) {
		if _, ok := base.Env[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		differ(k, base.Env[k], head.Env[k])
	}
	if len(diffs) == 0 {
		return ""
	}
	return "base and head were built differently (" + strings.Join(diffs, "; ") + "): a change may be the toolchain's rather than the code's"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
