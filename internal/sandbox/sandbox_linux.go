package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// nofollow makes an open fail on a symbolic link.
const nofollow = syscall.O_NOFOLLOW

// User is the unprivileged user untrusted code runs as, and its scratch directory.
type User struct {
	Name     string
	UID, GID uint32
	// Home is the scratch directory it owns: HOME, TMPDIR, the Go build cache.
	Home string
}

// New returns the user that untrusted code is to run as, with a scratch directory made under
// parent, or nil when gate is not root: then the code runs as gate's own user, which holds
// nothing that gate's guard leaves readable. parent is made traversable (not listable) by the
// user, since the checkouts it runs in are below it.
func New(parent string) (*User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u := &User{Name: UserName, UID: 65534, GID: 65534}
	found, err := user.Lookup(UserName)
	if err != nil {
		found, err = user.Lookup("nobody")
	}
	if err == nil {
		uid, uerr := strconv.ParseUint(found.Uid, 10, 32)
		gid, gerr := strconv.ParseUint(found.Gid, 10, 32)
		if uerr == nil && gerr == nil {
			u.Name, u.UID, u.GID = found.Username, uint32(uid), uint32(gid)
		}
	} else {
		u.Name = "uid 65534"
	}
	if u.UID == 0 {
		return nil, fmt.Errorf("the user %s for untrusted code is root", u.Name)
	}
	if err := os.Chmod(parent, 0o711); err != nil {
		return nil, err
	}
	if dir, err := untraversable(filepath.Dir(parent)); err != nil || dir != "" {
		return nil, errors.Join(fmt.Errorf("%s cannot reach the checkouts under %s: %s lets others not pass; set TMPDIR to a directory whose parents others may pass through, such as /tmp", u, parent, dir), err)
	}
	u.Home = filepath.Join(parent, "home")
	for _, dir := range []string{u.Home, filepath.Join(u.Home, "tmp"), filepath.Join(u.Home, "cache")} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(u.UID), int(u.GID)); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// untraversable is the first directory from dir up that other users may not pass through, ""
// when there is none.
func untraversable(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		info, err := os.Stat(dir)
		if err != nil {
			return "", err
		}
		if info.Mode().Perm()&0o001 == 0 {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", nil
		}
		dir = up
	}
}

// Unreachable are the directories of dirs (a PATH's) that other users cannot reach, such as
// root's own ~/.cargo/bin: a command that root finds there, the user does not, or finds
// another version of further on.
func Unreachable(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if info, err := os.Stat(d); err != nil || !info.IsDir() {
			continue // not there for root either
		}
		if blocked, err := untraversable(d); err == nil && blocked != "" {
			out = append(out, d)
		}
	}
	return out
}

// Own gives the user the tree at dir, without following symbolic links.
func (u *User) Own(dir string) error {
	if u == nil {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(u.UID), int(u.GID))
	})
}

// Dir makes a directory under the user's scratch directory that it may write to, for output
// gate asks of it (profiles).
func (u *User) Dir(name string) (string, error) {
	dir := filepath.Join(u.Home, "tmp", name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, u.Own(dir)
}

// Apply makes cmd run as the user (with no supplementary groups), with its scratch directory as
// HOME, TMPDIR and Go build cache. cmd.Env must be set.
func (u *User) Apply(cmd *exec.Cmd) {
	if u == nil {
		return
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: u.UID, Gid: u.GID, Groups: []uint32{}}
	tmp, cache := filepath.Join(u.Home, "tmp"), filepath.Join(u.Home, "cache")
	cmd.Env = append(cmd.Env, "HOME="+u.Home, "TMPDIR="+tmp, "GOTMPDIR="+tmp, "XDG_CACHE_HOME="+cache, "GOCACHE="+filepath.Join(cache, "go-build"))
}

// String names the user, for messages.
func (u *User) String() string { return fmt.Sprintf("%s (uid %d)", u.Name, u.UID) }
