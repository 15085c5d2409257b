package gate

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/baseline/baselinetest"
	"github.com/benchgate/benchgate/internal/ghactions"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

func TestMachineDifference(t *testing.T) {
	runner := report.Machine{CPUModel: "AMD EPYC 7763", LogicalCores: 4, GoVersion: "go1.26.8"}
	other := report.Machine{CPUModel: "Intel Xeon Platinum 8370C", LogicalCores: 2, GoVersion: "go1.26.8"}
	records := func(ms ...report.Machine) *History {
		h := &History{}
		for _, m := range ms {
			h.Records = append(h.Records, baseline.Record{Machine: m})
		}
		return h
	}
	tests := []struct {
		name string
		h    *History
		want string // "" for no difference
	}{
		{"the same machine", records(runner, runner), ""},
		{"records without a fingerprint", records(report.Machine{}, runner), ""},
		{"another CPU", records(runner, other, other), "2 of the 3 recorded commits the history shows were measured on another machine than this runner (e.g. Intel Xeon Platinum 8370C, 2 cores, go1.26.8; this runner: AMD EPYC 7763, 4 cores, go1.26.8)"},
		{"another Go", records(report.Machine{CPUModel: runner.CPUModel, LogicalCores: 4, GoVersion: "go1.25.1"}), "1 of the 1 recorded commits"},
	}
	for _, tt := range tests {
		got := tt.h.machineDifference(runner)
		if tt.want == "" && got != "" || tt.want != "" && !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// steadyFiles is a module whose BenchmarkStep reports a time per op it is given, not one it
// measures, so that a test knows every sample: on base 1000ns each run; on head (counter set)
// 1000ns times the next of the ratios +4%, +8%, +5%, +9%, +4%, counted in the file counter. Every
// pair is then 4–9% slower: significant, and too spread for five pairs to tell whether past a
// 5% threshold, so without more it is undecided.
func steadyFiles(counter string) map[string]string {
	value := "1000"
	if counter != "" {
		value = fmt.Sprintf(`func() float64 {
		data, _ := os.ReadFile(%q)
		k, _ := strconv.Atoi(string(data))
		os.WriteFile(%[1]q, []byte(strconv.Itoa(k+1)), 0o666)
		return 1000 * []float64{1.04, 1.08, 1.05, 1.09, 1.04}[k%%5]
	}()`, counter)
	}
	return map[string]string{
		"go.mod": "module example.com/steady\n\ngo 1.26\n",
		"steady_test.go": fmt.Sprintf(`package steady

import (
	"os"
	"strconv"
	"testing"
)

var _, _ = os.ReadFile, strconv.Itoa

func BenchmarkStep(b *testing.B) {
	for b.Loop() {
	}
	b.ReportMetric(%s, "ns/op")
}
`, value),
		".github/benchgate.yml": "noise-multiple: 3\n",
	}
}

// swingingOrigin gives repo an origin whose data branch holds eight records of BenchmarkStep
// swinging by ±45–120% (baselinetest.Swings), and returns the origin.
func swingingOrigin(t *testing.T, repo string) string {
	origin, _ := baselinetest.RecordSwings(t, repo, "example.com/steady", "BenchmarkStep", 1, 1000)
	return origin
}

// corruptRecord pushes a record that is not JSON to the data branch of the bare origin, as a
// damaged or hand-edited branch would hold, and returns its path on the branch.
func corruptRecord(t *testing.T, bare string) string {
	t.Helper()
	work := filepath.Join(t.TempDir(), "data")
	gittest.Git(t, "", "clone", "-q", "--branch", "benchgate-data", bare, work)
	name := fmt.Sprintf("records/%040x.json", 9)
	gittest.WriteFiles(t, work, map[string]string{name: "{not a record"})
	gittest.Commit(t, work, "a damaged record")
	gittest.Git(t, work, "push", "-q", "origin", "benchgate-data")
	return name
}

// TestActionPullRequestJudgedWithHistory runs the action on a pull request whose BenchmarkStep
// is 4–9% slower in every pair (steadyFiles), with noise-multiple: 3. Beside a data branch whose
// history of the benchmark swings by about 115% from commit to commit, its threshold is about
// 345%, so it is within the threshold after the first five pairs: the looks judged with the
// history, and gave no extra rounds. A damaged record is a warning, and the other records still
// count. A data branch that cannot be fetched is a warning too, and the run goes on without the
// history: then the same pairs are undecided against 5% and get extra rounds.
func TestActionPullRequestJudgedWithHistory(t *testing.T) {
	tests := []struct {
		name    string
		history func(t *testing.T, repo string) (warning string)
		// withHistory: the report is judged beside the history, which gives no extra rounds.
		withHistory bool
	}{
		{"the history widens the threshold", func(t *testing.T, repo string) string {
			swingingOrigin(t, repo)
			return ""
		}, true},
		{"a damaged record is a warning", func(t *testing.T, repo string) string {
			return corruptRecord(t, swingingOrigin(t, repo)) + ": skipped: not a record"
		}, true},
		{"a data branch that cannot be fetched is a warning", func(t *testing.T, repo string) string {
			gittest.Git(t, repo, "remote", "add", "origin", filepath.Join(t.TempDir(), "gone.git"))
			return "the comparison is judged without the recorded history"
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := gittest.NewRepo(t)
			gittest.WriteFiles(t, repo, steadyFiles(""))
			base := gittest.Commit(t, repo, "base")
			gittest.WriteFiles(t, repo, steadyFiles(filepath.Join(gittest.SharedTempDir(t), "counter")))
			head := gittest.Commit(t, repo, "head: 4-9% slower")
			warning := tt.history(t, repo)
			r := newPRRunner(t, repo, base, head)
			err, log := r.run(t, map[string]string{"INPUT_COUNT": "5", "INPUT_MAX-COUNT": "15", "INPUT_BENCHTIME": "1x", "INPUT_PROFILE": "false", "INPUT_FAIL-ON": "never"})
			if err != nil {
				t.Fatalf("%v, want a report\n%s", err, log)
			}
			rep, err := report.ReadFile(filepath.Join(repo, ghactions.ResultsDir, "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			var step *report.Comparison
			for i, c := range rep.Comparisons {
				if c.Unit == "sec/op" {
					step = &rep.Comparisons[i]
				}
			}
			if step == nil || step.Paired == nil || step.Paired.DeltaPercent < 4 || step.Paired.DeltaPercent > 9 {
				t.Fatalf("Step's sec/op: %+v, want a paired change of 4–9%%", step)
			}
			if tt.withHistory {
				if rep.History == nil || rep.History.Commits != 8 || step.History == nil || step.Verdict != report.WithinThreshold || step.ThresholdPercent < 340 || !strings.Contains(step.Reason, "run-to-run spread") {
					t.Errorf("history %+v; Step %s, threshold %v, reason %q: want within a threshold the history widened", rep.History, step.Verdict, step.ThresholdPercent, step.Reason)
				}
				if !slices.Equal(rep.Run.Looks, []int{5}) || len(rep.Run.Extra) != 0 {
					t.Errorf("looks %v, extra rounds for %v: want none, since the looks judged beside the history", rep.Run.Looks, rep.Run.Extra)
				}
			} else {
				if rep.History != nil || step.History != nil || step.ThresholdPercent != 5 {
					t.Errorf("history %+v, Step's threshold %v: want the comparison alone", rep.History, step.ThresholdPercent)
				}
				if len(rep.Run.Extra) == 0 || len(rep.Run.Looks) < 2 {
					t.Errorf("looks %v, extra %v: want Step undecided against 5%% after five pairs, and given extra rounds", rep.Run.Looks, rep.Run.Extra)
				}
			}
			if warning != "" && !strings.Contains(log+strings.Join(rep.Warnings, "\n"), warning) {
				t.Errorf("no warning %q in the log or the report:\n%s\n%q", warning, log, rep.Warnings)
			}
		})
	}
}
