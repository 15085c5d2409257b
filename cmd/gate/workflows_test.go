package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// privileged are the events whose workflows run in the default branch's context (its Actions
// cache scope, its token and secrets), whatever pull request started them: no pull request code
// may run under them.
var privileged = []string{"issue_comment", "workflow_run", "pull_request_target"}

// workflow is what workflowProblems reads of a workflow file.
type workflow struct {
	On   yaml.Node `yaml:"on"`
	Jobs map[string]struct {
		Uses  string `yaml:"uses"` // a reusable workflow, whose steps are elsewhere
		Steps []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// parseWorkflow reads a workflow; nil when data is no mapping, such as a README's fragment of
// steps, which is no workflow.
func parseWorkflow(data []byte) (*workflow, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil
	}
	var w workflow
	if err := doc.Decode(&w); err != nil {
		return nil, err
	}
	return &w, nil
}

// triggers are the events a workflow's on: names, in any of its three forms.
func (w *workflow) triggers() []string {
	switch w.On.Kind {
	case yaml.ScalarNode:
		return []string{w.On.Value}
	case yaml.SequenceNode:
		var out []string
		for _, n := range w.On.Content {
			out = append(out, n.Value)
		}
		return out
	case yaml.MappingNode:
		var out []string
		for i := 0; i < len(w.On.Content); i += 2 {
			out = append(out, w.On.Content[i].Value)
		}
		return out
	}
	return nil
}

var (
	// headRef is a mention of the pull request's code: its ref, its head commit, or a workflow
	// run's head (branch, SHA, repository).
	headRef = regexp.MustCompile(`(?i)refs/pull|pull_request\.head|workflow_run\.head|head_sha|head\.sha|github\.head_ref`)
	// gateRun is gate's run subcommand in a script, however gate is called.
	gateRun = regexp.MustCompile(`gate["']?\s+run\b`)
	// gateAction is gate's action subcommand in a script.
	gateAction = regexp.MustCompile(`gate["']?\s+action\b`)
)

// workflowProblems says how the workflow in data lets pull request code run under a privileged
// event: a checkout of another ref than the default, a mention of the pull request's head in a
// script or in a step's inputs or environment (but for the inputs of benchgate's own action,
// which reads its event itself), or a step that runs the benchmarks (gate run, or the action
// asked to measure, as the old /benchgate run workflow's command-step: measure did). A workflow
// of no privileged event, or no workflow at all (a config file), has none.
func workflowProblems(data []byte) ([]string, error) {
	w, err := parseWorkflow(data)
	if w == nil {
		return nil, err
	}
	var events []string
	for _, e := range w.triggers() {
		if slices.Contains(privileged, e) {
			events = append(events, e)
		}
	}
	if len(events) == 0 || len(w.Jobs) == 0 {
		return nil, nil
	}
	var problems []string
	on := strings.Join(events, ", ")
	bad := func(job string, step int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("on %s, job %s, step %d: %s", on, job, step+1, fmt.Sprintf(format, args...)))
	}
	for name, job := range w.Jobs {
		if job.Uses != "" {
			problems = append(problems, fmt.Sprintf("on %s, job %s: calls the reusable workflow %s, whose steps this test cannot check", on, name, job.Uses))
		}
		for i, st := range job.Steps {
			uses, _, _ := strings.Cut(st.Uses, "@")
			benchgate := uses == "benchgate/benchgate" || uses == "./"
			if uses == "actions/checkout" {
				if ref, ok := st.With["ref"]; ok {
					bad(name, i, "checks out ref %q, not the default branch", ref)
				}
			}
			if m := headRef.FindString(st.Run); m != "" {
				bad(name, i, "its script names the pull request's code (%s)", m)
			}
			for k, v := range st.With {
				if m := headRef.FindString(v); m != "" && !benchgate && !(uses == "actions/download-artifact" && k == "run-id") {
					bad(name, i, "its input %s names the pull request's code (%s)", k, m)
				}
			}
			gateStep := benchgate || gateAction.MatchString(st.Run)
			for k, v := range st.Env {
				input := strings.HasPrefix(strings.ToUpper(k), "INPUT_")
				if m := headRef.FindString(v); m != "" && !(gateStep && input) {
					bad(name, i, "its environment's %s names the pull request's code (%s)", k, m)
				}
				if gateStep && strings.EqualFold(k, "INPUT_COMMAND-STEP") && strings.TrimSpace(v) == "measure" {
					bad(name, i, "runs the benchmarks: gate action with %s=measure", k)
				}
			}
			if benchgate && strings.TrimSpace(st.With["command-step"]) == "measure" {
				bad(name, i, "runs the benchmarks: the action with command-step: measure")
			}
			if gateRun.MatchString(st.Run) {
				bad(name, i, "runs the benchmarks: gate run")
			}
		}
	}
	slices.Sort(problems)
	return problems, nil
}

