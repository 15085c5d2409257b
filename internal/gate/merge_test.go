package gate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

const (
	fuzzBase = "1111111111111111111111111111111111111111"
	fuzzHead = "2222222222222222222222222222222222222222"
)

// shardResults are a side's raw results for the functions named, six pairs each, as gate run
// writes them.
func shardResults(side report.Side, sha string, names ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n%s: %s\n", report.SideKey, side, report.CommitKey, sha)
	for pair := 1; pair <= 6; pair++ {
		fmt.Fprintf(&b, "pkg: example.com/p\n%s: %d\n", report.PairKey, pair)
		for i, n := range names {
			fmt.Fprintf(&b, "Benchmark%s-2 1000 %d ns/op\n", n, 1000+10*i+pair)
		}
	}
	return b.String()
}

// writeShard writes shard k of 2, measuring names, as gate run --shard --out does.
func writeShard(t testing.TB, dir string, k int, names ...string) {
	t.Helper()
	base, head := shardResults(report.Base, fuzzBase, names...), shardResults(report.Head, fuzzHead, names...)
	res, err := compare.ReadRun([]byte(base), []byte(head))
	if err != nil {
		t.Fatal(err)
	}
	sh := &report.Shard{Index: k, Count: 2, Method: "functions", Selected: 4, Load: float64(len(names))}
	for _, n := range names {
		sh.Functions = append(sh.Functions, report.Func{Package: "example.com/p", Name: n})
	}
	run := &report.Run{Base: report.Revision{SHA: fuzzBase}, Head: report.Revision{SHA: fuzzHead}, Count: 6, Rounds: 6, Bench: ".", Interleave: report.InterleaveBenchmark, Shard: sh}
	rep, _ := res.Compare(config.Default(), compare.Extra{Run: run})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteFile(filepath.Join(dir, "report.json"), rep); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"base.txt": base, "head.txt": head} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzMerge gives Merge a second shard whose report and base results are arbitrary bytes: a
