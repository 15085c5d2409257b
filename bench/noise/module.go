package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// benchmark is one generated benchmark: its kind and its function's name.
type benchmark struct{ kind, bench string }

// kinds are the generated benchmarks, in the order of the table.
var kinds = []benchmark{
	{"cpu", "BenchmarkCPU"},
	{"alloc", "BenchmarkAlloc"},
	{"map", "BenchmarkMap"},
	{"sort", "BenchmarkSort"},
	{"memory", "BenchmarkMemory"},
	{"chan", "BenchmarkChan"},
}

// benchSource holds the benchmarks, each a few µs per operation. sink keeps every result alive,
// so that nothing is optimized away.
const benchSource = `package noise

import (
	"math/rand/v2"
	"slices"
	"testing"
)

var sink uint64

// BenchmarkCPU is a chain of dependent multiply-adds: a linear congruential generator.
func BenchmarkCPU(b *testing.B) {
	x := sink
	for range b.N {
		for range 2000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink = x
}

var kept [][]byte

// BenchmarkAlloc makes small allocations that escape to a global.
func BenchmarkAlloc(b *testing.B) {
	for range b.N {
		kept = kept[:0]
		for range 64 {
			kept = append(kept, make([]byte, 64))
		}
	}
	sink += uint64(len(kept))
}

// BenchmarkMap inserts into a fresh small map.
func BenchmarkMap(b *testing.B) {
	for i := range b.N {
		m := map[int]int{}
		for j := range 64 {
			m[j*7+i] = j
		}
		sink += uint64(len(m))
	}
}

var perm = rand.New(rand.NewPCG(1, 2)).Perm(48)

// BenchmarkSort sorts a copy of a fixed shuffled permutation of 48 ints, four times.
func BenchmarkSort(b *testing.B) {
	s := make([]int, len(perm))
	for range b.N {
		for range 4 {
			copy(s, perm)
			slices.Sort(s)
		}
	}
	sink += uint64(s[0])
}

// mem is written once, so that its pages are real memory rather than the shared zero page.
var mem = func() []byte {
	m := make([]byte, 4<<20)
	for i := range m {
		m[i] = byte(i)
	}
	return m
}()

// BenchmarkMemory walks mem with a stride of a page and a cache line, wrapping around.
func BenchmarkMemory(b *testing.B) {
	const stride = 4096 + 64
	pos, sum := 0, byte(0)
	for range b.N {
		for range 1024 {
			sum += mem[pos]
			if pos += stride; pos >= len(mem) {
				pos -= len(mem)
			}
		}
	}
	sink += uint64(sum)
}

// BenchmarkChan passes a value back and forth between two goroutines over unbuffered channels.
func BenchmarkChan(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for range b.N {
		for range 16 {
			ping <- v
			v = <-pong
		}
	}
	close(ping)
	for range pong {
	}
	sink += uint64(v)
}
`

// padSource is the file that makes binary B: a large function, linked in through a test that
// never runs, whose file sorts before the benchmarks' so that it moves their code.
func padSource() string {
	var b strings.Builder
	b.WriteString("package noise\n\nimport \"testing\"\n\nfunc pad(x int) int {\n\tswitch x {\n")
	for i := range 300 {
		fmt.Fprintf(&b, "\tcase %d:\n\t\treturn x*%d ^ %d\n", i, 2*i+3, i*i+7)
	}
	b.WriteString("\t}\n\treturn x\n}\n\nfunc TestPad(t *testing.T) { sink += uint64(pad(int(sink))) }\n")
	return b.String()
}

// binaries are the three test binaries: A, A2 (a byte-for-byte copy of A) and B (A's source plus
// padding, so the same code at different addresses).
type binaries struct{ a, a2, b string }

// build writes the module into dir and builds the binaries there, reporting how long the builds
// of A and B took.
func build(dir string) (bins binaries, took [2]time.Duration, err error) {
	src := filepath.Join(dir, "src")
	bins = binaries{filepath.Join(dir, "a.test"), filepath.Join(dir, "a2.test"), filepath.Join(dir, "b.test")}
	files := map[string]string{
		"go.mod":        "module example.com/noise\n\ngo 1.26\n",
		"noise.go":      "// Package noise holds benchmarks of different kinds, for measuring their noise.\npackage noise\n",
		"bench_test.go": benchSource,
	}
	if err := writeFiles(src, files); err != nil {
		return bins, took, err
	}
	if took[0], err = goTestC(src, bins.a); err != nil {
		return bins, took, err
	}
	if err := writeFiles(src, map[string]string{"aaa_pad_test.go": padSource()}); err != nil {
		return bins, took, err
	}
	if took[1], err = goTestC(src, bins.b); err != nil {
		return bins, took, err
	}
	data, err := os.ReadFile(bins.a)
	if err != nil {
		return bins, took, err
	}
	return bins, took, os.WriteFile(bins.a2, data, 0o755)
}

func writeFiles(dir string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goTestC builds the test binary of the package in dir, outside any workspace.
func goTestC(dir, out string) (time.Duration, error) {
	cmd := exec.Command("go", "test", "-c", "-o", out, ".")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "GOWORK=off")
	start := time.Now()
	if output, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("go test -c: %v\n%s", err, output)
	}
	return time.Since(start), nil
}
