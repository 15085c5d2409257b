package benchexec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/gitexec"
)

// repo is the git repository gate runs in.
type repo struct {
	env  []string
	root string // top level of the working tree
	// sub is the module directory relative to root ("." when the module is at the top).
	sub string
}

func openRepo(ctx context.Context, env []string, dir string) (*repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := gitexec.Output(ctx, abs, env, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not in a git repository: %w", abs, err)
	}
	// Resolve symbolic links on both sides, so that the relative path is right on systems
	// where the temporary directory is a link (macOS).
	realRoot, err1 := filepath.EvalSymlinks(root)
	realDir, err2 := filepath.EvalSymlinks(abs)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	sub, err := filepath.Rel(realRoot, realDir)
	if err != nil {
		return nil, err
	}
	return &repo{env: env, root: realRoot, sub: sub}, nil
}

func (r *repo) git(ctx context.Context, args ...string) (string, error) {
	return gitexec.Output(ctx, r.root, r.env, args...)
}

// resolve returns the commit SHA that rev names. In a shallow clone that lacks it, it fetches
// the missing history from origin first, and says which command would fix it when that fails.
func (r *repo) resolve(ctx context.Context, rev string) (string, error) {
	sha, err := r.git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err == nil && sha != "" {
		return sha, nil
	}
	if r.shallow(ctx) {
		if ferr := r.unshallow(ctx); ferr == nil {
			if sha, err := r.git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}"); err == nil && sha != "" {
				return sha, nil
			}
		}
		return "", fmt.Errorf("revision %q is not in this shallow clone and fetching it failed; run `git fetch --unshallow origin` (in GitHub Actions, check out with fetch-depth: 0)", rev)
	}
	return "", fmt.Errorf("revision %q is not a commit in this repository", rev)
}

func (r *repo) shallow(ctx context.Context) bool {
	out, err := r.git(ctx, "rev-parse", "--is-shallow-repository")
	return err == nil && out == "true"
}

func (r *repo) unshallow(ctx context.Context) error {
	_, err := r.git(ctx, "fetch", "--quiet", "--no-tags", "--unshallow", "origin")
	return err
}

// mergeBase returns the best common ancestor of a and b, fetching the history a shallow clone
// lacks for it.
func (r *repo) mergeBase(ctx context.Context, a, b string) (string, error) {
	mb, err := r.git(ctx, "merge-base", a, b)
	if err != nil && r.shallow(ctx) && r.unshallow(ctx) == nil {
		mb, err = r.git(ctx, "merge-base", a, b)
	}
	if err != nil {
		return "", fmt.Errorf("no merge-base of %s and %s (a shallow clone? run `git fetch --unshallow origin`): %w", a, b, err)
	}
	return mb, nil
}

// defaultBase is the base when none is given: the merge-base of HEAD with the default branch
// (origin/HEAD, else main, else master), or HEAD~1 when there is no such branch.
func (r *repo) defaultBase(ctx context.Context) (ref, sha string, err error) {
	var candidates []string
	if ref, err := r.git(ctx, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"); err == nil {
		candidates = append(candidates, ref)
	}
	candidates = append(candidates, "origin/main", "origin/master", "main", "master")
	for _, branch := range candidates {
		if _, err := r.git(ctx, "rev-parse", "--verify", "--quiet", branch+"^{commit}"); err != nil {
			continue
		}
		mb, err := r.mergeBase(ctx, "HEAD", branch)
		if err != nil {
			return "", "", err
		}
		return "merge-base of HEAD and " + branch, mb, nil
	}
	sha, err = r.resolve(ctx, "HEAD~1")
	return "HEAD~1", sha, err
}

// dirty reports whether the working tree has uncommitted changes to tracked files or new
// untracked ones.
func (r *repo) dirty(ctx context.Context) (bool, error) {
	out, err := r.git(ctx, "status", "--porcelain", "--untracked-files=normal")
	return out != "", err
}

// worktree is a revision checked out in a temporary directory.
type worktree struct {
	repo *repo
	dir  string
}

// addWorktree checks out sha, detached, in a new directory under parent. The worktree it returns
// must be removed even when it returns an error: adding may have stopped half way.
func (r *repo) addWorktree(ctx context.Context, parent, name, sha string) (*worktree, error) {
	wt := &worktree{repo: r, dir: filepath.Join(parent, name)}
	_, err := r.git(ctx, "worktree", "add", "--quiet", "--detach", wt.dir, sha)
	return wt, err
}

// remove deletes the worktree and its administrative files. It runs on the way out of a run,
// also after a cancellation, so it does not use the run's context.
func (w *worktree) remove() error {
	ctx := context.Background()
	if _, err := w.repo.git(ctx, "worktree", "remove", "--force", w.dir); err == nil {
		return nil
	}
	// Whatever state git is in (a half-added worktree, or none at all), the directory must go,
	// and prune makes git forget it.
	err := os.RemoveAll(w.dir)
	_, perr := w.repo.git(ctx, "worktree", "prune")
	return errors.Join(err, perr)
}
