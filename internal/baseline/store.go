// Package baseline keeps measured commits of the default branch on a data branch of the
// repository, so that their history can be read back for trends.
//
// The layout of the data branch is one file per measured commit, records/<sha>.json, and
// index.json, a list of the records' commits that is rebuilt from the records on every write, so
// it can never disagree with them for long. Writes go through git's plumbing with a temporary
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
	"os/exec"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

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
	// Pages, when set, makes the static site published beside the records (index.html and
	// charts/, see SitePaths) from every record the write leaves, oldest first; Add replaces the
	// previous site with it in the same commit, so the site always shows the records next to it.
	Pages func(recs []Record) (map[string][]byte, error)
}

// SitePaths are the paths of the data branch that belong to the published site: Add's Pages
// writes only these, and replaces all of them.
var SitePaths = []string{"index.html", ".nojekyll", "charts/"}

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

// drop returns the records of recs (oldest first) that r does not keep, never rec itself.
func (r Retention) drop(recs []Record, rec Record) []Record {
	var out []Record
	kept := len(recs)
	for _, old := range recs {
		if old.Commit.SHA == rec.Commit.SHA {
			continue
		}
		tooMany := r.Records > 0 && kept > r.Records
		tooOld := r.Days > 0 && old.Commit.AuthorDate.Before(rec.RecordedAt.AddDate(0, 0, -r.Days))
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
	return fmt.Errorf("recording %s on %s: gave up after %d rejected pushes, nothing was written: %w", short(rec.Commit.SHA), s.Branch, attempts, lastErr)
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
	// The index, rebuilt from the records themselves.
	recs, _, err := s.recordsOfIndex(ctx, env)
	if err != nil {
		return "", err
	}
	message := "benchgate: record " + short(rec.Commit.SHA) + " " + rec.Commit.Subject
	if dropped := keep.drop(recs, rec); len(dropped) > 0 {
		gone := map[string]bool{}
		for _, r := range dropped {
			if _, err := s.git(ctx, env, "update-index", "--remove", "--force-remove", "records/"+r.Commit.SHA+".json"); err != nil {
				return "", err
			}
			gone[r.Commit.SHA] = true
		}
		recs = slices.DeleteFunc(recs, func(r Record) bool { return gone[r.Commit.SHA] })
		message += fmt.Sprintf(" (dropped %d old records, keeping %d)", len(dropped), len(recs))
	}
	entries := make([]Entry, len(recs))
	for i, r := range recs {
		entries[i] = Entry{Commit: r.Commit, RecordedAt: r.RecordedAt}
	}
	if s.Pages != nil {
		if err := s.publish(ctx, env, s.inCommitOrder(ctx, recs)); err != nil {
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

// publish replaces the site in the temporary index with the one Pages makes of recs.
func (s *Store) publish(ctx context.Context, env []string, recs []Record) error {
	files, err := s.Pages(recs)
	if err != nil {
		return fmt.Errorf("making the site: %w", err)
	}
	old, err := s.git(ctx, env, append([]string{"ls-files", "--"}, SitePaths...)...)
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
		if !onSite(name) {
			return fmt.Errorf("making the site: %s is not a path of the site (%s)", name, strings.Join(SitePaths, ", "))
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

func onSite(name string) bool {
	for _, p := range SitePaths {
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

// History fetches the data branch and returns its records in commit order, oldest first, and a
// warning for each record that cannot be read, naming it. The order is the repository's own
// (git rev-list --topo-order): author dates tie when commits come fast. Where the commits are not
// in the repository (a shallow clone), author date, then record time, decide.
func (s *Store) History(ctx context.Context) ([]Record, []string, error) {
	tip, err := s.fetch(ctx)
	if err != nil || tip == "" {
		return nil, nil, err
	}
	recs, warnings, err := s.records(ctx, tip)
	if err != nil {
		return nil, warnings, err
	}
	return s.inCommitOrder(ctx, recs), warnings, nil
}

// inCommitOrder sorts records, which come in author-date order, in the repository's commit
// order when their commits are in it.
func (s *Store) inCommitOrder(ctx context.Context, recs []Record) []Record {
	if len(recs) == 0 {
		return recs
	}
	var shas strings.Builder
	for _, r := range recs {
		shas.WriteString(r.Commit.SHA + "\n")
	}
	// On standard input: a thousand SHAs as arguments would pass some systems' command-line limit.
	out, err := s.gitInput(ctx, []byte(shas.String()), "rev-list", "--topo-order", "--reverse", "--stdin")
	if err != nil {
		return recs
	}
	pos := map[string]int{}
	for i, sha := range strings.Fields(out) {
		pos[sha] = i
	}
	sort.SliceStable(recs, func(i, j int) bool { return pos[recs[i].Commit.SHA] < pos[recs[j].Commit.SHA] })
	return recs
}

// records reads every record of tip's tree.
func (s *Store) records(ctx context.Context, tip string) ([]Record, []string, error) {
	out, err := s.git(ctx, nil, "ls-tree", "-r", tip, "records/")
	if err != nil {
		return nil, nil, err
	}
	return s.readBlobs(ctx, out)
}

func (s *Store) recordsOfIndex(ctx context.Context, env []string) ([]Record, []string, error) {
	out, err := s.git(ctx, env, "ls-files", "-s", "records/")
	if err != nil {
		return nil, nil, err
	}
	// ls-files -s prints "mode blob stage\tpath"; ls-tree "mode type blob\tpath".
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) == 4 {
			lines = append(lines, f[0]+" blob "+f[1]+"\t"+f[3])
		}
	}
	return s.readBlobs(ctx, strings.Join(lines, "\n"))
}

// readBlobs reads the records listed ("mode type blob\tpath" lines) in one git cat-file call.
func (s *Store) readBlobs(ctx context.Context, listing string) ([]Record, []string, error) {
	var paths, blobs []string
	for _, l := range strings.Split(listing, "\n") {
		meta, p, ok := strings.Cut(l, "\t")
		if f := strings.Fields(meta); ok && len(f) == 3 && strings.HasSuffix(p, ".json") {
			paths, blobs = append(paths, p), append(blobs, f[2])
		}
	}
	if len(blobs) == 0 {
		return nil, nil, nil
	}
	data, err := s.run(ctx, nil, []byte(strings.Join(blobs, "\n")+"\n"), "cat-file", "--batch")
	if err != nil {
		return nil, nil, err
	}
	var recs []Record
	var warnings []string
	for _, p := range paths {
		header, rest, _ := bytes.Cut(data, []byte("\n"))
		var sha string
		var size int
		fmt.Sscanf(string(header), "%s blob %d", &sha, &size)
		if size > len(rest) {
			return nil, nil, fmt.Errorf("reading %s: short read", p)
		}
		body := rest[:size]
		data = rest[min(size+1, len(rest)):]
		var r Record
		want := strings.TrimSuffix(path.Base(p), ".json")
		switch err := json.Unmarshal(body, &r); {
		case err != nil:
			warnings = append(warnings, fmt.Sprintf("%s:%s: skipped: not a record: %v", s.Branch, p, err))
		case r.SchemaVersion != SchemaVersion:
			warnings = append(warnings, fmt.Sprintf("%s:%s: skipped: schema_version %d, this gate reads %d", s.Branch, p, r.SchemaVersion, SchemaVersion))
		case r.Commit.SHA != want:
			warnings = append(warnings, fmt.Sprintf("%s:%s: skipped: it records commit %q", s.Branch, p, r.Commit.SHA))
		default:
			recs = append(recs, r)
		}
	}
	sort.SliceStable(recs, func(i, j int) bool {
		a, b := recs[i], recs[j]
		if !a.Commit.AuthorDate.Equal(b.Commit.AuthorDate) {
			return a.Commit.AuthorDate.Before(b.Commit.AuthorDate)
		}
		return a.RecordedAt.Before(b.RecordedAt)
	})
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
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = s.Dir
	cmd.Env = append(append([]string{}, s.Env...), extraEnv...)
	if input != nil {
		cmd.Stdin = bytes.NewReader(input)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return stdout.Bytes(), nil
}

func short(sha string) string { return sha[:min(len(sha), 12)] }
