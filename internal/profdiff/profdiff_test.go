package profdiff

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

// profileSide builds the fixture module of a side (testdata/base or testdata/head) and runs its
// benchmark bench for ops operations with the given profile flag, returning the profile's path.
func profileSide(t *testing.T, side, bench, ops string, flags ...string) string {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("testdata", side))
	out := t.TempDir()
	bin := filepath.Join(out, "prof.test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Dir, build.Env = dir, append(os.Environ(), "GOFLAGS=", "GOTOOLCHAIN=local")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", side, err, b)
	}
	prof := filepath.Join(out, side+".pprof")
	for i, f := range flags {
		flags[i] = strings.ReplaceAll(f, "PROFILE", prof)
	}
	run := exec.Command(bin, append([]string{"-test.run=^$", "-test.bench=^Benchmark" + bench + "$", "-test.benchtime=" + ops + "x"}, flags...)...)
	run.Dir = dir
	if b, err := run.CombinedOutput(); err != nil {
		t.Fatalf("running %s: %v\n%s", side, err, b)
	}
	return prof
}

func read(t *testing.T, path string) *profile.Profile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := Read(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCompare diffs real profiles of real test binaries: the fixture's head makes hot three
// times slower and gather allocate four times as much, and the diff must say so.
func TestCompare(t *testing.T) {
	t.Parallel()
	t.Run("cpu", func(t *testing.T) {
		t.Parallel()
		const ops = 20000 // about a second of hot and steady on base
		base := read(t, profileSide(t, "base", "Work", "20000", "-test.cpuprofile=PROFILE"))
		head := read(t, profileSide(t, "head", "Work", "20000", "-test.cpuprofile=PROFILE"))
		d, err := Compare(base, head, CPU, ops, ops, 5)
		if err != nil {
			t.Fatal(err)
		}
		if d.Unit != "nanoseconds" || d.Change <= 0 || len(d.Funcs) == 0 {
			t.Fatalf("diff %+v", d)
		}
		t.Logf("change %.0f ns/op; top: %+v", d.Change, d.Funcs[:min(3, len(d.Funcs))])
		top := d.Funcs[0]
		if !strings.HasSuffix(top.Name, ".hot") || top.FlatShare < 0.5 || top.CumShare < 0.5 {
			t.Errorf("top function %+v, want prof.hot with more than half of the added time; all: %+v", top, d.Funcs)
		}
		// Each function's flat change is its head's samples less its base's, a period each;
		// its standard error √(base + head) periods; all per operation.
		for _, fn := range d.Funcs {
			period := float64(base.Period) / ops
			if want := float64(fn.HeadSamples-fn.BaseSamples) * period; math.Abs(fn.Flat-want) > 1e-6*period {
				t.Errorf("%s: flat %g per op from %d → %d samples, want %g", fn.Name, fn.Flat, fn.BaseSamples, fn.HeadSamples, want)
			}
			if want := math.Sqrt(float64(fn.BaseSamples+fn.HeadSamples)) * period; math.Abs(fn.FlatError-want) > 1e-6*period || fn.FlatError == 0 {
				t.Errorf("%s: flat error %g per op from %d → %d samples, want %g", fn.Name, fn.FlatError, fn.BaseSamples, fn.HeadSamples, want)
			}
		}
		if top.Flat < 2*top.FlatError {
			t.Errorf("prof.hot's three-fold slowdown %+v is within twice its sampling error", top)
		}
	})
	t.Run("allocations", func(t *testing.T) {
		t.Parallel()
		const ops = 2000
		base := read(t, profileSide(t, "base", "Gather", "2000", "-test.memprofile=PROFILE", "-test.memprofilerate=1"))
		head := read(t, profileSide(t, "head", "Gather", "2000", "-test.memprofile=PROFILE", "-test.memprofilerate=1"))
		for _, kind := range []Kind{AllocSpace, AllocObjects} {
			d, err := Compare(base, head, kind, ops, ops, 5)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: change %.0f per op; top: %+v", kind, d.Change, d.Funcs[:min(3, len(d.Funcs))])
			top := d.Funcs[0]
			if top.FlatError != 0 || top.BaseSamples != 0 || top.HeadSamples != 0 {
				t.Errorf("%s: every allocation is recorded, yet %+v has a sampling error", kind, top)
			}
			if !strings.HasSuffix(top.Name, ".gather") || top.FlatShare < 0.5 {
				t.Errorf("%s: top function %+v, want prof.gather with more than half of the change; all: %+v", kind, top, d.Funcs)
			}
			// gather allocates 8 slices of 512 bytes per operation on base, 32 on head: 24 more
			// objects, and at least 24 × 512 bytes more.
			if kind == AllocObjects && (d.Change < 23 || d.Change > 30) {
				t.Errorf("objects per operation changed by %.1f, want about 24", d.Change)
			}
			if kind == AllocSpace && (d.Change < 24*512 || d.Change > 24*512*1.5) {
				t.Errorf("bytes per operation changed by %.0f, want about %d", d.Change, 24*512)
			}
		}
		if _, err := Compare(base, head, CPU, ops, ops, 5); err == nil || !strings.Contains(err.Error(), "no cpu samples") {
			t.Errorf("a memory profile read for CPU: %v", err)
		}
	})
}

func TestReadRefusesOtherData(t *testing.T) {
	t.Parallel()
	if _, err := Read(strings.NewReader("BenchmarkA 1 100 ns/op\n"), "head.pprof"); err == nil || !strings.Contains(err.Error(), "head.pprof: not a pprof profile") {
		t.Errorf("err %v", err)
	}
}
