package gate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/ghactions"
	"github.com/benchgate/benchgate/internal/ghapi"
	"github.com/benchgate/benchgate/internal/gitexec"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/trend"
)

// ErrFailed is what the action returns when the gate's verdict fails the check: not an error
// to print, only an exit status.
var ErrFailed = errors.New("gate failed")

// Action is one step of benchgate's GitHub Action.
type Action struct {
	Runtime *ghactions.Runtime
	Env     ghactions.Env
	Inputs  ghactions.Inputs
	// Environ is the environment of the processes the action starts (git, go, the
	// benchmarks), before credentials are removed from it.
	Environ []string
	// Log hears the rounds' progress.
	Log io.Writer
}

// Run does what the event asks: on a pull request, measure it and report every way the action
// can (on a label, only when it is a benchgate-run request); on workflow_run, post the report a
// pull_request workflow measured (the fork-safe setup); on a comment on a pull request, answer
// a /benchgate run command by labelling the pull request, running none of its code; on a push
// to the default branch or a manual dispatch, record a baseline.
func (a *Action) Run(ctx context.Context) error {
	if a.Env.Workspace == "" || a.Env.EventPath == "" {
		return errors.New("GITHUB_WORKSPACE and GITHUB_EVENT_PATH are not set: gate action runs as a GitHub Action step; on a laptop use gate run")
	}
	event, err := a.Env.Event()
	if err != nil {
		return err
	}
	switch a.Env.EventName {
	case "pull_request_target":
		if !a.Inputs.AllowTarget {
			return errors.New("pull_request_target runs with a token that can write and with the repository's secrets, so measuring the pull request's code there is refused; use pull_request (with the fork-safe comment workflow), or set allow-pull-request-target: true if you accept the risk")
		}
		a.Runtime.Warningf("benchgate: measuring pull request code on pull_request_target, as allow-pull-request-target asks. That code runs with access to this repository's secrets and a token that can write; benchgate removes credential-like variables from the benchmarks' environment, but it cannot make untrusted code safe. Prefer pull_request with the fork-safe comment workflow.")
		fallthrough
	case "pull_request":
		pr, err := ghapi.ParsePullRequestEvent(event)
		if err != nil {
			return err
		}
		return a.PullRequest(ctx, pr)
	case "workflow_run":
		run, err := ghapi.ParseWorkflowRunEvent(event)
		if err != nil {
			return err
		}
		path := a.Inputs.ReportPath
		if !filepath.IsAbs(path) {
			path = filepath.Join(a.Env.Workspace, path)
		}
		return a.Comment(ctx, path, run)
	case "issue_comment":
		ev, err := ghapi.ParseIssueCommentEvent(event)
		if err != nil {
			return err
		}
		return a.Command(ctx, ev)
	case "push", "workflow_dispatch":
		var push *ghapi.Push
		if a.Env.EventName == "push" {
			push, err = ghapi.ParsePushEvent(event)
		} else {
			push, err = ghapi.ParseDispatchEvent(event, a.Env.SHA)
		}
		if err != nil {
			return err
		}
		if !push.OnDefaultBranch() {
			a.Runtime.Noticef("benchgate: %s is not the default branch (%s); baselines record the default branch only, so nothing was recorded", push.Ref, push.DefaultBranch)
			return nil
		}
		return a.Baseline(ctx, push)
	}
	return fmt.Errorf("benchgate's action does not handle %q events: run it on pull_request (and workflow_run for the fork-safe comment)", a.Env.EventName)
}

// checkout is the module the action measures, in the runner's checkout.
type checkout struct {
	dir     string
	environ []string // with the workspace marked safe
	cfg     *config.Config
}

