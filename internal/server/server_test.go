package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

// osvRecord is a real OSV record (provenance: internal/vuln/testdata/osv)
// for Newtonsoft.Json, which the infusion pump's drug-library server
// carries.
var osvRecord = func() []byte {
	b, err := os.ReadFile("../vuln/testdata/osv/GHSA-5crp-9r3c-p9vr.json")
	if err != nil {
		panic(err)
	}
	return b
}()

// testAdvisoryID is the advisory the authorisation matrix imported,
// testCaseID the case it recorded.
var testAdvisoryID, testCaseID, testWebhookID string

const testCase = `{"title": "Ransomware on the pump VLAN", "kinds": ["gdpr-personal-data-breach"], "aware": "2026-01-05T09:00:00Z", "owner": "CISO"}`

const testPolicy = `apiVersion: mdcheck.dev/v1
kind: Policy
name: house
rules:
  - id: house/sbom
    title: Every component has an SBOM
    severity: low
    requirements: [MDR.AI.17.2]
    rationale: An SBOM lets advisories be matched.
    remediation: Add one.
    each: component
    check: has(component.sbom)
    cite: [sbom]
`

const testWaivers = `waivers:
  - finding: "threat/battery-drain@*"
    reason: Wake-ups are bounded by the radio's duty cycle (RM-9).
    owner: Risk board
    expires: "2099-12-31"
`

const model = "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: Pump, model: P1}\ncomponents: [{id: a, name: a, kind: gateway, role: device}]\n"

type env struct {
	t     *testing.T
	dir   string
	app   *app.App
	fleet *fleetapp.Fleet
	srv   *httptest.Server
	s     *Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	a := app.New(app.Config{DB: filepath.Join(dir, "no-vuln.db"), Snapshot: true})
	f, err := fleetapp.Open(context.Background(), a, "sqlite:"+filepath.Join(dir, "fleet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	s := New(Config{Fleet: f, RatePerToken: 1000})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &env{t: t, dir: dir, app: a, fleet: f, srv: srv, s: s}
}

func (e *env) token(org string, role fleetapp.Role) (string, fleetapp.Token) {
	e.t.Helper()
	secret, tok, err := e.fleet.CreateToken(context.Background(), fleetapp.Actor{Token: "test"}, org, role)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret, tok
}

func (e *env) do(method, path, token, ctype string, body string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// device uploads the model as org's assessor and returns the device and
// its first assessment.
func (e *env) device(token string) (id, assessment string) {
	e.t.Helper()
	res, b := e.do("POST", "/api/v1/devices", token, "application/yaml", model)
	if res.StatusCode != 201 {
		e.t.Fatalf("POST /api/v1/devices: %d %s", res.StatusCode, b)
	}
	var out struct {
		ID         string              `json:"id"`
		Assessment struct{ ID string } `json:"assessment"`
	}
	json.Unmarshal(b, &out)
	return out.ID, out.Assessment.ID
}

// TestDevicesNeedAToken: 401 without a token, 200 with one; an upload
// is 201 with the device's id, its assessment runs, and the list of
// assessments shows it done with the check's report.
func TestDevicesNeedAToken(t *testing.T) {
	e := newEnv(t)
	if res, b := e.do("GET", "/api/v1/devices", "", "", ""); res.StatusCode != 401 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(b), `"status":401`) {
		t.Errorf("no token: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	tok, _ := e.token("Hospital", fleetapp.RoleAssessor)
	if res, _ := e.do("GET", "/api/v1/devices", tok, "", ""); res.StatusCode != 200 {
		t.Errorf("with a token: %d", res.StatusCode)
	}
	id, aid := e.device(tok)
	if n, err := e.fleet.RunQueued(context.Background(), 10); err != nil || n != 1 {
		t.Fatalf("ran %d: %v", n, err)
	}
	res, b := e.do("GET", "/api/v1/devices/"+id+"/assessments", tok, "", "")
	var list struct {
		Items []fleetapp.Assessment `json:"items"`
	}
	if json.Unmarshal(b, &list); res.StatusCode != 200 || len(list.Items) != 1 || list.Items[0].Status != "done" {
		t.Fatalf("assessments: %d %s", res.StatusCode, b)
	}
	res, b = e.do("GET", "/api/v1/assessments/"+aid, tok, "", "")
	var got struct {
		Report struct {
			SchemaVersion string `json:"schemaVersion"`
			Device        struct{ File string }
		} `json:"report"`
	}
	if json.Unmarshal(b, &got); res.StatusCode != 200 || got.Report.SchemaVersion == "" || got.Report.Device.File != "device.yaml" {
		t.Errorf("assessment: %d %.300s", res.StatusCode, b)
	}
	// The same answer again is 304 with its ETag.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/assessments/"+aid, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if r2, err := http.DefaultClient.Do(req); err != nil || r2.StatusCode != 304 {
		t.Errorf("If-None-Match: %v %v", r2.StatusCode, err)
	}
}

// TestAuthorisationMatrix calls every route of the table with every role
// of the owning organisation and of a foreign one, with no token and
// with a revoked one, and fails on any answer but the expected.
func TestAuthorisationMatrix(t *testing.T) {
	e := newEnv(t)
	adminA, _ := e.token("A", fleetapp.RoleAdmin)
	dev, _ := e.device(adminA)
	// Two done assessments, so that the newer has changes to show.
	e.fleet.RunQueued(context.Background(), 10)
	res, b := e.do("PUT", "/api/v1/devices/"+dev+"/model", adminA, "application/yaml", model+"# 2\n")
	var second struct{ Assessment struct{ ID string } }
	if json.Unmarshal(b, &second); res.StatusCode != 201 {
		t.Fatalf("second model: %d %s", res.StatusCode, b)
	}
	e.fleet.RunQueued(context.Background(), 10)
	// A third, done, with a document.
	res, b = e.do("POST", "/api/v1/devices/"+dev+"/documents", adminA, "application/json", `{"formats": ["md"]}`)
	var third struct{ Assessment struct{ ID string } }
	if json.Unmarshal(b, &third); res.StatusCode != 202 || second.Assessment.ID == "" {
		t.Fatalf("documents: %d %s", res.StatusCode, b)
	}
	e.fleet.RunQueued(context.Background(), 10)
	aid := third.Assessment.ID
	res, b = e.do("POST", "/api/v1/advisories", adminA, "application/json", string(osvRecord))
	var adv struct{ ID string }
	if json.Unmarshal(b, &adv); res.StatusCode != 201 {
		t.Fatalf("advisory: %d %s", res.StatusCode, b)
	}
	testAdvisoryID = adv.ID
	res, b = e.do("POST", "/api/v1/cases", adminA, "application/json", testCase)
	var cs struct{ ID string }
	if json.Unmarshal(b, &cs); res.StatusCode != 201 {
		t.Fatalf("case: %d %s", res.StatusCode, b)
	}
	testCaseID = cs.ID
	res, b = e.do("POST", "/api/v1/webhooks", adminA, "application/json", `{"url": "http://127.0.0.1:9/hook"}`)
	var hook struct{ ID string }
	if json.Unmarshal(b, &hook); res.StatusCode != 201 {
		t.Fatalf("webhook: %d %s", res.StatusCode, b)
	}
	testWebhookID = hook.ID
	revoked, rt := e.token("A", fleetapp.RoleAdmin)
	if err := e.fleet.RevokeToken(context.Background(), fleetapp.Actor{Token: "test", Org: rt.Org}, rt.ID); err != nil {
		t.Fatal(err)
	}
	roles := []fleetapp.Role{fleetapp.RoleViewer, fleetapp.RoleAssessor, fleetapp.RoleAdmin}
	for _, r := range routes {
		for _, org := range []string{"A", "B"} {
			for _, role := range roles {
				tok, _ := e.token(org, role)
				_, victim := e.token("A", fleetapp.RoleViewer)
				path, body := request(r, dev, aid, victim.ID, tok)
				res, b := e.do(r.Method, path, tok, r.Body, body)
				want := r.Status
				switch {
				case r.Role == "":
				case !role.AtLeast(r.Role):
					want = 403
				case org == "B" && strings.Contains(r.Pattern, "{id}"):
					want = 404
				}
				if res.StatusCode != want {
					t.Errorf("%s %s as %s of %s: %d, want %d (%s)", r.Method, r.Pattern, role, org, res.StatusCode, want, b)
				}
				if org == "B" && res.StatusCode == 200 && strings.Contains(string(b), dev) {
					t.Errorf("%s %s as %s of B shows A's device", r.Method, r.Pattern, role)
				}
			}
		}
		for _, tok := range []string{"", revoked, "mdc_forged"} {
			path, body := request(r, dev, aid, "x", tok)
			if res, b := e.do(r.Method, path, tok, r.Body, body); res.StatusCode != 401 {
				t.Errorf("%s %s with token %q: %d, want 401 (%s)", r.Method, r.Pattern, tok, res.StatusCode, b)
			}
		}
	}
}

// request is a valid request to a route by the caller: its path and
// body.
func request(r route, device, assessment, token, caller string) (path, body string) {
	advisory := testAdvisoryID
	id := device
	switch {
	case strings.HasPrefix(r.Pattern, "/api/v1/assessments/"):
		id = assessment
	case strings.HasPrefix(r.Pattern, "/api/v1/tokens/"):
		id = token
	case strings.HasPrefix(r.Pattern, "/api/v1/advisories/"):
		id = advisory
	case strings.HasPrefix(r.Pattern, "/api/v1/cases/"):
		id = testCaseID
	case strings.HasPrefix(r.Pattern, "/api/v1/webhooks/"):
		id = testWebhookID
	}
	path = strings.NewReplacer("{id}", id, "*", "sbom/a.cdx.json").Replace(r.Pattern)
	path = strings.NewReplacer("{name}", "house", "{format}", "md").Replace(path)
	switch {
	case r.Pattern == "/api/v1/session":
		body = `{"token": "` + caller + `"}`
	case r.Pattern == "/api/v1/waivers":
		body = testWaivers
	case r.Method == "PATCH":
		body = `{"site": "Ward 3"}`
	case r.Pattern == "/api/v1/advisories":
		body = string(osvRecord)
	case strings.HasPrefix(r.Pattern, "/api/v1/cases"):
		body = testCase
	case r.Pattern == "/api/v1/webhooks":
		body = `{"url": "http://127.0.0.1:9/hook"}`
	case strings.HasSuffix(r.Pattern, "/documents"):
		body = `{"formats": ["md"]}`
	case strings.HasPrefix(r.Pattern, "/api/v1/policies/"):
		body = testPolicy
	case r.Body == "application/yaml":
		body = model
	case r.Body != "":
		body = `{"bomFormat":"CycloneDX"}`
	}
	return path, body
}

// TestOpenAPIInStep: the description names every route of the router
// with its method, and no other.
func TestOpenAPIInStep(t *testing.T) {
	e := newEnv(t)
	res, b := e.do("GET", "/api/v1/openapi.json", "", "", "")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || res.StatusCode != 200 || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: %d %v", res.StatusCode, err)
	}
	var described, served []string
	for p, ops := range doc.Paths {
		for m := range ops {
			described = append(described, strings.ToUpper(m)+" "+p)
		}
	}
	chi.Walk(e.s.mux.(chi.Router), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/api/v1/") && route != "/api/v1/openapi.json" {
			served = append(served, method+" "+strings.Replace(route, "/*", "/{path}", 1))
		}
		return nil
	})
	slices.Sort(described)
	slices.Sort(served)
	if !slices.Equal(described, served) || len(served) != len(routes) {
		t.Errorf("described %v\nserved %v", described, served)
	}
}

