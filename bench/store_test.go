package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/synth"
)

// measured holds 16 gate runs' results, of 30 benchmarks × 10 runs with -benchmem each, that
// the records of a data branch take turns to carry.
type measured struct {
	runs   [][2]string // the base side (the parent's) and the head side
	quoted [][2][]byte // the same as JSON strings
}

func newMeasured(b *testing.B) *measured {
	b.Helper()
	m := &measured{}
	for i := range 16 {
		var base, head bytes.Buffer
		spec := synth.Spec{Benchmarks: 30, Runs: 10, Slowed: 3, Slowdown: 1.05, MinCV: 0.01, MaxCV: 0.05, OutlierRate: 0.02, Memory: true, Seed: uint64(i + 1)}
		if err := synth.Write(spec, &base, &head); err != nil {
			b.Fatal(err)
		}
		qb, _ := json.Marshal(base.String())
		qh, _ := json.Marshal(head.String())
		m.runs = append(m.runs, [2]string{base.String(), head.String()})
		m.quoted = append(m.quoted, [2][]byte{qb, qh})
	}
	return m
}

// record is the i-th measured commit (i ≥ 1), an hour after the one before, measured against
// its parent as the baseline workflow does.
func (m *measured) record(i int) baseline.Record {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	r := m.runs[i%len(m.runs)]
	return baseline.Record{
		SchemaVersion: baseline.SchemaVersion,
		Commit:        baseline.Commit{SHA: fmt.Sprintf("%040x", i), Parent: fmt.Sprintf("%040x", i-1), AuthorDate: at, Subject: fmt.Sprintf("Change %d: speed up the parser", i)},
		RecordedAt:    at.Add(25 * time.Minute),
		Machine:       report.Machine{CPUModel: "AMD EPYC 7B13", LogicalCores: 4, MemoryBytes: 16 << 30, OS: "linux", Arch: "amd64", GoVersion: "go1.26.8", LoadBefore: []float64{0.1, 0.3, 0.4}, LoadAfter: []float64{2.1, 1.2, 0.7}},
		Settings:      map[string]string{"count": "10", "rounds": "10", "benchtime": "1s", "bench": "."},
		Results:       r[1],
		ParentResults: r[0],
	}
}

// recordJSON is the file Add writes for record i, json.MarshalIndent(rec, "", "  "), in pieces
// to concatenate: the results are encoded once per run rather than once per record, and not
// copied, which saves most of a second of setup for 1,000 records, paid by every run of the suite
// on each side.
func (m *measured) recordJSON(i int) ([][]byte, baseline.Record, error) {
	rec := m.record(i)
	short := rec
	short.Results, short.ParentResults = "@results@", "@parent@"
	data, err := json.MarshalIndent(short, "", "  ")
	q := m.quoted[i%len(m.quoted)]
	before, rest, _ := bytes.Cut(data, []byte(`"@results@"`))
	between, after, _ := bytes.Cut(rest, []byte(`"@parent@"`))
	return [][]byte{before, q[1], between, q[0], after}, rec, err
}

// dataStore makes a bare repository, origin, whose data branch holds records 1 to n, and returns
// the store of a clone of it, and the records' size. The branch is one commit that git
// fast-import writes in a single pack, undeltified as pushes of one record each leave it: a
// fraction of a second, where n calls of Add would cost a push each.
func dataStore(b *testing.B, n int, m *measured) (*baseline.Store, int) {
	b.Helper()
	var stream bytes.Buffer
	stream.Grow(n * (len(m.quoted[0][0]) + len(m.quoted[0][1]) + 2048))
	blob := func(mark int, pieces ...[]byte) {
		size := 0
		for _, p := range pieces {
			size += len(p)
		}
		fmt.Fprintf(&stream, "blob\nmark :%d\ndata %d\n", mark, size)
		for _, p := range pieces {
			stream.Write(p)
		}
		stream.WriteByte('\n')
	}
	commit := func(branch, msg string, files map[string]int) {
		fmt.Fprintf(&stream, "commit refs/heads/%s\ncommitter benchgate <benchgate@users.noreply.github.com> 1767225600 +0000\ndata %d\n%s\n", branch, len(msg), msg)
		for name, mark := range files {
			fmt.Fprintf(&stream, "M 100644 :%d %s\n", mark, name)
		}
		stream.WriteByte('\n')
	}
	blob(1, []byte("a project\n"))
	commit("main", "first", map[string]int{"README": 1})
	size := 0
	files := map[string]int{}
	entries := make([]baseline.Entry, n)
	for i := range n {
		pieces, rec, err := m.recordJSON(i + 1)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 || i == n-1 {
			want, _ := json.MarshalIndent(rec, "", "  ")
			if data := bytes.Join(pieces, nil); !bytes.Equal(data, want) {
				b.Fatalf("record %d is not what Add writes:\n%.600s\nwant:\n%.600s", i+1, data, want)
			}
		}
		blob(i+2, pieces...)
		files["records/"+rec.Commit.SHA+".json"] = i + 2
		entries[i] = baseline.Entry{Commit: rec.Commit, RecordedAt: rec.RecordedAt}
		for _, p := range pieces {
			size += len(p)
		}
	}
	index, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		b.Fatal(err)
	}
	blob(n+2, index)
	files["index.json"] = n + 2
	commit("benchgate-data", fmt.Sprintf("benchgate: %d records", n), files)

	bare := filepath.Join(b.TempDir(), "origin.git")
	gittest.Git(b, filepath.Dir(bare), "init", "-q", "--bare", bare)
	// Compressed at zlib's fastest level, which takes a third off the import.
	cmd := exec.Command("git", "-c", "core.compression=1", "fast-import", "--quiet", "--depth=0")
	cmd.Dir, cmd.Stdin = bare, &stream
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
	clone := filepath.Join(b.TempDir(), "clone")
	gittest.Git(b, filepath.Dir(clone), "clone", "-q", bare, clone) // a local clone hard-links the pack
	return &baseline.Store{Dir: clone, Remote: "origin", Branch: "benchgate-data", Env: os.Environ()}, size
}

// BenchmarkStoreAdd records commits, one per iteration, on a data branch of 1,000 records whose
// remote is a bare repository on disk: fetch, build the commit with git's plumbing (index.json
// from the previous one, checked against the records listed), and push. ns/op is the time to
// record one commit, without the network.
func BenchmarkStoreAdd(b *testing.B) {
	const n = 1000
	m := newMeasured(b)
	s, _ := dataStore(b, n, m)
	ctx := context.Background()
	i := n
	for b.Loop() {
		i++
		if err := s.Add(ctx, m.record(i), baseline.Retention{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistoryLoad reads back a data branch of 1,000 records: all of them, as gate trend does
// before it looks for change points (MB/s is of the records' JSON), and the newest 30, as every
// pull request's check does for the history beside its comparisons. Each is a fetch (nothing
// new), the index, and the records in one git cat-file. The records' commits are not in the
// repository, so they come in author-date order.
func BenchmarkHistoryLoad(b *testing.B) {
	const n = 1000
	s, size := dataStore(b, n, newMeasured(b))
	ctx := context.Background()
	for _, newest := range []int{0, 30} {
		name, want := "all", n
		if newest > 0 {
			name, want = fmt.Sprintf("newest=%d", newest), newest
		}
		b.Run(name, func(b *testing.B) {
			if newest == 0 {
				b.SetBytes(int64(size))
			}
			for b.Loop() {
				recs, _, err := s.Recent(ctx, newest)
				if err != nil || len(recs) != want {
					b.Fatalf("%d records, %v", len(recs), err)
				}
			}
		})
	}
}
