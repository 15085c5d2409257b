// Package ghtest is a loopback stand-in for api.github.com: the endpoints benchgate uses, with
// payloads, pagination, errors and rate limits shaped like the real API's, and a record of what
// was asked of it.
package ghtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Comment is an issue comment as the server stores it.
type Comment struct {
	ID        int64
	Body      string
	Login     string
	Type      string // "User" or "Bot"
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PullRequest is a pull request as the server stores it.
type PullRequest struct {
	Number   int
	HeadSHA  string
	HeadRef  string
	HeadRepo string // owner/name of the head repository
	BaseSHA  string
	BaseRef  string
	State    string
	Body     string
	MergeSHA string   // the commit its merge made on the base branch
	Author   string   // the login of who opened it
	Labels   []string // their names
}

// Commit is a commit as the server knows it.
type Commit struct {
	Message string
	Author  string // the author's GitHub login; "" for an email of no account
}

// LabelEvent is a pull request's label being added, or removed, by someone.
type LabelEvent struct {
	Label, Actor string
	Removed      bool // "unlabeled"
}

// Token is what the server knows of a token other than the default one.
type Token struct {
	// Login is whom the token acts as: a person's login for a personal access token, an app's
	// "name[bot]" for an installation token (for which GET /user answers 403).
	Login string
	// ReadOnly makes the token's writes answer 403 "Resource not accessible by personal access
	// token", as a token without the permission to write gets.
	ReadOnly bool
}

// Server answers like api.github.com for one repository.
type Server struct {
	*httptest.Server
	Owner, Repo string

	mu       sync.Mutex
	comments map[int][]*Comment // by pull request
	pulls    map[int]*PullRequest
	commits  map[string]Commit
	labeled  map[int][]LabelEvent
	labelIDs map[string]int64 // the repository's labels, by name
	// Permissions are the collaborators' permissions by login: admin, maintain, write,
	// triage, read; anyone else has none.
	Permissions map[string]string
	nextID      int64
	// Login is the default token's user; "" makes GET /user answer 403, as it does for the
	// Actions token, whose comments and labels are by github-actions[bot].
	Login string
	// Tokens are other tokens than the default, by the secret a request bears: any token not
	// here is the default one.
	Tokens map[string]Token
	// ReadOnly makes writes answer 403 "Resource not accessible by integration".
	ReadOnly bool
	// SecondaryLimit makes the next that many writes answer 403 with Retry-After: 1.
	SecondaryLimit int
	// ServerErrors makes the next that many requests answer 502.
	ServerErrors int
	// Requests records "METHOD path?query" of every request.
	Requests []string
}

// New starts a server for owner/repo, closed when the test ends.
func New(t testing.TB, owner, repo string) *Server {
	s := &Server{Owner: owner, Repo: repo, comments: map[int][]*Comment{}, pulls: map[int]*PullRequest{}, nextID: 1000,
		commits: map[string]Commit{}, labeled: map[int][]LabelEvent{}, Permissions: map[string]string{}, Tokens: map[string]Token{}, labelIDs: map[string]int64{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// AddPull stores a pull request.
func (s *Server) AddPull(p PullRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.State == "" {
		p.State = "open"
	}
	s.pulls[p.Number] = &p
}

// AddCommit stores what the API says of commit sha.
func (s *Server) AddCommit(sha string, c Commit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commits[sha] = c
}

// AddLabel records actor adding label to pull request pr, which then has it.
func (s *Server) AddLabel(pr int, label, actor string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.labeled[pr] = append(s.labeled[pr], LabelEvent{Label: label, Actor: actor})
	if p := s.pulls[pr]; p != nil {
		p.Labels = append(p.Labels, label)
	}
}

// Labels returns pull request pr's labels, in the order they were added.
func (s *Server) Labels(pr int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pulls[pr]; p != nil {
		return append([]string(nil), p.Labels...)
	}
	return nil
}

// LabelEvents returns who added and removed which labels of pull request pr, oldest first.
func (s *Server) LabelEvents(pr int) []LabelEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LabelEvent(nil), s.labeled[pr]...)
}

// AddComment stores a comment on pull request pr and returns its ID.
func (s *Server) AddComment(pr int, body, login, typ string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	now := time.Now().UTC()
	s.comments[pr] = append(s.comments[pr], &Comment{ID: s.nextID, Body: body, Login: login, Type: typ, CreatedAt: now, UpdatedAt: now})
	return s.nextID
}

// Comments returns a copy of pull request pr's comments, oldest first.
func (s *Server) Comments(pr int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.comments[pr] {
		out = append(out, *c)
	}
	return out
}

// Count returns how many recorded requests start with prefix ("POST /repos/").
func (s *Server) Count(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.Requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Requests = append(s.Requests, r.Method+" "+r.URL.RequestURI())
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		s.fail(w, http.StatusUnauthorized, "Requires authentication")
		return
	}
	if s.ServerErrors > 0 {
		s.ServerErrors--
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte(`{"message":"Server Error"}`))
		return
	}
	write := r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodDelete
	token, other := s.Tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if write && s.SecondaryLimit > 0 {
		s.SecondaryLimit--
		w.Header().Set("Retry-After", "1")
		s.fail(w, http.StatusForbidden, "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.")
		return
	}
	if write && s.ReadOnly {
		s.fail(w, http.StatusForbidden, "Resource not accessible by integration")
		return
	}
	if write && token.ReadOnly {
		s.fail(w, http.StatusForbidden, "Resource not accessible by personal access token")
		return
	}
	login, typ := s.actor(token, other)
	repo := "/repos/" + s.Owner + "/" + s.Repo
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), repo), "/") // a label's name may hold an escaped "/"
	switch {
	case r.URL.Path == "/user" && r.Method == http.MethodGet:
		if typ == "Bot" {
			s.fail(w, http.StatusForbidden, "Resource not accessible by integration")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"login": login, "id": 1, "type": "User"})
	case !strings.HasPrefix(r.URL.Path, repo+"/"):
		s.fail(w, http.StatusNotFound, "Not Found")
	case len(parts) == 4 && parts[1] == "issues" && parts[3] == "comments" && r.Method == http.MethodGet:
		s.listComments(w, r, atoi(parts[2]))
	case len(parts) == 4 && parts[1] == "issues" && parts[3] == "comments" && r.Method == http.MethodPost:
		s.writeComment(w, r, atoi(parts[2]), 0, login, typ)
	case len(parts) == 4 && parts[1] == "issues" && parts[2] == "comments" && r.Method == http.MethodPatch:
		s.writeComment(w, r, 0, int64(atoi(parts[3])), login, typ)
	case len(parts) == 4 && parts[1] == "issues" && parts[3] == "labels" && r.Method == http.MethodGet:
		p, ok := s.pulls[atoi(parts[2])]
		if !ok {
			s.fail(w, http.StatusNotFound, "Not Found")
			return
		}
		from, to := s.paginate(w, r, len(p.Labels))
		json.NewEncoder(w).Encode(s.labelsJSON(p.Labels[from:to]))
	case len(parts) == 4 && parts[1] == "issues" && parts[3] == "labels" && r.Method == http.MethodPost:
		s.addLabels(w, r, atoi(parts[2]), login)
	case len(parts) == 5 && parts[1] == "issues" && parts[3] == "labels" && r.Method == http.MethodDelete:
		s.removeLabel(w, r, atoi(parts[2]), login)
	case len(parts) == 3 && parts[1] == "pulls" && r.Method == http.MethodGet:
		p, ok := s.pulls[atoi(parts[2])]
		if !ok {
			s.fail(w, http.StatusNotFound, "Not Found")
			return
		}
		json.NewEncoder(w).Encode(s.pullJSON(p))
	case len(parts) == 4 && parts[1] == "collaborators" && parts[3] == "permission" && r.Method == http.MethodGet:
		perm := s.Permissions[parts[2]]
		legacy := map[string]string{"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read"}[perm]
		if legacy == "" {
			perm, legacy = "none", "none"
		}
		json.NewEncoder(w).Encode(map[string]any{"permission": legacy, "role_name": perm,
			"user": map[string]any{"login": parts[2], "id": 7, "type": "User", "permissions": map[string]bool{"admin": perm == "admin", "push": legacy == "write" || legacy == "admin", "pull": legacy != "none"}}})
	case len(parts) == 4 && parts[1] == "commits" && parts[3] == "pulls" && r.Method == http.MethodGet:
		out := []any{}
		for _, p := range s.pulls {
			if p.MergeSHA == parts[2] || p.HeadSHA == parts[2] {
				out = append(out, s.pullJSON(p))
			}
		}
		json.NewEncoder(w).Encode(out)
	case len(parts) == 3 && parts[1] == "commits" && r.Method == http.MethodGet:
		c, ok := s.commits[parts[2]]
		if !ok {
			s.fail(w, http.StatusUnprocessableEntity, "No commit found for SHA: "+parts[2])
			return
		}
		var author any
		if c.Author != "" {
			author = map[string]any{"login": c.Author, "id": 9, "type": "User"}
		}
		json.NewEncoder(w).Encode(map[string]any{
			"sha": parts[2], "url": fmt.Sprintf("%s%s/commits/%s", s.URL, repo, parts[2]),
			"commit": map[string]any{"message": c.Message, "author": map[string]any{"name": "A Person", "email": "person@example.com", "date": "2026-12-01T10:00:00Z"}},
			"author": author, "parents": []any{},
		})
	case len(parts) == 4 && parts[1] == "issues" && parts[3] == "events" && r.Method == http.MethodGet:
		out := []any{}
		for i, e := range s.labeled[atoi(parts[2])] {
			event := "labeled"
			if e.Removed {
				event = "unlabeled"
			}
			typ := "User"
			if strings.HasSuffix(e.Actor, "[bot]") {
				typ = "Bot"
			}
			out = append(out, map[string]any{"id": 500 + i, "event": event, "actor": map[string]any{"login": e.Actor, "id": 7, "type": typ},
				"label": map[string]any{"name": e.Label, "color": "ededed"}, "created_at": "2026-12-01T10:00:00Z"})
		}
		json.NewEncoder(w).Encode(out)
	case len(parts) == 2 && parts[1] == "pulls" && r.Method == http.MethodGet:
		var out []any
		for _, p := range s.pulls {
			owner, _, _ := strings.Cut(p.HeadRepo, "/")
			if head := r.URL.Query().Get("head"); head != "" && head != owner+":"+p.HeadRef {
				continue
			}
			if state := r.URL.Query().Get("state"); state != "" && state != "all" && state != p.State {
				continue
			}
			out = append(out, s.pullJSON(p))
		}
		if out == nil {
			out = []any{}
		}
		json.NewEncoder(w).Encode(out)
	default:
		s.fail(w, http.StatusNotFound, "Not Found")
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// actor is whom a request's token acts as: another token's login, or the default token's
// Login, or else github-actions[bot], as for the Actions token.
func (s *Server) actor(token Token, other bool) (login, typ string) {
	switch {
	case other && strings.HasSuffix(token.Login, "[bot]"):
		return token.Login, "Bot"
	case other:
		return token.Login, "User"
	case s.Login != "":
		return s.Login, "User"
	}
	return "github-actions[bot]", "Bot"
}