// TestBadInput: problem details that say what is wrong, and nothing
// stored.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	dev, _ := e.device(tok)
	for _, tc := range []struct {
		method, path, ctype, body string
		status                    int
		detail                    string
	}{
		{"POST", "/api/v1/devices", "application/yaml", "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A}\ncomponents: [{id: a, name: a, kind: gatway, role: device}]\n", 422, "device.yaml:4:"},
		{"POST", "/api/v1/devices", "application/json", "{}", 415, "application/yaml"},
		{"POST", "/api/v1/devices", "application/yaml", strings.Repeat("#", 5<<20), 413, "over 4194304 bytes"},
		{"PUT", "/api/v1/devices/" + dev + "/files/../etc/passwd", "application/json", "{}", 422, ""},
		{"PUT", "/api/v1/devices/" + dev + "/files/sbom/a%20b.json", "application/json", "{}", 422, "letters, digits"},
		{"GET", "/api/v1/devices?limit=0", "", "", 422, "limit"},
		{"GET", "/api/v1/devices/nope", "", "", 404, "no such object"},
		{"PATCH", "/api/v1/devices", "", "", 405, "not allowed"},
	} {
		res, b := e.do(tc.method, tc.path, tok, tc.ctype, tc.body)
		var p struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		json.Unmarshal(b, &p)
		// The router cleans ../ itself (a redirect or a 404): never a 2xx.
		if tc.detail == "" {
			if res.StatusCode < 300 {
				t.Errorf("%s %s: %d", tc.method, tc.path, res.StatusCode)
			}
			continue
		}
		if res.StatusCode != tc.status || p.Status != tc.status || !strings.Contains(p.Detail, tc.detail) || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d %s, want %d with %q", tc.method, tc.path, res.StatusCode, b, tc.status, tc.detail)
		}
	}
	res, b := e.do("GET", "/api/v1/devices", tok, "", "")
	if n := strings.Count(string(b), `"modelVersion"`); res.StatusCode != 200 || n != 1 {
		t.Errorf("after bad input: %d devices, want the one good upload", n)
	}
	for _, h := range []string{"X-Content-Type-Options", "Content-Security-Policy", "X-Frame-Options"} {
		if res.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
}

