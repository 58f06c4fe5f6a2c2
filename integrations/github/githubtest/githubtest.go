// Package githubtest is a stateful, strict fake of the GitHub REST API for
// tests: an httptest server answering with the real response shapes of
// testdata/ (recorded GitHub responses, see SOURCES.md and SOURCES.local.md
// there), with the values a scenario needs patched in. It records what it
// was asked, so tests can check that a workflow was dispatched exactly once.
//
// It is adversarial where GitHub is: a workflow_dispatch is validated like
// GitHub does (a ref must be a branch or tag, never a bare SHA; every input
// must be declared by the workflow), the run it creates builds the commit
// the ref names at that moment (a branch may have moved since), runs of
// other workflows, manual runs and re-run attempts sit beside the bot's,
// a cancel takes effect later (and the run may still succeed), and every
// endpoint can be made to fail (Fail).
package githubtest

import (
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
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

// Dispatch is one workflow_dispatch the fake accepted.
type Dispatch struct {
	Workflow string
	Ref      string
	Inputs   map[string]any
}

// Run is a workflow run of the fake, as of its latest attempt.
type Run struct {
	ID       int64
	Workflow string // the workflow's file name (deploy.yml)
	Title    string // display_title
	Branch   string // head_branch: the branch or tag it ran on
	// Event is what started it; "" means workflow_dispatch.
	Event string
	// HeadSHA is the commit it builds; "" means CommitSHA.
	HeadSHA    string
	Status     string // queued, in_progress, waiting, completed
	Conclusion string
	Created    time.Time
	Approved   []int64 // environment ids approved through pending_deployments
	// Attempt is the latest attempt's number (1 unless re-run).
	Attempt int
	// Previous are the earlier attempts, oldest first.
	Previous []Attempt
	// CancelRequested is set once a cancel was asked for.
	CancelRequested bool
}

// Attempt is one earlier attempt of a run.
type Attempt struct {
	Number     int
	Status     string
	Conclusion string
}

// Input is one declared workflow_dispatch input.
type Input struct {
	Required bool
	Default  string
}

// Workflow is a workflow file of the fake repository: what GitHub reads
// from it to accept a dispatch and to name the run.
type Workflow struct {
	File  string // deploy.yml
	ID    int64
	Name  string // "Deploy"
	State string // "" means active; disabled_manually, ...
	// NoDispatch: the file has no on.workflow_dispatch trigger; GitHub
	// refuses dispatches.
	NoDispatch bool
	Inputs     map[string]Input
	// RunName is the run-name template; "" means none (a run is then
	// titled with the workflow's name).
	RunName string
	// Content, when set, is the file's text as the Contents API returns
	// it; otherwise a file is rendered from the fields above.
	Content string
}

// MarkedRunName is the run-name of DefaultWorkflow.
const MarkedRunName = "Deploy ${{ inputs.environment }} (${{ inputs.releasebot_run }})"

// DefaultWorkflow is deploy.yml as examples/github-deploy-workflow.yml
// declares it: the inputs the bot sends, region, and the run id in the
// run name.
func DefaultWorkflow() Workflow {
	return Workflow{File: "deploy.yml", ID: 1026390, Name: "Deploy", RunName: MarkedRunName, Inputs: map[string]Input{
		"releasebot_run": {Required: true}, "csr": {Required: true}, "environment": {Required: true}, "sha": {Required: true},
		"region": {Default: "ap-northeast-2"},
	}}
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

// Fault is an answer an endpoint gives instead of its own (see Fail).
type Fault struct {
	// Status is the HTTP status: 500, 502, 401, 403, 429, ...
	Status int
	// RateLimitReset, when set, makes it a primary rate limit answer:
	// X-RateLimit-Remaining: 0 and X-RateLimit-Reset at this time.
	RateLimitReset time.Time
	// RetryAfter, when set, sends a Retry-After header (secondary rate
	// limits).
	RetryAfter time.Duration
	// AfterEffect: the endpoint does its work first, then answers Status
	// (GitHub created the run, and the answer got lost as a 502).
	AfterEffect bool
}

// Endpoint names for Fail and Calls.
const (
	EPDispatch         = "dispatch"
	EPListRuns         = "list-runs"
	EPGetRun           = "get-run"
	EPGetAttempt       = "get-attempt"
	EPCancel           = "cancel"
	EPJobs             = "jobs"
	EPPending          = "pending"
	EPReview           = "review"
	EPCreateRef        = "create-ref"
	EPGetRef           = "get-ref"
	EPDeleteRef        = "delete-ref"
	EPWorkflow         = "workflow"
	EPContents         = "contents"
	EPRepo             = "repo"
	EPEnvironment      = "environment"
	EPCreateDeployment = "create-deployment"
	EPListDeployments  = "list-deployments"
	EPGetDeployment    = "get-deployment"
	EPStatuses         = "statuses"
	EPCommit           = "commit"
)

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
	// Title makes the run name of a dispatch instead of the workflow's
	// run-name, when set.
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
	// CannotApprove: the bot's identity is not one of PendingEnv's
	// reviewers (current_user_can_approve false; approving answers 422).
	CannotApprove bool
	// CancelDelay is how long a cancelled run goes on before it
	// completes; CancelOutcome is its conclusion then ("" means
	// cancelled; "success": it finished before the cancel took).
	CancelDelay   time.Duration
	CancelOutcome string

	workflows    map[string]*Workflow // by file name
	branches     map[string]string    // name -> sha
	tags         map[string]string    // name -> sha
	commits      map[string]bool      // known commits, once strict
	environments map[string]int64
	refs         map[string]string // SetRef
	commitStatus int               // FailCommits
	faults       map[string][]Fault
	calls        map[string]int
	timers       []*time.Timer
}

// New starts a fake GitHub, stopped when the test ends. It has the
// workflow DefaultWorkflow and a branch main at CommitSHA.
func New(t testing.TB) *Server {
	s := &Server{t: t, nextID: 30433642, Listed: make(chan struct{}, 100),
		workflows: map[string]*Workflow{}, branches: map[string]string{"main": CommitSHA}, tags: map[string]string{},
		environments: map[string]int64{}, faults: map[string][]Fault{}, calls: map[string]int{}}
	wf := DefaultWorkflow()
	s.workflows[wf.File] = &wf
	mux := http.NewServeMux()
	route := func(pattern, name string, h http.HandlerFunc) { mux.HandleFunc(pattern, s.faulty(name, h)) }
	route("POST /repos/{owner}/{repo}/actions/workflows/{wf}/dispatches", EPDispatch, s.dispatch)
	route("GET /repos/{owner}/{repo}/actions/workflows/{wf}/runs", EPListRuns, s.listRuns)
	route("GET /repos/{owner}/{repo}/actions/workflows/{wf}", EPWorkflow, s.getWorkflow)
	route("GET /repos/{owner}/{repo}/actions/runs/{id}", EPGetRun, s.getRun)
	route("GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}", EPGetAttempt, s.getAttempt)
	route("POST /repos/{owner}/{repo}/actions/runs/{id}/cancel", EPCancel, s.cancelRun)
	route("GET /repos/{owner}/{repo}/actions/runs/{id}/jobs", EPJobs, s.jobs)
	route("GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}/jobs", EPJobs, s.jobs)
	route("GET /repos/{owner}/{repo}/actions/runs/{id}/pending_deployments", EPPending, s.pending)
	route("POST /repos/{owner}/{repo}/actions/runs/{id}/pending_deployments", EPReview, s.review)
	route("POST /repos/{owner}/{repo}/git/refs", EPCreateRef, s.createRef)
	route("GET /repos/{owner}/{repo}/git/ref/{ref...}", EPGetRef, s.getRef)
	route("DELETE /repos/{owner}/{repo}/git/refs/{ref...}", EPDeleteRef, s.deleteRef)
	route("GET /repos/{owner}/{repo}/contents/{path...}", EPContents, s.contents)
	route("GET /repos/{owner}/{repo}", EPRepo, s.repository)
	route("GET /repos/{owner}/{repo}/environments/{name}", EPEnvironment, s.environment)
	route("POST /repos/{owner}/{repo}/deployments", EPCreateDeployment, s.createDeployment)
	route("GET /repos/{owner}/{repo}/deployments", EPListDeployments, s.listDeployments)
	route("GET /repos/{owner}/{repo}/deployments/{id}", EPGetDeployment, s.getDeployment)
	route("GET /repos/{owner}/{repo}/deployments/{id}/statuses", EPStatuses, s.statuses)
	route("GET /repos/{owner}/{repo}/commits/{ref}", EPCommit, s.commit)
	mux.HandleFunc("GET /repos/{owner}/{repo}/compare/{basehead}", s.compare)
	mux.HandleFunc("POST /app/installations/{id}/access_tokens", s.installationToken)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		s.mu.Lock()
		for _, tm := range s.timers {
			tm.Stop()
		}
		s.mu.Unlock()
		s.Close()
	})
	return s
}

