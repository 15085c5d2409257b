package bench

import (
	"context"
	"os"
	"testing"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/gittest"
)

// BenchmarkRunRounds measures the execution pipeline on a tiny module (two packages, one trivial
// benchmark each, one iteration per run): a whole gate run of 5 rounds per op, and as custom
// metrics what a round costs in benchmark processes and in gate's own overhead around them.
func BenchmarkRunRounds(b *testing.B) {
	repo := gittest.NewRepo(b)
	bench := "package p\n\nimport \"testing\"\n\nvar sink int\n\nfunc BenchmarkNop(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += i\n\t}\n}\n"
	gittest.WriteFiles(b, repo, map[string]string{
		"go.mod": "module example.com/tiny\n\ngo 1.26\n", "a/a_test.go": bench, "b/b_test.go": bench,
	})
	rev := gittest.Commit(b, repo, "tiny")
	opts := benchexec.Options{Dir: repo, Base: rev, Head: rev, Count: 5, Benchtime: "1x", Env: os.Environ()}
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
	}
	b.ReportMetric(1e9*(roundsSec-processesSec)/float64(rounds), "overhead-ns/round")
	b.ReportMetric(1e9*processesSec/float64(rounds), "processes-ns/round")
}