// TestRateLimit: a token over its rate gets 429 with Retry-After.
func TestRateLimit(t *testing.T) {
	e := newEnv(t)
	e.s.cfg.RatePerToken = 1
	tok, _ := e.token("A", fleetapp.RoleViewer)
	codes := map[int]int{}
	for i := 0; i < 10; i++ {
		res, _ := e.do("GET", "/api/v1/devices", tok, "", "")
		codes[res.StatusCode]++
		if res.StatusCode == 429 && res.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if codes[200] != 4 || codes[429] != 6 {
		t.Errorf("codes %v, want 4 allowed (the burst) and 6 refused", codes)
	}
}

// TestWorkerRunsWhatARestartLeft: the worker runs the assessments a
// previous server left queued.
func TestWorkerRunsWhatARestartLeft(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	id, _ := e.device(tok)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.s.Work(ctx, 10*time.Millisecond) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, b := e.do("GET", "/api/v1/devices/"+id+"/assessments", tok, "", "")
		if strings.Contains(string(b), `"status": "done"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done: %s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}

func TestMain(m *testing.M) {
	// Assessments match against the built-in snapshot; keep its cache in
	// the test's own folder.
	dir, err := os.MkdirTemp("", "mdcheck-server-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestRoutePolicy: the table itself follows the roles' meaning: reading
// needs a viewer, changing devices an assessor, tokens an admin, and so
// does the server's work across organisations (jobs); no route is public.
func TestRoutePolicy(t *testing.T) {
	for _, r := range routes {
		want := fleetapp.RoleViewer
		switch {
		case r.Method == "POST" && r.Pattern == "/api/v1/session":
			want = "" // logging in is how a browser gets its rights
		case r.Pattern == "/api/v1/session":
			want = fleetapp.RoleViewer // anyone may log out
		case strings.HasPrefix(r.Pattern, "/api/v1/tokens"), strings.HasPrefix(r.Pattern, "/api/v1/webhooks"), r.Pattern == "/api/v1/jobs", r.Method != "GET" && strings.HasPrefix(r.Pattern, "/api/v1/policies"):
			want = fleetapp.RoleAdmin
		case r.Method != "GET":
			want = fleetapp.RoleAssessor
		}
		if r.Role != want {
			t.Errorf("%s %s needs %q, want %q", r.Method, r.Pattern, r.Role, want)
		}
	}
}

// TestBrowserSession: a token logs a browser in; the session cookie is
// HttpOnly, Secure and SameSite=Strict; reads need no more, a change
// without the CSRF token is refused, with it allowed; after logout and
// after the token is revoked the cookie is worth nothing.
func TestBrowserSession(t *testing.T) {
	e := newEnv(t)
	tok, tk := e.token("A", fleetapp.RoleAssessor)
	res, b := e.do("POST", "/api/v1/session", "", "application/json", `{"token": "`+tok+`"}`)
	var login struct{ CSRF string }
	json.Unmarshal(b, &login)
	cookies := res.Cookies()
	if res.StatusCode != 201 || login.CSRF == "" || len(cookies) != 2 || cookies[0].Name != sessionCookie || cookies[1].Value != login.CSRF {
		t.Fatalf("login: %d %s %v", res.StatusCode, b, cookies)
	}
	// The session's cookie, and the CSRF token's for the dashboard's
	// forms.
	c := cookies[0]
	for _, k := range cookies {
		if !k.HttpOnly || !k.Secure || k.SameSite != http.SameSiteStrictMode || k.Value == tok {
			t.Errorf("cookie %+v", k)
		}
	}
	with := func(method, path, csrf, body string) int {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		req.AddCookie(c)
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/yaml")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := with("GET", "/api/v1/devices", "", ""); got != 200 {
		t.Errorf("read with the cookie: %d", got)
	}
	if got := with("POST", "/api/v1/devices", "", model); got != 403 {
		t.Errorf("change without CSRF token: %d", got)
	}
	if got := with("POST", "/api/v1/devices", "wrong", model); got != 403 {
		t.Errorf("change with a wrong CSRF token: %d", got)
	}
	if got := with("POST", "/api/v1/devices", login.CSRF, model); got != 201 {
		t.Errorf("change with the CSRF token: %d", got)
	}
	if got := with("DELETE", "/api/v1/session", login.CSRF, ""); got != 204 {
		t.Errorf("logout: %d", got)
	}
	if got := with("GET", "/api/v1/devices", "", ""); got != 401 {
		t.Errorf("after logout: %d", got)
	}
	// A new session dies with its token.
	res, b = e.do("POST", "/api/v1/session", "", "application/json", `{"token": "`+tok+`"}`)
	c = res.Cookies()[0]
	if err := e.fleet.RevokeToken(context.Background(), fleetapp.Actor{Token: "test", Org: tk.Org}, tk.ID); err != nil {
		t.Fatal(err)
	}
	if got := with("GET", "/api/v1/devices", "", ""); got != 401 {
		t.Errorf("after the token was revoked: %d (%s)", got, b)
	}
	if res, _ := e.do("POST", "/api/v1/session", "", "application/json", `{"token": "`+tok+`"}`); res.StatusCode != 401 {
		t.Errorf("login with a revoked token: %d", res.StatusCode)
	}
}

// TestMetrics: Prometheus metrics for an admin token: latency by route
// pattern, the store's size, the assessments waiting.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	viewer, _ := e.token("A", fleetapp.RoleViewer)
	admin, _ := e.token("A", fleetapp.RoleAdmin)
	e.device(admin)
	e.do("GET", "/api/v1/devices", viewer, "", "")
	if res, _ := e.do("GET", "/metrics", "", "", ""); res.StatusCode != 401 {
		t.Errorf("no token: %d", res.StatusCode)
	}
	if res, _ := e.do("GET", "/metrics", viewer, "", ""); res.StatusCode != 403 {
		t.Errorf("viewer: %d", res.StatusCode)
	}
	res, b := e.do("GET", "/metrics", admin, "", "")
	body := string(b)
	for _, want := range []string{
		`mdcheck_http_request_duration_seconds_count{code="200",method="GET",route="/api/v1/devices"} 1`,
		`mdcheck_http_request_duration_seconds_count{code="201",method="POST",route="/api/v1/devices"} 1`,
		"mdcheck_assessments_queued 1",
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if res.StatusCode != 200 || !strings.Contains(body, "mdcheck_store_size_bytes ") || strings.Contains(body, "mdcheck_store_size_bytes -1") {
		t.Errorf("metrics: %d\n%.2000s", res.StatusCode, body)
	}
}

// TestSupersede: of the assessments an upload burst queued for one
// device, only the newest runs; the others say which replaced them.
func TestSupersede(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	id, _ := e.device(tok)
	for _, p := range []string{"sbom/a.cdx.json", "sbom/b.cdx.json"} {
		if res, b := e.do("PUT", "/api/v1/devices/"+id+"/files/"+p, tok, "application/json", `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}`); res.StatusCode != 201 {
			t.Fatalf("%s: %d %s", p, res.StatusCode, b)
		}
	}
	if n, err := e.fleet.RunQueued(context.Background(), 10); err != nil || n != 3 {
		t.Fatalf("closed %d, %v", n, err)
	}
	_, b := e.do("GET", "/api/v1/devices/"+id+"/assessments", tok, "", "")
	var list struct{ Items []fleetapp.Assessment }
	json.Unmarshal(b, &list)
	var got []string
	for _, a := range list.Items {
		got = append(got, a.Status)
	}
	if strings.Join(got, ",") != "superseded,superseded,done" || !strings.Contains(list.Items[0].Error, list.Items[2].ID) {
		t.Errorf("statuses %v (%s)", got, b)
	}
}

// TestChanges: what changed between two assessments of a device: a
// model that states an interface's authentication where it was unstated
// closes and opens findings and changes readiness.
func TestChanges(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	head := "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: Pump, model: P1}\ncomponents:\n  - {id: a, name: a, kind: gateway, role: device, interfaces: [{id: net, kind: wifi, exposure: hospital-network, changesConfiguration: true"
	before := head + "}]}\n"
	after := head + ", authentication: {required: false}}]}\n"
	res, b := e.do("POST", "/api/v1/devices", tok, "application/yaml", before)
	var first struct{ ID string }
	json.Unmarshal(b, &first)
	e.fleet.RunQueued(context.Background(), 10)
	if res.StatusCode != 201 {
		t.Fatalf("%d %s", res.StatusCode, b)
	}
	_, b = e.do("PUT", "/api/v1/devices/"+first.ID+"/model", tok, "application/yaml", after)
	var second struct{ Assessment struct{ ID string } }
	json.Unmarshal(b, &second)
	e.fleet.RunQueued(context.Background(), 10)
	res, b = e.do("GET", "/api/v1/assessments/"+second.Assessment.ID+"/changes", tok, "", "")
	var c fleetapp.Comparison
	if err := json.Unmarshal(b, &c); err != nil || res.StatusCode != 200 {
		t.Fatalf("changes: %d %s", res.StatusCode, b)
	}
	// The authentication rule was unknown and now fails.
	found := false
	for _, ch := range c.Changed {
		if strings.HasPrefix(ch.ID, "auth/config-interface-authenticated@") && ch.From == "unknown" && ch.To == "fail" {
			found = true
		}
	}
	if !found || c.From == "" || c.To != second.Assessment.ID {
		t.Errorf("changes: %s", b)
	}
	// The first has nothing before it.
	_, b = e.do("GET", "/api/v1/devices/"+first.ID+"/assessments", tok, "", "")
	var list struct{ Items []fleetapp.Assessment }
	json.Unmarshal(b, &list)
	if res, b := e.do("GET", "/api/v1/assessments/"+list.Items[0].ID+"/changes", tok, "", ""); res.StatusCode != 422 {
		t.Errorf("first assessment's changes: %d %s", res.StatusCode, b)
	}
}

// TestOrgPolicies: an organisation's policy applies to every device's
// next assessment, its waivers set findings aside; a policy that does
// not compile, or withdrawing one a waiver still names, is refused with
// where.
func TestOrgPolicies(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.token("A", fleetapp.RoleAdmin)
	dev, _ := e.device(admin)
	e.fleet.RunQueued(context.Background(), 10)
	res, b := e.do("PUT", "/api/v1/policies/house", admin, "application/yaml", testPolicy)
	if res.StatusCode != 201 || !strings.Contains(string(b), `"queued":1`) {
		t.Fatalf("policy: %d %s", res.StatusCode, b)
	}
	e.fleet.RunQueued(context.Background(), 10)
	report := func() string {
		_, b := e.do("GET", "/api/v1/devices/"+dev+"/assessments", admin, "", "")
		var list struct{ Items []fleetapp.Assessment }
		json.Unmarshal(b, &list)
		_, r := e.do("GET", "/api/v1/assessments/"+list.Items[len(list.Items)-1].ID, admin, "", "")
		return string(r)
	}
	if r := report(); !strings.Contains(r, `"id": "house/sbom@a"`) || !strings.Contains(r, `"status": "fail"`) {
		t.Fatalf("the policy's finding is not in the report: %.500s", r)
	}
	waivers := strings.Replace(testWaivers, "threat/battery-drain@*", "house/sbom@*", 1)
	if res, b := e.do("PUT", "/api/v1/waivers", admin, "application/yaml", waivers); res.StatusCode != 201 {
		t.Fatalf("waivers: %d %s", res.StatusCode, b)
	}
	e.fleet.RunQueued(context.Background(), 10)
	if r := report(); !strings.Contains(r, `"waiver": "house/sbom@*"`) {
		t.Errorf("the waiver did not set the finding aside: %.2000s", r)
	}
	if res, b := e.do("GET", "/api/v1/waivers", admin, "", ""); res.StatusCode != 200 || string(b) != waivers {
		t.Errorf("GET waivers: %d %s", res.StatusCode, b)
	}
	if res, b := e.do("DELETE", "/api/v1/policies/house", admin, "", ""); res.StatusCode != 422 || !strings.Contains(string(b), "waivers.yaml:2:") {
		t.Errorf("withdrawing a policy a waiver names: %d %s", res.StatusCode, b)
	}
	bad := strings.Replace(testPolicy, "has(component.sbom)", "has(component.sbom", 1)
	if res, b := e.do("PUT", "/api/v1/policies/other", admin, "application/yaml", bad); res.StatusCode != 422 || !strings.Contains(string(b), "other.yaml") {
		t.Errorf("a policy that does not compile: %d %s", res.StatusCode, b)
	}
	if res, b := e.do("PUT", "/api/v1/policies/no%20spaces", admin, "application/yaml", testPolicy); res.StatusCode != 422 {
		t.Errorf("a bad policy name: %d %s", res.StatusCode, b)
	}
	_, b = e.do("GET", "/api/v1/policies", admin, "", "")
	if strings.Count(string(b), `"kind"`) != 2 || strings.Contains(string(b), "other") {
		t.Errorf("policies and waivers: %s", b)
	}
}

// TestSitesAndFilters: devices placed at sites, the organisation's
// sites with their counts, the list narrowed by site and name.
func TestSitesAndFilters(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("St Elsewhere", fleetapp.RoleAssessor)
	id, _ := e.device(tok)
	e.device(tok)
	if res, b := e.do("PATCH", "/api/v1/devices/"+id, tok, "application/json", `{"site": "Ward 3"}`); res.StatusCode != 200 || !strings.Contains(string(b), `"site":"Ward 3"`) {
		t.Fatalf("patch: %d %s", res.StatusCode, b)
	}
	if res, b := e.do("PATCH", "/api/v1/devices/"+id, tok, "application/json", `{"room": "3"}`); res.StatusCode != 422 {
		t.Errorf("unknown field: %d %s", res.StatusCode, b)
	}
	_, b := e.do("GET", "/api/v1/devices?site=Ward%203", tok, "", "")
	if strings.Count(string(b), `"modelVersion"`) != 1 || !strings.Contains(string(b), id) {
		t.Errorf("site filter: %s", b)
	}
	_, b = e.do("GET", "/api/v1/devices?name=pump%20p1", tok, "", "")
	if strings.Count(string(b), `"modelVersion"`) != 2 {
		t.Errorf("name filter: %s", b)
	}
	_, b = e.do("GET", "/api/v1/org", tok, "", "")
	var o struct {
		Name  string
		Sites []struct {
			Name    string
			Devices int
		}
	}
	if json.Unmarshal(b, &o); o.Name != "St Elsewhere" || len(o.Sites) != 2 || o.Sites[1].Name != "Ward 3" || o.Sites[1].Devices != 1 {
		t.Errorf("org: %s", b)
	}
}

// example uploads a shipped example's model and every file beside it,
// and returns the device's ID.
func (e *env) example(tok, name string) string {
	t := e.t
	t.Helper()
	dir := "../../examples/" + name
	m, err := os.ReadFile(dir + "/device.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, b := e.do("POST", "/api/v1/devices", tok, "application/yaml", string(m))
	var d struct{ ID string }
	if json.Unmarshal(b, &d); res.StatusCode != 201 {
		t.Fatalf("%s: %d %s", name, res.StatusCode, b)
	}
	filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() || strings.HasSuffix(p, "device.yaml") || strings.HasSuffix(p, ".md") {
			return err
		}
		body, _ := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		if res, b := e.do("PUT", "/api/v1/devices/"+d.ID+"/files/"+filepath.ToSlash(rel), tok, "application/octet-stream", string(body)); res.StatusCode != 201 {
			t.Fatalf("%s %s: %d %s", name, rel, res.StatusCode, b)
		}
		return nil
	})
	return d.ID
}

// TestVEXAndMDS2: the files under vex/ are the assessment's VEX
// documents, an .xlsx its MDS2 form; a reassessment is queued on demand.
func TestVEXAndMDS2(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	id := e.example(tok, "pacemaker-system")
	form, err := os.ReadFile("../mds2/testdata/synthetic-openpyxl-full.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if res, b := e.do("PUT", "/api/v1/devices/"+id+"/files/mds2/form.xlsx", tok, "application/octet-stream", string(form)); res.StatusCode != 201 {
		t.Fatalf("form: %d %s", res.StatusCode, b)
	}
	res, b := e.do("POST", "/api/v1/devices/"+id+"/assessments", tok, "", "")
	var a fleetapp.Assessment
	if json.Unmarshal(b, &a); res.StatusCode != 201 || a.Status != "queued" {
		t.Fatalf("reassess: %d %s", res.StatusCode, b)
	}
	e.fleet.RunQueued(context.Background(), 10)
	_, b = e.do("GET", "/api/v1/assessments/"+a.ID, tok, "", "")
	var got struct {
		Status string
		Report struct {
			Inputs []struct{ Role, Path string }
		}
	}
	json.Unmarshal(b, &got)
	roles := map[string]string{}
	for _, in := range got.Report.Inputs {
		roles[in.Role] = in.Path
	}
	if got.Status != "done" || roles["vex"] != "vex/home-monitor.openvex.json" || roles["mds2"] != "mds2/form.xlsx" {
		t.Errorf("inputs %v (status %s)", roles, got.Status)
	}
}

// TestAdvisoryImpact: an imported OSV record hits the example device
// whose SBOM carries the package, and not another; a document that is
// not an advisory is refused.
func TestAdvisoryImpact(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	pump, pacemaker := e.example(tok, "infusion-pump"), e.example(tok, "pacemaker-system")
	res, b := e.do("POST", "/api/v1/advisories", tok, "application/json", string(osvRecord))
	var adv fleetapp.Advisory
	if json.Unmarshal(b, &adv); res.StatusCode != 201 || adv.SourceID != "GHSA-5crp-9r3c-p9vr" || adv.Records != 1 {
		t.Fatalf("import: %d %s", res.StatusCode, b)
	}
	res, b = e.do("GET", "/api/v1/advisories/"+adv.ID+"/impact", tok, "", "")
	var im fleetapp.Impact
	if err := json.Unmarshal(b, &im); err != nil || res.StatusCode != 200 || im.Checked != 2 || len(im.Failed) != 0 {
		t.Fatalf("impact: %d %s", res.StatusCode, b)
	}
	if len(im.Hits) != 1 || im.Hits[0].Device != pump || !strings.Contains(im.Hits[0].Findings[0].ID, "drug-library/GHSA-5crp-9r3c-p9vr") {
		t.Errorf("hits: %s (pump %s, pacemaker %s)", b, pump, pacemaker)
	}
	if res, b := e.do("POST", "/api/v1/advisories", tok, "application/json", `{"bomFormat": "CycloneDX"}`); res.StatusCode != 422 {
		t.Errorf("not an advisory: %d %s", res.StatusCode, b)
	}
	_, b = e.do("GET", "/api/v1/advisories", tok, "", "")
	if strings.Count(string(b), `"sourceId"`) != 1 {
		t.Errorf("list: %s", b)
	}
}

// TestCases: a recorded event with its clocks in the organisation's time
// zone; recording the NIS2 notification starts the final report's; what
// cannot be a case is refused with why.
func TestCases(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("St Elsewhere", fleetapp.RoleAssessor)
	dev, _ := e.device(tok)
	body := `{"title": "Infusion pump encrypted by ransomware", "devices": ["` + dev + `"], "kinds": ["mdr-serious-incident", "nis2-significant-incident", "gdpr-personal-data-breach"], "aware": "2026-10-23T09:30:00+02:00", "zone": "Europe/Berlin", "owner": "Vigilance lead", "imdrf": ["A1105", "A110502"]}`
	res, b := e.do("POST", "/api/v1/cases", tok, "application/json", body)
	var c fleetapp.Case
	if err := json.Unmarshal(b, &c); err != nil || res.StatusCode != 201 || c.Status != "open" || len(c.Clocks) != 5 {
		t.Fatalf("post: %d %s", res.StatusCode, b)
	}
	due := map[string]string{}
	for _, cl := range c.Clocks {
		if !cl.Due.IsZero() {
			due[cl.Law] = cl.Due.UTC().Format(time.RFC3339)
		}
	}
	for law, want := range map[string]string{
		"NIS2 Art. 23(4)(a)": "2026-10-24T07:30:00Z",
		"NIS2 Art. 23(4)(b)": "2026-10-26T07:30:00Z", // summer time ended in between
		"GDPR Art. 33(1)":    "2026-10-26T07:30:00Z",
		"MDR Art. 87(3)":     "2026-11-07T22:59:59Z", // a Saturday, midnight in Berlin winter time
	} {
		if due[law] != want {
			t.Errorf("%s due %s, want %s", law, due[law], want)
		}
	}
	if c.Clocks[0].Law != "NIS2 Art. 23(4)(a)" {
		t.Errorf("the earliest first: %s", c.Clocks[0].Law)
	}
	notified := strings.Replace(body, `"imdrf"`, `"nis2Notified": "2026-10-25T10:00:00+01:00", "imdrf"`, 1)
	res, b = e.do("PUT", "/api/v1/cases/"+c.ID, tok, "application/json", notified)
	if json.Unmarshal(b, &c); res.StatusCode != 200 {
		t.Fatalf("put: %d %s", res.StatusCode, b)
	}
	for _, cl := range c.Clocks {
		if cl.Law == "NIS2 Art. 23(4)(d)" && cl.Due.UTC().Format(time.RFC3339) != "2026-11-25T22:59:59Z" {
			t.Errorf("final report due %s", cl.Due.UTC())
		}
	}
	for _, bad := range []struct{ body, says string }{
		{strings.Replace(body, "2026-10-23", "2099-10-23", 1), "future"},
		{strings.Replace(body, "mdr-serious-incident", "mdr-incident", 1), "mdr-incident"},
		{strings.Replace(body, "Europe/Berlin", "Mars/Olympus", 1), "zone"},
		{strings.Replace(body, dev, "nope", 1), "no such device"},
		{strings.Replace(body, `"owner"`, `"ownr"`, 1), "unknown field"},
		{strings.Replace(body, "A110502", "bad", 1), "IMDRF"},
	} {
		if res, b := e.do("POST", "/api/v1/cases", tok, "application/json", bad.body); res.StatusCode != 422 || !strings.Contains(string(b), bad.says) {
			t.Errorf("%s: %d %s", bad.says, res.StatusCode, b)
		}
	}
	_, b = e.do("GET", "/api/v1/cases", tok, "", "")
	if strings.Count(string(b), `"clocks"`) != 1 {
		t.Errorf("list: %s", b)
	}
}

// TestWebhookNotifications: an assessment that opens findings sends a
// notification to the organisation's webhook, signed with its secret
// (the receiver checks the signature), retried after a failure, with
// every attempt recorded; a webhook that never answers ends undelivered.
func TestWebhookNotifications(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.token("A", fleetapp.RoleAdmin)
	var mu sync.Mutex
	var got []string
	calls := 0
	var secret string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(503) // the first attempt fails
			return
		}
		if r.Header.Get("X-Mdcheck-Signature") != fleetapp.Sign(secret, r.Header.Get("X-Mdcheck-Timestamp"), body) {
			t.Errorf("a signature that does not verify: %s", r.Header.Get("X-Mdcheck-Signature"))
		}
		got = append(got, string(body))
	}))
	defer recv.Close()
	res, b := e.do("POST", "/api/v1/webhooks", admin, "application/json", `{"url": "`+recv.URL+`/mdcheck"}`)
	var hook fleetapp.Webhook
	if json.Unmarshal(b, &hook); res.StatusCode != 201 || !strings.HasPrefix(hook.Secret, "whsec_") {
		t.Fatalf("webhook: %d %s", res.StatusCode, b)
	}
	secret = hook.Secret
	if _, b := e.do("GET", "/api/v1/webhooks", admin, "", ""); strings.Contains(string(b), secret) {
		t.Error("the list shows the secret")
	}
	dev := e.openFindings(admin, "", "Ward 3")
	d := fleetapp.DefaultDelivery()
	d.Backoff, d.Attempts = time.Millisecond, 3
	for i := 0; i < 20 && len(got) == 0; i++ {
		if _, err := e.fleet.Deliver(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], `"event":"findings.opened"`) || !strings.Contains(got[0], `"opened":[{"id":"auth/`) || !strings.Contains(got[0], "at Ward 3") {
		t.Fatalf("received %d: %v", len(got), got)
	}
	_, b = e.do("GET", "/api/v1/notifications", admin, "", "")
	var ns struct{ Items []fleetapp.Notification }
	if json.Unmarshal(b, &ns); len(ns.Items) != 1 || ns.Items[0].Status != "delivered" || ns.Items[0].Attempts != 2 || ns.Items[0].Delivered == nil {
		t.Errorf("notifications: %s", b)
	}
	// A receiver that is not there: undelivered after every attempt.
	e.do("DELETE", "/api/v1/webhooks/"+hook.ID, admin, "", "")
	e.do("POST", "/api/v1/webhooks", admin, "application/json", `{"url": "http://127.0.0.1:9/gone"}`)
	e.openFindings(admin, dev, "")
	for i := 0; i < 20; i++ {
		e.fleet.Deliver(context.Background(), d)
		time.Sleep(5 * time.Millisecond)
	}
	_, b = e.do("GET", "/api/v1/notifications", admin, "", "")
	if json.Unmarshal(b, &ns); len(ns.Items) != 2 || ns.Items[1].Status != "undelivered" || ns.Items[1].Attempts != 3 || ns.Items[1].LastError == "" {
		t.Errorf("undelivered: %s", b)
	}
	if res, _ := e.do("POST", "/api/v1/webhooks", admin, "application/json", `{"url": "ftp://example.org/x"}`); res.StatusCode != 422 {
		t.Errorf("an ftp webhook: %d", res.StatusCode)
	}
}

// log4j uploads a gateway whose SBOM carries log4j-core 2.14.1 (Log4Shell,
// in CISA's KEV catalog) and returns the device's ID.
func (e *env) log4j(tok string) string {
	t := e.t
	t.Helper()
	model := "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: Acme, product: Gateway, model: G1}\ncomponents:\n  - {id: gw, name: Gateway, kind: gateway, role: device, sbom: sbom/gw.cdx.json}\n"
	sbom := `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","name":"log4j-core","group":"org.apache.logging.log4j","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]}`
	res, b := e.do("POST", "/api/v1/devices", tok, "application/yaml", model)
	var dev struct{ ID string }
	if json.Unmarshal(b, &dev); res.StatusCode != 201 {
		t.Fatalf("device: %d %s", res.StatusCode, b)
	}
	if res, b := e.do("PUT", "/api/v1/devices/"+dev.ID+"/files/sbom/gw.cdx.json", tok, "application/json", sbom); res.StatusCode != 201 {
		t.Fatalf("sbom: %d %s", res.StatusCode, b)
	}
	return dev.ID
}

// TestKEVOpensHandlingCase: a known-exploited vulnerability found on a
// device opens one vulnerability-handling case, with a review date and
// no reporting clock; assessing again opens no second one.
func TestKEVOpensHandlingCase(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	dev := e.log4j(tok)
	for range 2 {
		e.fleet.RunQueued(context.Background(), 10)
		e.do("POST", "/api/v1/devices/"+dev+"/assessments", tok, "", "")
	}
	e.fleet.RunQueued(context.Background(), 10)
	_, b := e.do("GET", "/api/v1/cases", tok, "", "")
	var cs struct{ Items []fleetapp.Case }
	json.Unmarshal(b, &cs)
	if len(cs.Items) != 1 {
		t.Fatalf("%d cases, want one: %s", len(cs.Items), b)
	}
	c := cs.Items[0]
	if c.Type != fleetapp.HandlingCase || c.Vulnerability != "GHSA-jfh8-c2jp-5v3q" || len(c.Clocks) != 0 || c.ReviewDue == nil || c.ReviewDue.Sub(c.Created) < 13*24*time.Hour || c.Owner != "unassigned" {
		t.Errorf("case: %+v", c)
	}
	bad := `{"type": "vulnerability-handling", "title": "x", "owner": "o", "devices": ["` + dev + `"], "vulnerability": "CVE-1", "reviewDue": "2027-01-01T00:00:00Z", "kinds": ["gdpr-personal-data-breach"]}`
	if res, b := e.do("POST", "/api/v1/cases", tok, "application/json", bad); res.StatusCode != 422 || !strings.Contains(string(b), "no reporting clock") {
		t.Errorf("a handling case with clocks: %d %s", res.StatusCode, b)
	}
}

// TestDataChangeReassesses: when the vulnerability data changes (a db
// import replaces the database the server matches against), the devices
// the new or changed records reach are assessed again, and only those;
// unchanged data queues nothing; a server that did not see the data
// before the change (it was stopped) assesses every device.
func TestDataChangeReassesses(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	db := func(records ...string) {
		t.Helper()
		var paths []string
		for _, r := range records {
			paths = append(paths, "../vuln/testdata/osv/"+r+".json")
		}
		if _, err := e.app.DBImport(ctx, app.ImportOptions{Paths: paths, AllowShrink: true}); err != nil {
			t.Fatal(err)
		}
	}
	db("GHSA-5crp-9r3c-p9vr")
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	gw := e.log4j(tok)
	plain, _ := e.device(tok)
	e.fleet.RunQueued(ctx, 10)
	if n, err := e.fleet.Monitor(ctx); err != nil || n != 0 {
		t.Fatalf("the first look queues %d (%v), want 0", n, err)
	}
	if n, _ := e.fleet.Monitor(ctx); n != 0 {
		t.Errorf("unchanged data queued %d", n)
	}
	count := func(dev string) int {
		_, b := e.do("GET", "/api/v1/devices/"+dev+"/assessments", tok, "", "")
		var list struct{ Items []fleetapp.Assessment }
		json.Unmarshal(b, &list)
		return len(list.Items)
	}
	before := map[string]int{gw: count(gw), plain: count(plain)}
	// Log4Shell's record arrives: the gateway alone is reached.
	db("GHSA-5crp-9r3c-p9vr", "GHSA-jfh8-c2jp-5v3q")
	if n, err := e.fleet.Monitor(ctx); err != nil || n != 1 {
		t.Fatalf("after the import: queued %d (%v), want the gateway", n, err)
	}
	e.fleet.RunQueued(ctx, 10)
	if count(gw) != before[gw]+1 || count(plain) != before[plain] {
		t.Errorf("assessments: gateway %d, plain %d (before %v)", count(gw), count(plain), before)
	}
	_, b := e.do("GET", "/api/v1/devices/"+gw+"/assessments", tok, "", "")
	var list struct{ Items []fleetapp.Assessment }
	json.Unmarshal(b, &list)
	_, r := e.do("GET", "/api/v1/assessments/"+list.Items[len(list.Items)-1].ID, tok, "", "")
	if !strings.Contains(string(r), "GHSA-jfh8-c2jp-5v3q") || strings.Contains(string(r), `"builtin": true`) {
		t.Errorf("the new assessment does not rest on the new data: %.600s", r)
	}
	// The same content again: nothing.
	db("GHSA-5crp-9r3c-p9vr", "GHSA-jfh8-c2jp-5v3q")
	if n, _ := e.fleet.Monitor(ctx); n != 0 {
		t.Errorf("the same data queued %d", n)
	}
	// A server started after a change it did not see assesses all.
	f2, err := fleetapp.Open(ctx, e.app, "sqlite:"+e.dir+"/fleet.db")
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	db("GHSA-jfh8-c2jp-5v3q")
	if n, err := f2.Monitor(ctx); err != nil || n != 2 {
		t.Errorf("a change a stopped server missed: queued %d (%v), want every device", n, err)
	}
}

// smtpSink is an SMTP server on loopback that keeps every message.
func smtpSink(t *testing.T) (addr string, messages func() []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	var got []string
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				say := func(s string) { fmt.Fprintf(c, "%s\r\n", s) }
				say("220 sink")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
					case "EHLO", "HELO":
						say("250 sink")
					case "DATA":
						say("354 go on")
						var msg strings.Builder
						for {
							l, err := r.ReadString('\n')
							if err != nil || l == ".\r\n" {
								break
							}
							msg.WriteString(l)
						}
						mu.Lock()
						got = append(got, msg.String())
						mu.Unlock()
						say("250 kept")
					case "QUIT":
						say("221 bye")
						return
					default:
						say("250 ok")
					}
				}
			}(c)
		}
	}()
	return ln.Addr().String(), func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
}