// APIURL is the API root to give the client (GITHUB_API_URL).
func (s *Server) APIURL() string { return s.URL + "/" }

// Fail makes the next n requests to endpoint (EPDispatch, EPGetAttempt,
// ...) answer f instead.
func (s *Server) Fail(endpoint string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[endpoint] = append(s.faults[endpoint], f)
	}
}

// Calls says how many requests an endpoint received, faults included.
func (s *Server) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[endpoint]
}

// faulty counts the requests of an endpoint and answers its faults.
func (s *Server) faulty(name string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[name]++
		var f *Fault
		if q := s.faults[name]; len(q) > 0 {
			f, s.faults[name] = &q[0], q[1:]
		}
		s.mu.Unlock()
		if f == nil {
			h(w, r)
			return
		}
		if f.AfterEffect {
			h(&discard{header: http.Header{}}, r)
		}
		s.writeFault(w, *f)
	}
}

// discard swallows the answer of an endpoint whose answer gets lost.
type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func (s *Server) writeFault(w http.ResponseWriter, f Fault) {
	h := w.Header()
	switch {
	case !f.RateLimitReset.IsZero():
		h.Set("X-RateLimit-Limit", "5000")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", "5000")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(f.RateLimitReset.Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
	}
	if f.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Round(time.Second)/time.Second)))
	}
	switch {
	case !f.RateLimitReset.IsZero():
		s.write(w, f.Status, map[string]any{"message": "API rate limit exceeded for installation ID 42.",
			"documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"})
	case f.RetryAfter > 0:
		s.write(w, f.Status, map[string]any{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})
	case f.Status == http.StatusUnauthorized:
		s.write(w, f.Status, map[string]any{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
	case f.Status == http.StatusForbidden:
		s.write(w, f.Status, map[string]any{"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest"})
	case f.Status >= 500:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", f.Status, http.StatusText(f.Status))
	default:
		s.write(w, f.Status, map[string]any{"message": http.StatusText(f.Status)})
	}
}

// SetWorkflow adds or replaces a workflow file.
func (s *Server) SetWorkflow(wf Workflow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if wf.ID == 0 {
		s.nextID++
		wf.ID = s.nextID
	}
	if wf.Name == "" {
		wf.Name = "Deploy"
	}
	s.workflows[wf.File] = &wf
}

// SetBranch creates or moves a branch. Once a branch is set, the fake
// knows its commits: a tag at a commit it does not know is refused.
func (s *Server) SetBranch(name, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.branches[name] = sha
	s.know(sha)
	if s.refs == nil {
		s.refs = map[string]string{}
	}
	s.refs[name] = sha
}

// AddCommit makes a commit known (an older commit, for a rollback).
func (s *Server) AddCommit(sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.know(sha)
}

func (s *Server) know(sha string) {
	if s.commits == nil {
		s.commits = map[string]bool{CommitSHA: true}
	}
	s.commits[sha] = true
}

// SetTag creates or moves a tag, as a person would.
func (s *Server) SetTag(name, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tags[name] = sha
}

// Tags returns the tags: name -> commit.
func (s *Server) Tags() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.tags))
	for k, v := range s.tags {
		out[k] = v
	}
	return out
}

