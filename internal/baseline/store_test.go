package baseline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/gittest"
)

// origin makes a bare repository with one commit on main, as origin, and returns it with a clone
// of it whose checkout the store must never touch.
func origin(t *testing.T) (bare, clone string) {
	t.Helper()
	seed := gittest.NewRepo(t)
	gittest.WriteFiles(t, seed, map[string]string{"README": "a project\n"})
	gittest.Commit(t, seed, "first")
	bare = filepath.Join(t.TempDir(), "origin.git")
	gittest.Git(t, seed, "clone", "-q", "--bare", seed, bare)
	clone = filepath.Join(t.TempDir(), "clone")
	gittest.Git(t, seed, "clone", "-q", bare, clone)
	return bare, clone
}

func sha(i int) string { return fmt.Sprintf("%040x", 0xabc000+i) }

func record(i int) Record {
	return Record{
		Commit:     Commit{SHA: sha(i), Parent: sha(i - 1), AuthorDate: time.Date(2026, 11, 1+i, 12, 0, 0, 0, time.UTC), Subject: fmt.Sprintf("change %d", i)},
		RecordedAt: time.Date(2026, 11, 25, 12, 0, i, 0, time.UTC),
		Settings:   map[string]string{"count": "10"},
		Results:    fmt.Sprintf("pkg: example.com/m\nBenchmarkA-8 1000 %d ns/op\n", 100+i),
	}
}

func store(dir string) *Store {
	s := Open(dir, "origin", "benchgate-data", os.Environ())
	s.Backoff = 20 * time.Millisecond
	return s
}

func TestLayout(t *testing.T) {
	bare, clone := origin(t)
	s := store(clone)
	ctx := context.Background()
	before := gittest.Git(t, clone, "rev-parse", "HEAD")
	for i := 1; i <= 3; i++ {
		if err := s.Add(ctx, record(i), Retention{}); err != nil {
			t.Fatal(err)
		}
	}
	files := gittest.Git(t, bare, "ls-tree", "-r", "--name-only", "benchgate-data")
	want := fmt.Sprintf("index.json\nrecords/%s.json\nrecords/%s.json\nrecords/%s.json", sha(1), sha(2), sha(3))
	if files != want {
		t.Errorf("data branch:\n%s\nwant:\n%s", files, want)
	}
	var index []Entry
	if err := json.Unmarshal([]byte(gittest.Git(t, bare, "show", "benchgate-data:index.json")), &index); err != nil || len(index) != 3 || index[2].SHA != sha(3) || index[0].Subject != "change 1" {
		t.Errorf("index.json: %+v, %v", index, err)
	}
	recs, warnings, err := s.Recent(ctx, 0)
	if err != nil || len(warnings) > 0 || len(recs) != 3 || recs[0].Commit.SHA != sha(1) || !strings.Contains(recs[2].Results, "103 ns/op") {
		t.Errorf("history: %d records, %v, %v", len(recs), warnings, err)
	}
	// The user's checkout, index and branches are as they were.
	if st := gittest.Git(t, clone, "status", "--porcelain"); st != "" || gittest.Git(t, clone, "rev-parse", "HEAD") != before {
		t.Errorf("the checkout changed: %q", st)
	}
	if branches := gittest.Git(t, clone, "branch", "--list"); branches != "* main" {
		t.Errorf("local branches: %q", branches)
	}
	if err := s.Add(ctx, record(2), Retention{}); !errors.Is(err, ErrRecorded) {
		t.Errorf("recording a commit twice: %v, want ErrRecorded", err)
	}
}