// prepare finds the module's directory in a git checkout, its environment with the workspace
// marked safe, and its config.
func (a *Action) prepare(ctx context.Context) (checkout, error) {
	c := checkout{dir: filepath.Join(a.Env.Workspace, a.Inputs.WorkingDir), environ: ghactions.WithSafeDirectory(a.Environ, a.Env.Workspace)}
	// Measuring is all the action needs a platform for: git and the go command, which the
	// action's image has, and a runner without Docker gets from actions/setup-go (Go) and its
	// own image (git).
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			return c, fmt.Errorf("benchgate measures with git and the go command, and %s is not on PATH (%v): without the action's image, install Go with actions/setup-go (and git, on a self-hosted runner without it) before gate action", tool, err)
		}
	}
	if _, err := gitexec.Output(ctx, c.dir, c.environ, "rev-parse", "--git-dir"); err != nil {
		return c, fmt.Errorf("no git repository at %s (%v): check the repository out first, with actions/checkout and fetch-depth: 0", c.dir, err)
	}
	cfgPath := a.Inputs.Config
	if !filepath.IsAbs(cfgPath) {
		cfgPath = filepath.Join(c.dir, cfgPath)
	}
	var err error
	c.cfg, err = config.Load(cfgPath, a.Inputs.ConfigNamed)
	return c, err
}

// runOptions are the measurement's options from the inputs, for base and head.
func (a *Action) runOptions(c checkout, base, head string) benchexec.Options {
	in := a.Inputs
	opts := benchexec.Options{
		Dir: c.dir, Base: base, Head: head, Packages: in.Packages, Bench: in.Bench,
		Count: in.Count, MaxCount: in.MaxCount, Interleave: in.Interleave, Benchtime: in.Benchtime, Timeout: in.Timeout, Budget: in.Budget,
		Measure: c.cfg.Measure, Retained: in.Retained && in.Command == "",
		Env: c.environ, Progress: benchexec.LineProgress(a.Log),
	}
	if in.Measure != "" {
		opts.Measure = in.Measure
	}
	if in.Command != "" {
		opts.Harness = &benchexec.Harness{Command: in.Command, Build: in.Build, Results: in.Results, Format: in.FormatIn}
	}
	return opts
}

func (a *Action) store(c checkout) *baseline.Store {
	return baseline.Open(c.dir, "origin", a.Inputs.DataBranch, c.environ)
}

// PullRequest measures a pull request's head against its merge-base with the base, writes the
// job summary, annotations, outputs and the results directory, posts or updates the sticky
// comment as the comment input says, and returns ErrFailed when the gate fails and fail-on says
// so. A labeled event measures only for a benchgate-run label, in the rounds it asks for, and
// only while the pull request is open at the event's head (see requested).
func (a *Action) PullRequest(ctx context.Context, pr *ghapi.PullRequest) error {
	if pr.Action == "labeled" {
		run, ok, err := a.requested(ctx, pr)
		if !ok {
			return err
		}
		if run.Count > 0 {
			asked := *a
			asked.Inputs.Count = run.Count
			a = &asked
		}
	}
	c, err := a.prepare(ctx)
	if err != nil {
		return err
	}
	var rep *report.Report
	switch {
	case a.Inputs.Shard != nil:
		return a.measureShard(ctx, c, pr)
	case a.Inputs.Merge != "":
		rep, err = a.mergePullRequest(ctx, c, pr)
	default:
		rep, err = a.measurePullRequest(ctx, c, pr)
	}
	if err != nil {
		return err
	}
	if want := a.Inputs.Comment.Want(rep); want != ghactions.Skip {
		url, err := a.post(ctx, pr.Number, pr.HeadSHA, rep, want == ghactions.Create)
		switch {
		case errors.Is(err, ghapi.ErrReadOnly):
			a.Runtime.Warningf("benchgate: no comment posted: %v. The check's result stands. See the fork-safe setup in docs/action.md.", err)
		case errors.Is(err, ghapi.ErrStale):
			a.Runtime.Noticef("benchgate: no comment posted: %v; the run for the newer commit reports.", err)
		case err != nil:
			a.Runtime.Warningf("benchgate: posting the comment failed: %v. The check's result stands.", err)
		}
		a.Runtime.SetOutput("comment-url", url)
	}
	return a.failed(rep)
}

// failed is ErrFailed when the report's verdict fails and fail-on says that fails the step.
func (a *Action) failed(rep *report.Report) error {
	if rep.Verdict == report.Fail && a.Inputs.FailOn == ghactions.FailOnRegression {
		return ErrFailed
	}
	return nil
}

