package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sethvargo/go-githubactions"
	"github.com/spf13/cobra"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/benchexec"
	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/ghapi"
	"github.com/benchgate/benchgate/internal/gitexec"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/trend"
)

// resultsDir is where the action writes the raw results, report.json and report.md, relative to
// the workspace, so that later steps (actions/upload-artifact) find them under the same path.
const resultsDir = ".benchgate"

func newAction() *cobra.Command {
	return &cobra.Command{
		Use:   "action",
		Short: "Run as the GitHub Action (the default when GITHUB_ACTIONS=true)",
		Long: `Action is the entrypoint of benchgate's GitHub Action. It reads the action's inputs
(INPUT_*) and the event (GITHUB_EVENT_PATH), and by event:

  pull_request         measures the PR head against its merge-base with the base, writes the
                       job summary, annotations, outputs and .benchgate/, posts or updates
                       the sticky comment, and fails when the gate fails (fail-on)
  pull_request_target  the same, only with the input allow-pull-request-target: true
  workflow_run         posts the comment for a report measured by a pull_request workflow
                       (the fork-safe setup; see gate comment)
  push, workflow_dispatch
                       on the default branch: measures the commit against its parent,
                       records it on the data branch (data-branch, keep), and writes a job
                       summary with the change and the steps in the recorded history

The README lists every input and output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runAction(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
}

// inputs are the action's inputs, validated.
type inputs struct {
	token, bench, benchtime, config, workingDir, comment, key, failOn, reportPath, dataBranch string
	keep                                                                                      baseline.Retention
	packages                                                                                  []string
	count, maxCount                                                                           int
	interleave                                                                                string
	timeout, budget                                                                           time.Duration
	configNamed, allowTarget                                                                  bool
}

func readInputs(act *githubactions.Action) (inputs, error) {
	in := inputs{
		token:      act.GetInput("token"),
		bench:      orDefault(act.GetInput("bench"), "."),
		benchtime:  act.GetInput("benchtime"),
		config:     orDefault(act.GetInput("config"), config.DefaultPath),
		workingDir: orDefault(act.GetInput("working-directory"), "."),
		comment:    orDefault(act.GetInput("comment"), "always"),
		key:        orDefault(act.GetInput("comment-key"), "benchgate"),
		failOn:     orDefault(act.GetInput("fail-on"), "regression"),
		reportPath: orDefault(act.GetInput("report"), resultsDir),
		dataBranch: orDefault(act.GetInput("data-branch"), "benchgate-data"),
		packages:   strings.Fields(act.GetInput("packages")),
	}
	// The runner passes every default, so only another path than the default must exist.
	in.configNamed = in.config != config.DefaultPath
	var errs []error
	bad := func(name, want, got string) {
		errs = append(errs, fmt.Errorf("input %q: expected %s, got %q", name, want, got))
	}
	count := orDefault(act.GetInput("count"), "10")
	if n, err := strconv.Atoi(count); err != nil || n < 1 {
		bad("count", "a whole number of rounds, at least 1", count)
	} else {
		in.count = n
	}
	if v := act.GetInput("max-count"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			bad("max-count", "a whole number of pairs, at least 1", v)
		} else {
			in.maxCount = n
		}
	}
	switch in.interleave = orDefault(act.GetInput("interleave"), report.InterleaveBenchmark); in.interleave {
	case report.InterleaveBenchmark, report.InterleavePackage:
	default:
		bad("interleave", "benchmark or package", in.interleave)
	}
	for name, d := range map[string]*time.Duration{"timeout": &in.timeout, "budget": &in.budget} {
		v := act.GetInput(name)
		if v == "" {
			continue
		}
		parsed, err := time.ParseDuration(v)
		if err != nil || parsed < 0 {
			bad(name, `a duration such as "10m" or "90s"`, v)
		}
		*d = parsed
	}
	if in.timeout == 0 && act.GetInput("timeout") == "" {
		in.timeout = 10 * time.Minute
	}
	switch in.comment {
	case "always", "on-change", "on-regression", "never":
	default:
		bad("comment", "always, on-change, on-regression or never", in.comment)
	}
	switch in.failOn {
	case "regression", "never":
	default:
		bad("fail-on", "regression or never", in.failOn)
	}
	if keep, err := baseline.ParseRetention(act.GetInput("keep")); err != nil {
		errs = append(errs, fmt.Errorf("input %q: %w", "keep", err))
	} else {
		in.keep = keep
	}
	if !ghapi.ValidKey(in.key) {
		bad("comment-key", "1 to 64 letters, digits, '.', '_' or '-'", in.key)
	}
	switch v := orDefault(act.GetInput("allow-pull-request-target"), "false"); v {
	case "true", "false":
		in.allowTarget = v == "true"
	default:
		bad("allow-pull-request-target", "true or false", v)
	}
	return in, errors.Join(errs...)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// actionEnv is what the action reads from the runner's environment.
type actionEnv struct {
	workspace, eventPath, eventName, repository, apiURL, serverURL, runID string
}

func runAction(ctx context.Context, stdout, stderr io.Writer) error {
	getenv := os.Getenv
	act := githubactions.New(githubactions.WithWriter(stdout))
	if runtime.GOOS != "linux" {
		return fmt.Errorf("benchgate's action runs on Linux runners only (this is %s): use runs-on: ubuntu-latest", runtime.GOOS)
	}
	in, err := readInputs(act)
	if err != nil {
		return usageError{err}
	}
	env := actionEnv{
		workspace: getenv("GITHUB_WORKSPACE"), eventPath: getenv("GITHUB_EVENT_PATH"), eventName: getenv("GITHUB_EVENT_NAME"),
		repository: getenv("GITHUB_REPOSITORY"), apiURL: getenv("GITHUB_API_URL"), serverURL: orDefault(getenv("GITHUB_SERVER_URL"), "https://github.com"),
		runID: getenv("GITHUB_RUN_ID"),
	}
	if env.workspace == "" || env.eventPath == "" {
		return errors.New("GITHUB_WORKSPACE and GITHUB_EVENT_PATH are not set: gate action runs as a GitHub Action step; on a laptop use gate run")
	}
	event, err := os.ReadFile(env.eventPath)
	if err != nil {
		return fmt.Errorf("reading the event: %w", err)
	}
	switch env.eventName {
	case "pull_request_target":
		if !in.allowTarget {
			return usageError{errors.New("pull_request_target runs with a token that can write and with the repository's secrets, so measuring the pull request's code there is refused; use pull_request (with the fork-safe comment workflow), or set allow-pull-request-target: true if you accept the risk")}
		}
		act.Warningf("benchgate: measuring pull request code on pull_request_target, as allow-pull-request-target asks. That code runs with access to this repository's secrets and a token that can write; benchgate removes credential-like variables from the benchmarks' environment, but it cannot make untrusted code safe. Prefer pull_request with the fork-safe comment workflow.")
		fallthrough
	case "pull_request":
		pr, err := ghapi.ParsePullRequestEvent(event)
		if err != nil {
			return err
		}
		return actionPullRequest(ctx, act, in, env, pr, stderr)
	case "workflow_run":
		run, err := ghapi.ParseWorkflowRunEvent(event)
		if err != nil {
			return err
		}
		path := in.reportPath
		if !filepath.IsAbs(path) {
			path = filepath.Join(env.workspace, path)
		}
		return postReport(ctx, act, commentRequest{
			reportPath: path, run: run, token: in.token, key: in.key, mode: in.comment, env: env, stderr: stderr,
		})
	case "push", "workflow_dispatch":
		var push *ghapi.Push
		if env.eventName == "push" {
			push, err = ghapi.ParsePushEvent(event)
		} else {
			push, err = ghapi.ParseDispatchEvent(event, getenv("GITHUB_SHA"))
		}
		if err != nil {
			return err
		}
		if !push.OnDefaultBranch() {
			act.Noticef("benchgate: %s is not the default branch (%s); baselines record the default branch only, so nothing was recorded", push.Ref, push.DefaultBranch)
			return nil
		}
		return actionBaseline(ctx, act, in, env, push, stderr)
	}
	return fmt.Errorf("benchgate's action does not handle %q events: run it on pull_request (and workflow_run for the fork-safe comment)", env.eventName)
}

// actionPullRequest measures a pull request and reports it every way the action can.
// prepare finds the module's directory in a git checkout, its environment with the workspace
// marked safe, and its config.
func prepare(ctx context.Context, in inputs, env actionEnv) (dir string, childEnv []string, cfg *config.Config, err error) {
	dir = filepath.Join(env.workspace, in.workingDir)
	childEnv = withSafeDirectory(os.Environ(), env.workspace)
	if _, err := gitexec.Output(ctx, dir, benchexec.ChildEnv(childEnv), "rev-parse", "--git-dir"); err != nil {
		return "", nil, nil, fmt.Errorf("no git repository at %s (%v): check the repository out first, with actions/checkout and fetch-depth: 0", dir, err)
	}
	cfgPath := in.config
	if !filepath.IsAbs(cfgPath) {
		cfgPath = filepath.Join(dir, cfgPath)
	}
	cfg, err = config.Load(cfgPath, in.configNamed)
	return dir, childEnv, cfg, err
}

func actionPullRequest(ctx context.Context, act *githubactions.Action, in inputs, env actionEnv, pr *ghapi.PullRequest, stderr io.Writer) error {
	dir, childEnv, cfg, err := prepare(ctx, in, env)
	if err != nil {
		return err
	}
	res, results, err := measure(ctx, benchexec.Options{
		Dir: dir, Base: pr.BaseSHA, Head: pr.HeadSHA, MergeBase: true, Packages: in.packages, Bench: in.bench,
		Count: in.count, MaxCount: in.maxCount, Interleave: in.interleave, Benchtime: in.benchtime, Timeout: in.timeout, Budget: in.budget,
		Env: childEnv, Progress: benchexec.LineProgress(stderr),
	}, cfg)
	if err != nil {
		return err
	}
	store := &baseline.Store{Dir: dir, Remote: "origin", Branch: in.dataBranch, Env: benchexec.ChildEnv(childEnv)}
	_, history, historyWarnings, err := readHistory(ctx, store, trend.Recent)
	switch {
	case errors.Is(err, baseline.ErrNoRemote):
		act.Infof("benchgate: no recorded history: %v", err)
	case err != nil:
		// The comparison stands on its own; the history only adds to it.
		act.Warningf("benchgate: %v; the comparison is reported without the history", err)
	}
	rep := judge(res, results, cfg, history, historyWarnings)

	out := filepath.Join(env.workspace, resultsDir)
	if err := writeOut(out, res, rep); err != nil {
		return err
	}
	repoURL := env.serverURL + "/" + env.repository
	runURL := ""
	if env.runID != "" {
		runURL = repoURL + "/actions/runs/" + env.runID
	}
	var summary bytes.Buffer
	if err := comment.MarkdownWith(&summary, rep, comment.Options{MaxBytes: comment.SummaryLimit, RepoURL: repoURL}); err != nil {
		return err
	}
	publish(act, rep, summary.String())

	if wantComment(in.comment, rep) != skip {
		url, err := post(ctx, act, in.token, env, pr.Number, in.key, pr.HeadSHA, rep, wantComment(in.comment, rep) == create, repoURL, runURL)
		switch {
		case errors.Is(err, ghapi.ErrReadOnly):
			act.Warningf("benchgate: no comment posted: %v. The check's result stands. See the README's fork-safe setup.", err)
		case errors.Is(err, ghapi.ErrStale):
			act.Noticef("benchgate: no comment posted: %v; the run for the newer commit reports.", err)
		case err != nil:
			act.Warningf("benchgate: posting the comment failed: %v. The check's result stands.", err)
		}
		act.SetOutput("comment-url", url)
	}
	if rep.Verdict == report.Fail && in.failOn == "regression" {
		return errGateFailed
	}
	return nil
}

// actionBaseline measures a default-branch commit against its parent, on the same runner, and
// records it on the data branch; the job summary shows the change from the parent and the steps
// in the recorded history. A regression is reported, but a push is never failed for it.
func actionBaseline(ctx context.Context, act *githubactions.Action, in inputs, env actionEnv, push *ghapi.Push, stderr io.Writer) error {
	dir, childEnv, cfg, err := prepare(ctx, in, env)
	if err != nil {
		return err
	}
	res, results, err := measure(ctx, benchexec.Options{
		Dir: dir, Base: push.SHA + "^", Head: push.SHA, Packages: in.packages, Bench: in.bench,
		Count: in.count, MaxCount: in.maxCount, Interleave: in.interleave, Benchtime: in.benchtime, Timeout: in.timeout, Budget: in.budget,
		Env: childEnv, Progress: benchexec.LineProgress(stderr),
	}, cfg)
	if err != nil {
		return err
	}
	rep := judge(res, results, cfg, nil, nil)
	if err := writeOut(filepath.Join(env.workspace, resultsDir), res, rep); err != nil {
		return err
	}
	verb := "recorded"
	_, err = storeBaseline(ctx, baselineWrite{dir: dir, environ: childEnv, remote: "origin", branch: in.dataBranch, keep: in.keep}, rep, res.Head, res.Base)
	switch {
	case errors.Is(err, baseline.ErrRecorded):
		// A re-run: records are never overwritten, and the first measurement stands.
		act.Noticef("benchgate: %s is already recorded on %s; records are never overwritten", report.ShortSHA(push.SHA), in.dataBranch)
		verb = "already recorded"
	case err != nil:
		return fmt.Errorf("recording the baseline (the workflow needs permissions: contents: write): %w", err)
	}
	store := &baseline.Store{Dir: dir, Remote: "origin", Branch: in.dataBranch, Env: benchexec.ChildEnv(childEnv)}
	// The summary's steps are looked for in the newest records, those the charts show.
	recs, history, historyWarnings, err := readHistory(ctx, store, chartWindow)
	if err != nil {
		return err
	}
	// The summary puts the recorded change beside its history, the new record included.
	rep = judge(res, results, cfg, history, historyWarnings)
	var summary bytes.Buffer
	fmt.Fprintf(&summary, "## benchgate: %s %s on %s\n\nAgainst its parent, on this runner:\n\n", verb, report.ShortSHA(push.SHA), in.dataBranch)
	if err := comment.MarkdownWith(&summary, rep, comment.Options{MaxBytes: comment.SummaryLimit / 2, RepoURL: env.serverURL + "/" + env.repository}); err != nil {
		return err
	}
	summary.WriteString("\n### Steps in the recorded history\n\n")
	if len(recs) < 10 {
		fmt.Fprintf(&summary, "%d commits recorded so far; steps are looked for from 10 on.\n", len(recs))
	} else {
		steps, _, err := findSteps(historyOf(recs))
		if err != nil {
			return err
		}
		var text bytes.Buffer
		if err := printSteps(&text, steps, len(recs)); err != nil {
			return err
		}
		// In a code block, as the terminal shows it; a backtick in a commit subject cannot end it.
		fmt.Fprintf(&summary, "```\n%s```\n", strings.ReplaceAll(text.String(), "`", "'"))
	}
	fmt.Fprintf(&summary, "\nCharts of every benchmark, with their change points, are on %s (index.html, which GitHub Pages can serve from that branch).\n", in.dataBranch)
	publish(act, rep, summary.String())
	return nil
}

