//go:build !linux

package sandbox

import "os/exec"

// nofollow is not needed where the sandbox does not apply: gate reads as its own user what its
// own user wrote.
const nofollow = 0

// User is the unprivileged user untrusted code runs as: on Linux only, where gate may be the
// container's root. Elsewhere code runs as gate's own user.
type User struct{ Home string }

// New returns nil: untrusted code runs as gate's own user.
func New(string) (*User, error) { return nil, nil }

// Unreachable is nil: code runs as gate's own user, who reaches what gate does.
func Unreachable([]string) []string { return nil }

// Own does nothing.
func (u *User) Own(string) error { return nil }

// Dir is never called on a nil User.
func (u *User) Dir(string) (string, error) { return "", nil }

// Apply does nothing.
func (u *User) Apply(*exec.Cmd) {}

func (u *User) String() string { return "gate's own user" }
