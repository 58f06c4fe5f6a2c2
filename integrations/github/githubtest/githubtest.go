// Package githubtest is a stateful fake of the GitHub REST API for tests:
// an httptest server answering with the real response shapes of
// testdata/ (recorded GitHub responses, see SOURCES.md there), with the values a
// scenario needs patched in. It records what it was asked, so tests can
// check that a workflow was dispatched exactly once.
package githubtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixtures are the recorded GitHub responses (see testdata/SOURCES.md),
// embedded so that every package's tests can use them without knowing
// where this package lives on disk.
//
//go:embed testdata/*.json
var fixtures embed.FS

// FixtureBytes returns one fixture file as it was recorded.
func FixtureBytes(t testing.TB, name string) []byte {
	t.Helper()
	data, err := fixtures.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("GitHub fixture %s: %v", name, err)
	}
	return data
}

// Fixture reads one fixture file as a JSON value.
func Fixture(t testing.TB, name string) any {
	t.Helper()
	data := FixtureBytes(t, name)
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// Dispatch is one workflow_dispatch the fake received.
type Dispatch struct {
	Workflow string
	Ref      string
	Inputs   map[string]any
}

// Run is a workflow run of the fake.
type Run struct {
	ID         int64
	Workflow   string
	Title      string
	Branch     string
	Status     string // queued, in_progress, waiting, completed
	Conclusion string
	Created    time.Time
	Approved   []int64 // environment ids approved through pending_deployments
}

// Deployment is a deployment of the fake.
type Deployment struct {
	ID          int64
	SHA, Ref    string
	Environment string
	Task        string
	Payload     json.RawMessage
	Statuses    []string // states, oldest first
}

// Server is the fake GitHub.
type Server struct {
	*httptest.Server
	t testing.TB

	mu          sync.Mutex
	dispatches  []Dispatch
	runs        []*Run
	deployments []*Deployment
	nextID      int64
	auth        []string
	// Title makes the run name of a dispatch (the workflow's run-name);
	// default "Deploy <environment> (<releasebot_run>)".
	Title func(d Dispatch) string
	// ListGate, when set, holds every list-runs request until it is
	// closed: a test can kill a bot between its dispatch and finding the
	// run.
	ListGate chan struct{}
	// Listed is signalled (non-blocking) on each list-runs request.
	Listed chan struct{}
	// PendingEnv, when set, makes runs wait on this environment before
	// they run (required reviewers).
	PendingEnv string

	refs         map[string]string // SetRef
	commitStatus int               // FailCommits
}

// New starts a fake GitHub, stopped when the test ends.
func New(t testing.TB) *Server {
	s := &Server{t: t, nextID: 30433642, Listed: make(chan struct{}, 100)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /repos/{owner}/{repo}/actions/workflows/{wf}/dispatches", s.dispatch)
	mux.HandleFunc("GET /repos/{owner}/{repo}/actions/workflows/{wf}/runs", s.listRuns)
	mux.HandleFunc("GET /repos/{owner}/{repo}/actions/runs/{id}", s.getRun)
	mux.HandleFunc("POST /repos/{owner}/{repo}/actions/runs/{id}/cancel", s.cancelRun)
	mux.HandleFunc("GET /repos/{owner}/{repo}/actions/runs/{id}/jobs", s.jobs)
	mux.HandleFunc("GET /repos/{owner}/{repo}/actions/runs/{id}/pending_deployments", s.pending)
	mux.HandleFunc("POST /repos/{owner}/{repo}/actions/runs/{id}/pending_deployments", s.review)
	mux.HandleFunc("POST /repos/{owner}/{repo}/deployments", s.createDeployment)
	mux.HandleFunc("GET /repos/{owner}/{repo}/deployments", s.listDeployments)
	mux.HandleFunc("GET /repos/{owner}/{repo}/deployments/{id}/statuses", s.statuses)
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}", s.commit)
	mux.HandleFunc("GET /repos/{owner}/{repo}/compare/{basehead}", s.compare)
	mux.HandleFunc("POST /app/installations/{id}/access_tokens", s.installationToken)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// URL is the API root to give the client (GITHUB_API_URL).
func (s *Server) APIURL() string { return s.URL + "/" }

// Dispatches returns the dispatches received so far.
func (s *Server) Dispatches() []Dispatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dispatches)
}

