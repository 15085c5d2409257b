package ghactions

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/baseline"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/shard"
)

// inputs is a runner's INPUT_* variables, as go-githubactions reads them: upper case, hyphens
// kept.
func inputs(m map[string]string) func(string) string {
	return func(name string) string { return m["INPUT_"+strings.ToUpper(name)] }
}

func getenv(m map[string]string) func(string) string {
	return func(name string) string { return m[name] }
}

func TestReadInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want Inputs
		errs []string // substrings of the error; none when it must read
	}{
		{
			name: "defaults",
			env:  map[string]string{},
			want: Inputs{Packages: []string{}, Bench: ".", Config: ".github/benchgate.yml", WorkingDir: ".", Interleave: report.InterleaveBenchmark, Timeout: 10 * time.Minute,
				Comment: CommentAlways, CommentKey: "benchgate", FailOn: FailOnRegression, ReportPath: ".benchgate", DataBranch: "benchgate-data", Profile: true},
		},
		{
			name: "every input",
			env: map[string]string{
				"INPUT_TOKEN": "t", "INPUT_BENCH": "Encode", "INPUT_BENCHTIME": "200ms", "INPUT_CONFIG": "perf.yml", "INPUT_WORKING-DIRECTORY": "mod",
				"INPUT_PACKAGES": " ./a/...  ./b ", "INPUT_COUNT": "20", "INPUT_MAX-COUNT": "40", "INPUT_INTERLEAVE": "package", "INPUT_TIMEOUT": "0",
				"INPUT_BUDGET": "15m", "INPUT_COMMENT": "on-regression", "INPUT_COMMENT-KEY": "linux", "INPUT_FAIL-ON": "never", "INPUT_REPORT": "r",
				"INPUT_DATA-BRANCH": "perf", "INPUT_KEEP": "90d", "INPUT_ALLOW-PULL-REQUEST-TARGET": "true", "INPUT_PROFILE": "false", "INPUT_RETAINED": "true",
				"INPUT_LABEL-TOKEN": "github_pat_labels", "INPUT_SHARD": "2/4",
			},
			want: Inputs{Token: "t", LabelToken: "github_pat_labels", Bench: "Encode", Benchtime: "200ms", Config: "perf.yml", ConfigNamed: true, WorkingDir: "mod", Packages: []string{"./a/...", "./b"},
				Count: 20, MaxCount: 40, Interleave: report.InterleavePackage, Budget: 15 * time.Minute, Comment: CommentOnRegression, CommentKey: "linux",
				FailOn: FailOnNever, ReportPath: "r", DataBranch: "perf", Keep: baseline.Retention{Days: 90}, AllowTarget: true, Retained: true, Shard: &shard.Spec{Index: 2, Count: 4}},
		},
		{
			name: "merge",
			env:  map[string]string{"INPUT_MERGE": " shards "},
			want: Inputs{Packages: []string{}, Bench: ".", Config: ".github/benchgate.yml", WorkingDir: ".", Interleave: report.InterleaveBenchmark, Timeout: 10 * time.Minute,
				Comment: CommentAlways, CommentKey: "benchgate", FailOn: FailOnRegression, ReportPath: ".benchgate", DataBranch: "benchgate-data", Profile: true, Merge: "shards"},
		},
		{
			name: "everything wrong",
			env: map[string]string{
				"INPUT_COUNT": "ten", "INPUT_FAIL-ON": "sometimes", "INPUT_COMMENT-KEY": "a b", "INPUT_KEEP": "3 weeks", "INPUT_MAX-COUNT": "0",
				"INPUT_INTERLEAVE": "round", "INPUT_TIMEOUT": "soon", "INPUT_BUDGET": "-1m", "INPUT_COMMENT": "sometimes", "INPUT_ALLOW-PULL-REQUEST-TARGET": "yes", "INPUT_PROFILE": "sure",
				"INPUT_SHARD": "5/4", "INPUT_MERGE": "shards",
			},
			errs: []string{
				`input "count": expected a whole number of rounds, at least 1, got "ten"`,
				`input "max-count": expected a whole number of pairs, at least 1, got "0"`,
				`input "interleave": expected benchmark or package, got "round"`,
				`input "timeout": expected a duration such as "10m" or "90s", got "soon"`,
				`input "budget": expected a duration such as "10m" or "90s", got "-1m"`,
				`input "comment": expected always, on-change, on-regression or never, got "sometimes"`,
				`input "fail-on": expected regression or never, got "sometimes"`,
				`input "keep": expected a number of records such as "200", or of days such as "90d"; 0 keeps all, got "3 weeks"`,
				`input "comment-key": expected 1 to 64 letters, digits, '.', '_' or '-', got "a b"`,
				`input "shard": expected K/N with 1 ≤ K ≤ N ≤ 256, as ${{ matrix.shard }}/4, got "5/4"`,
				`input "allow-pull-request-target": expected true or false, got "yes"`,
				`input "profile": expected true or false, got "sure"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ReadInputs(inputs(tt.env))
			if len(tt.errs) > 0 {
				if err == nil {
					t.Fatalf("no error, want %q", tt.errs)
				}
				// Every wrong input is named, in the order the inputs are read.
				if lines := strings.Split(err.Error(), "\n"); strings.Join(lines, "\n") != strings.Join(tt.errs, "\n") {
					t.Errorf("error:\n%s\nwant:\n%s", err, strings.Join(tt.errs, "\n"))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("inputs\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestCommentModeWant(t *testing.T) {
	t.Parallel()
	pass := &report.Report{Verdict: report.Pass, Counts: report.Counts{}}
	improved := &report.Report{Verdict: report.Pass, Counts: report.Counts{report.Improvement: 1}}
	failed := &report.Report{Verdict: report.Fail, Counts: report.Counts{report.Regression: 1}}
	tests := []struct {
		mode                   CommentMode
		pass, improved, failed CommentAction
	}{
		{CommentAlways, Create, Create, Create},
		{CommentOnChange, Update, Create, Create},
		{CommentOnRegression, Update, Update, Create},
		{CommentNever, Skip, Skip, Skip},
	}
	for _, tt := range tests {
		if got := [3]CommentAction{tt.mode.Want(pass), tt.mode.Want(improved), tt.mode.Want(failed)}; got != [3]CommentAction{tt.pass, tt.improved, tt.failed} {
			t.Errorf("%s: %v, want %v", tt.mode, got, [3]CommentAction{tt.pass, tt.improved, tt.failed})
		}
	}
}

func TestReadEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	event := filepath.Join(dir, "event.json")
	if err := os.WriteFile(event, []byte(`{"number": 7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := ReadEnv(getenv(map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": dir, "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event,
		"GITHUB_REPOSITORY": "octo/repo", "GITHUB_RUN_ID": "42", "GITHUB_SHA": "abc", "GITHUB_TOKEN": "ghs_x",
	}))
	if !env.Actions || env.Workspace != dir || env.EventName != "pull_request" || env.Repository != "octo/repo" || env.SHA != "abc" || env.Token != "ghs_x" {
		t.Errorf("env %+v", env)
	}
	if env.RepoURL() != "https://github.com/octo/repo" || env.RunURL() != "https://github.com/octo/repo/actions/runs/42" {
		t.Errorf("urls %q %q", env.RepoURL(), env.RunURL())
	}
	if data, err := env.Event(); err != nil || string(data) != `{"number": 7}` {
		t.Errorf("event %q, %v", data, err)
	}
	none := ReadEnv(getenv(nil))
	if none.Actions || none.ServerURL != "https://github.com" || none.RunURL() != "" {
		t.Errorf("outside Actions: %+v", none)
	}
	if _, err := none.Event(); err == nil || !strings.Contains(err.Error(), "GITHUB_EVENT_PATH is not set") {
		t.Errorf("no event: %v", err)
	}
}

// TestRuntime writes outputs, the summary and annotations where the runner reads them, capped
// with a line that says how many more there are.
func TestRuntime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	output, summary := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	for _, f := range []string{output, summary} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var log bytes.Buffer
	rt := New(getenv(map[string]string{"GITHUB_OUTPUT": output, "GITHUB_STEP_SUMMARY": summary}), &log)
	rt.SetOutput("verdict", "fail")
	rt.AddStepSummary("## hello")
	rt.Annotate("error", "benchgate: regression", "regressions", []string{"a", "b", "c"}, 2)
	rt.Annotate("warning", "benchgate", "warnings", []string{"w"}, 2)
	if out, _ := os.ReadFile(output); !strings.Contains(string(out), "verdict<<") || !strings.Contains(string(out), "\nfail\n") {
		t.Errorf("output file:\n%s", out)
	}
	if s, _ := os.ReadFile(summary); !strings.Contains(string(s), "## hello") {
		t.Errorf("summary file:\n%s", s)
	}
	want := "::error title=benchgate%3A regression::a\n::error title=benchgate%3A regression::b\n::error title=benchgate::… and 1 more regressions: see the job summary\n::warning title=benchgate::w\n"
	if log.String() != want {
		t.Errorf("workflow commands:\n%s\nwant:\n%s", log.String(), want)
	}
}

func TestWithSafeDirectory(t *testing.T) {
	t.Parallel()
	got := WithSafeDirectory([]string{"PATH=/bin", "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=core.x", "GIT_CONFIG_VALUE_0=y"}, "/ws")
	want := "PATH=/bin GIT_CONFIG_KEY_0=core.x GIT_CONFIG_VALUE_0=y GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_1=safe.directory GIT_CONFIG_VALUE_1=/ws"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q", got)
	}
}