// yamlBlock is a fenced YAML block of a markdown file.
var yamlBlock = regexp.MustCompile("(?ms)^```ya?ml\n(.*?)^```")

// TestWorkflowsRunNoPullRequestCode checks every workflow this repository runs and every one its
// README and docs offer: none that issue_comment, workflow_run or pull_request_target starts
// checks out, fetches or measures a pull request's code. Those run in the default branch's
// context, where fork code could poison the caches that later default-branch runs restore, or
// reach its token.
func TestWorkflowsRunNoPullRequestCode(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.y*ml"))
	if err != nil || len(files) < 5 {
		t.Fatalf("found %d workflows (%v)", len(files), err)
	}
	sources := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources[f] = data
	}
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	blocks, offered := 0, 0
	for _, f := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range yamlBlock.FindAllSubmatch(data, -1) {
			sources[fmt.Sprintf("%s, YAML block %d", f, i+1)] = m[1]
			blocks++
		}
	}
	for name, data := range sources {
		w, err := parseWorkflow(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if w == nil {
			continue
		}
		for _, e := range w.triggers() {
			if slices.Contains(privileged, e) && strings.Contains(name, "YAML block") {
				offered++
			}
		}
		problems, err := workflowProblems(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
	}
	// The README offers the fork-safe comment and /benchgate run: were they seen?
	if blocks < 5 || offered < 2 {
		t.Errorf("%d YAML blocks in the docs, %d of them workflows of privileged events; want the README's", blocks, offered)
	}
}

// TestWorkflowProblems is the check above on workflows that do run pull request code under a
// privileged event, among them the /benchgate run workflow as it was before the comment job only
// labelled (it measured with command-step: measure): each is caught.
func TestWorkflowProblems(t *testing.T) {
	t.Parallel()
	for file, want := range map[string][]string{
		"command-measures.yml":        {"on issue_comment, job measure, step 4: runs the benchmarks: gate action with INPUT_COMMAND-STEP=measure"},
		"comment-action-measures.yml": {"on issue_comment, job measure, step 2: runs the benchmarks: the action with command-step: measure"},
		"target-checks-out-head.yml": {`on pull_request_target, job bench, step 1: checks out ref "${{ github.event.pull_request.head.sha }}", not the default branch`,
			"on pull_request_target, job bench, step 1: its input ref names the pull request's code (pull_request.head)"},
		"run-fetches-head.yml": {"on workflow_run, job again, step 2: its environment's HEAD names the pull request's code (workflow_run.head)",
			"on workflow_run, job again, step 3: its script names the pull request's code (refs/pull)", "on workflow_run, job again, step 3: runs the benchmarks: gate run"},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "unsafe-workflows", file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := workflowProblems(data)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %v\n%q\nwant\n%q", file, err, got, want)
		}
	}
	// The same steps under pull_request are the measuring workflow's, which may run the pull
	// request's code: its context is the pull request's own.
	data, err := os.ReadFile(filepath.Join("testdata", "unsafe-workflows", "target-checks-out-head.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := workflowProblems([]byte(strings.Replace(string(data), "on: pull_request_target", "on: pull_request", 1))); err != nil || got != nil {
		t.Errorf("on pull_request: %q, %v", got, err)
	}
}