// Runs returns copies of the runs.
func (s *Server) Runs() []Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Run, len(s.runs))
	for i, r := range s.runs {
		out[i] = *r
	}
	return out
}

// Deployments returns copies of the deployments.
func (s *Server) Deployments() []Deployment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Deployment, len(s.deployments))
	for i, d := range s.deployments {
		out[i] = *d
		out[i].Statuses = slices.Clone(d.Statuses)
	}
	return out
}

// Authorizations lists the Authorization headers received.
func (s *Server) Authorizations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.auth)
}

// AddRun adds a run as if someone else had started it.
func (s *Server) AddRun(r Run) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	r.ID = s.nextID
	if r.Created.IsZero() {
		r.Created = time.Now()
	}
	s.runs = append(s.runs, &r)
	return r.ID
}

// SetRun changes a run's status and conclusion.
func (s *Server) SetRun(id int64, status, conclusion string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.runs {
		if r.ID == id {
			r.Status, r.Conclusion = status, conclusion
			return
		}
	}
	s.t.Errorf("githubtest: no run %d", id)
}

// AddStatus posts a deployment status, as the team's CD would.
func (s *Server) AddStatus(id int64, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.deployments {
		if d.ID == id {
			d.Statuses = append(d.Statuses, state)
			return
		}
	}
	s.t.Errorf("githubtest: no deployment %d", id)
}

