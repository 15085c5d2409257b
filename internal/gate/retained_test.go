package gate

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// retainedFiles is a module whose BenchmarkKeep, on head, keeps the 64 bytes each operation
// allocates in a package-level slice; beside it, benchmarks that keep nothing though they
// allocate: the same 64 bytes let go, a sync.Pool, and a large one-time set-up.
func retainedFiles(head bool) map[string]string {
	keep := "sink = make([]byte, 64)"
	if head {
		keep = "keep()"
	}
	return map[string]string{
		"go.mod": "module example.com/retained\n\ngo 1.26\n",
		"retained_test.go": fmt.Sprintf(`package retained

import (
	"sync"
	"testing"
)

var (
	kept [][]byte
	sink []byte
	big  []byte
	pool = sync.Pool{New: func() any { return make([]byte, 64) }}
)

//go:noinline
func keep() { kept = append(kept, make([]byte, 64)) }

func BenchmarkKeep(b *testing.B) {
	for b.Loop() {
		%s
	}
}

func BenchmarkFree(b *testing.B) {
	for b.Loop() {
		sink = make([]byte, 64)
	}
}

func BenchmarkPool(b *testing.B) {
	for b.Loop() {
		x := pool.Get().([]byte)
		sink = x
		pool.Put(x)
	}
}

func BenchmarkSetup(b *testing.B) {
	big = make([]byte, 8<<20)
	for b.Loop() {
		sink = big[:64]
	}
}
`, keep),
	}
}

// TestMeasureRetained measures retained-B/op on a head that keeps 64 bytes an operation in a
// package-level slice: that benchmark is a regression from nothing, with the allocation site
// that holds the bytes named; the benchmarks that allocate and let go, pool, or set up 8 MiB
// once keep 0 bytes an operation on both sides.
func TestMeasureRetained(t *testing.T) {
	repo := gittest.NewRepo(t)
	gittest.WriteFiles(t, repo, retainedFiles(false))
	base := gittest.Commit(t, repo, "base")
	gittest.WriteFiles(t, repo, retainedFiles(true))
	head := gittest.Commit(t, repo, "head: Keep keeps what it allocates")
	m, err := Measure(context.Background(), MeasureOptions{
		Run: benchexec.Options{
			Dir: repo, Base: base, Head: head, Count: 5, MaxCount: 5, Benchtime: "2000x", Retained: true, Env: os.Environ(),
		},
		Config: config.Default(), ProfileDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Report
	seen := map[string]bool{}
	for _, c := range r.Comparisons {
		if c.Unit != report.RetainedUnit {
			continue
		}
		name := report.WithoutProcs(c.Benchmark)
		seen[name] = true
		if c.Base.N() != 6 || c.Head.N() != 6 {
			t.Errorf("%s: %d and %d samples, want 6 a side", name, c.Base.N(), c.Head.N())
		}
		switch name {
		case "Keep":
			// 64 bytes, and a share of the slice of slice headers that holds them (24 bytes a
			// header, in a backing array that grows by a factor of 1.25 to 2): 64 to 128 bytes
			// an operation, where exactly depending on N.
			if c.Verdict != report.Regression || c.Base.Center != 0 || c.Head.Center < 64 || c.Head.Center > 128 {
				t.Errorf("Keep: %s (%s), %v to %v B/op; want a regression from 0 to 64-128", c.Verdict, c.Reason, c.Base.Center, c.Head.Center)
			}
		default:
			if c.Verdict != report.Unchanged || c.Base.Values[c.Base.N()-1] != 0 || c.Head.Values[c.Head.N()-1] != 0 {
				t.Errorf("%s: %s, base %v, head %v; want 0 retained on both sides", name, c.Verdict, c.Base.Values, c.Head.Values)
			}
		}
	}
	if len(seen) != 4 {
		t.Errorf("retained-B/op of %v, want Keep, Free, Pool and Setup", seen)
	}
	var where *report.ProfileDiff
	for i, p := range r.Profiles {
		if p.Kind == report.ProfileInuseSpace {
			where = &r.Profiles[i]
		}
	}
	if where == nil || where.Function != "Keep" || len(where.Functions) == 0 {
		t.Fatalf("profiles %+v, want where Keep's retained bytes were allocated", r.Profiles)
	}
	if top := where.Functions[0]; !strings.HasSuffix(top.Name, "retained.keep") || top.FlatShare < 0.5 {
		t.Errorf("the allocation site that grew most: %+v, want keep, holding most of it", top)
	}
	gittest.CheckClean(t, repo)
}