// AddEnvironment makes a GitHub environment exist.
func (s *Server) AddEnvironment(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.environments[name] = s.nextID
}

// Dispatches returns the dispatches accepted so far.
func (s *Server) Dispatches() []Dispatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dispatches)
}

// Runs returns copies of the runs, oldest first.
func (s *Server) Runs() []Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Run, len(s.runs))
	for i, r := range s.runs {
		out[i] = *r
		out[i].Approved = slices.Clone(r.Approved)
		out[i].Previous = slices.Clone(r.Previous)
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

// AddRun adds a run as if someone else had started it: a manual
// dispatch, or (with Event "push" and another Workflow) a foreign run.
func (s *Server) AddRun(r Run) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	r.ID = s.nextID
	if r.Created.IsZero() {
		r.Created = time.Now()
	}
	if r.Attempt == 0 {
		r.Attempt = 1
	}
	s.runs = append(s.runs, &r)
	return r.ID
}

// SetRun changes the status and conclusion of a run's latest attempt.
func (s *Server) SetRun(id int64, status, conclusion string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.run(id); r != nil {
		r.Status, r.Conclusion = status, conclusion
		return
	}
	s.t.Errorf("githubtest: no run %d", id)
}

// Rerun starts a new attempt of a run, as "Re-run all jobs" does, and
// returns its number. The earlier attempt keeps its status.
func (s *Server) Rerun(id int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.run(id)
	if r == nil {
		s.t.Errorf("githubtest: no run %d", id)
		return 0
	}
	r.Previous = append(r.Previous, Attempt{Number: r.Attempt, Status: r.Status, Conclusion: r.Conclusion})
	r.Attempt++
	r.Status, r.Conclusion, r.Approved, r.CancelRequested = "queued", "", nil, false
	return r.Attempt
}