// TestEmailNotifications: a mailto: webhook gets the notification as an
// e-mail through the relay, with what to do in words and the signed
// JSON; without a relay it is retried, then undelivered.
func TestEmailNotifications(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.token("A", fleetapp.RoleAdmin)
	relay, messages := smtpSink(t)
	if res, b := e.do("POST", "/api/v1/webhooks", admin, "application/json", `{"url": "mailto:secops@hospital.example"}`); res.StatusCode != 201 {
		t.Fatalf("mailto: %d %s", res.StatusCode, b)
	}
	if res, _ := e.do("POST", "/api/v1/webhooks", admin, "application/json", `{"url": "mailto:a@b.example, c@d.example"}`); res.StatusCode != 422 {
		t.Errorf("two addresses: %d", res.StatusCode)
	}
	dev := e.openFindings(admin, "", "")
	d := fleetapp.DefaultDelivery()
	d.Backoff, d.Attempts, d.SMTP, d.From = time.Millisecond, 2, relay, "mdcheck@server.example"
	for i := 0; i < 20 && len(messages()) == 0; i++ {
		e.fleet.Deliver(context.Background(), d)
		time.Sleep(5 * time.Millisecond)
	}
	ms := messages()
	if len(ms) != 1 || !strings.Contains(ms[0], "Subject: mdcheck: 1 finding(s) opened on Pump P1") || !strings.Contains(ms[0], "To: secops@hospital.example") ||
		!strings.Contains(ms[0], "X-Mdcheck-Signature: sha256=") || !strings.Contains(ms[0], "- auth/") {
		t.Fatalf("messages: %q", ms)
	}
	// Without a relay: retried, then undelivered, saying why.
	d.SMTP = ""
	e.openFindings(admin, dev, "")
	for i := 0; i < 10; i++ {
		e.fleet.Deliver(context.Background(), d)
		time.Sleep(5 * time.Millisecond)
	}
	_, b := e.do("GET", "/api/v1/notifications", admin, "", "")
	var ns struct{ Items []fleetapp.Notification }
	if json.Unmarshal(b, &ns); len(ns.Items) != 2 || ns.Items[1].Status != "undelivered" || !strings.Contains(ns.Items[1].LastError, "--smtp") {
		t.Errorf("without a relay: %s", b)
	}
}