// measurePullRequest measures a pull request's head against its merge-base with the base in
// checkout c, with its recorded history and its accepted regressions, and reports it every way
// but the comment: the results directory, the job summary, annotations and outputs.
func (a *Action) measurePullRequest(ctx context.Context, c checkout, pr *ghapi.PullRequest) (*report.Report, error) {
	m, err := Measure(ctx, a.pullRequestOptions(ctx, c, pr))
	if err != nil {
		return nil, err
	}
	return a.reportPullRequest(ctx, m, pr)
}

// pullRequestOptions are what measuring a pull request (or a shard of it) takes: its head
// against the merge-base with its base, judged beside the recorded history (read first, so
// that the looks that give extra rounds judge with it too), profiled as the profile input says.
func (a *Action) pullRequestOptions(ctx context.Context, c checkout, pr *ghapi.PullRequest) MeasureOptions {
	opts := a.runOptions(c, pr.BaseSHA, pr.HeadSHA)
	opts.MergeBase = true
	mo := MeasureOptions{Run: opts, Config: c.cfg, History: a.history(ctx, c)}
	if a.Inputs.Profile && a.Inputs.Command == "" { // profiles are go test's
		mo.ProfileDir = filepath.Join(a.Env.Workspace, ghactions.ResultsDir, "profiles")
	}
	return mo
}

// history is the recorded history a pull request is judged beside, nil when there is none to
// read. The comparison stands on its own and the history only adds to it, so a history that
// cannot be read is a warning and the run goes on without it; a repository without the remote
// has no history to read, which is no warning.
func (a *Action) history(ctx context.Context, c checkout) *History {
	h, err := ReadHistory(ctx, a.store(c), trend.Recent)
	if err == nil {
		_, err = h.forComparisons()
	}
	switch {
	case errors.Is(err, baseline.ErrNoRemote):
		a.Runtime.Infof("benchgate: no recorded history: %v", err)
		return nil
	case err != nil:
		a.Runtime.Warningf("benchgate: %v; the comparison is judged without the recorded history (and shards are split without its costs)", err)
		return nil
	}
	return h
}

// measureShard measures the shard of a pull request's benchmarks that the shard input names,
// balanced by the recorded history's costs when there is one, and writes its output to the
// results directory for the merge job, with a job summary of its part. A shard's verdict is its
// part's alone: it comments on nothing and fails nothing; the merge job does both.
func (a *Action) measureShard(ctx context.Context, c checkout, pr *ghapi.PullRequest) error {
	mo := a.pullRequestOptions(ctx, c, pr)
	mo.Run.Shard = a.Inputs.Shard
	if mo.History != nil {
		mo.Run.ShardCosts, mo.Run.ShardCostsFrom = mo.History.ShardCosts()
	}
	m, err := Measure(ctx, mo)
	if err != nil {
		return err
	}
	if err := m.WriteDir(filepath.Join(a.Env.Workspace, ghactions.ResultsDir)); err != nil {
		return err
	}
	sh := m.Report.Run.Shard
	var summary bytes.Buffer
	fmt.Fprintf(&summary, "benchgate shard %d/%d measured %d of %d benchmark functions (split by %s). Its verdict is its part's alone: the merge job judges all the shards together and reports.\n\n", sh.Index, sh.Count, len(sh.Functions), sh.Selected, sh.Method)
	if err := comment.MarkdownWith(&summary, m.Report, comment.Options{MaxBytes: comment.SummaryLimit - summary.Len(), RepoURL: a.Env.RepoURL()}); err != nil {
		return err
	}
	a.Runtime.AddStepSummary(summary.String())
	a.Runtime.SetOutput("report", filepath.Join(ghactions.ResultsDir, "report.json"))
	return nil
}

