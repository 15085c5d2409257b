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
		"GOOGLE_APPLICATION_CREDENTIALS=x",
	}
	got := Child(in)
	want := []string{"PATH=/usr/bin", "HOME=/root", "GOFLAGS=-mod=mod", "INPUT_COUNT=10", "KEYBOARD=us", "MONKEY=1"}
	if !slices.Equal(got, want) {
		t.Errorf("Child kept %q, want %q", got, want)
	}
}
