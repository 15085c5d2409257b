package report_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/report"
)

// FuzzRead reads arbitrary bytes as a report: gate comment reads one from a workflow artifact
// that a pull request's code could have written. Read must not panic; an error must name the
// file; a report it accepts must be valid, and checking it again must neither fail nor change
// it; written back it must read back and be written the same, byte for byte; and rendering it
// must not panic, must keep the comment within GitHub's limit, and the terminal text must hold
// no control characters but line ends.
//
// The seeds are the reports the renderer's golden tests use, the hostile one among them.
func FuzzRead(f *testing.F) {
	paths, _ := filepath.Glob("../comment/testdata/*.json")
	if len(paths) < 5 {
		f.Fatalf("found %d seed reports", len(paths))
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}

	const name = "report.json"
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := report.Read(bytes.NewReader(data), name)
		if err != nil {
			if !strings.HasPrefix(err.Error(), name+": ") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		again, err := report.Read(bytes.NewReader(data), name)
		if err != nil {
			t.Fatalf("the same bytes read once and not twice: %v", err)
		}
		if err := rep.Validate(); err != nil {
			t.Fatalf("a report Read accepted does not validate: %v", err)
		}
		if !reflect.DeepEqual(rep, again) {
			t.Fatal("Validate changed the report")
		}

		var first, second bytes.Buffer
		if err := report.Write(&first, rep); err != nil {
			t.Fatalf("writing a report that was read: %v", err)
		}
		back, err := report.Read(bytes.NewReader(first.Bytes()), name)
		if err != nil {
			t.Fatalf("a report written from one that was read does not read back: %v\n%s", err, first.Bytes())
		}
		if err := report.Write(&second, back); err != nil || !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("the report changed in a write and a read (%v):\n%s\n%s", err, first.Bytes(), second.Bytes())
		}

		var md, text bytes.Buffer
		if err := comment.MarkdownWith(&md, rep, comment.Options{MaxBytes: comment.CommentLimit}); err != nil {
			t.Fatal(err)
		}
		if md.Len() > comment.CommentLimit {
			t.Errorf("the comment is %d bytes, limit %d", md.Len(), comment.CommentLimit)
		}
		if err := comment.Text(&text, rep); err != nil {
			t.Fatal(err)
		}
		if i := strings.IndexFunc(text.String(), func(r rune) bool { return r != '\n' && unicode.IsControl(r) }); i >= 0 {
			t.Errorf("the text holds a control character: %q", text.String()[max(0, i-40):min(text.Len(), i+40)])
		}
		if err := comment.Markdown(io.Discard, rep); err != nil {
			t.Fatal(err)
		}
	})
}