func (s *Server) write(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) fixture(name string) map[string]any {
	v, _ := Fixture(s.t, name).(map[string]any)
	return v
}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ref    string         `json:"ref"`
		Inputs map[string]any `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Ref == "" {
		s.write(w, http.StatusUnprocessableEntity, map[string]any{"message": "ref is required"})
		return
	}
	d := Dispatch{Workflow: r.PathValue("wf"), Ref: body.Ref, Inputs: body.Inputs}
	title := fmt.Sprintf("Deploy %v (%v)", body.Inputs["environment"], body.Inputs["releasebot_run"])
	if s.Title != nil {
		title = s.Title(d)
	}
	s.mu.Lock()
	s.dispatches = append(s.dispatches, d)
	s.nextID++
	s.runs = append(s.runs, &Run{ID: s.nextID, Workflow: d.Workflow, Title: title, Branch: body.Ref, Status: "queued", Created: time.Now()})
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// runJSON is the recorded single-run response with r's values.
func (s *Server) runJSON(owner, repo string, r *Run) map[string]any {
	v := s.fixture("rest.get-workflow-run.json")
	v["id"] = r.ID
	v["name"] = "Deploy"
	v["display_title"] = r.Title
	v["head_branch"] = r.Branch
	v["event"] = "workflow_dispatch"
	v["status"] = r.Status
	if r.Conclusion == "" {
		v["conclusion"] = nil
	} else {
		v["conclusion"] = r.Conclusion
	}
	v["html_url"] = fmt.Sprintf("https://github.com/%s/%s/actions/runs/%d", owner, repo, r.ID)
	v["created_at"] = r.Created.UTC().Format(time.RFC3339)
	return v
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	select {
	case s.Listed <- struct{}{}:
	default:
	}
	if s.ListGate != nil {
		select {
		case <-s.ListGate:
		case <-r.Context().Done():
			return
		}
	}
	q := r.URL.Query()
	since := time.Time{}
	if c, ok := strings.CutPrefix(q.Get("created"), ">="); ok {
		since, _ = time.Parse(time.RFC3339, c)
	}
	v := s.fixture("rest.list-workflow-runs-for-workflow.json")
	var runs []any
	s.mu.Lock()
	for i := len(s.runs) - 1; i >= 0; i-- { // newest first, as GitHub lists them
		run := s.runs[i]
		if run.Workflow != r.PathValue("wf") || (q.Get("branch") != "" && run.Branch != q.Get("branch")) ||
			run.Created.Before(since.Add(-time.Second)) {
			continue
		}
		runs = append(runs, s.runJSON(r.PathValue("owner"), r.PathValue("repo"), run))
	}
	s.mu.Unlock()
	v["total_count"] = len(runs)
	v["workflow_runs"] = runs
	s.write(w, http.StatusOK, v)
}

func (s *Server) findRun(w http.ResponseWriter, r *http.Request) *Run {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	for _, run := range s.runs {
		if run.ID == id {
			return run
		}
	}
	s.write(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
	return nil
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.findRun(w, r)
	var v map[string]any
	if run != nil {
		if run.Status == "queued" && s.PendingEnv != "" && len(run.Approved) == 0 {
			run.Status = "waiting"
		}
		v = s.runJSON(r.PathValue("owner"), r.PathValue("repo"), run)
	}
	s.mu.Unlock()
	if v != nil {
		s.write(w, http.StatusOK, v)
	}
}

func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if run := s.findRun(w, r); run != nil {
		run.Status, run.Conclusion = "completed", "cancelled"
		s.write(w, http.StatusAccepted, map[string]any{})
	}
}

func (s *Server) jobs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.findRun(w, r)
	s.mu.Unlock()
	if run == nil {
		return
	}
	v := s.fixture("rest.list-jobs-for-workflow-run.json")
	jobs, _ := v["jobs"].([]any)
	for i, j := range jobs {
		job, _ := j.(map[string]any)
		job["run_id"] = run.ID
		if i == 0 && run.Conclusion == "failure" {
			job["conclusion"] = "failure"
			job["name"] = "deploy"
			if steps, _ := job["steps"].([]any); len(steps) > 1 {
				st, _ := steps[1].(map[string]any)
				st["conclusion"] = "failure"
				st["name"] = "Run ./deploy.sh"
			}
		}
	}
	s.write(w, http.StatusOK, v)
}

func (s *Server) pending(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.findRun(w, r)
	waiting := run != nil && s.PendingEnv != "" && len(run.Approved) == 0
	s.mu.Unlock()
	if run == nil {
		return
	}
	out := []any{}
	if waiting {
		out = append(out, map[string]any{
			"environment":              map[string]any{"id": 161088068, "name": s.PendingEnv},
			"wait_timer":               0,
			"current_user_can_approve": true,
			"reviewers":                []any{},
		})
	}
	s.write(w, http.StatusOK, out)
}

func (s *Server) review(w http.ResponseWriter, r *http.Request) {
	var body struct {
		EnvironmentIDs []int64 `json:"environment_ids"`
		State          string  `json:"state"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if run := s.findRun(w, r); run != nil {
		if body.State == "approved" {
			run.Approved = append(run.Approved, body.EnvironmentIDs...)
			run.Status = "in_progress"
		}
		v := s.fixture("rest.create-deployment.201.json")
		s.write(w, http.StatusOK, []any{v})
	}
}

