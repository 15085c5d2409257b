package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Effects are the slowdowns head applies, as fractions: 2%, 5%, 10% and 20%.
var Effects = []float64{0.02, 0.05, 0.10, 0.20}

// benchmark is one generated benchmark: its package, name, kind, and the slowdown head gives it
// (0 for the unchanged ones).
type benchmark struct {
	pkg, name, kind string
	effect          float64
}

// kinds resemble real benchmarks' noise: a CPU-bound chain, allocation, map and slice work, and
// a deliberately noisy one whose work varies from operation to operation.
var kinds = []string{"cpu", "alloc", "map", "sort", "noisy"}

// plan lays out n benchmarks in packages of 12. Of every 12, four are slowed, one per effect size,
// and eight are left alone.
func plan(n int) []benchmark {
	var out []benchmark
	for i := range n {
		b := benchmark{pkg: fmt.Sprintf("p%02d", i/12), name: fmt.Sprintf("%s%03d", strings.ToUpper(kinds[i%len(kinds)][:1])+kinds[i%len(kinds)][1:], i), kind: kinds[i%len(kinds)]}
		if j := i % 12; j < len(Effects) {
			b.effect = Effects[j]
		}
		out = append(out, b)
	}
	return out
}

// reps is how much work an operation of each kind does on base, sized so that one operation takes
// tens of microseconds and a 2% change is a whole number of repetitions.
var reps = map[string]int{"cpu": 20000, "alloc": 200, "map": 600, "sort": 1500, "noisy": 15000}

// source writes the benchmarks of one package; head applies the effects.
func source(pkg string, bs []benchmark, head bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `package %s

import (
	"math/rand/v2"
	"slices"
	"testing"
)

var sink uint64
var keep [][]byte

func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

var shuffled = rand.New(rand.NewPCG(1, 2)).Perm(4096)

var _ = slices.Sort[[]int]
`, pkg)
	for _, bm := range bs {
		if bm.pkg != pkg {
			continue
		}
		n := reps[bm.kind]
		if head {
			n = int(float64(n)*(1+bm.effect) + 0.5)
		}
		var body string
		switch bm.kind {
		case "cpu":
			body = fmt.Sprintf("sink += spin(%d)", n)
		case "alloc":
			body = fmt.Sprintf("for j := 0; j < %d; j++ {\n\t\t\tkeep = append(keep[:0], make([]byte, 64))\n\t\t}", n)
		case "map":
			body = fmt.Sprintf("m := make(map[int]int)\n\t\tfor j := 0; j < %d; j++ {\n\t\t\tm[j*7] = j\n\t\t}\n\t\tsink += uint64(len(m))", n)
		case "sort":
			body = fmt.Sprintf("s := append([]int(nil), shuffled[:%d]...)\n\t\tslices.Sort(s)\n\t\tsink += uint64(s[0])", n)
		case "noisy":
			// A third of the operations do half again as much work.
			body = fmt.Sprintf("work := %d\n\t\tif rand.IntN(3) == 0 {\n\t\t\twork += work / 2\n\t\t}\n\t\tsink += spin(work)", n)
		}
		fmt.Fprintf(&b, "\nfunc Benchmark%s(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\t%s\n\t}\n}\n", bm.name, body)
	}
	return b.String()
}

// writeModule writes the fixture module's base or head into dir.
func writeModule(dir string, bs []benchmark, head bool) error {
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/detect\n\ngo 1.26\n"), 0o644); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, bm := range bs {
		if seen[bm.pkg] {
			continue
		}
		seen[bm.pkg] = true
		if err := os.MkdirAll(filepath.Join(dir, bm.pkg), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, bm.pkg, bm.pkg+"_test.go"), []byte(source(bm.pkg, bs, head)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// makeRepo creates a git repository with the base and head commits of the fixture and returns the
// two SHAs.
func makeRepo(dir string, bs []benchmark) (base, head string, err error) {
	if _, err := git(dir, "init", "-q"); err != nil {
		return "", "", err
	}
	for i, isHead := range []bool{false, true} {
		if err := writeModule(dir, bs, isHead); err != nil {
			return "", "", err
		}
		if _, err := git(dir, "add", "-A"); err != nil {
			return "", "", err
		}
		if _, err := git(dir, "commit", "-q", "-m", []string{"base", "head: slower benchmarks"}[i]); err != nil {
			return "", "", err
		}
		sha, err := git(dir, "rev-parse", "HEAD")
		if err != nil {
			return "", "", err
		}
		if isHead {
			head = sha
		} else {
			base = sha
		}
	}
	return base, head, nil
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-c", "user.name=detect", "-c", "user.email=detect@example.com"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out)), nil
}
