package bench

// The per-round overhead of running the prebuilt test binaries is reported by BenchmarkGateRun
// (realworld_test.go), as overhead-ns/round beside processes-ns/round: a separate benchmark of
// the same pipeline would cost the suite another -benchtime and a process start per run and side.

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// BenchmarkConfigParse parses and validates a config with a rule of each kind.
func BenchmarkConfigParse(b *testing.B) {
	var yaml strings.Builder
	yaml.WriteString("alpha: 0.01\nconfidence: 0.9\nfalse-alarm-control: benjamini-hochberg\nnoise-multiple: 3\nunits:\n  frames/s: {better: higher}\nthresholds:\n")
	for i := range 20 {
		fmt.Fprintf(&yaml, "  - {unit: ns/op, benchmark: '^Encode%d/', package: 'codec$', max: %d%%}\n", i, i+1)
	}
	data := []byte(yaml.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := config.Parse(data, "benchgate.yml"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDamagedOut reads the --out directory of a run that was cut short and whose output was
// mangled on the way, and compares it: head.txt has a broken line (a bad number, a missing unit)
// after two of every three lines and a 100 KiB line, and ends in the middle of a line. The error
// paths must stay as cheap as the happy one; MB/s is of both files. (One benchmark for both kinds
// of damage: each benchmark costs the suite a -benchtime per run and side.)
func BenchmarkDamagedOut(b *testing.B) {
	base, head := suite(b, 1000)
	var broken bytes.Buffer
	lines := bytes.SplitAfter(head, []byte("\n"))
	for i, line := range lines {
		broken.Write(line)
		switch i % 3 {
		case 0:
			broken.WriteString("BenchmarkBroken-8\t100\tabc ns/op\n")
		case 1:
			broken.WriteString("BenchmarkBroken-8\t100\t12\n")
		}
		if i == len(lines)/3 {
			broken.WriteString("Benchmark" + strings.Repeat("x", 100<<10) + " 1 1 ns/op\n")
		}
	}
	head = broken.Bytes()[:broken.Len()*6/10]
	if head[len(head)-1] == '\n' {
		head = head[:len(head)-1]
	}
	dir := b.TempDir()
	for name, data := range map[string][]byte{"base.txt": base, "head.txt": head} {
		if err := os.WriteFile(dir+"/"+name, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(base) + len(head)))
	for b.Loop() {
		var ins []compare.Input
		for i, name := range []string{"base.txt", "head.txt"} {
			f, err := os.Open(dir + "/" + name)
			if err != nil {
				b.Fatal(err)
			}
			ins = append(ins, compare.Input{Name: name, R: f, Side: []report.Side{report.Base, report.Head}[i]})
		}
		rep, err := compare.Compare(ins, config.Default())
		if err != nil || len(rep.Comparisons) == 0 || len(rep.Warnings) == 0 {
			b.Fatal(err)
		}
		for _, in := range ins {
			in.R.(*os.File).Close()
		}
	}
}