// AddDeployment adds a deployment as if someone else had created it.
func (s *Server) AddDeployment(d Deployment) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	d.ID = s.nextID
	s.deployments = append(s.deployments, &d)
	return d.ID
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

func (s *Server) run(id int64) *Run {
	for _, r := range s.runs {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func (s *Server) write(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) notFound(w http.ResponseWriter, doc string) {
	s.write(w, http.StatusNotFound, map[string]any{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/" + doc})
}

func (s *Server) fixture(name string) map[string]any {
	v, _ := Fixture(s.t, name).(map[string]any)
	return v
}

// workflow finds a workflow by file name or id; s.mu is held.
func (s *Server) workflow(key string) *Workflow {
	if wf, ok := s.workflows[key]; ok {
		return wf
	}
	for _, wf := range s.workflows {
		if strconv.FormatInt(wf.ID, 10) == key {
			return wf
		}
	}
	return nil
}

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// resolveRef is what a dispatch's ref names; s.mu is held.
func (s *Server) resolveRef(ref string) (name, sha string, ok bool) {
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		name = strings.TrimPrefix(ref, "refs/heads/")
		sha, ok = s.branches[name]
	case strings.HasPrefix(ref, "refs/tags/"):
		name = strings.TrimPrefix(ref, "refs/tags/")
		sha, ok = s.tags[name]
	default:
		name = ref
		if sha, ok = s.branches[ref]; !ok {
			sha, ok = s.tags[ref]
		}
	}
	return name, sha, ok
}

var expr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// render fills a run-name template with the dispatch's inputs.
func render(tmpl string, inputs map[string]any) string {
	return expr.ReplaceAllStringFunc(tmpl, func(m string) string {
		e := expr.FindStringSubmatch(m)[1]
		for _, p := range []string{"inputs.", "github.event.inputs."} {
			if name, ok := strings.CutPrefix(e, p); ok {
				if v, ok := inputs[name]; ok {
					return fmt.Sprint(v)
				}
				return ""
			}
		}
		return ""
	})
}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ref    string         `json:"ref"`
		Inputs map[string]any `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Ref == "" {
		s.write(w, http.StatusUnprocessableEntity, map[string]any{"message": "Invalid request.\n\n\"ref\" wasn't supplied.",
			"documentation_url": "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflow(r.PathValue("wf"))
	if wf == nil {
		s.notFound(w, "actions/workflows#create-a-workflow-dispatch-event")
		return
	}
	refuse := func(m string) {
		s.write(w, http.StatusUnprocessableEntity, map[string]any{"message": m,
			"documentation_url": "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event"})
	}
	if wf.NoDispatch {
		refuse("Workflow does not have 'workflow_dispatch' trigger")
		return
	}
	name, sha, ok := s.resolveRef(body.Ref)
	if !ok {
		refuse("No ref found for: " + body.Ref) // GitHub's answer for a bare SHA too
		return
	}
	var unexpected []string
	for k := range body.Inputs {
		if _, ok := wf.Inputs[k]; !ok {
			unexpected = append(unexpected, k)
		}
	}
	if len(unexpected) > 0 {
		sort.Strings(unexpected)
		list, _ := json.Marshal(unexpected)
		refuse("Unexpected inputs provided: " + strings.ReplaceAll(string(list), ",", ", "))
		return
	}
	inputs := map[string]any{}
	for k, in := range wf.Inputs {
		v, given := body.Inputs[k]
		switch {
		case given:
			inputs[k] = v
		case in.Required && in.Default == "":
			refuse(fmt.Sprintf("Required input '%s' not provided", k))
			return
		default:
			inputs[k] = in.Default
		}
	}
	d := Dispatch{Workflow: wf.File, Ref: body.Ref, Inputs: body.Inputs}
	title := wf.Name
	if wf.RunName != "" {
		title = render(wf.RunName, inputs)
	}
	if s.Title != nil {
		title = s.Title(d)
	}
	s.dispatches = append(s.dispatches, d)
	s.nextID++
	s.runs = append(s.runs, &Run{ID: s.nextID, Workflow: wf.File, Title: title, Branch: name, Event: "workflow_dispatch",
		HeadSHA: sha, Status: "queued", Created: time.Now(), Attempt: 1})
	w.WriteHeader(http.StatusNoContent)
}

// runJSON is the recorded single-run response with r's values, as of
// attempt (0: the latest).
func (s *Server) runJSON(owner, repo string, r *Run, attempt int) map[string]any {
	v := s.fixture("rest.get-workflow-run.json")
	status, conclusion, n := r.Status, r.Conclusion, r.Attempt
	for _, p := range r.Previous {
		if p.Number == attempt {
			status, conclusion, n = p.Status, p.Conclusion, p.Number
		}
	}
	wf := s.workflows[r.Workflow]
	v["id"] = r.ID
	v["name"] = "Deploy"
	v["path"] = ".github/workflows/" + r.Workflow
	if wf != nil {
		v["name"], v["workflow_id"] = wf.Name, wf.ID
	} else {
		v["name"], v["workflow_id"] = strings.TrimSuffix(r.Workflow, ".yml"), 1903133
	}
	v["display_title"] = r.Title
	v["head_branch"] = r.Branch
	v["event"] = r.Event
	if r.Event == "" {
		v["event"] = "workflow_dispatch"
	}
	sha := r.HeadSHA
	if sha == "" {
		sha = CommitSHA
	}
	v["head_sha"] = sha
	if hc, ok := v["head_commit"].(map[string]any); ok {
		hc["id"] = sha
	}
	v["status"] = status
	if conclusion == "" {
		v["conclusion"] = nil
	} else {
		v["conclusion"] = conclusion
	}
	v["run_attempt"] = n
	v["url"] = fmt.Sprintf("https://api.github.com/repos/%s/%s/actions/runs/%d", owner, repo, r.ID)
	v["html_url"] = fmt.Sprintf("https://github.com/%s/%s/actions/runs/%d", owner, repo, r.ID)
	if n > 1 {
		v["html_url"] = fmt.Sprintf("https://github.com/%s/%s/actions/runs/%d/attempts/%d", owner, repo, r.ID, n)
		v["previous_attempt_url"] = fmt.Sprintf("https://api.github.com/repos/%s/%s/actions/runs/%d/attempts/%d", owner, repo, r.ID, n-1)
	} else {
		v["previous_attempt_url"] = nil
	}
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
	wf := s.workflow(r.PathValue("wf"))
	if wf == nil {
		s.mu.Unlock()
		s.notFound(w, "actions/workflow-runs#list-workflow-runs-for-a-workflow")
		return
	}
	for i := len(s.runs) - 1; i >= 0; i-- { // newest first, as GitHub lists them
		run := s.runs[i]
		event, sha := run.Event, run.HeadSHA
		if event == "" {
			event = "workflow_dispatch"
		}
		if sha == "" {
			sha = CommitSHA
		}
		if run.Workflow != wf.File || (q.Get("branch") != "" && run.Branch != q.Get("branch")) ||
			(q.Get("event") != "" && event != q.Get("event")) || (q.Get("head_sha") != "" && sha != q.Get("head_sha")) ||
			(q.Get("status") != "" && run.Status != q.Get("status")) || run.Created.Before(since.Add(-time.Second)) {
			continue
		}
		s.advance(run)
		runs = append(runs, s.runJSON(r.PathValue("owner"), r.PathValue("repo"), run, 0))
	}
	s.mu.Unlock()
	v["total_count"] = len(runs)
	v["workflow_runs"] = runs
	s.write(w, http.StatusOK, v)
}

// findRun finds the run of the path, or answers 404; s.mu is held.
func (s *Server) findRun(w http.ResponseWriter, r *http.Request) *Run {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if run := s.run(id); run != nil {
		return run
	}
	s.notFound(w, "actions/workflow-runs#get-a-workflow-run")
	return nil
}

// advance makes a queued run wait for reviewers when PendingEnv is set.
func (s *Server) advance(run *Run) {
	if run.Status == "queued" && s.PendingEnv != "" && len(run.Approved) == 0 && !run.CancelRequested {
		run.Status = "waiting"
	}
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.findRun(w, r)
	var v map[string]any
	if run != nil {
		s.advance(run)
		v = s.runJSON(r.PathValue("owner"), r.PathValue("repo"), run, 0)
	}
	s.mu.Unlock()
	if v != nil {
		s.write(w, http.StatusOK, v)
	}
}

func (s *Server) getAttempt(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.findRun(w, r)
	var v map[string]any
	if run != nil {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 1 || n > run.Attempt {
			s.mu.Unlock()
			s.notFound(w, "actions/workflow-runs#get-a-workflow-run-attempt")
			return
		}
		if n == run.Attempt {
			s.advance(run)
		}
		v = s.runJSON(r.PathValue("owner"), r.PathValue("repo"), run, n)
	}
	s.mu.Unlock()
	if v != nil {
		s.write(w, http.StatusOK, v)
	}
}

// cancelRun accepts a cancel of a run that has not completed; the run
// completes CancelDelay later, with CancelOutcome.
func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	run := s.findRun(w, r)
	if run == nil {
		return
	}
	if run.Status == "completed" {
		s.write(w, http.StatusConflict, map[string]any{"message": "Cannot cancel a workflow run that is completed.",
			"documentation_url": "https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run"})
		return
	}
	run.CancelRequested = true
	outcome := s.CancelOutcome
	if outcome == "" {
		outcome = "cancelled"
	}
	attempt := run.Attempt
	finish := func() {
		if run.Attempt == attempt && run.Status != "completed" {
			run.Status, run.Conclusion = "completed", outcome
		}
	}
	if s.CancelDelay <= 0 {
		finish()
	} else {
		s.timers = append(s.timers, time.AfterFunc(s.CancelDelay, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			finish()
		}))
	}
	s.write(w, http.StatusAccepted, map[string]any{})
}

func (s *Server) jobs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.findRun(w, r)
	var conclusion string
	if run != nil {
		conclusion = run.Conclusion
		if n, err := strconv.Atoi(r.PathValue("n")); err == nil {
			for _, p := range run.Previous {
				if p.Number == n {
					conclusion = p.Conclusion
				}
			}
		}
	}
	s.mu.Unlock()
	if run == nil {
		return
	}
	v := s.fixture("rest.list-jobs-for-workflow-run.json")
	jobs, _ := v["jobs"].([]any)
	for i, j := range jobs {
		job, _ := j.(map[string]any)
		job["run_id"] = run.ID
		if i == 0 && conclusion == "failure" {
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

const pendingEnvID = 161088068

func (s *Server) pending(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.findRun(w, r)
	waiting := run != nil && s.PendingEnv != "" && len(run.Approved) == 0 && run.Status == "waiting"
	env, can := s.PendingEnv, !s.CannotApprove
	s.mu.Unlock()
	if run == nil {
		return
	}
	out := []any{}
	if waiting {
		out = append(out, map[string]any{
			"environment": map[string]any{"id": pendingEnvID, "node_id": "EN_kwDOAAAAA", "name": env,
				"url": "https://api.github.com/repos/acme/billing-api/environments/" + env, "html_url": "https://github.com/acme/billing-api/deployments/activity_log?environments_filter=" + env},
			"wait_timer":               0,
			"wait_timer_started_at":    nil,
			"current_user_can_approve": can,
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
	run := s.findRun(w, r)
	if run == nil {
		return
	}
	if s.CannotApprove {
		s.write(w, http.StatusUnprocessableEntity, map[string]any{"message": "No pending deployment requests to approve or reject",
			"documentation_url": "https://docs.github.com/rest/actions/workflow-runs#review-pending-deployments-for-a-workflow-run"})
		return
	}
	if body.State == "approved" {
		run.Approved = append(run.Approved, body.EnvironmentIDs...)
		run.Status = "in_progress"
	}
	v := s.fixture("rest.create-deployment.201.json")
	s.write(w, http.StatusOK, []any{v})
}

// refJSON is the recorded get-a-reference response for a ref.
func (s *Server) refJSON(owner, repo, ref, sha string) map[string]any {
	v := s.fixture("rest.get-ref.json")
	v["ref"] = ref
	v["node_id"] = "REF_kwDOAAAAAA"
	v["url"] = fmt.Sprintf("https://api.github.com/repos/%s/%s/git/%s", owner, repo, ref)
	if o, ok := v["object"].(map[string]any); ok {
		o["sha"] = sha
		o["type"] = "commit"
		o["url"] = fmt.Sprintf("https://api.github.com/repos/%s/%s/git/commits/%s", owner, repo, sha)
	}
	return v
}

func (s *Server) createRef(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	}
	refuse := func(m string) {
		s.write(w, http.StatusUnprocessableEntity, map[string]any{"message": m,
			"documentation_url": "https://docs.github.com/rest/git/refs#create-a-reference"})
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		refuse("Problems parsing JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kind, name, _ := strings.Cut(strings.TrimPrefix(body.Ref, "refs/"), "/")
	switch {
	case !strings.HasPrefix(body.Ref, "refs/") || name == "" || (kind != "tags" && kind != "heads"):
		refuse(body.Ref + " is not a valid ref name.")
		return
	case !fullSHA.MatchString(body.SHA) || (s.commits != nil && !s.commits[body.SHA]):
		refuse("Object does not exist")
		return
	}
	refs := s.tags
	if kind == "heads" {
		refs = s.branches
	}
	if _, exists := refs[name]; exists {
		refuse("Reference already exists")
		return
	}
	refs[name] = body.SHA
	s.write(w, http.StatusCreated, s.refJSON(r.PathValue("owner"), r.PathValue("repo"), body.Ref, body.SHA))
}

func (s *Server) getRef(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	kind, name, _ := strings.Cut(ref, "/")
	s.mu.Lock()
	var sha string
	var ok bool
	switch kind {
	case "tags":
		sha, ok = s.tags[name]
	case "heads":
		sha, ok = s.branches[name]
	}
	s.mu.Unlock()
	if !ok {
		s.notFound(w, "git/refs#get-a-reference")
		return
	}
	s.write(w, http.StatusOK, s.refJSON(r.PathValue("owner"), r.PathValue("repo"), "refs/"+ref, sha))
}

func (s *Server) deleteRef(w http.ResponseWriter, r *http.Request) {
	kind, name, _ := strings.Cut(r.PathValue("ref"), "/")
	s.mu.Lock()
	refs := map[string]map[string]string{"tags": s.tags, "heads": s.branches}[kind]
	_, ok := refs[name]
	if ok {
		delete(refs, name)
	}
	s.mu.Unlock()
	if !ok {
		s.write(w, http.StatusUnprocessableEntity, map[string]any{"message": "Reference does not exist",
			"documentation_url": "https://docs.github.com/rest/git/refs#delete-a-reference"})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	wf := s.workflow(r.PathValue("wf"))
	var cp Workflow
	if wf != nil {
		cp = *wf
	}
	s.mu.Unlock()
	if wf == nil {
		s.notFound(w, "actions/workflows#get-a-workflow")
		return
	}
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	v := s.fixture("rest.get-workflow.json")
	v["id"], v["name"], v["path"] = cp.ID, cp.Name, ".github/workflows/"+cp.File
	v["state"] = "active"
	if cp.State != "" {
		v["state"] = cp.State
	}
	v["url"] = fmt.Sprintf("https://api.github.com/repos/%s/%s/actions/workflows/%d", owner, repo, cp.ID)
	v["html_url"] = fmt.Sprintf("https://github.com/%s/%s/blob/main/.github/workflows/%s", owner, repo, cp.File)
	v["badge_url"] = fmt.Sprintf("https://github.com/%s/%s/workflows/%s/badge.svg", owner, repo, cp.Name)
	s.write(w, http.StatusOK, v)
}

// YAML is the workflow file: Content, or the file the fields describe.
func (wf Workflow) YAML() string {
	if wf.Content != "" {
		return wf.Content
	}
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\n\non:\n", wf.Name)
	if wf.NoDispatch {
		b.WriteString("  push:\n    branches: [main]\n")
	} else {
		b.WriteString("  workflow_dispatch:\n")
		if len(wf.Inputs) > 0 {
			b.WriteString("    inputs:\n")
			names := make([]string, 0, len(wf.Inputs))
			for n := range wf.Inputs {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				in := wf.Inputs[n]
				fmt.Fprintf(&b, "      %s:\n        required: %t\n", n, in.Required)
				if in.Default != "" {
					fmt.Fprintf(&b, "        default: %q\n", in.Default)
				}
			}
		}
	}
	if wf.RunName != "" {
		fmt.Fprintf(&b, "\nrun-name: %q\n", wf.RunName)
	}
	b.WriteString("\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./deploy.sh\n")
	return b.String()
}

func (s *Server) contents(w http.ResponseWriter, r *http.Request) {
	path := r.PathValue("path")
	s.mu.Lock()
	var file string
	found := false
	for _, wf := range s.workflows {
		if ".github/workflows/"+wf.File == path {
			file, found = wf.YAML(), true
		}
	}
	s.mu.Unlock()
	if !found {
		s.notFound(w, "repos/contents#get-repository-content")
		return
	}
	enc := base64.StdEncoding.EncodeToString([]byte(file))
	var wrapped strings.Builder
	for len(enc) > 60 { // GitHub wraps the base64 content
		wrapped.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	wrapped.WriteString(enc + "\n")
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = "main"
	}
	name := path[strings.LastIndexByte(path, '/')+1:]
	s.write(w, http.StatusOK, map[string]any{
		"type": "file", "encoding": "base64", "size": len(file), "name": name, "path": path,
		"content": wrapped.String(), "sha": "3d21ec53a331a6f037a91c368710b99387d012c1",
		"url":          fmt.Sprintf("https://api.github.com/repos/%s/%s/contents/%s?ref=%s", owner, repo, path, ref),
		"git_url":      fmt.Sprintf("https://api.github.com/repos/%s/%s/git/blobs/3d21ec53a331a6f037a91c368710b99387d012c1", owner, repo),
		"html_url":     fmt.Sprintf("https://github.com/%s/%s/blob/%s/%s", owner, repo, ref, path),
		"download_url": fmt.Sprintf("https://raw.githubusercontent.com/%s/%s/%s/%s", owner, repo, ref, path),
		"_links": map[string]any{
			"self": fmt.Sprintf("https://api.github.com/repos/%s/%s/contents/%s?ref=%s", owner, repo, path, ref),
			"git":  fmt.Sprintf("https://api.github.com/repos/%s/%s/git/blobs/3d21ec53a331a6f037a91c368710b99387d012c1", owner, repo),
			"html": fmt.Sprintf("https://github.com/%s/%s/blob/%s/%s", owner, repo, ref, path),
		},
	})
}

func (s *Server) repository(w http.ResponseWriter, r *http.Request) {
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	if repo == "missing" {
		s.notFound(w, "repos/repos#get-a-repository")
		return
	}
	s.write(w, http.StatusOK, map[string]any{"id": 3544490, "node_id": "MDEwOlJlcG9zaXRvcnkzNTQ0NDkw", "name": repo,
		"full_name": owner + "/" + repo, "private": true, "default_branch": "main",
		"html_url": fmt.Sprintf("https://github.com/%s/%s", owner, repo), "url": fmt.Sprintf("https://api.github.com/repos/%s/%s", owner, repo)})
}

func (s *Server) environment(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	s.mu.Lock()
	id, ok := s.environments[name]
	if !ok && name == s.PendingEnv && name != "" {
		id, ok = pendingEnvID, true
	}
	s.mu.Unlock()
	if !ok {
		s.notFound(w, "deployments/environments#get-an-environment")
		return
	}
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	s.write(w, http.StatusOK, map[string]any{"id": id, "node_id": "EN_kwDOAAAAA", "name": name,
		"url":        fmt.Sprintf("https://api.github.com/repos/%s/%s/environments/%s", owner, repo, name),
		"html_url":   fmt.Sprintf("https://github.com/%s/%s/deployments/activity_log?environments_filter=%s", owner, repo, name),
		"created_at": "2020-11-23T22:00:40Z", "updated_at": "2020-11-23T22:00:40Z",
		"protection_rules": []any{}, "deployment_branch_policy": nil})
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
	sha := body.Ref
	if _, b, ok := s.resolveRef(body.Ref); ok && !fullSHA.MatchString(body.Ref) {
		sha = b // a deployment of a branch deploys the commit it names now
	}
	s.nextID++
	d := &Deployment{ID: s.nextID, SHA: sha, Ref: body.Ref, Environment: body.Environment, Task: body.Task, Payload: body.Payload}
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
	out := []any{}
	s.mu.Lock()
	for i := len(s.deployments) - 1; i >= 0; i-- {
		d := s.deployments[i]
		if (q.Get("sha") == "" || q.Get("sha") == d.SHA) && (q.Get("environment") == "" || q.Get("environment") == d.Environment) &&
			(q.Get("task") == "" || q.Get("task") == d.Task) {
			out = append(out, s.deploymentJSON(r, d))
		}
	}
	s.mu.Unlock()
	s.write(w, http.StatusOK, out)
}

func (s *Server) getDeployment(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	var v map[string]any
	for _, d := range s.deployments {
		if d.ID == id {
			v = s.deploymentJSON(r, d)
		}
	}
	s.mu.Unlock()
	if v == nil {
		s.notFound(w, "deployments/deployments#get-a-deployment")
		return
	}
	s.write(w, http.StatusOK, v)
}

func (s *Server) statuses(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	recorded, _ := Fixture(s.t, "rest.list-deployment-statuses.json").([]any)
	tmpl, _ := recorded[0].(map[string]any)
	out := []any{}
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

// CommitSHA is the commit the fake's main branch starts at, and what
// every ref resolves to until SetRef or SetBranch is called.
const CommitSHA = "1292bf0e22c796e91cc3d6e24b544aece8c21f2a"

// SetRef makes ref resolve to sha in commit lookups (a branch moving,
// when set again). Once a ref is set, refs that are not answer as GitHub
// does for a ref the repository does not have: 422 "No commit found for
// SHA: <ref>". Before, every ref resolves to CommitSHA. A repository
// named "missing" answers 404 Not Found, as GitHub does for one the token
// cannot see. A commit SHA (or a prefix of at least 7 of its hex digits)
// of a known commit resolves to it.
func (s *Server) SetRef(ref, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs == nil {
		s.refs = map[string]string{}
	}
	s.refs[ref] = sha
	s.know(sha)
}

// FailCommits makes every commit lookup answer status (a 5xx: GitHub is
// having trouble); 0 ends that.
func (s *Server) FailCommits(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commitStatus = status
}

var hexPrefix = regexp.MustCompile(`^[0-9a-f]{7,40}$`)

func (s *Server) commit(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	s.mu.Lock()
	status := s.commitStatus
	sha, known := s.refs[ref]
	if s.refs == nil {
		sha, known = "", true
	}
	if !known && hexPrefix.MatchString(ref) {
		for c := range s.commits {
			if strings.HasPrefix(c, ref) {
				sha, known = c, true
			}
		}
	}
	if !known {
		sha, known = s.tags[ref]
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
