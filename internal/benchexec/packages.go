package benchexec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pkg is a package of one side that has test files.
type pkg struct {
	ImportPath string
	Dir        string
	// benchmarks are the names of its top-level benchmark functions.
	benchmarks []string
}

// listPackages lists the packages matching patterns in the module at dir, with their benchmark
// functions, found by parsing the test files (nothing is built or run to find them).
func listPackages(ctx context.Context, env []string, dir string, patterns []string) ([]pkg, error) {
	args := append([]string{"list", "-e", "-json=ImportPath,Dir,TestGoFiles,XTestGoFiles,Error", "--"}, patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list %s in %s: %s", strings.Join(patterns, " "), dir, firstLines(stderr.String(), 20))
	}
	var out []pkg
	dec := json.NewDecoder(&stdout)
	for {
		var p struct {
			ImportPath, Dir           string
			TestGoFiles, XTestGoFiles []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list output: %w", err)
		}
		files := append(p.TestGoFiles, p.XTestGoFiles...)
		if len(files) == 0 {
			continue
		}
		out = append(out, pkg{ImportPath: p.ImportPath, Dir: p.Dir, benchmarks: benchmarkFuncs(p.Dir, files)})
	}
	return out, nil
}

// benchmarkFuncs returns the names of the benchmark functions declared in files. A file that does
// not parse is skipped: the build reports its error with more context.
func benchmarkFuncs(dir string, files []string) []string {
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, filepath.Join(dir, f), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if ok && fn.Recv == nil && isBenchmark(fn.Name.Name) {
				names = append(names, fn.Name.Name)
			}
		}
	}
	return names
}

// isBenchmark applies the go command's rule: "Benchmark" followed by nothing or by a character
// that is not a lower-case letter.
func isBenchmark(name string) bool {
	rest, ok := strings.CutPrefix(name, "Benchmark")
	if !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !unicode.IsLower(r)
}

// topLevel compiles the part of a -bench regexp that applies to top-level benchmark names: the
// testing package splits the expression at slashes outside brackets and parentheses, one part per
// level of sub-benchmarks.
func topLevel(expr string) (*regexp.Regexp, error) {
	if _, err := regexp.Compile(expr); err != nil {
		return nil, fmt.Errorf("bench expression %q: %w", expr, err)
	}
	return regexp.Compile(expr[:len(expr)-len(subBenchmarks(expr))])
}

// subBenchmarks returns the part of a -bench regexp past its top level, from its first slash
// outside brackets and parentheses, or "" when it has none.
func subBenchmarks(expr string) string {
	depth, inClass := 0, false
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '/' && depth == 0:
			return expr[i:]
		}
	}
	return ""
}

// firstLines returns at most n lines of s, trimmed, saying how many were left out.
func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n... (%d more lines)", len(lines)-n)
}
