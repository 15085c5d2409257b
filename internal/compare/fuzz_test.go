package compare_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// maxLine is the longest line, without its newline, that the reader passes to benchfmt.
const maxLine = 65534

var errBroken = errors.New("broken pipe")

// FuzzReadRun reads arbitrary bytes as gate run's two sides: benchmark output is written by the
// code under test, so the reader must take anything. Reading in-memory input never fails (every
// problem in it is a warning); the comparison makes a report that validates and comes back
// byte for byte from a write and a read, since gate comment refuses one that does not; a first
// line of head longer than a result line may be is skipped with a warning naming it (pad
// stretches that line with spaces, to reach the line guard's bound); and a read error behind
// the data is returned, naming the input, not swallowed.
func FuzzReadRun(f *testing.F) {
	olds, _ := filepath.Glob("testdata/golden/*/old.txt")
	more, _ := filepath.Glob("../../testdata/*/old.txt")
	if len(olds) < 8 || len(more) < 1 {
		f.Fatalf("found %d golden cases and %d example pairs for seeds", len(olds), len(more))
	}
	for _, path := range append(olds, more...) {
		f.Add(readSeed(f, path), readSeed(f, strings.TrimSuffix(path, "old.txt")+"new.txt"), uint16(0))
	}
	// The example as gate run writes it (every result labelled with its pair, one file claiming
	// the other side), and with a first line at each side of the guard's bound.
	old, new := readSeed(f, "../../testdata/example/old.txt"), readSeed(f, "../../testdata/example/new.txt")
	f.Add([]byte("benchgate-pair: 1\n"+string(old)), []byte("benchgate-pair: 1\nbenchgate-side: base\n"+string(new)), uint16(0))
	first, _, _ := bytes.Cut(new, []byte("\n"))
	f.Add(old, new, uint16(maxLine-len(first)))
	f.Add(old, new, uint16(maxLine+1-len(first)))

	f.Fuzz(func(t *testing.T, base, head []byte, pad uint16) {
		head, firstLen := padFirstLine(head, int(pad))
		res, err := compare.ReadRun(base, head)
		if err != nil {
			t.Fatalf("reading in-memory results failed: %v", err)
		}
		rep, _ := res.Compare(config.Default(), compare.Extra{})
		if err := rep.Validate(); err != nil {
			t.Fatalf("the report of the input does not validate: %v", err)
		}
		var first bytes.Buffer
		if err := report.Write(&first, rep); err != nil {
			t.Fatalf("writing the report: %v", err)
		}
		back, err := report.Read(bytes.NewReader(first.Bytes()), "report.json")
		if err != nil {
			t.Fatalf("the report compare made does not read back: %v", err)
		}
		var second bytes.Buffer
		if err := report.Write(&second, back); err != nil || !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("the report changed in a write and a read (%v):\n%s\n%s", err, first.Bytes(), second.Bytes())
		}

		if len(rep.Warnings) < report.MaxWarnings { // none were dropped
			warned := false
			for _, w := range rep.Warnings {
				warned = warned || strings.HasPrefix(w, "head.txt:1: line is ")
			}
			if long := firstLen > maxLine; long != warned {
				t.Errorf("first line of head is %d bytes long (limit %d), but warned about it: %v", firstLen, maxLine, warned)
			}
		}

		_, err = compare.Read([]compare.Input{
			{Name: "base.txt", R: bytes.NewReader(base), Side: "base"},
			{Name: "head.txt", R: io.MultiReader(bytes.NewReader(head), iotest.ErrReader(errBroken)), Side: "head"},
		})
		if !errors.Is(err, errBroken) || !strings.HasPrefix(err.Error(), "head.txt:") {
			t.Fatalf("a read error after head's data gave error %v, want %v naming head.txt", err, errBroken)
		}
	})
}

func readSeed(f *testing.F, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// padFirstLine adds n spaces at the end of b's first line and returns the line's new length,
// without its newline.
func padFirstLine(b []byte, n int) ([]byte, int) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		i = len(b)
	}
	out := make([]byte, 0, len(b)+n)
	out = append(out, b[:i]...)
	out = append(out, bytes.Repeat([]byte(" "), n)...)
	return append(out, b[i:]...), i + n
}
