package benchexec

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/benchgate/benchgate/internal/report"
)

// Progress hears about a run as it goes.
type Progress interface {
	// Building is called before the test binaries are built.
	Building(binaries int)
	// Start is called before the first round.
	Start(rounds, processesPerRound int, seed uint64)
	// Ran is called after each benchmark process.
	Ran(round int, pkg string, side report.Side)
	// RoundDone is called after each completed round.
	RoundDone(round int, took time.Duration)
	// Extra is called before the extra rounds from and to (inclusive) that a look gives the
	// benchmarks still undecided.
	Extra(from, to, benchmarks int)
	// Done is called after the last round.
	Done()
}

type silent struct{}

func (silent) Building(int)                 {}
func (silent) Start(int, int, uint64)       {}
func (silent) Ran(int, string, report.Side) {}
func (silent) RoundDone(int, time.Duration) {}
func (silent) Extra(int, int, int)          {}
func (silent) Done()                        {}

// LineProgress writes one line per round, for logs (CI).
func LineProgress(w io.Writer) Progress { return &lines{w: w} }

type lines struct {
	w      io.Writer
	rounds int
	from   int // the first round since start
	start  time.Time
}

func (l *lines) Building(n int) { fmt.Fprintf(l.w, "building %d test binaries\n", n) }

func (l *lines) Start(rounds, procs int, seed uint64) {
	l.rounds, l.start, l.from = rounds, time.Now(), 1
	fmt.Fprintf(l.w, "running %d rounds of %d benchmark processes, shuffled with seed %d\n", rounds, procs, seed)
}

func (l *lines) Ran(int, string, report.Side) {}

func (l *lines) RoundDone(round int, took time.Duration) {
	eta := time.Since(l.start) / time.Duration(round-l.from+1) * time.Duration(l.rounds-round)
	fmt.Fprintf(l.w, "round %d/%d done in %v, about %v left\n", round, l.rounds, took.Round(10*time.Millisecond), eta.Round(time.Second))
}

func (l *lines) Extra(from, to, benchmarks int) {
	l.rounds, l.start, l.from = to, time.Now(), from
	fmt.Fprintf(l.w, "extra rounds %d-%d for %d undecided benchmarks\n", from, to, benchmarks)
}

func (l *lines) Done() {}

// BarProgress draws a live progress bar with an ETA, for a terminal.
func BarProgress(w io.Writer) Progress { return &bar{w: w} }

type bar struct {
	w      io.Writer
	bar    *progressbar.ProgressBar
	rounds int
}

func (b *bar) Building(n int) { fmt.Fprintf(b.w, "building %d test binaries\n", n) }

func (b *bar) Start(rounds, procs int, seed uint64) {
	fmt.Fprintf(b.w, "shuffled with seed %d\n", seed)
	b.bar = progressbar.NewOptions(rounds*procs,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(fmt.Sprintf("round 1/%d", rounds)),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionFullWidth(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	b.rounds = rounds
}

func (b *bar) Ran(round int, pkg string, side report.Side) {
	b.bar.Describe(fmt.Sprintf("round %d/%d %s %s", round, b.rounds, side, pkg))
	b.bar.Add(1)
}

func (b *bar) RoundDone(int, time.Duration) {}

func (b *bar) Extra(from, to, benchmarks int) {
	b.Done()
	fmt.Fprintf(b.w, "extra rounds %d-%d for %d undecided benchmarks\n", from, to, benchmarks)
	b.rounds = to
	b.bar = progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}

func (b *bar) Done() {
	if b.bar != nil {
		b.bar.Finish()
	}
}