// flipHead is a device model whose interface's authentication is
// unstated; with ", authentication: {required: false}}]}" it is stated
// false, which opens findings.
const flipHead = "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: Pump, model: P1}\ncomponents:\n  - {id: a, name: a, kind: gateway, role: device, interfaces: [{id: net, kind: wifi, exposure: hospital-network, changesConfiguration: true"

// openFindings makes a device's assessments open findings: one
// without them, then one with. With id "" it makes the device first
// (at site, when given); it returns the device's ID.
func (e *env) openFindings(tok, id, site string) string {
	t := e.t
	t.Helper()
	if id == "" {
		res, b := e.do("POST", "/api/v1/devices", tok, "application/yaml", flipHead+"}]}\n")
		var dev struct{ ID string }
		if json.Unmarshal(b, &dev); res.StatusCode != 201 {
			t.Fatalf("device: %d %s", res.StatusCode, b)
		}
		id = dev.ID
		if site != "" {
			e.do("PATCH", "/api/v1/devices/"+id, tok, "application/json", `{"site": "`+site+`"}`)
		}
	} else {
		e.do("PUT", "/api/v1/devices/"+id+"/model", tok, "application/yaml", flipHead+"}]}\n")
	}
	e.fleet.RunQueued(context.Background(), 10)
	e.do("PUT", "/api/v1/devices/"+id+"/model", tok, "application/yaml", flipHead+", authentication: {required: false}}]}\n")
	e.fleet.RunQueued(context.Background(), 10)
	return id
}

