// Package baseline keeps measured commits of the default branch on a data branch of the
// repository, so that their history can be read back for trends.
//
// The layout of the data branch is one file per measured commit, records/<sha>.json, and
// index.json, a list of the records' commits. Every write and read checks the index against the
// records the branch holds, reads any record it lacks and drops any entry whose record is gone,
// and every write stores the result: the index can always be rebuilt from the records, and never
// disagrees with them for long, while a write or a read of the newest records costs the same
// however long the history grows. Writes go through git's plumbing with a temporary
// index: the user's checkout, index and branches are never touched. Pushes are never forced: when
// another writer got there first, the write is rebuilt on the new tip and tried again, with
// jittered backoff, a bounded number of times. Writers of different commits therefore never
// conflict, and no record is lost or overwritten.
package baseline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/gitexec"
	"github.com/benchgate/benchgate/internal/report"
)

// SchemaVersion is the version of a record's layout.
const SchemaVersion = 1

// Record is one measured commit.
type Record struct {
	SchemaVersion int            `json:"schema_version"`
	Commit        Commit         `json:"commit"`
	RecordedAt    time.Time      `json:"recorded_at"`
	Machine       report.Machine `json:"machine"`
	// Settings say how the results were measured (count, benchtime, bench, packages).
	Settings map[string]string `json:"settings,omitempty"`
	// Results are the raw results in the Go benchmark format.
	Results string `json:"results"`
	// ParentResults are the raw results of the commit's first parent, measured in the same
	// interleaved rounds on the same machine, so the record carries the commit's own change;
	// empty when the commit was measured against another revision.
	ParentResults string `json:"parent_results,omitempty"`
	// Accepted are the commit's regressions against its parent that were accepted in its pull
	// request.
	Accepted []report.AcceptedChange `json:"accepted,omitempty"`
}

// Commit identifies a measured commit.
type Commit struct {
	SHA        string    `json:"sha"`
	Parent     string    `json:"parent,omitempty"`
	AuthorDate time.Time `json:"author_date"`
	Subject    string    `json:"subject"`
}

// Entry is a record's line in index.json.
type Entry struct {
	Commit
	RecordedAt time.Time `json:"recorded_at"`
}

// Store is the data branch of a repository.
type Store struct {
	// Dir is a directory in the repository's working tree (or its git directory).
	Dir string
	// Remote is the remote the data branch lives on ("origin").
	Remote string
	// Branch is the data branch ("benchgate-data").
	Branch string
	// Env is the environment of the git commands.
	Env []string
	// Attempts bounds the pushes of one write (default 8); Backoff is the first wait after a
	// rejected push (default 1s), doubled after each further one, with jitter.
	Attempts int
	Backoff  time.Duration
	// Site, when set, is published beside the records: Add replaces the previous site with
	// the one made of the records the write leaves, in the same commit, so the site always
	// shows the records next to it.
	Site *Site
}

// Site is a static site on the data branch, made from its records.
type Site struct {
	// Paths are the paths of the data branch that belong to the site ("dir/" for a folder):
	// Make may write only these, and every write replaces all of them.
	Paths []string
	// Make makes the site's files, by path, from records oldest first, in commit order.
	Make func(recs []Record) (map[string][]byte, error)
	// Records, when above 0, gives Make only that many of the newest records, so that a write
	// reads no more of a long history than the site shows.
	Records int
}

// Open is the data branch branch of the repository at dir, pushed to remote; its git commands
// run with env (less credentials, see procenv).
func Open(dir, remote, branch string, env []string) *Store {
	return &Store{Dir: dir, Remote: remote, Branch: branch, Env: env}
}

var shaRE = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// ErrRecorded is returned when the commit already has a record: records are never overwritten.
var ErrRecorded = errors.New("the commit is already recorded")

// ErrNoRemote is returned when the repository has no remote of the store's name.
var ErrNoRemote = errors.New("no such remote")

