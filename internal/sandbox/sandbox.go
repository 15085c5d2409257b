// Package sandbox runs untrusted code — a pull request's benchmarks, another harness's build
// and benchmark commands — as an unprivileged user of its own when gate runs as root, as it
// does in the action's container. Then neither gate's environment and memory (root's,
// non-dumpable) nor root's files are the code's to read, and what the code leaves behind is
// read back by gate as untrusted (see ReadFile).
//
// The user is "benchgate" where it exists (the action's image makes it), else "nobody". It owns
// the checkouts it runs in, so that tools which write beside their sources work, and a scratch
// directory that is its HOME, TMPDIR and Go build cache. Everything else of gate's stays root's.
package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// UserName is the user untrusted code runs as where it exists; "nobody" is the fallback.
const UserName = "benchgate"

// maxFile caps what ReadFile reads of one file a benchmark wrote.
const maxFile = 256 << 20

// ReadFile reads the regular file name inside dir, refusing a path that leaves dir (through
// "..", an absolute link or a symbolic link that points outside) and anything but a regular
// file, such as a FIFO that would block. Files that untrusted code wrote are read so, since gate
// may be root: a benchmark that replaced its profile with a link to /etc/shadow must not get
// that file into the results.
func ReadFile(dir, name string) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	info, err := root.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%v)", filepath.Join(dir, name), info.Mode().Type())
	}
	f, err := root.OpenFile(name, os.O_RDONLY|nofollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, errors.Join(fmt.Errorf("%s: not a regular file", filepath.Join(dir, name)), err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("%s: larger than %d MiB", filepath.Join(dir, name), maxFile>>20)
	}
	return data, nil
}
