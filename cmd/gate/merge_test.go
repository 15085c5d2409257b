package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// shardedFiles is a module of two packages with three benchmark functions each, p1's Slow doing
// slow units of work.
func shardedFiles(slow int) map[string]string {
	files := map[string]string{"go.mod": "module example.com/sharded\n\ngo 1.26\n"}
	for _, pkg := range []string{"p1", "p2"} {
		var b strings.Builder
		fmt.Fprintf(&b, "package %s\n\nimport \"testing\"\n\nvar sink uint64\n\n", pkg)
		b.WriteString("func spin(n int) uint64 {\n\tx := uint64(1)\n\tfor i := 0; i < n; i++ {\n\t\tx = x*6364136223846793005 + 1442695040888963407\n\t}\n\treturn x\n}\n")
		for i, name := range []string{"Slow", "Same", "Other"} {
			work := 2000 + 100*i
			if pkg == "p1" && name == "Slow" {
				work = slow
			}
			if pkg == "p2" {
				name += "2"
			}
			fmt.Fprintf(&b, "\nfunc Benchmark%s(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += spin(%d)\n\t}\n}\n", name, work)
		}
		files[pkg+"/"+pkg+"_test.go"] = b.String()
	}
	return files
}

// TestShardsMerge runs a comparison as three shards and merges them: each shard measures a
// disjoint part and exits 0 whatever its part's verdict; the merge judges the union, finds the
// one regression (four times the work, past the noise of a loaded machine) and fails. Then the ways a set can be broken are each refused with exit 2 and
// a message naming the problem.
func TestShardsMerge(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, shardedFiles(2000))
	base := gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, shardedFiles(8000))
	head := gittest.Commit(t, repo, "head: Slow does four times the work")
	gittest.WriteFiles(t, repo, shardedFiles(2000))
	other := gittest.Commit(t, repo, "another head")

	work := t.TempDir()
	shardDir := func(name string) string { return filepath.Join(work, name) }
	runShard := func(k int, head, dir string) *report.Report {
		t.Helper()
		code, stdout, stderr := runGate(t, repo, "run", "--base", base, "--head", head, "--shard", fmt.Sprintf("%d/3", k),
			"--count", "8", "--benchtime", "2000x", "--no-profile", "--out", dir)
		if code != exitPass {
			t.Fatalf("shard %d/3: exit %d, want %d (a shard's verdict is not the check's)\n%s\n%s", k, code, exitPass, stdout, stderr)
		}
		if !strings.Contains(stderr, fmt.Sprintf("shard %d/3 measured", k)) {
			t.Errorf("shard %d/3 did not say what it measured:\n%s", k, stderr)
		}
		return readReport(t, dir)
	}
	var claimed []string
	for k := 1; k <= 3; k++ {
		r := runShard(k, head, shardDir(fmt.Sprintf("s%d", k)))
		sh := r.Run.Shard
		if sh == nil || sh.Index != k || sh.Count != 3 || sh.Selected != 6 || len(sh.Functions) == 0 {
			t.Fatalf("shard %d/3 recorded %+v", k, sh)
		}
		for _, f := range sh.Functions {
			claimed = append(claimed, f.Package+"."+f.Name)
		}
		for _, c := range r.Comparisons {
			if c.Benchmark == report.ProcessBenchmark {
				continue
			}
			name := c.Config["pkg"] + "." + strings.SplitN(report.WithoutProcs(c.Benchmark), "/", 2)[0]
			if !slices.ContainsFunc(sh.Functions, func(f report.Func) bool { return f.Package+"."+f.Name == name }) {
				t.Errorf("shard %d/3 measured %s, which is not in its part %v", k, name, sh.Functions)
			}
		}
	}
	slices.Sort(claimed)
	want := []string{"example.com/sharded/p1.Other", "example.com/sharded/p1.Same", "example.com/sharded/p1.Slow", "example.com/sharded/p2.Other2", "example.com/sharded/p2.Same2", "example.com/sharded/p2.Slow2"}
	if !slices.Equal(claimed, want) {
		t.Fatalf("the shards claimed %v, want each of %v once", claimed, want)
	}

	merged := shardDir("merged")
	code, stdout, stderr := runGate(t, repo, "merge", "--out", merged, shardDir("s3"), shardDir("s1"), shardDir("s2"))
	if code != exitFail {
		t.Fatalf("merge: exit %d, want %d\n%s\n%s", code, exitFail, stdout, stderr)
	}
	r := readReport(t, merged)
	// Slow must be found; an unchanged benchmark's false alarm on a loaded machine is the
	// statistics' business (tested elsewhere), not the merge's.
	if got := regressed(r); !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, "Slow-") }) {
		t.Errorf("merged regressions %q, want Slow among them\n%s", got, stdout)
	}
	if len(r.Run.Shards) != 3 || r.Run.Shard != nil {
		t.Errorf("merged run: shards %+v, shard %+v; want three shards listed", r.Run.Shards, r.Run.Shard)
	}
	seen := map[string]bool{}
	for _, c := range r.Comparisons {
		if c.Unit == "sec/op" && c.Benchmark != report.ProcessBenchmark {
			seen[c.Config["pkg"]+" "+c.Benchmark] = true
			if c.Paired == nil || c.Paired.N < 8 {
				t.Errorf("%s: paired %+v, want the shard's 8 pairs or more", c.Benchmark, c.Paired)
			}
		}
	}
	if len(seen) != 6 {
		t.Errorf("merged sec/op comparisons of %d benchmarks, want 6: %v", len(seen), seen)
	}
	for _, f := range []string{"base.txt", "head.txt", "report.md"} {
		if _, err := os.Stat(filepath.Join(merged, f)); err != nil {
			t.Error(err)
		}
	}

	// Broken sets.
	runShard(3, other, shardDir("s3-other"))
	copyDir(t, shardDir("s2"), shardDir("s2-claims"))
	claim := readReport(t, shardDir("s2-claims"))
	claim.Run.Shard.Functions = append(claim.Run.Shard.Functions, readReport(t, shardDir("s1")).Run.Shard.Functions[0])
	if err := report.WriteFile(filepath.Join(shardDir("s2-claims"), "report.json"), claim); err != nil {
		t.Fatal(err)
	}
	copyDir(t, shardDir("s2"), shardDir("s2-smuggles"))
	s1base, err := os.ReadFile(filepath.Join(shardDir("s1"), "base.txt"))
	if err != nil {
		t.Fatal(err)
	}
	appendFile(t, filepath.Join(shardDir("s2-smuggles"), "base.txt"), s1base)
	for _, tt := range []struct {
		name string
		dirs []string
		want string
	}{
		{"a shard missing", []string{"s1", "s3"}, "shard 2/3 missing"},
		{"a shard twice", []string{"s1", "s2", "s2", "s3"}, "shard 2/3 given twice"},
		{"other revisions", []string{"s1", "s2", "s3-other"}, "shards of one comparison measure the same commits"},
		{"two shards claim one function", []string{"s1", "s2-claims", "s3"}, "both claim"},
		{"a shard's results of another's function", []string{"s1", "s2-smuggles", "s3"}, "which is not in this shard's part"},
		{"not a shard", []string{"s1", "s2", "s3", "merged"}, "is not a shard's"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var dirs []string
			for _, d := range tt.dirs {
				dirs = append(dirs, shardDir(d))
			}
			code, stdout, stderr := runGate(t, repo, append([]string{"merge"}, dirs...)...)
			if code != exitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d with %q\n%s\n%s", code, exitError, tt.want, stdout, stderr)
			}
		})
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
}