func (s *Server) createDeployment(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ref         string          `json:"ref"`
		Task        string          `json:"task"`
		Environment string          `json:"environment"`
		Payload     json.RawMessage `json:"payload"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.write(w, http.StatusUnprocessableEntity, map[string]any{"message": err.Error()})
		return
	}
	s.mu.Lock()
	s.nextID++
	d := &Deployment{ID: s.nextID, SHA: body.Ref, Ref: body.Ref, Environment: body.Environment, Task: body.Task, Payload: body.Payload}
	s.deployments = append(s.deployments, d)
	v := s.deploymentJSON(r, d)
	s.mu.Unlock()
	s.write(w, http.StatusCreated, v)
}

func (s *Server) deploymentJSON(r *http.Request, d *Deployment) map[string]any {
	v := s.fixture("rest.create-deployment.201.json")
	v["id"] = d.ID
	v["sha"], v["ref"], v["environment"], v["task"] = d.SHA, d.Ref, d.Environment, d.Task
	var payload any
	_ = json.Unmarshal(d.Payload, &payload)
	v["payload"] = payload
	v["url"] = fmt.Sprintf("https://api.github.com/repos/%s/%s/deployments/%d", r.PathValue("owner"), r.PathValue("repo"), d.ID)
	return v
}

func (s *Server) listDeployments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var out []any
	s.mu.Lock()
	for i := len(s.deployments) - 1; i >= 0; i-- {
		d := s.deployments[i]
		if (q.Get("sha") == "" || q.Get("sha") == d.SHA) && (q.Get("environment") == "" || q.Get("environment") == d.Environment) {
			out = append(out, s.deploymentJSON(r, d))
		}
	}
	s.mu.Unlock()
	s.write(w, http.StatusOK, out)
}

func (s *Server) statuses(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	recorded, _ := Fixture(s.t, "rest.list-deployment-statuses.json").([]any)
	tmpl, _ := recorded[0].(map[string]any)
	var out []any
	s.mu.Lock()
	for _, d := range s.deployments {
		if d.ID != id {
			continue
		}
		for i := len(d.Statuses) - 1; i >= 0; i-- { // newest first
			st := map[string]any{}
			for k, v := range tmpl {
				st[k] = v
			}
			st["id"] = 388454671 + i
			st["state"] = d.Statuses[i]
			st["description"] = "Deployment " + d.Statuses[i]
			out = append(out, st)
		}
	}
	s.mu.Unlock()
	s.write(w, http.StatusOK, out)
}

// CommitSHA is the SHA the fake resolves every ref to.
const CommitSHA = "1292bf0e22c796e91cc3d6e24b544aece8c21f2a"

// SetRef makes ref resolve to sha (a branch moving, when set again). Once
// a ref is set, refs that are not answer as GitHub does for a ref the
// repository does not have: 422 "No commit found for SHA: <ref>". Before,
// every ref resolves to CommitSHA. A repository named "missing" answers
// 404 Not Found, as GitHub does for one the token cannot see.
func (s *Server) SetRef(ref, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs == nil {
		s.refs = map[string]string{}
	}
	s.refs[ref] = sha
}

// FailCommits makes every commit lookup answer status (a 5xx: GitHub is
// having trouble); 0 ends that.
func (s *Server) FailCommits(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commitStatus = status
}

func (s *Server) commit(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	s.mu.Lock()
	status, sha, known := s.commitStatus, s.refs[ref], s.refs == nil
	if s.refs != nil {
		_, known = s.refs[ref]
	}
	s.mu.Unlock()
	switch {
	case status != 0:
		s.write(w, status, map[string]any{"message": http.StatusText(status)})
	case r.PathValue("repo") == "missing":
		s.write(w, http.StatusNotFound, map[string]any{"message": "Not Found",
			"documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit"})
	case !known:
		s.write(w, http.StatusUnprocessableEntity, map[string]any{"message": "No commit found for SHA: " + ref,
			"documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit"})
	default:
		c := s.fixture("rest.get-commit.json")
		if sha != "" {
			c["sha"] = sha
		}
		s.write(w, http.StatusOK, c)
	}
}

func (s *Server) compare(w http.ResponseWriter, _ *http.Request) {
	s.write(w, http.StatusOK, s.fixture("rest.compare-commits.json"))
}

func (s *Server) installationToken(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ey") {
		s.write(w, http.StatusUnauthorized, map[string]any{"message": "A JSON web token could not be decoded"})
		return
	}
	s.write(w, http.StatusCreated, map[string]any{"token": "ghs_installation_" + r.PathValue("id"),
		"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
}