// publish writes the job summary, the annotations and the outputs of a measured report.
func publish(act *githubactions.Action, rep *report.Report, summary string) {
	act.AddStepSummary(summary)
	annotate(act, rep)
	act.SetOutput("verdict", string(rep.Verdict))
	act.SetOutput("regressions", strconv.Itoa(rep.Counts[report.Regression]))
	act.SetOutput("improvements", strconv.Itoa(rep.Counts[report.Improvement]))
	act.SetOutput("report", filepath.Join(resultsDir, "report.json"))
}

// commentAction is what the comment mode asks for.
type commentAction int

const (
	skip   commentAction = iota
	update               // only update a comment that exists
	create               // update or create
)

// wantComment decides by the comment input: always; on-change when something changed (and to
// update an earlier comment, so it never shows a stale failure); on-regression likewise; never.
func wantComment(mode string, rep *report.Report) commentAction {
	changed := rep.Counts[report.Regression]+rep.Counts[report.Improvement] > 0 || rep.Verdict == report.Fail
	switch {
	case mode == "always":
		return create
	case mode == "on-change" && changed, mode == "on-regression" && rep.Verdict == report.Fail:
		return create
	case mode == "on-change", mode == "on-regression":
		return update
	}
	return skip
}

// post renders the report itself and posts it as the sticky comment. It returns the comment's URL.
func post(ctx context.Context, act *githubactions.Action, token string, env actionEnv, pr int, key, headSHA string, rep *report.Report, create bool, repoURL, runURL string) (string, error) {
	if token == "" {
		return "", errors.New("no token: set the input token (the default is ${{ github.token }})")
	}
	client, err := ghapi.New(ghapi.Config{Token: token, APIURL: env.apiURL, Repository: env.repository, Log: func(s string) { act.Infof("benchgate: %s", s) }})
	if err != nil {
		return "", err
	}
	var body bytes.Buffer
	if err := comment.MarkdownWith(&body, rep, comment.Options{MaxBytes: comment.CommentLimit, RepoURL: repoURL, RestURL: runURL}); err != nil {
		return "", err
	}
	sticky, err := client.PostSticky(ctx, pr, key, headSHA, body.String(), create)
	if err != nil || sticky == nil {
		return "", err
	}
	return sticky.URL, nil
}