func TestRetention(t *testing.T) {
	bare, clone := origin(t)
	s := store(clone)
	for i := 1; i <= 5; i++ {
		if err := s.Add(context.Background(), record(i), Retention{Records: 3}); err != nil {
			t.Fatal(err)
		}
	}
	files := gittest.Git(t, bare, "ls-tree", "-r", "--name-only", "benchgate-data", "records/")
	if files != fmt.Sprintf("records/%s.json\nrecords/%s.json\nrecords/%s.json", sha(3), sha(4), sha(5)) {
		t.Errorf("kept:\n%s", files)
	}
	if msg := gittest.Git(t, bare, "log", "-1", "--format=%s", "benchgate-data"); !strings.Contains(msg, "dropped 1 old records, keeping 3") {
		t.Errorf("commit message %q", msg)
	}

	// By age: record i's commit is of November 1+i, and it is recorded on November 25, so ten
	// days keep the commits from November 15, 12:00 on. An old commit being recorded stays.
	for _, i := range []int{14, 15, 16, 2} {
		if err := s.Add(context.Background(), record(i), Retention{Days: 10}); err != nil {
			t.Fatal(err)
		}
	}
	files = gittest.Git(t, bare, "ls-tree", "-r", "--name-only", "benchgate-data", "records/")
	if files != fmt.Sprintf("records/%s.json\nrecords/%s.json\nrecords/%s.json", sha(2), sha(15), sha(16)) {
		t.Errorf("kept by age:\n%s", files)
	}
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]Retention{"": {}, "0": {}, "200": {Records: 200}, "90d": {Days: 90}} {
		if got, err := ParseRetention(in); err != nil || got != want {
			t.Errorf("ParseRetention(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"-1", "ten", "90days", "d", "3w"} {
		if _, err := ParseRetention(in); err == nil || !strings.Contains(err.Error(), `such as "90d"`) || !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("ParseRetention(%q): %v", in, err)
		}
	}
}

// TestConcurrentWriters starts 8 processes that each record a different commit from a clone of
// their own, at once: every record lands, on a linear history, without a forced push.
func TestConcurrentWriters(t *testing.T) {
	bare, _ := origin(t)
	// A forced push would rewrite history: the remote refuses non-fast-forwards outright.
	gittest.Git(t, bare, "config", "receive.denyNonFastForwards", "true")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range 8 {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestWriterProcess$")
			cmd.Env = append(os.Environ(), "BENCHGATE_WRITER_ORIGIN="+bare, "BENCHGATE_WRITER_INDEX="+strconv.Itoa(i+1), "BENCHGATE_WRITER_DIR="+t.TempDir())
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("writer %d: %v\n%s", i+1, err, out)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := gittest.Git(t, bare, "rev-list", "--count", "benchgate-data"); n != "8" {
		t.Errorf("%s commits on the data branch, want 8", n)
	}
	if n := len(strings.Fields(gittest.Git(t, bare, "ls-tree", "-r", "--name-only", "benchgate-data", "records/"))); n != 8 {
		t.Errorf("%d records, want 8", n)
	}
}

// TestWriterProcess is one writer of TestConcurrentWriters, run in a process of its own.
func TestWriterProcess(t *testing.T) {
	bare := os.Getenv("BENCHGATE_WRITER_ORIGIN")
	if bare == "" {
		t.Skip("a helper process of TestConcurrentWriters")
	}
	i, _ := strconv.Atoi(os.Getenv("BENCHGATE_WRITER_INDEX"))
	clone := filepath.Join(os.Getenv("BENCHGATE_WRITER_DIR"), "clone")
	gittest.Git(t, os.Getenv("BENCHGATE_WRITER_DIR"), "clone", "-q", bare, clone)
	s := store(clone)
	s.Attempts = 30
	if err := s.Add(context.Background(), record(i), Retention{}); err != nil {
		t.Fatal(err)
	}
}

// TestPushKeepsBeingRejected gives up after its bound, saying so, and leaves nothing behind.
func TestPushKeepsBeingRejected(t *testing.T) {
	bare, clone := origin(t)
	hook := filepath.Join(bare, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'the data branch is frozen' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := store(clone)
	s.Attempts = 3
	err := s.Add(context.Background(), record(1), Retention{})
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 rejected pushes, nothing was written") || !strings.Contains(err.Error(), "the data branch is frozen") {
		t.Errorf("error %v", err)
	}
	if refs := gittest.Git(t, bare, "for-each-ref", "refs/heads/benchgate-data"); refs != "" {
		t.Errorf("the remote has %q", refs)
	}
}

// TestCorruptRecord skips a record that does not read, with a warning that names it.
func TestCorruptRecord(t *testing.T) {
	bare, clone := origin(t)
	s := store(clone)
	ctx := context.Background()
	for i := 1; i <= 2; i++ {
		if err := s.Add(ctx, record(i), Retention{}); err != nil {
			t.Fatal(err)
		}
	}
	// Someone pushes a broken file into records/.
	broken := "records/" + sha(9) + ".json"
	pushEdit(t, bare, map[string]string{broken: "{not json"})

	recs, warnings, err := s.Recent(ctx, 0)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "benchgate-data:"+broken+": skipped: not a record") {
		t.Errorf("warnings %q", warnings)
	}
	// A write still works, and its index leaves the broken file out.
	if err := s.Add(ctx, record(3), Retention{}); err != nil {
		t.Fatal(err)
	}
}