// Retention says which records a write keeps: the newest Records of them (by author date), or
// those whose commit is at most Days days older than the record being written. Zero keeps all,
// and the record being written is always kept.
type Retention struct {
	Records int
	Days    int
}

// ParseRetention reads a retention as people write it: "200" keeps 200 records, "90d" the
// records of the last 90 days; "" and "0" keep all.
func ParseRetention(s string) (Retention, error) {
	const want = `a number of records such as "200", or of days such as "90d"; 0 keeps all`
	if s == "" {
		return Retention{}, nil
	}
	num, days := strings.CutSuffix(s, "d")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return Retention{}, fmt.Errorf("expected %s, got %q", want, s)
	}
	if days {
		return Retention{Days: n}, nil
	}
	return Retention{Records: n}, nil
}

// drop returns the entries (oldest first) of the records r does not keep, never rec's.
func (r Retention) drop(entries []Entry, rec Record) []Entry {
	var out []Entry
	kept := len(entries)
	for _, old := range entries {
		if old.SHA == rec.Commit.SHA {
			continue
		}
		tooMany := r.Records > 0 && kept > r.Records
		tooOld := r.Days > 0 && old.AuthorDate.Before(rec.RecordedAt.AddDate(0, 0, -r.Days))
		if tooMany || tooOld {
			out = append(out, old)
			kept--
		}
	}
	return out
}

