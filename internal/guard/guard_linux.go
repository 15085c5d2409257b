package guard

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/benchgate/benchgate/internal/procenv"
)

// Protect makes gate's process safe to start untrusted code from, and returns the environment
// gate is to run with: environ, credentials included, but held in memory only.
//
// When environ holds credentials (procenv's rule), Protect does not return: it writes them to
// an anonymous memory file, executes /proc/self/exe again with args and the environment
// without them, and the new process's Protect reads them back and closes the file. Either way
// the process ends non-dumpable, and with no_new_privs when noNewPrivs is set.
func Protect(args, environ []string, noNewPrivs bool) ([]string, error) {
	environ, err := takeBack(environ)
	if err != nil {
		return nil, err
	}
	if kept, secrets := procenv.Split(environ); len(secrets) > 0 && !handedOver(environ) {
		return nil, reexec(args, kept, secrets)
	}
	environ = withoutVariable(environ, fdVariable)
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return nil, fmt.Errorf("making gate's process non-dumpable: %w", err)
	}
	if noNewPrivs {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return nil, fmt.Errorf("setting no_new_privs: %w", err)
		}
	}
	return environ, nil
}

// handedOver reports whether environ came through reexec: its credentials are gate's own
// memory's, not its exec-time environment's.
func handedOver(environ []string) bool {
	for _, kv := range environ {
		if strings.HasPrefix(kv, fdVariable+"=") {
			return true
		}
	}
	return false
}

// reexec executes gate again with the environment kept, handing the secrets over in a memory
// file at a descriptor that fdVariable names. It returns only when it fails.
func reexec(args, kept, secrets []string) error {
	fd, err := unix.MemfdCreate("benchgate-credentials", 0) // no MFD_CLOEXEC: the new gate inherits it
	if err != nil {
		return fmt.Errorf("handing the credentials over: %w", err)
	}
	f := os.NewFile(uintptr(fd), "benchgate-credentials")
	if _, err := f.WriteString(strings.Join(secrets, "\x00")); err != nil {
		return fmt.Errorf("handing the credentials over: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("handing the credentials over: %w", err)
	}
	// os.NewFile set the descriptor to close on exec; this one must survive it.
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
		return fmt.Errorf("handing the credentials over: %w", err)
	}
	env := append(kept, fdVariable+"="+strconv.Itoa(fd))
	return fmt.Errorf("executing gate again without credentials in its environment: %w", syscall.Exec("/proc/self/exe", args, env))
}

// takeBack reads the credentials that reexec handed over, when environ says there are some,
// closes their file, and returns environ with them.
func takeBack(environ []string) ([]string, error) {
	var value string
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, fdVariable+"="); ok {
			value = v
		}
	}
	if value == "" {
		return environ, nil
	}
	fd, err := strconv.Atoi(value)
	if err != nil || fd < 3 {
		return nil, fmt.Errorf("%s=%q: expected the descriptor gate hands its credentials over in", fdVariable, value)
	}
	f := os.NewFile(uintptr(fd), "benchgate-credentials")
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("reading the credentials handed over at descriptor %d: %w", fd, err)
	}
	if len(data) == 0 {
		return nil, errors.New("the credentials handed over are empty")
	}
	return append(environ, strings.Split(string(data), "\x00")...), nil
}

func withoutVariable(environ []string, name string) []string {
	out := environ[:0:0]
	for _, kv := range environ {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