// TestShardsCommand shards a --command harness (pytest-benchmark, whose {bench} selects one
// test): the tests are split as Go benchmark functions are, the two shards measure disjoint
// parts, and the merge finds the one regression.
func TestShardsCommand(t *testing.T) {
	py := pytestPython(t)
	suite := func(parse int) string {
		s := "def work(n):\n    s = 0\n    for i in range(n):\n        s += i * i\n    return s\n"
		for i, name := range []string{"parse", "render"} {
			n := 100000 + 5000*i
			if name == "parse" {
				n = parse
			}
			s += fmt.Sprintf("\ndef test_%s(benchmark):\n    benchmark.pedantic(work, args=(%d,), rounds=8, iterations=1, warmup_rounds=1)\n", name, n)
		}
		return s
	}
	// test_parse does four times the work on head: past the noise of a loaded machine's pairs.
	// Ten pairs, so that the paired test trims one wild pair at each end: at five it trims none,
	// and one pair of a loaded CI machine once spread the interval to [+16%, +630%].
	repo, base := harnessRepo(t, map[string]string{"test_bench.py": suite(100000)}, map[string]string{"test_bench.py": suite(400000)})
	command := py + " -m pytest -q -p no:cacheprovider --benchmark-json=results.json --benchmark-save-data -k {bench}"
	work := t.TempDir()
	var dirs []string
	units := map[string]int{}
	for k := 1; k <= 2; k++ {
		dir := filepath.Join(work, fmt.Sprint(k))
		code, stdout, stderr := runGate(t, repo, "run", "--base", base, "--head", "HEAD", "--shard", fmt.Sprintf("%d/2", k),
			"--command", command, "--results", "results.json", "--count", "10", "--max-count", "10", "--out", dir)
		if code != exitPass {
			t.Fatalf("shard %d/2: exit %d\n%s\n%s", k, code, stdout, stderr)
		}
		sh := readReport(t, dir).Run.Shard
		if sh == nil || len(sh.Functions) == 0 {
			t.Fatalf("shard %d/2 recorded %+v", k, sh)
		}
		for _, f := range sh.Functions {
			units[f.Name]++
		}
		dirs = append(dirs, dir)
	}
	if len(units) != 2 {
		t.Errorf("the shards measured %v, want the two tests once each", units)
	}
	for u, n := range units {
		if n != 1 {
			t.Errorf("%s measured by %d shards", u, n)
		}
	}
	code, stdout, stderr := runGate(t, repo, append([]string{"merge", "--out", filepath.Join(work, "merged")}, dirs...)...)
	if code != exitFail {
		t.Fatalf("merge: exit %d, want %d\n%s\n%s", code, exitFail, stdout, stderr)
	}
	if got := regressed(readReport(t, filepath.Join(work, "merged"))); !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, "test_parse ") }) {
		t.Errorf("merged regressions %q, want test_parse's among them", got)
	}
}