// Add writes rec to the data branch and pushes it. The records keep does not keep are removed
// in the same commit.
func (s *Store) Add(ctx context.Context, rec Record, keep Retention) error {
	if !shaRE.MatchString(rec.Commit.SHA) {
		return fmt.Errorf("commit %q: expected a full hexadecimal SHA", rec.Commit.SHA)
	}
	rec.SchemaVersion = SchemaVersion
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	attempts, backoff := s.Attempts, s.Backoff
	if attempts == 0 {
		attempts = 8
	}
	if backoff == 0 {
		backoff = time.Second
	}
	var lastErr error
	for attempt := 1; attempt <= attempts; attempt++ {
		tip, err := s.fetch(ctx)
		if err != nil {
			return err
		}
		commit, err := s.build(ctx, tip, rec, data, keep)
		if err != nil {
			return err
		}
		if lastErr = s.push(ctx, commit); lastErr == nil {
			return nil
		}
		if attempt < attempts {
			wait := backoff << (attempt - 1)
			wait = wait/2 + time.Duration(rand.Int64N(int64(wait)))
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return fmt.Errorf("recording %s on %s: gave up after %d rejected pushes, nothing was written: %w", report.ShortSHA(rec.Commit.SHA), s.Branch, attempts, lastErr)
}

// localRef is where the fetched data branch is kept: a private ref, not a branch of the user's.
func (s *Store) localRef() string { return "refs/benchgate/" + s.Branch }

// fetch updates the local copy of the data branch and returns its tip, "" when the branch does
// not exist yet.
func (s *Store) fetch(ctx context.Context) (string, error) {
	if _, err := s.git(ctx, nil, "remote", "get-url", s.Remote); err != nil {
		return "", fmt.Errorf("%w: the repository has no remote %q", ErrNoRemote, s.Remote)
	}
	if _, err := s.git(ctx, nil, "fetch", "--quiet", "--no-tags", s.Remote, "+refs/heads/"+s.Branch+":"+s.localRef()); err != nil {
		if !strings.Contains(err.Error(), "couldn't find remote ref") {
			return "", err
		}
		return "", nil
	}
	return s.git(ctx, nil, "rev-parse", "--verify", s.localRef())
}

// build makes the commit that adds rec on top of tip, with a temporary index.
func (s *Store) build(ctx context.Context, tip string, rec Record, data []byte, keep Retention) (string, error) {
	idx, err := os.CreateTemp("", "benchgate-index-")
	if err != nil {
		return "", err
	}
	idx.Close()
	os.Remove(idx.Name()) // git creates it; an empty file is not an index
	defer os.Remove(idx.Name())
	env := []string{"GIT_INDEX_FILE=" + idx.Name()}
	if tip != "" {
		_, err = s.git(ctx, env, "read-tree", tip)
	} else {
		_, err = s.git(ctx, env, "read-tree", "--empty")
	}
	if err != nil {
		return "", err
	}
	name := "records/" + rec.Commit.SHA + ".json"
	if tip != "" {
		if out, _ := s.git(ctx, nil, "ls-tree", "--name-only", tip, name); out != "" {
			return "", fmt.Errorf("%w: %s on %s", ErrRecorded, name, s.Branch)
		}
	}
	if err := s.addFile(ctx, env, name, data); err != nil {
		return "", err
	}
	// The index: the tip's, checked against its records, and the new record.
	entries, _, err := s.entries(ctx, tip)
	if err != nil {
		return "", err
	}
	entries = append(entries, Entry{Commit: rec.Commit, RecordedAt: rec.RecordedAt})
	sortEntries(entries)
	message := "benchgate: record " + report.ShortSHA(rec.Commit.SHA) + " " + rec.Commit.Subject
	if dropped := keep.drop(entries, rec); len(dropped) > 0 {
		gone := map[string]bool{}
		for _, e := range dropped {
			if _, err := s.git(ctx, env, "update-index", "--remove", "--force-remove", "records/"+e.SHA+".json"); err != nil {
				return "", err
			}
			gone[e.SHA] = true
		}
		entries = slices.DeleteFunc(entries, func(e Entry) bool { return gone[e.SHA] })
		message += fmt.Sprintf(" (dropped %d old records, keeping %d)", len(dropped), len(entries))
	}
	if s.Site != nil {
		// The newest records in commit order: the new one from memory, the others from tip.
		shown := s.newest(ctx, slices.Clone(entries), s.Site.Records)
		var shas []string
		for _, e := range shown {
			if e.SHA != rec.Commit.SHA {
				shas = append(shas, e.SHA)
			}
		}
		loaded, _, err := s.load(ctx, tip, shas)
		if err != nil {
			return "", err
		}
		byID := map[string]Record{rec.Commit.SHA: rec}
		for _, r := range loaded {
			byID[r.Commit.SHA] = r
		}
		var recs []Record
		for _, e := range shown {
			if r, ok := byID[e.SHA]; ok { // an unreadable record is not shown
				recs = append(recs, r)
			}
		}
		if err := s.publish(ctx, env, recs); err != nil {
			return "", err
		}
	}
	index, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return "", err
	}
	if err := s.addFile(ctx, env, "index.json", index); err != nil {
		return "", err
	}
	tree, err := s.git(ctx, env, "write-tree")
	if err != nil {
		return "", err
	}
	args := []string{"-c", "user.name=benchgate", "-c", "user.email=benchgate@users.noreply.github.com", "commit-tree", tree, "-m", message}
	if tip != "" {
		args = append(args, "-p", tip)
	}
	return s.git(ctx, nil, args...)
}

// publish replaces the site in the temporary index with the one the Site makes of recs.
func (s *Store) publish(ctx context.Context, env []string, recs []Record) error {
	files, err := s.Site.Make(recs)
	if err != nil {
		return fmt.Errorf("making the site: %w", err)
	}
	old, err := s.git(ctx, env, append([]string{"ls-files", "--"}, s.Site.Paths...)...)
	if err != nil {
		return err
	}
	if old != "" {
		if _, err := s.gitEnvInput(ctx, env, []byte(old+"\n"), "update-index", "--force-remove", "--stdin"); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		if !s.Site.owns(name) {
			return fmt.Errorf("making the site: %s is not a path of the site (%s)", name, strings.Join(s.Site.Paths, ", "))
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.addFile(ctx, env, name, files[name]); err != nil {
			return err
		}
	}
	return nil
}

// owns tells whether name is one of the site's paths.
func (site *Site) owns(name string) bool {
	for _, p := range site.Paths {
		if name == p || strings.HasSuffix(p, "/") && strings.HasPrefix(name, p) && !strings.Contains(name, "..") {
			return true
		}
	}
	return false
}

func (s *Store) addFile(ctx context.Context, env []string, name string, data []byte) error {
	blob, err := s.gitInput(ctx, data, "hash-object", "-w", "--stdin")
	if err != nil {
		return err
	}
	_, err = s.git(ctx, env, "update-index", "--add", "--cacheinfo", "100644,"+blob+","+name)
	return err
}

// push updates the data branch to commit, never forcing: a push that would drop another
// writer's record is rejected by the remote.
func (s *Store) push(ctx context.Context, commit string) error {
	_, err := s.git(ctx, nil, "push", "--quiet", "--no-verify", s.Remote, commit+":refs/heads/"+s.Branch)
	return err
}

// Recent fetches the data branch and returns its newest n records (all for n = 0) in commit
// order, oldest first, and a warning for each record that cannot be read, naming it. The order
// is the repository's own (git rev-list --topo-order): author dates tie when commits come fast.
// Where the commits are not in the repository (a shallow clone), author date, then record time,
// decide. It reads the index and then only those records, so that its cost does not grow with
// the whole history.
func (s *Store) Recent(ctx context.Context, n int) ([]Record, []string, error) {
	tip, err := s.fetch(ctx)
	if err != nil || tip == "" {
		return nil, nil, err
	}
	entries, warnings, err := s.entries(ctx, tip)
	if err != nil {
		return nil, warnings, err
	}
	entries = s.newest(ctx, entries, n)
	shas := make([]string, len(entries))
	for i, e := range entries {
		shas[i] = e.SHA
	}
	recs, more, err := s.load(ctx, tip, shas)
	return recs, append(warnings, more...), err
}

// entries returns the index of tip's records, oldest first by author date. It starts from tip's
// index.json and checks it against the records the tree holds: a record the index lacks is read
// (so an index that was lost or damaged is rebuilt from the records themselves), and an entry
// whose record is gone is dropped. Records that cannot be read are named in the warnings.
func (s *Store) entries(ctx context.Context, tip string) ([]Entry, []string, error) {
	if tip == "" {
		return nil, nil, nil
	}
	out, err := s.git(ctx, nil, "ls-tree", "-r", "--name-only", tip, "records/")
	if err != nil {
		return nil, nil, err
	}
	listed := map[string]bool{}
	for _, name := range strings.Fields(out) {
		if sha, ok := strings.CutSuffix(strings.TrimPrefix(name, "records/"), ".json"); ok {
			listed[sha] = true
		}
	}
	var index []Entry
	if data, err := s.run(ctx, nil, nil, "cat-file", "blob", tip+":index.json"); err == nil {
		// A damaged index is no error: the records it fails to list are read below.
		_ = json.Unmarshal(data, &index)
	}
	var entries []Entry
	known := map[string]bool{}
	for _, e := range index {
		if listed[e.SHA] && !known[e.SHA] {
			entries = append(entries, e)
			known[e.SHA] = true
		}
	}
	var missing []string
	for sha := range listed {
		if !known[sha] {
			missing = append(missing, sha)
		}
	}
	sort.Strings(missing)
	recs, warnings, err := s.load(ctx, tip, missing)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range recs {
		entries = append(entries, Entry{Commit: r.Commit, RecordedAt: r.RecordedAt})
	}
	sortEntries(entries)
	return entries, warnings, nil
}

func sortEntries(entries []Entry) {
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if !a.AuthorDate.Equal(b.AuthorDate) {
			return a.AuthorDate.Before(b.AuthorDate)
		}
		return a.RecordedAt.Before(b.RecordedAt)
	})
}