// mergePullRequest merges the shards' outputs downloaded under the merge input's directory, one
// directory a shard, and reports the union as measurePullRequest reports a measurement. The
// shards must have measured this pull request's head.
func (a *Action) mergePullRequest(ctx context.Context, c checkout, pr *ghapi.PullRequest) (*report.Report, error) {
	dir := a.Inputs.Merge
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(a.Env.Workspace, dir)
	}
	dirs, err := shardDirs(dir)
	if err != nil {
		return nil, err
	}
	m, err := Merge(MergeOptions{Dirs: dirs, Config: c.cfg, History: a.history(ctx, c)})
	if err != nil {
		return nil, err
	}
	if got := m.Report.Run.Head.SHA; got != pr.HeadSHA {
		return nil, fmt.Errorf("the shards in %s measured head %s, and the pull request's head is %s", dir, report.ShortSHA(got), report.ShortSHA(pr.HeadSHA))
	}
	return a.reportPullRequest(ctx, m, pr)
}

// shardDirs are the directories in dir that hold a report.json, in name order: the shards'
// outputs as actions/download-artifact puts them, one directory an artifact.
func shardDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("the merge input: %w", err)
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "report.json")); err == nil {
			dirs = append(dirs, filepath.Join(dir, e.Name()))
		}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("the merge input %s holds no shard's directory with a report.json: download every shard's artifact into a directory of its own under it", dir)
	}
	return dirs, nil
}

// reportPullRequest adds the accepted regressions to a measurement of a pull request, judged
// beside its history already, and reports it every way but the comment: the results directory,
// the job summary, annotations and outputs.
func (a *Action) reportPullRequest(ctx context.Context, m *Measurement, pr *ghapi.PullRequest) (*report.Report, error) {
	rep := m.Report
	a.acceptRegressions(ctx, rep, pr.Number, pr.HeadSHA)
	if err := m.WriteDir(filepath.Join(a.Env.Workspace, ghactions.ResultsDir)); err != nil {
		return nil, err
	}
	var summary bytes.Buffer
	if err := comment.MarkdownWith(&summary, rep, comment.Options{MaxBytes: comment.SummaryLimit, RepoURL: a.Env.RepoURL()}); err != nil {
		return nil, err
	}
	a.publish(rep, summary.String())
	return rep, nil
}

// Baseline measures a default-branch commit against its parent, on the same runner, and
// records it on the data branch; the job summary shows the change from the parent and the
// steps in the recorded history. A regression is reported, but a push is never failed for it.
func (a *Action) Baseline(ctx context.Context, push *ghapi.Push) error {
	c, err := a.prepare(ctx)
	if err != nil {
		return err
	}
	m, err := Measure(ctx, MeasureOptions{Run: a.runOptions(c, push.SHA+"^", push.SHA), Config: c.cfg})
	if err != nil {
		return err
	}
	if err := m.WriteDir(filepath.Join(a.Env.Workspace, ghactions.ResultsDir)); err != nil {
		return err
	}
	a.acceptPushed(ctx, m.Report, push.SHA)
	branch := a.Inputs.DataBranch
	verb := "recorded"
	_, err = Record(ctx, RecordOptions{Store: a.store(c), Report: m.Report, Results: m.Exec.Head, ParentResults: m.Exec.Base, Keep: a.Inputs.Keep})
	switch {
	case errors.Is(err, baseline.ErrRecorded):
		// A re-run: records are never overwritten, and the first measurement stands.
		a.Runtime.Noticef("benchgate: %s is already recorded on %s; records are never overwritten", report.ShortSHA(push.SHA), branch)
		verb = "already recorded"
	case err != nil:
		return fmt.Errorf("recording the baseline (the workflow needs permissions: contents: write): %w", err)
	}
	// The summary's steps are looked for in the newest records, those the charts show; the
	// recorded change is put beside its history, the new record included.
	history, err := ReadHistory(ctx, a.store(c), chartWindow)
	if err != nil {
		return err
	}
	rep, err := m.AttachHistory(history)
	if err != nil {
		return err
	}
	var summary bytes.Buffer
	fmt.Fprintf(&summary, "## benchgate: %s %s on %s\n\nAgainst its parent, on this runner:\n\n", verb, report.ShortSHA(push.SHA), branch)
	if err := comment.MarkdownWith(&summary, rep, comment.Options{MaxBytes: comment.SummaryLimit / 2, RepoURL: a.Env.RepoURL()}); err != nil {
		return err
	}
	summary.WriteString("\n### Steps in the recorded history\n\n")
	if len(history.Records) < trend.MinCommits {
		fmt.Fprintf(&summary, "%d commits recorded so far; steps are looked for from %d on.\n", len(history.Records), trend.MinCommits)
	} else {
		steps, _, err := trend.FindSteps(history.Commits())
		if err != nil {
			return err
		}
		var text bytes.Buffer
		if err := comment.Steps(&text, steps); err != nil {
			return err
		}
		// In a code block, as the terminal shows it; a backtick in a commit subject cannot end it.
		fmt.Fprintf(&summary, "```\n%s```\n", strings.ReplaceAll(text.String(), "`", "'"))
	}
	fmt.Fprintf(&summary, "\nCharts of every benchmark, with their change points, are on %s (index.html, which GitHub Pages can serve from that branch).\n", branch)
	a.publish(rep, summary.String())
	return nil
}

