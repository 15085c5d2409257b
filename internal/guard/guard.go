// Package guard hardens gate's own process before it starts any untrusted code. A benchmark
// can read whatever its user can, and /proc/<pid>/environ keeps a process's environment as it
// was at exec, whatever the process unset later: so gate moves its credentials out of its
// exec-time environment (it executes itself again with them removed, and takes them back over
// a file descriptor that only it holds), and makes itself non-dumpable, so that a process of
// its own user can read neither that file nor its memory. In a GitHub Actions job it also sets
// no_new_privs, which every process it starts inherits: a benchmark cannot gain privileges
// through sudo or another set-user-ID program.
//
// Linux only: elsewhere Protect returns the environment as it is.
package guard

// fdVariable names the file descriptor that the re-executed gate reads its credentials from.
// It holds a number, never a credential.
const fdVariable = "BENCHGATE_CREDENTIALS_FD"