// newest returns the newest n entries (all for n = 0) in commit order, oldest first.
func (s *Store) newest(ctx context.Context, entries []Entry, n int) []Entry {
	entries = s.inCommitOrder(ctx, entries)
	if n > 0 {
		entries = entries[max(0, len(entries)-n):]
	}
	return entries
}

// inCommitOrder sorts entries, which come in author-date order, in the repository's commit order
// when their commits are in it.
func (s *Store) inCommitOrder(ctx context.Context, entries []Entry) []Entry {
	if len(entries) == 0 {
		return entries
	}
	var shas strings.Builder
	for _, e := range entries {
		shas.WriteString(e.SHA + "\n")
	}
	// On standard input: a thousand SHAs as arguments would pass some systems' command-line limit.
	out, err := s.gitInput(ctx, []byte(shas.String()), "rev-list", "--topo-order", "--reverse", "--stdin")
	if err != nil {
		return entries
	}
	pos := map[string]int{}
	for i, sha := range strings.Fields(out) {
		pos[sha] = i
	}
	sort.SliceStable(entries, func(i, j int) bool { return pos[entries[i].SHA] < pos[entries[j].SHA] })
	return entries
}

// load reads the records of the given commits from tip's tree, in one git cat-file call, in the
// order given. A record that cannot be read is skipped with a warning that names it.
func (s *Store) load(ctx context.Context, tip string, shas []string) ([]Record, []string, error) {
	if len(shas) == 0 {
		return nil, nil, nil
	}
	var query strings.Builder
	for _, sha := range shas {
		query.WriteString(tip + ":records/" + sha + ".json\n")
	}
	data, err := s.run(ctx, nil, []byte(query.String()), "cat-file", "--batch")
	if err != nil {
		return nil, nil, err
	}
	var recs []Record
	var warnings []string
	for _, sha := range shas {
		p := "records/" + sha + ".json"
		header, rest, _ := bytes.Cut(data, []byte("\n"))
		var object, kind string
		var size int
		if n, _ := fmt.Sscanf(string(header), "%s %s %d", &object, &kind, &size); n != 3 || kind != "blob" {
			// "<name> missing", or not a file.
			warnings = append(warnings, fmt.Sprintf("%s:%s: skipped: not a file", s.Branch, p))
			data = rest
			continue
		}
		if size > len(rest) {
			return nil, nil, fmt.Errorf("reading %s: short read", p)
		}
		body := rest[:size]
		data = rest[min(size+1, len(rest)):]
		var r Record
		switch err := json.Unmarshal(body, &r); {
		case err != nil:
			warnings = append(warnings, fmt.Sprintf("%s:%s: skipped: not a record: %v", s.Branch, p, err))
		case r.SchemaVersion != SchemaVersion:
			warnings = append(warnings, fmt.Sprintf("%s:%s: skipped: schema_version %d, this gate reads %d", s.Branch, p, r.SchemaVersion, SchemaVersion))
		case r.Commit.SHA != sha:
			warnings = append(warnings, fmt.Sprintf("%s:%s: skipped: it records commit %q", s.Branch, p, r.Commit.SHA))
		default:
			recs = append(recs, r)
		}
	}
	return recs, warnings, nil
}

// git runs a git command and returns its output, trimmed.
func (s *Store) git(ctx context.Context, extraEnv []string, args ...string) (string, error) {
	out, err := s.run(ctx, extraEnv, nil, args...)
	return strings.TrimSpace(string(out)), err
}

func (s *Store) gitInput(ctx context.Context, input []byte, args ...string) (string, error) {
	return s.gitEnvInput(ctx, nil, input, args...)
}

func (s *Store) gitEnvInput(ctx context.Context, extraEnv []string, input []byte, args ...string) (string, error) {
	out, err := s.run(ctx, extraEnv, input, args...)
	return strings.TrimSpace(string(out)), err
}

// run runs a git command in the store's repository and returns its output as it is.
func (s *Store) run(ctx context.Context, extraEnv []string, input []byte, args ...string) ([]byte, error) {
	return gitexec.Run(ctx, s.Dir, append(append([]string{}, s.Env...), extraEnv...), input, args...)
}