// Comment posts a report that a pull_request workflow measured and uploaded, from a
// workflow_run workflow whose token may comment: the second half of the fork-safe setup. The
// report is untrusted: it is refused unless it validates and measured the event's head commit;
// the pull request comes from the event, never from the report; the markdown is rendered here.
func (a *Action) Comment(ctx context.Context, reportPath string, run *ghapi.WorkflowRun) error {
	rep, path, err := readMeasured(reportPath)
	if err != nil {
		return err
	}
	if rep.Run.Head.SHA != run.HeadSHA {
		return fmt.Errorf("refusing the report %s: it measured %s, but the workflow run is for %s", path, rep.Run.Head.SHA, run.HeadSHA)
	}
	pr, err := a.pullRequestOf(ctx, run)
	if err != nil {
		return err
	}
	return a.postMeasured(ctx, rep, pr, run.HeadSHA)
}

// reportFile is the report.json of a report input: the directory's, or the file itself.
func reportFile(reportPath string) string {
	if info, err := os.Stat(reportPath); err == nil && info.IsDir() {
		return filepath.Join(reportPath, "report.json")
	}
	return reportPath
}

// readMeasured reads a report that another job measured, as untrusted: it must validate and
// have been measured by gate run or the action. Whose head it measured is for the caller to
// check. It returns the file it read, for messages.
func readMeasured(reportPath string) (*report.Report, string, error) {
	path := reportFile(reportPath)
	rep, err := report.ReadFile(path)
	if err != nil {
		return nil, path, fmt.Errorf("refusing the report: %w", err)
	}
	if rep.Run == nil {
		return nil, path, fmt.Errorf("refusing the report %s: it was not measured by gate run or the action (no run section)", path)
	}
	return rep, path, nil
}

// postMeasured posts a report measured elsewhere for pull request pr at headSHA as the sticky
// comment, as the comment input says: with the acceptances the API shows now, never the
// report's own.
func (a *Action) postMeasured(ctx context.Context, rep *report.Report, pr int, headSHA string) error {
	a.acceptRegressions(ctx, rep, pr, headSHA)
	a.Runtime.SetOutput("verdict", string(rep.Verdict))
	want := a.Inputs.Comment.Want(rep)
	if want == ghactions.Skip {
		return nil
	}
	url, err := a.post(ctx, pr, headSHA, rep, want == ghactions.Create)
	if errors.Is(err, ghapi.ErrStale) {
		a.Runtime.Noticef("benchgate: no comment posted: %v; the run for the newer commit reports.", err)
		return nil
	}
	if err != nil {
		return err
	}
	a.Runtime.SetOutput("comment-url", url)
	return nil
}

// pullRequestOf finds the pull request of a workflow run: listed in the event with this head
// SHA, or else looked up by the head repository's owner, branch and SHA.
func (a *Action) pullRequestOf(ctx context.Context, run *ghapi.WorkflowRun) (int, error) {
	for n, sha := range run.PullRequests {
		if sha == run.HeadSHA {
			return n, nil
		}
	}
	client, err := ghapi.New(ghapi.Config{Token: a.Inputs.Token, APIURL: a.Env.APIURL, Repository: a.Env.Repository})
	if err != nil {
		return 0, err
	}
	return client.FindPullRequest(ctx, run.HeadOwner, run.HeadBranch, run.HeadSHA)
}