// TestOverview: the fleet at a glance from each device's newest done
// assessment, a device never assessed counted but not assessed.
func TestOverview(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	pump := e.example(tok, "infusion-pump")
	e.example(tok, "pacemaker-system")
	gw := e.log4j(tok)
	e.do("PATCH", "/api/v1/devices/"+pump, tok, "application/json", `{"site": "Ward 3"}`)
	e.fleet.RunQueued(context.Background(), 50)
	e.device(tok) // queued, never run
	res, b := e.do("GET", "/api/v1/overview", tok, "", "")
	var o fleetapp.Overview
	if err := json.Unmarshal(b, &o); err != nil || res.StatusCode != 200 {
		t.Fatalf("overview: %d %s", res.StatusCode, b)
	}
	total := 0
	for _, c := range o.Readiness {
		total += c.Count
	}
	if o.Devices != 4 || o.Assessed != 3 || total != 3 || len(o.Classes) == 0 || len(o.Missed) == 0 || len(o.Trend) != 1 || o.Trend[0].Assessments < 3 {
		t.Errorf("overview: %s", b)
	}
	if len(o.Exploited) != 1 || o.Exploited[0].Device != gw || o.Exploited[0].Exploited != 1 {
		t.Errorf("known exploited: %+v", o.Exploited)
	}
	if !strings.Contains(string(b), `"name":"Ward 3","count":1`) && !strings.Contains(string(b), `"name": "Ward 3",`) {
		t.Errorf("sites: %s", b)
	}
	for _, c := range o.Classes {
		if c.Name == "undecided" {
			t.Errorf("a class left undecided: %s", b)
		}
	}
}