// annotate adds at most 10 error annotations (the largest regressions, and head failures) and
// 10 warning annotations (the report's warnings), the worst first.
func annotate(act *githubactions.Action, rep *report.Report) {
	var regs []report.Comparison
	for _, c := range rep.Comparisons {
		if c.Verdict == report.Regression {
			regs = append(regs, c)
		}
	}
	sort.SliceStable(regs, func(i, j int) bool { return deltaSize(regs[i]) > deltaSize(regs[j]) })
	var errs []string
	for _, f := range rep.HeadOnlyFailures() {
		errs = append(errs, fmt.Sprintf("%s failed on head in round %d: %s", f.Package, f.Round, f.Message))
	}
	for _, c := range regs {
		cells := comment.Format(&c, rep.Settings.Alpha)
		errs = append(errs, fmt.Sprintf("%s %s: %s → %s, %s (%s), threshold %s", c.Config["pkg"]+"."+c.Benchmark, c.Unit, cells.Base, cells.Head, cells.Delta, cells.Stat, comment.Threshold(c.ThresholdPercent)))
	}
	for i, e := range errs {
		if i == 10 {
			act.WithFieldsMap(map[string]string{"title": "benchgate"}).Errorf("… and %d more regressions or failures: see the job summary", len(errs)-10)
			break
		}
		act.WithFieldsMap(map[string]string{"title": "benchgate: regression"}).Errorf("%s", e)
	}
	for i, w := range rep.Warnings {
		if i == 10 {
			act.WithFieldsMap(map[string]string{"title": "benchgate"}).Warningf("… and %d more warnings: see the job summary", len(rep.Warnings)-10)
			break
		}
		act.WithFieldsMap(map[string]string{"title": "benchgate"}).Warningf("%s", w)
	}
}

func deltaSize(c report.Comparison) float64 {
	if c.DeltaPercent == nil {
		return math.Inf(1)
	}
	return math.Abs(*c.DeltaPercent)
}

// withSafeDirectory marks the workspace as a git safe.directory for every git command of the run
// (the runner's checkout belongs to another user than the container's), through git's
// command-line configuration in the environment rather than by changing any config file.
func withSafeDirectory(env []string, dir string) []string {
	n := 0
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GIT_CONFIG_COUNT="); ok {
			n, _ = strconv.Atoi(v)
		}
	}
	out := make([]string, 0, len(env)+3)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GIT_CONFIG_COUNT=") {
			out = append(out, kv)
		}
	}
	return append(out,
		fmt.Sprintf("GIT_CONFIG_COUNT=%d", n+1),
		fmt.Sprintf("GIT_CONFIG_KEY_%d=safe.directory", n),
		fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", n, dir))
}
