package benchexec

import (
	"context"
	"crypto/sha256"
	"os"
	"testing"
	"time"
)

// usageChildEnv makes this test binary, run again, the child TestProcessUsage measures.
const usageChildEnv = "BENCHEXEC_TEST_USAGE_CHILD"

// TestProcessUsage runs a real process that touches 64 MiB and hashes it four times, and checks
// what runBinary reports of it: CPU time no less than that work takes on a fast machine (the
// work is fixed, so a loaded machine takes longer, not less), and a peak RSS of at least
// the 64 MiB but far below 64 GiB, which catches ru_maxrss read in the wrong unit (kilobytes on
// Linux, bytes on macOS). Where the platform reports no peak RSS it must be 0.
func TestProcessUsage(t *testing.T) {
	if os.Getenv(usageChildEnv) != "" {
		t.Skip("the child's own run")
	}
	env := append(os.Environ(), usageChildEnv+"=1")
	o := runBinary(context.Background(), env, nil, t.TempDir(), os.Args[0], []string{"-test.run=^TestProcessUsageChild$"}, time.Minute)
	if o.failure != "" {
		t.Fatalf("child failed: %s\n%s", o.failure, o.tail)
	}
	t.Logf("CPU time %v, peak RSS %d bytes", o.usage.cpu, o.usage.peakRSS)
	if o.usage.cpu < 20*time.Millisecond {
		t.Errorf("CPU time %v, want at least 20ms for hashing 256 MiB", o.usage.cpu)
	}
	const mib = 1 << 20
	switch rss := o.usage.peakRSS; {
	case !peakRSSMeasured && rss != 0:
		t.Errorf("peak RSS %d where the platform measures none, want 0", rss)
	case peakRSSMeasured && (rss < 64*mib || rss > 64<<10*mib):
		t.Errorf("peak RSS %d bytes, want between 64 MiB (what the child touched) and 64 GiB", rss)
	}
}

// TestProcessUsageChild is the process TestProcessUsage measures; on its own it does nothing.
func TestProcessUsageChild(t *testing.T) {
	if os.Getenv(usageChildEnv) == "" {
		return
	}
	mem := make([]byte, 64<<20)
	for i := 0; i < len(mem); i += 4096 {
		mem[i] = 1
	}
	for range 4 {
		sum := sha256.Sum256(mem)
		mem[0] ^= sum[0]
	}
}
