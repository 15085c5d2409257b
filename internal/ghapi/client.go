// Package ghapi is all of benchgate's talk with the GitHub API: a client that waits out rate
// limits and retries server errors, the sticky PR comment, labels, and pull-request look-ups.
package ghapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v93/github"
)

// Client talks to one repository's API.
type Client struct {
	gh          *github.Client
	owner, repo string
}

// Config says where and as whom to talk.
type Config struct {
	Token string
	// APIURL is the API's root, https://api.github.com or a GitHub Enterprise Server's
	// https://HOST/api/v3 (GITHUB_API_URL).
	APIURL string
	// Repository is "owner/name" (GITHUB_REPOSITORY).
	Repository string
	// Log hears why a request is retried; nil for silence.
	Log func(string)
	// MaxWait is the longest a rate limit is waited out (default 2 minutes): past it the
	// request fails rather than hold the job.
	MaxWait time.Duration
	// Backoff is the first wait after a server error (default 1 second); each further one doubles.
	Backoff time.Duration
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	owner, repo, ok := strings.Cut(cfg.Repository, "/")
	if !ok || owner == "" || repo == "" {
		return nil, fmt.Errorf("repository %q: expected owner/name", cfg.Repository)
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = 2 * time.Minute
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = func(string) {}
	}
	base := strings.TrimSuffix(cfg.APIURL, "/") + "/"
	if cfg.APIURL == "" {
		base = "https://api.github.com/"
	}
	transport := &retrying{base: http.DefaultTransport, attempts: 5, firstBackoff: cfg.Backoff, maxWait: cfg.MaxWait, log: cfg.Log}
	gh, err := github.NewClient(
		github.WithURLs(&base, nil),
		github.WithTransport(transport),
		github.WithTimeout(time.Minute),
		github.WithAuthToken(cfg.Token),
		// The transport waits out rate limits itself; go-github must not refuse requests early.
		github.WithDisableRateLimitCheck(),
	)
	if err != nil {
		return nil, err
	}
	return &Client{gh: gh, owner: owner, repo: repo}, nil
}

// retrying retries a request that failed for a reason that passes: a server error or a dropped
// connection (exponential backoff with jitter), a secondary rate limit (its Retry-After), or an
// exhausted primary rate limit (until its reset), each within bounds.
type retrying struct {
	base         http.RoundTripper
	attempts     int
	firstBackoff time.Duration
	maxWait      time.Duration
	log          func(string)
}

func (t *retrying) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		try := req
		if attempt > 1 && req.Body != nil {
			if req.GetBody == nil {
				return nil, errors.New("cannot retry a request whose body cannot be replayed")
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			try = req.Clone(req.Context())
			try.Body = body
		}
		resp, err := t.base.RoundTrip(try)
		wait, why := t.delay(resp, err, attempt)
		if wait < 0 || attempt >= t.attempts {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
		}
		t.log(fmt.Sprintf("%s %s: %s; retrying in %v (attempt %d of %d)", req.Method, req.URL.Path, why, wait.Round(100*time.Millisecond), attempt+1, t.attempts))
		select {
		case <-time.After(wait):
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
}

// delay says how long to wait before retrying, or -1 not to retry.
func (t *retrying) delay(resp *http.Response, err error, attempt int) (time.Duration, string) {
	backoff := func() time.Duration {
		d := t.firstBackoff << (attempt - 1)
		return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return -1, ""
		}
		return backoff(), err.Error()
	}
	switch code := resp.StatusCode; {
	case code >= 500:
		return backoff(), resp.Status
	case code == http.StatusForbidden || code == http.StatusTooManyRequests:
		if s := resp.Header.Get("Retry-After"); s != "" {
			secs, perr := strconv.Atoi(s)
			if d := time.Duration(secs) * time.Second; perr == nil && d <= t.maxWait {
				return d, "secondary rate limit"
			}
			return -1, ""
		}
		if resp.Header.Get("X-RateLimit-Remaining") == "0" {
			reset, perr := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
			if d := time.Until(time.Unix(reset, 0)) + time.Second; perr == nil && d <= t.maxWait {
				return max(d, 0), "rate limit exhausted until its reset"
			}
		}
	}
	return -1, ""
}