// receiver registers, with the admin token, a webhook on loopback that
// keeps what it receives, checking each signature; received returns it.
func (e *env) receiver(admin string) (received func() []string) {
	t := e.t
	var mu sync.Mutex
	var got []string
	var secret string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Mdcheck-Signature") != fleetapp.Sign(secret, r.Header.Get("X-Mdcheck-Timestamp"), body) {
			t.Errorf("a signature that does not verify: %s", r.Header.Get("X-Mdcheck-Signature"))
			w.WriteHeader(400)
			return
		}
		got = append(got, string(body))
	}))
	t.Cleanup(recv.Close)
	res, b := e.do("POST", "/api/v1/webhooks", admin, "application/json", `{"url": "`+recv.URL+`/hook"}`)
	var hook fleetapp.Webhook
	if json.Unmarshal(b, &hook); res.StatusCode != 201 {
		t.Fatalf("webhook: %d %s", res.StatusCode, b)
	}
	mu.Lock()
	secret = hook.Secret
	mu.Unlock()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// TestImportedAdvisoryReachesTheFleet: an advisory imported through the
// API joins the organisation's assessments. One re-match queues the
// device it reaches and not the other; the new assessment carries the
// finding and the overlay's stamp; the webhook receives the signed
// notification naming it; a second re-match queues nothing.
func TestImportedAdvisoryReachesTheFleet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// The main database lacks the record the organisation imports.
	if _, err := e.app.DBImport(ctx, app.ImportOptions{Paths: []string{"../vuln/testdata/osv/GHSA-jfh8-c2jp-5v3q.json"}}); err != nil {
		t.Fatal(err)
	}
	admin, _ := e.token("A", fleetapp.RoleAdmin)
	pump, pacemaker := e.example(admin, "infusion-pump"), e.example(admin, "pacemaker-system")
	e.fleet.RunQueued(ctx, 10)
	if n, err := e.fleet.Monitor(ctx); err != nil || n != 0 {
		t.Fatalf("before the import the monitor queued %d (%v)", n, err)
	}
	count := func(dev string) (int, fleetapp.Assessment) {
		_, b := e.do("GET", "/api/v1/devices/"+dev+"/assessments", admin, "", "")
		var list struct{ Items []fleetapp.Assessment }
		json.Unmarshal(b, &list)
		return len(list.Items), list.Items[len(list.Items)-1]
	}
	before := map[string]int{}
	before[pump], _ = count(pump)
	before[pacemaker], _ = count(pacemaker)
	received := e.receiver(admin)

	if res, b := e.do("POST", "/api/v1/advisories", admin, "application/json", string(osvRecord)); res.StatusCode != 201 {
		t.Fatalf("import: %d %s", res.StatusCode, b)
	}
	if n, err := e.fleet.Monitor(ctx); err != nil || n != 1 {
		t.Fatalf("the re-match queued %d (%v), want the pump alone", n, err)
	}
	e.fleet.RunQueued(ctx, 10)
	for dev, want := range map[string]bool{pump: true, pacemaker: false} {
		n, last := count(dev)
		if added := n - before[dev]; want != (added == 1) || added > 1 || last.Status != "done" {
			t.Fatalf("%s: %d assessments added, the last %s", dev, added, last.Status)
		}
		_, r := e.do("GET", "/api/v1/assessments/"+last.ID, admin, "", "")
		if has := strings.Contains(string(r), "drug-library/GHSA-5crp-9r3c-p9vr"); has != want || want && !strings.Contains(string(r), `"overlay": "`) {
			t.Errorf("%s: the finding is there: %v, want %v; %.400s", dev, has, want, r)
		}
	}
	d := fleetapp.DefaultDelivery()
	for i := 0; i < 20 && len(received()) == 0; i++ {
		e.fleet.Deliver(ctx, d)
		time.Sleep(5 * time.Millisecond)
	}
	if got := received(); len(got) != 1 || !strings.Contains(got[0], `"vulnerabilities":["GHSA-5crp-9r3c-p9vr"]`) || !strings.Contains(got[0], pump) {
		t.Errorf("notifications received: %v", got)
	}
	if n, err := e.fleet.Monitor(ctx); err != nil || n != 0 {
		t.Errorf("a second re-match queued %d (%v)", n, err)
	}
}

