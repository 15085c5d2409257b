package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// BenchmarkGateRun is a whole gate run on a small module (two packages, three benchmarks each,
// the head one benchmark slower): worktrees, build from a warm cache, 3 interleaved rounds,
// compare, and the report. As custom metrics it reports what a round costs in benchmark
// processes, and in gate's own overhead around them (starting each prebuilt binary, reading its
// output, shuffling).
func BenchmarkGateRun(b *testing.B) {
	repo := gittest.NewRepo(b)
	module := func(work int) map[string]string {
		files := map[string]string{"go.mod": "module example.com/small\n\ngo 1.26\n"}
		for _, p := range []string{"a", "b"} {
			files[p+"/"+p+"_test.go"] = fmt.Sprintf(`package %s

import "testing"

var sink uint64

func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func BenchmarkOne(b *testing.B)   { for i := 0; i < b.N; i++ { sink += spin(%d) } }
func BenchmarkTwo(b *testing.B)   { for i := 0; i < b.N; i++ { sink += spin(2000) } }
func BenchmarkThree(b *testing.B) { for i := 0; i < b.N; i++ { sink += uint64(len(make([]byte, 64))) } }
`, p, work)
		}
		return files
	}
	gittest.WriteFiles(b, repo, module(1000))
	base := gittest.Commit(b, repo, "base")
	gittest.WriteFiles(b, repo, module(1500))
	head := gittest.Commit(b, repo, "head")
	opts := benchexec.Options{Dir: repo, Base: base, Head: head, Count: 3, Benchtime: "100x", Env: os.Environ()}
	var rounds int
	var roundsSec, processesSec float64
	for b.Loop() {
		res, err := benchexec.Run(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		rounds += res.Run.Rounds
		roundsSec += res.Run.RoundsSeconds
		processesSec += res.Run.ProcessesSeconds
		results, err := compare.ReadRun(res.Base, res.Head)
		if err != nil {
			b.Fatal(err)
		}
		rep, _ := results.Compare(config.Default(), compare.Extra{Run: &res.Run})
		if err := report.Write(io.Discard, rep); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1e9*(roundsSec-processesSec)/float64(rounds), "overhead-ns/round")
	b.ReportMetric(1e9*processesSec/float64(rounds), "processes-ns/round")
}

// BenchmarkRenderComment renders the PR comment of a 200-benchmark report (3 units each, a tenth
// slower), bounded for GitHub.
func BenchmarkRenderComment(b *testing.B) {
	base, head := suite(b, 200)
	rep, err := compare.Compare(inputs(base, head), config.Default())
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if err := comment.MarkdownWith(&out, rep, comment.Options{MaxBytes: comment.CommentLimit, RepoURL: "https://github.com/o/r"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len()), "comment-bytes")
}