// TestPages publishes a site beside the records: each write replaces the whole site with the
// one made from all the records it leaves, in the same commit, and a site that would write
// outside its paths is refused with nothing pushed.
func TestPages(t *testing.T) {
	bare, clone := origin(t)
	s := store(clone)
	ctx := context.Background()
	var seen []int
	s.Site = &Site{Paths: []string{"index.html", ".nojekyll", "charts/"}}
	s.Site.Make = func(recs []Record) (map[string][]byte, error) {
		seen = append(seen, len(recs))
		files := map[string][]byte{"index.html": []byte(fmt.Sprintf("%d records, newest %s", len(recs), recs[len(recs)-1].Commit.Subject)), ".nojekyll": {}}
		// One chart per record's subject: the first record's chart goes when retention drops it.
		for _, r := range recs {
			files["charts/"+strings.ReplaceAll(r.Commit.Subject, " ", "-")+".svg"] = []byte("<svg/>")
		}
		return files, nil
	}
	for i := 1; i <= 3; i++ {
		if err := s.Add(ctx, record(i), Retention{Records: 2}); err != nil {
			t.Fatal(err)
		}
	}
	files := gittest.Git(t, bare, "ls-tree", "-r", "--name-only", "benchgate-data")
	want := fmt.Sprintf(".nojekyll\ncharts/change-2.svg\ncharts/change-3.svg\nindex.html\nindex.json\nrecords/%s.json\nrecords/%s.json", sha(2), sha(3))
	if files != want {
		t.Errorf("data branch:\n%s\nwant:\n%s", files, want)
	}
	if page := gittest.Git(t, bare, "show", "benchgate-data:index.html"); page != "2 records, newest change 3" {
		t.Errorf("index.html: %q", page)
	}
	if fmt.Sprint(seen) != "[1 2 2]" {
		t.Errorf("the site saw %v records, want [1 2 2]", seen)
	}

	tip := gittest.Git(t, bare, "rev-parse", "benchgate-data")
	s.Site.Make = func([]Record) (map[string][]byte, error) {
		return map[string][]byte{"records/" + sha(2) + ".json": []byte("{}")}, nil
	}
	if err := s.Add(ctx, record(4), Retention{}); err == nil || !strings.Contains(err.Error(), "is not a path of the site") {
		t.Errorf("a site overwriting a record: %v", err)
	}
	if got := gittest.Git(t, bare, "rev-parse", "benchgate-data"); got != tip {
		t.Errorf("the refused write moved the data branch")
	}
}

func TestNoRemote(t *testing.T) {
	_, clone := origin(t)
	s := store(clone)
	s.Remote = "upstream"
	if _, _, err := s.Recent(context.Background(), 0); !errors.Is(err, ErrNoRemote) || !strings.Contains(err.Error(), `no remote "upstream"`) {
		t.Errorf("History without the remote: %v", err)
	}
}

