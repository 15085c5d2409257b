package gate

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/report"
)

// MergeOptions say which shards to merge and how to judge the union.
type MergeOptions struct {
	// Dirs are the shards' output directories (gate run --shard K/N --out DIR): report.json,
	// base.txt and head.txt in each.
	Dirs   []string
	Config *config.Config
	// History, when not nil, is put beside each comparison of the union (see AttachHistory).
	History *History
}

// maxResultsBytes bounds one shard's raw results file: a shard's files come from another job,
// which ran pull request code, and are read as untrusted.
const maxResultsBytes = report.MaxBytes

// shardOutput is one shard's output, read and validated.
type shardOutput struct {
	dir        string
	rep        *report.Report
	base, head []byte
}

// Merge reads the shards' outputs, checks that they are one whole set of one run, and judges
// the union as if one runner had measured it: the false-alarm control over every benchmark of
// every shard, not shard by shard. Each comparison stays paired on the machine of its shard.
// A set that is not whole (a shard missing or twice, other revisions, other settings, a
// benchmark claimed by two shards or by one that was not given it) is an error that names the
// shard: a merge never passes over part of a suite.
func Merge(opts MergeOptions) (*Measurement, error) {
	if len(opts.Dirs) == 0 {
		return nil, errors.New("no shard directories to merge")
	}
	var shards []shardOutput
	for _, dir := range opts.Dirs {
		s, err := readShard(dir)
		if err != nil {
			return nil, err
		}
		shards = append(shards, s)
	}
	slices.SortStableFunc(shards, func(a, b shardOutput) int { return cmp.Compare(a.rep.Run.Shard.Index, b.rep.Run.Shard.Index) })
	if err := checkSet(shards); err != nil {
		return nil, err
	}
	res := mergeRuns(shards)
	results, err := compare.ReadRun(res.Base, res.Head)
	if err != nil {
		return nil, err
	}
	m := &Measurement{Exec: res, results: results, cfg: opts.Config}
	for _, s := range shards {
		m.profiles = append(m.profiles, s.rep.Profiles...)
	}
	m.profiles = m.profiles[:min(len(m.profiles), report.MaxProfiles)]
	if _, err := m.AttachHistory(opts.History); err != nil {
		return nil, err
	}
	// The shards were judged under some config; the union must be judged under the same one.
	want := comparableSettings(shards[0].rep.Settings)
	if got := comparableSettings(m.Report.Settings); !bytes.Equal(got, want) {
		return nil, fmt.Errorf("%s: the shards were judged with settings %s, and this merge's config gives %s: merge with the config the shards ran with", shards[0].dir, want, got)
	}
	return m, nil
}

// readShard reads one shard's directory. Everything in it is untrusted: the report is
// validated as gate comment validates a fork's, and the raw results are bounded in size.
func readShard(dir string) (shardOutput, error) {
	s := shardOutput{dir: dir}
	rep, err := report.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		return s, fmt.Errorf("shard %s: %w", dir, err)
	}
	if rep.Run == nil || rep.Run.Shard == nil {
		return s, fmt.Errorf("shard %s: report.json is not a shard's (gate run --shard K/N --out DIR writes one)", dir)
	}
	s.rep = rep
	for _, f := range []struct {
		name string
		data *[]byte
	}{{"base.txt", &s.base}, {"head.txt", &s.head}} {
		path := filepath.Join(dir, f.name)
		file, err := os.Open(path)
		if err != nil {
			return s, fmt.Errorf("shard %s: %w", dir, err)
		}
		*f.data, err = io.ReadAll(io.LimitReader(file, maxResultsBytes+1))
		file.Close()
		if err != nil {
			return s, fmt.Errorf("shard %s: %w", dir, err)
		}
		if len(*f.data) > maxResultsBytes {
			return s, fmt.Errorf("%s: larger than %d bytes", path, maxResultsBytes)
		}
	}
	return s, nil
}

