package procenv

import (
	"slices"
	"testing"
)

func TestChild(t *testing.T) {
	in := []string{
		"PATH=/usr/bin", "HOME=/root", "GOFLAGS=-mod=mod", "INPUT_COUNT=10", "KEYBOARD=us", "MONKEY=1",
		"GITHUB_TOKEN=x", "INPUT_TOKEN=x", "ACTIONS_RUNTIME_TOKEN=x", "ACTIONS_ID_TOKEN_REQUEST_URL=x",
		"NPM_TOKEN=x", "gh_token=x", "MY_SECRET=x", "AWS_SECRET_ACCESS_KEY=x", "DB_PASSWORD=x", "FTP_PASSWD=x",
		"GOOGLE_APPLICATION_CREDENTIALS=x", "INPUT_LABEL-TOKEN=x", "INPUT_API-KEY=x",
	}
	got := Child(in)
	want := []string{"PATH=/usr/bin", "HOME=/root", "GOFLAGS=-mod=mod", "INPUT_COUNT=10", "KEYBOARD=us", "MONKEY=1"}
	if !slices.Equal(got, want) {
		t.Errorf("Child kept %q, want %q", got, want)
	}
}

func TestSplit(t *testing.T) {
	kept, secrets := Split([]string{"PATH=/usr/bin", "GITHUB_TOKEN=a", "HOME=/root", "INPUT_TOKEN=b=c"})
	if want := []string{"PATH=/usr/bin", "HOME=/root"}; !slices.Equal(kept, want) {
		t.Errorf("kept %q, want %q", kept, want)
	}
	if want := []string{"GITHUB_TOKEN=a", "INPUT_TOKEN=b=c"}; !slices.Equal(secrets, want) {
		t.Errorf("secrets %q, want %q", secrets, want)
	}
}