// post renders the report itself and posts it as the sticky comment. It returns the comment's
// URL.
func (a *Action) post(ctx context.Context, pr int, headSHA string, rep *report.Report, create bool) (string, error) {
	client, err := a.client()
	if err != nil {
		return "", err
	}
	var body bytes.Buffer
	if err := comment.MarkdownWith(&body, rep, comment.Options{MaxBytes: comment.CommentLimit, RepoURL: a.Env.RepoURL(), RestURL: a.Env.RunURL()}); err != nil {
		return "", err
	}
	sticky, err := client.PostSticky(ctx, pr, a.Inputs.CommentKey, headSHA, body.String(), create)
	if err != nil || sticky == nil {
		return "", err
	}
	return sticky.URL, nil
}

// publish writes the job summary, the annotations and the outputs of a measured report.
func (a *Action) publish(rep *report.Report, summary string) {
	rt := a.Runtime
	rt.AddStepSummary(summary)
	rt.Annotate("error", "benchgate: regression", "regressions or failures", regressionLines(rep), maxAnnotations)
	rt.Annotate("warning", "benchgate", "warnings", rep.Warnings, maxAnnotations)
	rt.SetOutput("verdict", string(rep.Verdict))
	rt.SetOutput("regressions", strconv.Itoa(rep.BenchmarkCounts[report.Regression]))
	rt.SetOutput("improvements", strconv.Itoa(rep.BenchmarkCounts[report.Improvement]))
	rt.SetOutput("report", filepath.Join(ghactions.ResultsDir, "report.json"))
}

// maxAnnotations is how many annotations of a kind a run adds: the worst first, then one that
// says how many more there are.
const maxAnnotations = 10

// regressionLines are the head-only failures and the regressed benchmarks, the largest change
// first, each as an annotation says it: one line per benchmark, however many of its units
// regressed, its derived units (B/s) beside the unit they come from.
func regressionLines(rep *report.Report) []string {
	type regressed struct {
		size  float64
		units []string
		name  string
	}
	var regs []regressed
	for _, f := range rep.Findings() {
		if f.Verdict != report.Regression {
			continue
		}
		r := regressed{name: f.Comparisons[0].Config["pkg"] + "." + f.Comparisons[0].Benchmark}
		for _, c := range f.Comparisons {
			if c.Verdict != report.Regression {
				continue
			}
			r.size = max(r.size, deltaSize(c))
			cells := comment.Format(c, rep.Settings.Alpha)
			line := fmt.Sprintf("%s %s → %s, %s (%s), threshold %s", c.Unit, cells.Base, cells.Head, cells.Delta, cells.Stat, comment.Threshold(c.ThresholdPercent))
			if c.DerivedFrom != "" && slices.ContainsFunc(f.Comparisons, func(s *report.Comparison) bool { return s.Unit == c.DerivedFrom && s.Verdict == report.Regression }) {
				line = fmt.Sprintf("%s %s", c.Unit, cells.Delta) // told beside its source
			}
			r.units = append(r.units, line)
		}
		regs = append(regs, r)
	}
	sort.SliceStable(regs, func(i, j int) bool { return regs[i].size > regs[j].size })
	var lines []string
	for _, f := range rep.HeadOnlyFailures() {
		lines = append(lines, fmt.Sprintf("%s failed on head in round %d: %s", f.Package, f.Round, f.Message))
	}
	for _, r := range regs {
		lines = append(lines, r.name+": "+strings.Join(r.units, "; "))
	}
	return lines
}

// deltaSize is how large a comparison's change is, for ranking: a change from zero is larger
// than any other.
func deltaSize(c *report.Comparison) float64 {
	if c.DeltaPercent == nil {
		return math.Inf(1)
	}
	return math.Abs(*c.DeltaPercent)
}