// checkSet checks that the shards, sorted by index, are every shard of one split of one run,
// each with results for its own benchmark functions only.
func checkSet(shards []shardOutput) error {
	first := shards[0]
	n := first.rep.Run.Shard.Count
	label := func(s shardOutput) string {
		return fmt.Sprintf("shard %d/%d (%s)", s.rep.Run.Shard.Index, s.rep.Run.Shard.Count, s.dir)
	}
	owner := map[report.Func]string{}
	have := map[int]string{}
	selected := 0
	for _, s := range shards {
		run, sh := s.rep.Run, s.rep.Run.Shard
		if sh.Count != n {
			return fmt.Errorf("%s is of a split into %d, %s of one into %d", label(s), sh.Count, label(first), n)
		}
		if d, ok := have[sh.Index]; ok {
			return fmt.Errorf("shard %d/%d given twice: %s and %s", sh.Index, n, d, s.dir)
		}
		have[sh.Index] = s.dir
		if run.Base.SHA != first.rep.Run.Base.SHA || run.Head.SHA != first.rep.Run.Head.SHA {
			return fmt.Errorf("%s measured base %s and head %s, %s base %s and head %s: shards of one comparison measure the same commits",
				label(s), report.ShortSHA(run.Base.SHA), report.ShortSHA(run.Head.SHA), label(first), report.ShortSHA(first.rep.Run.Base.SHA), report.ShortSHA(first.rep.Run.Head.SHA))
		}
		if d := runDifference(first.rep.Run, run); d != "" {
			return fmt.Errorf("%s and %s ran with different settings: %s", label(first), label(s), d)
		}
		for _, f := range sh.Functions {
			if o, ok := owner[f]; ok {
				return fmt.Errorf("%s and %s both claim %s.%s", o, label(s), f.Package, f.Name)
			}
			owner[f] = label(s)
		}
		selected += len(sh.Functions)
		if err := checkResults(s, label(s)); err != nil {
			return err
		}
	}
	var missing []string
	for i := 1; i <= n; i++ {
		if _, ok := have[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("shard %s missing: a merge judges the whole suite or nothing (given: %s)", strings.Join(missing, ", "), strings.Join(slices.Sorted(maps.Values(have)), ", "))
	}
	if selected != first.rep.Run.Shard.Selected {
		return fmt.Errorf("the shards hold %d benchmark functions, and the split was of %d", selected, first.rep.Run.Shard.Selected)
	}
	return nil
}

// runDifference names the first setting two shards' runs differ in, "" when none does: the
// instrument, what was selected and how, how many rounds, and the split's inputs.
func runDifference(a, b *report.Run) string {
	for _, d := range []struct {
		name string
		a, b any
	}{
		{"measure", a.Measure, b.Measure},
		{"bench", a.Bench, b.Bench},
		{"benchtime", a.Benchtime, b.Benchtime},
		{"count", a.Count, b.Count},
		{"max count", a.MaxCount, b.MaxCount},
		{"interleave", a.Interleave, b.Interleave},
		{"command", a.Command, b.Command},
		{"harness", a.Harness, b.Harness},
		{"split method", a.Shard.Method, b.Shard.Method},
		{"functions split", a.Shard.Selected, b.Shard.Selected},
		{"costs split by", a.Shard.CostsFrom, b.Shard.CostsFrom},
	} {
		if d.a != d.b {
			return fmt.Sprintf("%s %q against %q", d.name, fmt.Sprint(d.a), fmt.Sprint(d.b))
		}
	}
	return ""
}

// checkResults checks that a shard's raw results are of its own functions and revisions only:
// a shard that reported another's benchmark would have it counted twice.
func checkResults(s shardOutput, label string) error {
	mine := map[report.Func]bool{}
	for _, f := range s.rep.Run.Shard.Functions {
		mine[f] = true
	}
	harness := s.rep.Run.Command != ""
	for _, side := range []struct {
		side report.Side
		data []byte
		sha  string
	}{{report.Base, s.base, s.rep.Run.Base.SHA}, {report.Head, s.head, s.rep.Run.Head.SHA}} {
		r := benchfmt.NewReader(bytes.NewReader(side.data), filepath.Join(s.dir, string(side.side)+".txt"))
		for r.Scan() {
			res, ok := r.Result().(*benchfmt.Result)
			if !ok {
				continue
			}
			if got := string(res.GetConfig(report.SideKey)); got != string(side.side) || string(res.GetConfig(report.CommitKey)) != side.sha {
				return fmt.Errorf("%s: %s: a result of side %q, commit %q in the %s results", label, pos(res), got, res.GetConfig(report.CommitKey), side.side)
			}
			name := string(res.Name.Base())
			if name == report.ProcessBenchmark {
				continue
			}
			if harness {
				if !ownsHarnessResult(mine, res.Name.String()) {
					return fmt.Errorf("%s: %s: a result for %s, which is not in this shard's part", label, pos(res), res.Name)
				}
				continue
			}
			if f := (report.Func{Package: string(res.GetConfig("pkg")), Name: name}); !mine[f] {
				return fmt.Errorf("%s: %s: a result for %s.Benchmark%s, which is not in this shard's part", label, pos(res), f.Package, f.Name)
			}
		}
		if err := r.Err(); err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
	}
	return nil
}

// pos is where a result was read, as file:line.
func pos(res *benchfmt.Result) string {
	file, line := res.Pos()
	return fmt.Sprintf("%s:%d", file, line)
}

// ownsHarnessResult tells whether a harness's result belongs to one of a shard's units, each
// a benchmark's full name as the harness listed it.
func ownsHarnessResult(mine map[report.Func]bool, name string) bool {
	for f := range mine {
		if name == f.Name || strings.HasPrefix(name, f.Name+"/") || report.WithoutProcs(name) == f.Name {
			return true
		}
	}
	return false
}

// comparableSettings are the settings a verdict depends on, as JSON, without the config file's
// path (the same config may be read from another place on each runner).
func comparableSettings(s report.Settings) []byte {
	s.ConfigFile = ""
	data, _ := json.Marshal(s)
	return data
}

// mergeRuns joins the shards' raw results and runs into one: the union's results, the slowest
// shard's wall time (the time the set took on parallel runners), every shard's processes,
// failures and machine, and its warnings labelled with the shard.
func mergeRuns(shards []shardOutput) *benchexec.Result {
	first := *shards[0].rep.Run
	run := first
	run.Shard, run.Shards = nil, nil
	run.Looks, run.Extra, run.Processes, run.Failures = nil, nil, nil, nil
	run.ProcessesSeconds, run.BenchmarkSeconds = 0, 0
	res := &benchexec.Result{}
	var base, head bytes.Buffer
	processOwner := map[string]int{} // a package's peak RSS is kept from the first shard that measured it
	looks := map[int]bool{}
	cpus := map[string][]string{}
	for _, s := range shards {
		r, idx := s.rep.Run, s.rep.Run.Shard.Index
		base.Write(withoutOthersProcess(s.base, idx, processOwner))
		head.Write(withoutOthersProcess(s.head, idx, processOwner))
		run.Rounds = max(run.Rounds, r.Rounds)
		run.WallSeconds = max(run.WallSeconds, r.WallSeconds)
		run.BuildSeconds = max(run.BuildSeconds, r.BuildSeconds)
		run.RoundsSeconds = max(run.RoundsSeconds, r.RoundsSeconds)
		run.RetainedSeconds = max(run.RetainedSeconds, r.RetainedSeconds)
		run.ProcessesSeconds += r.ProcessesSeconds
		run.BenchmarkSeconds += r.BenchmarkSeconds
		run.Processes = append(run.Processes, r.Processes...)
		run.Failures = append(run.Failures, r.Failures...)
		for _, l := range r.Looks {
			looks[l] = true
		}
		for i, e := range r.Extra {
			for len(run.Extra) <= i {
				run.Extra = append(run.Extra, nil)
			}
			run.Extra[i] = append(run.Extra[i], e...)
		}
		run.Shards = append(run.Shards, report.ShardRun{Index: idx, Functions: len(r.Shard.Functions), Machine: r.Machine, Rounds: r.Rounds, WallSeconds: r.WallSeconds})
		cpus[r.Machine.CPUModel] = append(cpus[r.Machine.CPUModel], fmt.Sprintf("%d/%d", idx, r.Shard.Count))
		for _, w := range s.rep.Warnings {
			res.Warnings = append(res.Warnings, fmt.Sprintf("shard %d/%d: %s", idx, r.Shard.Count, w))
		}
	}
	run.Looks = slices.Sorted(maps.Keys(looks))
	if len(cpus) > 1 {
		var where []string
		for _, model := range slices.Sorted(maps.Keys(cpus)) {
			where = append(where, fmt.Sprintf("%s on %q", strings.Join(cpus[model], ", "), model))
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("the shards ran on different CPU models (%s): each comparison is paired on one machine, but the sizes of changes in different shards come from different machines", strings.Join(where, "; ")))
	}
	res.Base, res.Head, res.Run = base.Bytes(), head.Bytes(), run
	return res
}

// withoutOthersProcess is a shard's raw results less the per-package peak-RSS results of the
// packages another shard measured first: two shards that split a package would otherwise give
// its one [process] comparison the samples of two machines under the same pair numbers.
func withoutOthersProcess(data []byte, shard int, owner map[string]int) []byte {
	var out bytes.Buffer
	pkg := ""
	for line := range bytes.Lines(data) {
		if p, ok := bytes.CutPrefix(line, []byte("pkg: ")); ok {
			pkg = string(bytes.TrimSpace(p))
		}
		if bytes.HasPrefix(line, []byte("Benchmark"+report.ProcessBenchmark)) {
			if o, ok := owner[pkg]; ok && o != shard {
				continue
			}
			owner[pkg] = shard
		}
		out.Write(line)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		out.WriteByte('\n')
	}
	return out.Bytes()
}
