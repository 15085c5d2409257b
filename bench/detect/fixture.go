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

// units is how many units of its kind's work an operation does on base. Head does proportionally
// more (102, 105, 110 or 120), so a benchmark slowed by 10% does exactly 10% more work of the same
// shape. (Scaling a single loop instead does not: 10% more map inserts costs what the map's growth
// costs, and 10% more allocations what the collector makes of them.)
const units = 100

// unit is one unit of each kind's work, a few hundred nanoseconds to a microsecond.
var unit = map[string]string{
	"cpu":   "sink += spin(300)",
	"alloc": "for k := 0; k < 12; k++ {\n\t\t\t\tkeep = append(keep[:0], make([]byte, 64))\n\t\t\t}",
	"map":   "m := make(map[int]int)\n\t\t\tfor k := 0; k < 12; k++ {\n\t\t\t\tm[k*7] = k\n\t\t\t}\n\t\t\tsink += uint64(len(m))",
	"sort":  "s := append(scratch[:0], shuffled[:48]...)\n\t\t\tslices.Sort(s)\n\t\t\tsink += uint64(s[0])",
	"noisy": "sink += spin(300)",
}

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
var scratch = make([]int, 0, 64)

func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

var shuffled = rand.New(rand.NewPCG(1, 2)).Perm(4096)
`, pkg)
	for _, bm := range bs {
		if bm.pkg != pkg {
			continue
		}
		n := units
		if head {
			n = int(float64(units)*(1+bm.effect) + 0.5)
		}
		fmt.Fprintf(&b, "\nfunc Benchmark%s(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n", bm.name)
		if bm.kind == "noisy" { // a third of the operations do half again as much work
			fmt.Fprintf(&b, "\t\treps := %d\n\t\tif rand.IntN(3) == 0 {\n\t\t\treps += reps / 2\n\t\t}\n\t\tfor j := 0; j < reps; j++ {\n", n)
		} else {
			fmt.Fprintf(&b, "\t\tfor j := 0; j < %d; j++ {\n", n)
		}
		fmt.Fprintf(&b, "\t\t\t%s\n\t\t}\n\t}\n}\n", unit[bm.kind])
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
		// A file outside the module tells the commits apart when head changes no benchmark (A/A).
		if err := os.WriteFile(filepath.Join(dir, "REVISION"), []byte([]string{"base\n", "head\n"}[i]), 0o644); err != nil {
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