// pushEdit changes the data branch by hand, as someone with a clone could: files maps a path to
// its new content, or to "" to delete it.
func pushEdit(t *testing.T, bare string, files map[string]string) {
	t.Helper()
	work := t.TempDir()
	gittest.Git(t, work, "clone", "-q", "--branch", "benchgate-data", bare, "data")
	data := filepath.Join(work, "data")
	for name, content := range files {
		if content == "" {
			gittest.Git(t, data, "rm", "-q", name)
			continue
		}
		gittest.WriteFiles(t, data, map[string]string{name: content})
	}
	gittest.Git(t, data, "add", "-A")
	gittest.Git(t, data, "commit", "-q", "-m", "edit by hand")
	gittest.Git(t, data, "push", "-q", "origin", "HEAD:benchgate-data")
}

// TestIndexRepairs damages index.json (it lists a record that is gone and lacks two that are
// there), and checks that reads see the records as they are and the next write stores an index
// that agrees with them.
func TestIndexRepairs(t *testing.T) {
	bare, clone := origin(t)
	s := store(clone)
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		if err := s.Add(ctx, record(i), Retention{}); err != nil {
			t.Fatal(err)
		}
	}
	var index []Entry
	json.Unmarshal([]byte(gittest.Git(t, bare, "show", "benchgate-data:index.json")), &index)
	damaged, _ := json.Marshal(index[:2]) // records 3 and 4 left out
	pushEdit(t, bare, map[string]string{"index.json": string(damaged), "records/" + sha(1) + ".json": ""})

	recs, warnings, err := s.Recent(ctx, 0)
	var got []string
	for _, r := range recs {
		got = append(got, r.Commit.Subject)
	}
	if err != nil || len(warnings) > 0 || strings.Join(got, ", ") != "change 2, change 3, change 4" {
		t.Errorf("history: %v, %v, %v", got, warnings, err)
	}
	if err := s.Add(ctx, record(5), Retention{}); err != nil {
		t.Fatal(err)
	}
	index = nil
	if err := json.Unmarshal([]byte(gittest.Git(t, bare, "show", "benchgate-data:index.json")), &index); err != nil {
		t.Fatal(err)
	}
	var shas []string
	for _, e := range index {
		shas = append(shas, e.SHA)
	}
	if want := []string{sha(2), sha(3), sha(4), sha(5)}; fmt.Sprint(shas) != fmt.Sprint(want) {
		t.Errorf("index after a write: %v, want %v", shas, want)
	}
}

// TestRecent reads the newest records only: an old record that is broken is not read, so it is
// no warning, and the site is made of its newest Records records.
func TestRecent(t *testing.T) {
	bare, clone := origin(t)
	s := store(clone)
	ctx := context.Background()
	for i := 1; i <= 5; i++ {
		if err := s.Add(ctx, record(i), Retention{}); err != nil {
			t.Fatal(err)
		}
	}
	pushEdit(t, bare, map[string]string{"records/" + sha(1) + ".json": "{broken"})
	recs, warnings, err := s.Recent(ctx, 2)
	if err != nil || len(warnings) > 0 || len(recs) != 2 || recs[0].Commit.SHA != sha(4) || recs[1].Commit.SHA != sha(5) {
		t.Errorf("Recent(2): %d records, %v, %v", len(recs), warnings, err)
	}
	if _, warnings, _ := s.Recent(ctx, 0); len(warnings) != 1 || !strings.Contains(warnings[0], "records/"+sha(1)+".json: skipped") {
		t.Errorf("Recent(0) warnings: %q", warnings)
	}
	var shown []string
	s.Site = &Site{Paths: []string{"index.html"}, Records: 3}
	s.Site.Make = func(recs []Record) (map[string][]byte, error) {
		for _, r := range recs {
			shown = append(shown, r.Commit.Subject)
		}
		return map[string][]byte{"index.html": []byte("site")}, nil
	}
	if err := s.Add(ctx, record(6), Retention{}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(shown, ", "); got != "change 4, change 5, change 6" {
		t.Errorf("the site was made of %s", got)
	}
}
