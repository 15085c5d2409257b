//go:build !linux

package guard

// Protect returns environ: other systems keep no readable exec-time environment in /proc, and
// their ways to guard a process's memory differ.
func Protect(_, environ []string, _ bool) ([]string, error) { return environ, nil }