// TestScheduledUpdate: serve --db-update runs db update on its interval
// and wakes the monitor, which re-assesses the device the new records
// reach (here the update imports a folder: no network).
func TestScheduledUpdate(t *testing.T) {
	e := newEnv(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	gw := e.log4j(tok)
	e.fleet.RunQueued(ctx, 10)
	if _, err := e.fleet.Monitor(ctx); err != nil {
		t.Fatal(err)
	}
	before := len(e.assessments(tok, gw))
	e.loops(t, func(ctx context.Context) { e.s.Work(ctx, 20*time.Millisecond) }, func(ctx context.Context) { e.s.Monitor(ctx, time.Hour) },
		func(ctx context.Context) {
			e.s.Update(ctx, app.UpdateOptions{Mirror: filepath.Join(e.dir, "feeds"), Paths: []string{"../vuln/testdata/osv"}}, 20*time.Millisecond)
		})
	for i := 0; i < 300; i++ {
		if as := e.assessments(tok, gw); len(as) > before && as[len(as)-1].Status == "done" {
			_, r := e.do("GET", "/api/v1/assessments/"+as[len(as)-1].ID, tok, "", "")
			if strings.Contains(string(r), `"builtin": true`) || !strings.Contains(string(r), "GHSA-jfh8-c2jp-5v3q") {
				t.Errorf("the assessment after the update: %.500s", r)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no assessment after the scheduled update")
}

// loops runs the server's loops until the test ends, and waits for them
// before the test's folders are removed: one may be writing into them.
func (e *env) loops(t *testing.T, loops ...func(context.Context)) {
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, l := range loops {
		wg.Add(1)
		go func() { defer wg.Done(); l(ctx) }()
	}
	t.Cleanup(func() { stop(); wg.Wait() })
}

// assessments lists a device's assessments, oldest first.
func (e *env) assessments(tok, dev string) []fleetapp.Assessment {
	_, b := e.do("GET", "/api/v1/devices/"+dev+"/assessments?limit=500", tok, "", "")
	var list struct{ Items []fleetapp.Assessment }
	json.Unmarshal(b, &list)
	return list.Items
}

// TestRematchByName: a CSAF advisory that names a product in words (a
// CISA ICSMA advisory) reaches, by its index of subjects, the devices
// whose identity it names and not another; a device with no index (its
// assessment failed) is read whole, and queued when its files cannot be
// read; a device with an assessment waiting gets no second one.
func TestRematchByName(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	xtr := "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: Spacelabs, product: Xhibit Telemetry Receiver (XTR), model: \"96280\", version: 1.0.2}\ncomponents: [{id: rx, name: Receiver, kind: gateway, role: device}]\n"
	add := func(m string) string {
		res, b := e.do("POST", "/api/v1/devices", tok, "application/yaml", m)
		var d struct{ ID string }
		if json.Unmarshal(b, &d); res.StatusCode != 201 {
			t.Fatalf("device: %d %s", res.StatusCode, b)
		}
		return d.ID
	}
	named, other := add(xtr), add(model)
	late := add(strings.Replace(xtr, "96280", "96281", 1))
	// Its assessment fails: no index.
	broken := add("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B, model: C}\ncomponents: [{id: a, name: a, kind: gateway, role: device, sbom: sbom/missing.json}]\n")
	e.fleet.RunQueued(ctx, 10)
	// Queued, not run yet: it will see the advisory when it runs.
	waiting := add(strings.Replace(xtr, "96280", "96282", 1))
	csaf, err := os.ReadFile("../vuln/testdata/csaf/icsma-20-049-01.json")
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]int{}
	for _, d := range []string{named, other, late, broken, waiting} {
		before[d] = len(e.assessments(tok, d))
	}
	if res, b := e.do("POST", "/api/v1/advisories", tok, "application/json", string(csaf)); res.StatusCode != 201 {
		t.Fatalf("import: %d %s", res.StatusCode, b)
	}
	if _, err := e.fleet.Monitor(ctx); err != nil {
		t.Fatal(err)
	}
	if as := e.assessments(tok, broken); as[len(as)-1].Status != "queued" || as[len(as)-2].Status != "failed" {
		t.Errorf("the device whose assessment failed: %+v", as)
	}
	for d, want := range map[string]int{named: 1, other: 0, late: 1, broken: 1, waiting: 0} {
		if got := len(e.assessments(tok, d)) - before[d]; got != want {
			t.Errorf("device %s: %d assessments queued, want %d", d, got, want)
		}
	}
}

// TestDocuments: documents asked for a device are rendered by the
// assessment queued for them, from its own check; each format's bytes
// come with its media type; a superseded assessment hands them on; an
// unknown format, another organisation and a document not made yet are
// refused.
func TestDocuments(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.token("A", fleetapp.RoleAssessor)
	other, _ := e.token("B", fleetapp.RoleAssessor)
	dev, _ := e.device(tok)
	if res, b := e.do("POST", "/api/v1/devices/"+dev+"/documents", tok, "application/json", `{"formats": ["html", "docx"]}`); res.StatusCode != 422 || !strings.Contains(string(b), `format \"docx\"`) {
		t.Errorf("an unknown format: %d %s", res.StatusCode, b)
	}
	if res, _ := e.do("POST", "/api/v1/devices/"+dev+"/documents", other, "application/json", `{"formats": ["md"]}`); res.StatusCode != 404 {
		t.Errorf("another organisation's device: %d", res.StatusCode)
	}
	res, b := e.do("POST", "/api/v1/devices/"+dev+"/documents", tok, "application/json", `{"formats": ["md", "sarif", "gspr"]}`)
	var out struct {
		Assessment fleetapp.Assessment
		Documents  []fleetapp.Document
	}
	if json.Unmarshal(b, &out); res.StatusCode != 202 || len(out.Documents) != 3 || out.Documents[0].Status != "queued" {
		t.Fatalf("queue documents: %d %s", res.StatusCode, b)
	}
	first := out.Assessment.ID
	if res, b := e.do("GET", "/api/v1/assessments/"+first+"/documents/md", tok, "", ""); res.StatusCode != 409 || res.Header.Get("Retry-After") == "" {
		t.Errorf("a document not made yet: %d %s", res.StatusCode, b)
	}
	// A newer upload supersedes the assessment: the documents move on.
	res, b = e.do("POST", "/api/v1/devices/"+dev+"/assessments", tok, "", "")
	var newer fleetapp.Assessment
	if json.Unmarshal(b, &newer); res.StatusCode != 201 {
		t.Fatalf("reassess: %d %s", res.StatusCode, b)
	}
	e.fleet.RunQueued(context.Background(), 10)
	res, b = e.do("GET", "/api/v1/assessments/"+newer.ID+"/documents", tok, "", "")
	if !strings.Contains(string(b), `"format": "md"`) || strings.Count(string(b), `"status": "done"`) != 3 {
		t.Fatalf("documents of the assessment that ran: %d %s", res.StatusCode, b)
	}
	a, _ := e.fleet.Assessment(context.Background(), fleetapp.Actor{Org: out.Assessment.Org}, newer.ID)
	var rep struct {
		Device struct{ Product string }
	}
	if json.Unmarshal(a.Report, &rep); rep.Device.Product == "" {
		t.Fatalf("no product in the report: %.300s", a.Report)
	}
	for format, want := range map[string]string{"md": "text/markdown", "sarif": "application/", "gspr": "text/csv"} {
		res, body := e.do("GET", "/api/v1/assessments/"+newer.ID+"/documents/"+format, tok, "", "")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), want) || len(body) == 0 {
			t.Errorf("%s: %d %q %d bytes", format, res.StatusCode, res.Header.Get("Content-Type"), len(body))
		}
		if format == "md" && !strings.Contains(string(body), rep.Device.Product) {
			t.Errorf("the Markdown report is not of the assessed device %q: %.300s", rep.Device.Product, body)
		}
	}
	if res, _ := e.do("GET", "/api/v1/assessments/"+newer.ID+"/documents/md", other, "", ""); res.StatusCode != 404 {
		t.Errorf("another organisation reads the document: %d", res.StatusCode)
	}
	if res, b := e.do("GET", "/api/v1/assessments/"+first+"/documents", tok, "", ""); res.StatusCode != 200 || strings.Contains(string(b), `"format"`) {
		t.Errorf("the superseded assessment kept documents: %s", b)
	}
}
