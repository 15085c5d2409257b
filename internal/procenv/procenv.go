// Package procenv is the one policy for the environment of every process gate starts: git,
// the go command, and above all the benchmark binaries, which run a pull request's untrusted
// code. Child removes whatever looks like a credential, so a benchmark cannot read the token
// that posts pull request comments; gitexec and benchexec apply it to every process they
// start, whatever environment they are given.
package procenv

import "strings"

// Child returns environ without the variables that look like credentials.
func Child(environ []string) []string {
	kept, _ := Split(environ)
	return kept
}

// Split divides environ into the variables that look like credentials and the rest, each in
// environ's order.
func Split(environ []string) (kept, secrets []string) {
	kept = make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if secret(name) {
			secrets = append(secrets, kv)
		} else {
			kept = append(kept, kv)
		}
	}
	return kept, secrets
}

// secret reports whether an environment variable name looks like it holds a credential: the
// Actions token and runtime variables, action inputs named token, and the common suffixes.
func secret(name string) bool {
	// Action inputs keep their hyphens (INPUT_LABEL-TOKEN): a hyphen counts as an underscore.
	n := strings.ReplaceAll(strings.ToUpper(name), "-", "_")
	switch {
	case n == "GITHUB_TOKEN", n == "INPUT_TOKEN", strings.HasPrefix(n, "ACTIONS_"):
		return true
	}
	for _, suffix := range []string{"_TOKEN", "_SECRET", "_KEY", "_PASSWORD", "_PASSWD", "_CREDENTIALS"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}
