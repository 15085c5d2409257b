package benchexec

import (
	"syscall"
	"testing"
	"time"
)

// TestFiletimeDuration reads GetProcessTimes' CPU times as durations in 100ns intervals, not as
// dates since 1601.
func TestFiletimeDuration(t *testing.T) {
	for _, tt := range []struct {
		ft   syscall.Filetime
		want time.Duration
	}{
		{syscall.Filetime{}, 0},
		{syscall.Filetime{LowDateTime: 10_000_000}, time.Second},
		{syscall.Filetime{HighDateTime: 1, LowDateTime: 1}, (1<<32 + 1) * 100 * time.Nanosecond},
	} {
		if got := filetimeDuration(tt.ft); got != tt.want {
			t.Errorf("filetimeDuration(%+v) = %v, want %v", tt.ft, got, tt.want)
		}
	}
}