// shard's files come from a job that ran pull request code. Merge must not panic; what it
// accepts must be a valid report whose comparisons are each of a function exactly one shard
// was given, so that no benchmark is judged twice and none slips in unclaimed.
//
// The seeds are a valid second shard, and the same with its report claiming the first shard's
// function.
func FuzzMerge(f *testing.F) {
	dir := f.TempDir()
	writeShard(f, filepath.Join(dir, "s1"), 1, "A", "B")
	writeShard(f, filepath.Join(dir, "s2"), 2, "C", "D")
	rep, err := os.ReadFile(filepath.Join(dir, "s2", "report.json"))
	if err != nil {
		f.Fatal(err)
	}
	base, err := os.ReadFile(filepath.Join(dir, "s2", "base.txt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(rep, base)
	f.Add([]byte(strings.Replace(string(rep), `"name":"C"`, `"name":"A"`, 1)), base)
	f.Add(rep, append(base, shardResults(report.Base, fuzzBase, "A")...))

	f.Fuzz(func(t *testing.T, rep, base []byte) {
		s2 := filepath.Join(t.TempDir(), "s2")
		if err := os.CopyFS(s2, os.DirFS(filepath.Join(dir, "s2"))); err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{"report.json": rep, "base.txt": base} {
			if err := os.WriteFile(filepath.Join(s2, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		m, err := Merge(MergeOptions{Dirs: []string{filepath.Join(dir, "s1"), s2}, Config: config.Default()})
		if err != nil {
			return
		}
		if err := m.Report.Validate(); err != nil {
			t.Fatalf("a merged report that does not validate: %v", err)
		}
		owners := map[string]int{}
		for _, s := range []string{filepath.Join(dir, "s1"), s2} {
			r, err := report.ReadFile(filepath.Join(s, "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, fn := range r.Run.Shard.Functions {
				owners[fn.Package+"."+fn.Name]++
			}
		}
		for _, c := range m.Report.Comparisons {
			if c.Benchmark == report.ProcessBenchmark {
				continue
			}
			fn := c.Config["pkg"] + "." + strings.SplitN(report.WithoutProcs(c.Benchmark), "/", 2)[0]
			if owners[fn] != 1 {
				t.Fatalf("the merge judged %s, which %d shards were given", fn, owners[fn])
			}
		}
	})
}

// TestMergeSet checks the fuzz seeds' outcomes: the valid set merges into one report of all
// four functions, and with a warning when its shards ran on different CPU models; the set whose
// second report claims the first's function, and the one whose second results smuggle it in,
// are refused.
func TestMergeSet(t *testing.T) {
	dir := t.TempDir()
	writeShard(t, filepath.Join(dir, "s1"), 1, "A", "B")
	writeShard(t, filepath.Join(dir, "s2"), 2, "C", "D")
	writeShard(t, filepath.Join(dir, "claims"), 2, "C", "A")
	writeShard(t, filepath.Join(dir, "smuggles"), 2, "C", "D")
	f, err := os.OpenFile(filepath.Join(dir, "smuggles", "base.txt"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(shardResults(report.Base, fuzzBase, "A")); err != nil {
		t.Fatal(err)
	}
	f.Close()

	m, err := Merge(MergeOptions{Dirs: []string{filepath.Join(dir, "s2"), filepath.Join(dir, "s1")}, Config: config.Default()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range m.Report.Comparisons {
		got = append(got, c.Benchmark)
	}
	if strings.Join(got, " ") != "A-2 B-2 C-2 D-2" || len(m.Report.Run.Shards) != 2 {
		t.Errorf("merged %q from %d shards, want A-2 B-2 C-2 D-2 from 2", got, len(m.Report.Run.Shards))
	}
	// The same set, with the second shard measured on another CPU model: merged, and said.
	other := filepath.Join(dir, "other-cpu")
	writeShard(t, other, 2, "C", "D")
	r, err := report.ReadFile(filepath.Join(other, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	r.Run.Machine.CPUModel = "Other CPU"
	if err := report.WriteFile(filepath.Join(other, "report.json"), r); err != nil {
		t.Fatal(err)
	}
	m, err = Merge(MergeOptions{Dirs: []string{filepath.Join(dir, "s1"), other}, Config: config.Default()})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(m.Report.Warnings, "\n"); !strings.Contains(w, `the shards ran on different CPU models (1/2 on ""; 2/2 on "Other CPU")`) {
		t.Errorf("warnings %q, want one on the shards' CPU models", w)
	}
	for _, tt := range []struct{ second, want string }{
		{"claims", "both claim example.com/p.A"},
		{"smuggles", "a result for example.com/p.BenchmarkA, which is not in this shard's part"},
	} {
		_, err := Merge(MergeOptions{Dirs: []string{filepath.Join(dir, "s1"), filepath.Join(dir, tt.second)}, Config: config.Default()})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.second, err, tt.want)
		}
	}
}

// TestMergeBoundsRounds merges two shards whose reports both ask for a billion rounds: a set
// written by pull request code could, and judging it again must not loop through them.
func TestMergeBoundsRounds(t *testing.T) {
	dir := t.TempDir()
	for k, names := range [][]string{{"A", "B"}, {"C", "D"}} {
		d := filepath.Join(dir, fmt.Sprint(k+1))
		writeShard(t, d, k+1, names...)
		data, err := os.ReadFile(filepath.Join(d, "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		data = []byte(strings.Replace(string(data), `"count":6`, `"count":1,"max_count":1000000000`, 1))
		if err := os.WriteFile(filepath.Join(d, "report.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Merge(MergeOptions{Dirs: []string{filepath.Join(dir, "1"), filepath.Join(dir, "2")}, Config: config.Default()})
	if err == nil || !strings.Contains(err.Error(), "got 1000000000") {
		t.Errorf("merge of shards asking for a billion rounds: %v, want them refused", err)
	}
}

// TestMergeWithHistory judges the union beside a recorded history: A's comparison shows its
// recorded medians, and the report names the history it was judged beside.
func TestMergeWithHistory(t *testing.T) {
	dir := t.TempDir()
	writeShard(t, filepath.Join(dir, "s1"), 1, "A", "B")
	writeShard(t, filepath.Join(dir, "s2"), 2, "C", "D")
	h := &History{Branch: "benchgate-data"}
	for i, ns := range []int{990, 1010, 1000} {
		h.Records = append(h.Records, baseline.Record{
			Commit:  baseline.Commit{SHA: fmt.Sprintf("%040x", i+1)},
			Results: fmt.Sprintf("pkg: example.com/p\nBenchmarkA-2 1000 %d ns/op\n", ns),
		})
	}
	m, err := Merge(MergeOptions{Dirs: []string{filepath.Join(dir, "s1"), filepath.Join(dir, "s2")}, Config: config.Default(), History: h})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Report.History; got == nil || got.Branch != "benchgate-data" || got.Commits != 3 {
		t.Errorf("the merged report's history: %+v, want the 3 records of benchgate-data", got)
	}
	for _, c := range m.Report.Comparisons {
		if want := c.Benchmark == "A-2"; (c.History != nil && len(c.History.Values) == 3) != want {
			t.Errorf("%s %s: history %+v, want one of 3 values: %v", c.Benchmark, c.Unit, c.History, want)
		}
	}
}
