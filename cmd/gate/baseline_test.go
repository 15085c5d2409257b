package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/gittest"
	"github.com/benchgate/benchgate/internal/report"
)

// TestBaselineTrend records 12 commits of a history whose benchmark A gets 30% slower at the 8th,
// then reads the history back from the data branch and finds that step.
func TestBaselineTrend(t *testing.T) {
	r := measuredReport(t) // a real report of gate run, whose run section each record reuses
	seed := gittest.NewRepo(t)
	gittest.WriteFiles(t, seed, map[string]string{"README": "a project\n"})
	gittest.Commit(t, seed, "start")
	bare := filepath.Join(t.TempDir(), "origin.git")
	gittest.Git(t, seed, "clone", "-q", "--bare", seed, bare)
	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Git(t, seed, "clone", "-q", bare, clone)

	results := func(i int) string {
		level := 100.0
		if i >= 7 {
			level = 130
		}
		var b strings.Builder
		b.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/m\n")
		for k := range 5 {
			fmt.Fprintf(&b, "BenchmarkA-8 1000 %.1f ns/op\n", level*(1+0.004*float64(k+i%3)))
		}
		return b.String()
	}
	var shas []string
	for i := range 12 {
		parent := gittest.Git(t, clone, "rev-parse", "HEAD")
		gittest.WriteFiles(t, clone, map[string]string{"README": fmt.Sprintf("version %d\n", i)})
		sha := gittest.Commit(t, clone, fmt.Sprintf("change %d", i))
		shas = append(shas, sha)
		dir := t.TempDir()
		// The run's base is the parent from the third commit on, and the results of both sides go
		// into the record then; before, the base was another revision, and only head's go in.
		r.Run.Head.SHA, r.Run.Head.Dirty = sha, false
		r.Run.Base.SHA = "0123456789012345678901234567890123456789"
		if i >= 2 {
			r.Run.Base.SHA = parent
		}
		if err := report.WriteFile(filepath.Join(dir, "report.json"), r); err != nil {
			t.Fatal(err)
		}
		gittest.WriteFiles(t, dir, map[string]string{"head.txt": results(i), "base.txt": results(i - 1)})
		code, stdout, stderr := runGate(t, clone, "baseline", "record", "--from", dir)
		if code != exitPass || !strings.HasPrefix(stdout, "recorded "+sha[:12]+" (change "+fmt.Sprint(i)+")") {
			t.Fatalf("record %d: exit %d\n%s%s", i, code, stdout, stderr)
		}
	}
	if st := gittest.Git(t, clone, "status", "--porcelain"); st != "" {
		t.Errorf("recording changed the checkout: %q", st)
	}
	for i, sha := range shas {
		var rec baseline.Record
		if err := json.Unmarshal([]byte(gittest.Git(t, bare, "show", "benchgate-data:records/"+sha+".json")), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Results != results(i) || (rec.ParentResults == results(i-1)) != (i >= 2) {
			t.Errorf("record %d: results %q, parent results %q", i, rec.Results, rec.ParentResults)
		}
	}
	code, stdout, stderr := runGate(t, clone, "trend", "--branch", "benchgate-data")
	if code != exitPass || !strings.Contains(stdout, "m.A-8 sec/op: +") || !strings.Contains(stdout, "(WORSE) at ") || !strings.Contains(stdout, "change 7 (commit 8 of 12)") {
		t.Errorf("trend: exit %d\n%s%s", code, stdout, stderr)
	}
	// A dirty measurement is no commit to record.
	dir := t.TempDir()
	r.Run.Head.Dirty = true
	if err := report.WriteFile(filepath.Join(dir, "report.json"), r); err != nil {
		t.Fatal(err)
	}
	gittest.WriteFiles(t, dir, map[string]string{"head.txt": "BenchmarkA 1 1 ns/op\n"})
	if code, _, stderr := runGate(t, clone, "baseline", "record", "--from", dir); code != exitError || !strings.Contains(stderr, "uncommitted changes") {
		t.Errorf("dirty: exit %d\n%s", code, stderr)
	}
}

// TestBaselineRecordMeasures has gate baseline record measure a commit that makes BenchmarkA
// three times slower against its parent, and store both sides' results and the site.
func TestBaselineRecordMeasures(t *testing.T) {
	seed := gittest.NewRepo(t)
	gittest.WriteFiles(t, seed, tiny(20000, ""))
	root := gittest.Commit(t, seed, "base")
	gittest.WriteFiles(t, seed, tiny(60000, ""))
	head := gittest.Commit(t, seed, "three times the work")
	bare := filepath.Join(t.TempDir(), "origin.git")
	gittest.Git(t, seed, "clone", "-q", "--bare", seed, bare)
	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Git(t, seed, "clone", "-q", bare, clone)

	code, stdout, stderr := runGate(t, clone, "baseline", "record", "--count", "6", "--benchtime", "1000x")
	if code != exitPass || !strings.HasPrefix(stdout, "recorded "+head[:12]+" (three times the work) on benchgate-data; against its parent: ") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var rec baseline.Record
	if err := json.Unmarshal([]byte(gittest.Git(t, bare, "show", "benchgate-data:records/"+head+".json")), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Commit.Parent != root || rec.Settings["count"] != "6" || strings.Count(rec.Results, "BenchmarkA") != 6 || strings.Count(rec.ParentResults, "BenchmarkA") != 6 ||
		!strings.Contains(rec.ParentResults, "benchgate-commit: "+root) {
		t.Errorf("record: %+v", rec)
	}
	if files := gittest.Git(t, bare, "ls-tree", "--name-only", "benchgate-data"); files != ".nojekyll\ncharts\nindex.html\nindex.json\nrecords" {
		t.Errorf("data branch: %q", files)
	}
	gittest.CheckClean(t, clone)

	// The root commit has no parent to measure against; --from takes no measuring flags.
	if code, _, stderr := runGate(t, clone, "baseline", "record", "--rev", root, "--count", "2"); code != exitError || !strings.Contains(stderr, "has no parent to measure it against") {
		t.Errorf("root commit: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runGate(t, clone, "baseline", "record", "--from", t.TempDir(), "--count", "3"); code != exitError || !strings.Contains(stderr, "--count: --from records a finished run") {
		t.Errorf("--from with --count: exit %d\n%s", code, stderr)
	}
}
