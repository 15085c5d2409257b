// Package gittest makes real git repositories in a test's temporary directory, for the tests of
// everything that measures revisions.
package gittest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Git runs git in dir, with an identity of its own, and returns its trimmed output.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=benchgate test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// NewRepo makes an empty repository and isolates what runs in it from the machine: temporary
// directories go to a directory of the test's own (see TempDirEmpty), and the go command uses
// the toolchain it is, without GOFLAGS from outside.
func NewRepo(t testing.TB) string {
	t.Helper()
	repo, env := NewIsolatedRepo(t)
	for k, v := range env {
		t.Setenv(k, v)
	}
	return repo
}

// NewIsolatedRepo is NewRepo for tests that run in parallel, which may not change the process's
// environment: it returns the variables that isolate what runs in the repository, for the test
// to give the processes it starts.
func NewIsolatedRepo(t testing.TB) (repo string, env map[string]string) {
	t.Helper()
	repo = t.TempDir()
	Git(t, repo, "init", "-q")
	return repo, map[string]string{"TMPDIR": PassableTempDir(t), "GOTOOLCHAIN": "local", "GOFLAGS": ""}
}

// PassableTempDir is a t.TempDir that other users may pass through (not list): when the tests
// run as root, gate runs the benchmarks as an unprivileged user (see internal/sandbox), whose
// checkouts are below the temporary directory. Whatever it writes there is removed with the
// test's own directory.
func PassableTempDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// WriteFiles writes files (slash-separated path → content) under dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// SharedTempDir is a PassableTempDir that the benchmarks may also write in, for tests whose
// benchmarks leave a file for the test to read: as root, gate runs them as another user.
func SharedTempDir(t testing.TB) string {
	t.Helper()
	dir := PassableTempDir(t)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// CopyTree copies the files under src over dir.
func CopyTree(t testing.TB, src, dir string) {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(src, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	WriteFiles(t, dir, files)
}

// Commit commits everything in repo and returns the commit's SHA.
func Commit(t testing.TB, repo, msg string) string {
	t.Helper()
	Git(t, repo, "add", "-A")
	Git(t, repo, "commit", "-q", "-m", msg)
	return Git(t, repo, "rev-parse", "HEAD")
}

// CheckClean fails the test when a run left a worktree in repo or anything in the temporary
// directory that NewRepo set up.
func CheckClean(t testing.TB, repo string) {
	t.Helper()
	CheckCleanIn(t, repo, os.Getenv("TMPDIR"))
}

// CheckCleanIn is CheckClean for a test that gave its processes the temporary directory tmp
// (see NewIsolatedRepo).
func CheckCleanIn(t testing.TB, repo, tmp string) {
	t.Helper()
	if wts := Git(t, repo, "worktree", "list"); strings.Count(wts, "\n") > 0 {
		t.Errorf("worktrees left behind:\n%s", wts)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("temporary file left behind: %s", e.Name())
	}
}

// SleepModule is a one-package module whose only benchmark sleeps for d (a Go duration
// expression such as "time.Second") per iteration: rounds of a known length, whatever the machine.
func SleepModule(d string) map[string]string {
	return map[string]string{
		"go.mod": "module example.com/slow\n\ngo 1.26\n",
		"slow_test.go": `package slow

import (
	"testing"
	"time"
)

func BenchmarkSleep(b *testing.B) {
	for i := 0; i < b.N; i++ {
		time.Sleep(` + d + `)
	}
}
`,
	}
}