// addLabels adds labels to pull request pr as the API does: the body is a list of names, or an
// object with one under "labels"; a label the pull request has already is no change (and no
// event); the answer is all the pull request's labels.
func (s *Server) addLabels(w http.ResponseWriter, r *http.Request, pr int, actor string) {
	p, ok := s.pulls[pr]
	if !ok {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	var body json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.fail(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	var names []string
	if json.Unmarshal(body, &names) != nil {
		var obj struct {
			Labels []string `json:"labels"`
		}
		if json.Unmarshal(body, &obj) != nil || obj.Labels == nil {
			s.fail(w, http.StatusUnprocessableEntity, "Invalid request.\n\nNo subschema in \"anyOf\" matched.")
			return
		}
		names = obj.Labels
	}
	for _, n := range names {
		if n == "" || utf8.RuneCountInString(n) > 50 {
			w.WriteHeader(http.StatusUnprocessableEntity)
			json.NewEncoder(w).Encode(map[string]any{"message": "Validation Failed", "errors": []map[string]string{{"resource": "Label", "code": "invalid", "field": "name"}}, "documentation_url": "https://docs.github.com/rest/issues/labels#add-labels-to-an-issue", "status": "422"})
			return
		}
	}
	for _, n := range names {
		if slices.ContainsFunc(p.Labels, func(l string) bool { return strings.EqualFold(l, n) }) {
			continue
		}
		p.Labels = append(p.Labels, n)
		s.labeled[pr] = append(s.labeled[pr], LabelEvent{Label: n, Actor: actor})
	}
	json.NewEncoder(w).Encode(s.labelsJSON(p.Labels))
}

// removeLabel removes the label the path's last element names (escaped, as a name may hold
// "/") from pull request pr, and answers with the labels left, or 404 when it has no such label.
func (s *Server) removeLabel(w http.ResponseWriter, r *http.Request, pr int, actor string) {
	p, ok := s.pulls[pr]
	if !ok {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	escaped := r.URL.EscapedPath()
	name, err := url.PathUnescape(escaped[strings.LastIndex(escaped, "/")+1:])
	i := slices.IndexFunc(p.Labels, func(l string) bool { return strings.EqualFold(l, name) })
	if err != nil || i < 0 {
		s.fail(w, http.StatusNotFound, "Label does not exist")
		return
	}
	s.labeled[pr] = append(s.labeled[pr], LabelEvent{Label: p.Labels[i], Actor: actor, Removed: true})
	p.Labels = slices.Delete(p.Labels, i, i+1)
	json.NewEncoder(w).Encode(s.labelsJSON(p.Labels))
}

func (s *Server) fail(w http.ResponseWriter, code int, msg string) {
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest", "status": strconv.Itoa(code)})
}

// listComments lists pull request pr's comments a page at a time.
func (s *Server) listComments(w http.ResponseWriter, r *http.Request, pr int) {
	all := s.comments[pr]
	from, to := s.paginate(w, r, len(all))
	out := []any{}
	for _, c := range all[from:to] {
		out = append(out, s.commentJSON(pr, c))
	}
	json.NewEncoder(w).Encode(out)
}

// paginate pages a list of n items like the API: per_page (at most 100, default 30), page, and
// a Link header. It returns the page's items' bounds.
func (s *Server) paginate(w http.ResponseWriter, r *http.Request, n int) (from, to int) {
	per := atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page := max(atoi(r.URL.Query().Get("page")), 1)
	last := max((n+per-1)/per, 1)
	from, to = min((page-1)*per, n), min(page*per, n)
	link := func(p int, rel string) string {
		u := *r.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		u.RawQuery = q.Encode()
		return fmt.Sprintf("<%s%s>; rel=%q", s.URL, u.RequestURI(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	return from, to
}

// writeComment creates (id 0) or updates a comment, refusing bodies over 65,536 characters
// with the API's 422.
func (s *Server) writeComment(w http.ResponseWriter, r *http.Request, pr int, id int64, login, typ string) {
	var req struct {
		Body *string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Body == nil {
		s.fail(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"body\" wasn't supplied.")
		return
	}
	if utf8.RuneCountInString(*req.Body) > 65536 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		json.NewEncoder(w).Encode(map[string]any{"message": "Validation Failed", "errors": []map[string]string{{"resource": "IssueComment", "code": "custom", "field": "body", "message": "body is too long (maximum is 65536 characters)"}}, "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment", "status": "422"})
		return
	}
	now := time.Now().UTC()
	if id == 0 {
		s.nextID++
		c := &Comment{ID: s.nextID, Body: *req.Body, Login: login, Type: typ, CreatedAt: now, UpdatedAt: now}
		s.comments[pr] = append(s.comments[pr], c)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(s.commentJSON(pr, c))
		return
	}
	for n, cs := range s.comments {
		for _, c := range cs {
			if c.ID == id {
				if c.Login != login {
					s.fail(w, http.StatusForbidden, "Must have admin rights to Repository.")
					return
				}
				c.Body, c.UpdatedAt = *req.Body, now
				json.NewEncoder(w).Encode(s.commentJSON(n, c))
				return
			}
		}
	}
	s.fail(w, http.StatusNotFound, "Not Found")
}

func (s *Server) commentJSON(pr int, c *Comment) map[string]any {
	html := fmt.Sprintf("https://github.com/%s/%s/pull/%d#issuecomment-%d", s.Owner, s.Repo, pr, c.ID)
	return map[string]any{
		"id": c.ID, "node_id": "IC_kwDO" + strconv.FormatInt(c.ID, 36),
		"url":        fmt.Sprintf("%s/repos/%s/%s/issues/comments/%d", s.URL, s.Owner, s.Repo, c.ID),
		"html_url":   html,
		"issue_url":  fmt.Sprintf("%s/repos/%s/%s/issues/%d", s.URL, s.Owner, s.Repo, pr),
		"body":       c.Body,
		"user":       map[string]any{"login": c.Login, "id": 41898282, "type": c.Type, "site_admin": false},
		"created_at": c.CreatedAt.Format(time.RFC3339), "updated_at": c.UpdatedAt.Format(time.RFC3339),
		"author_association": "NONE",
	}
}

func (s *Server) pullJSON(p *PullRequest) map[string]any {
	headOwner, headName, _ := strings.Cut(p.HeadRepo, "/")
	return map[string]any{
		"url":      fmt.Sprintf("%s/repos/%s/%s/pulls/%d", s.URL, s.Owner, s.Repo, p.Number),
		"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d", s.Owner, s.Repo, p.Number),
		"number":   p.Number, "state": p.State, "title": "A change", "body": p.Body, "merge_commit_sha": p.MergeSHA,
		"user":   map[string]any{"login": p.Author, "id": 7, "type": "User"},
		"labels": s.labelsJSON(p.Labels),
		"head": map[string]any{"label": headOwner + ":" + p.HeadRef, "ref": p.HeadRef, "sha": p.HeadSHA,
			"repo": map[string]any{"full_name": p.HeadRepo, "name": headName, "owner": map[string]any{"login": headOwner}, "fork": p.HeadRepo != s.Owner+"/"+s.Repo}},
		"base": map[string]any{"label": s.Owner + ":" + p.BaseRef, "ref": p.BaseRef, "sha": p.BaseSHA,
			"repo": map[string]any{"full_name": s.Owner + "/" + s.Repo, "name": s.Repo, "owner": map[string]any{"login": s.Owner}}},
	}
}

// labelsJSON are label objects as the API gives them, each label with the same id wherever it
// is used.
func (s *Server) labelsJSON(names []string) []any {
	out := []any{}
	for _, n := range names {
		id, ok := s.labelIDs[strings.ToLower(n)]
		if !ok {
			id = 4000000000 + int64(len(s.labelIDs))
			s.labelIDs[strings.ToLower(n)] = id
		}
		out = append(out, map[string]any{
			"id": id, "node_id": "LA_kwDOHWx1Fc8AAAAB" + strconv.FormatInt(id, 36),
			"url":  fmt.Sprintf("%s/repos/%s/%s/labels/%s", s.URL, s.Owner, s.Repo, url.PathEscape(n)),
			"name": n, "color": "ededed", "default": false, "description": nil,
		})
	}
	return out
}

// APIURL is the server's address as GITHUB_API_URL.
func (s *Server) APIURL() string { return s.URL }
