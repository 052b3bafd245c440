package dashboard

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

type env struct {
	t     *testing.T
	fleet *fleetapp.Fleet
	srv   *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	a := app.New(app.Config{DB: filepath.Join(dir, "none.db"), Snapshot: true})
	f, err := fleetapp.Open(context.Background(), a, "sqlite:"+filepath.Join(dir, "fleet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r := chi.NewRouter()
	d := New(f, slog.New(slog.NewTextHandler(io.Discard, nil)), func() {})
	d.Mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &env{t: t, fleet: f, srv: srv}
}

// browser is a client that keeps cookies, signed in with a new token of
// the role, as a person's browser would be; it does not follow
// redirects, so that the tests see them.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) signIn(org string, role fleetapp.Role) *browser {
	e.t.Helper()
	secret, _, err := e.fleet.CreateToken(context.Background(), fleetapp.Actor{Token: "test"}, org, role)
	if err != nil {
		e.t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	b := &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	res, _ := b.post("/login", url.Values{"token": {secret}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in: %d", res.StatusCode)
	}
	// The test server is plain HTTP: the jar keeps no Secure cookie, so
	// they are carried by hand, as a browser does on loopback.
	u, _ := url.Parse(e.srv.URL)
	var keep []*http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == CSRFCookie {
			b.csrf = c.Value
		}
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode {
			e.t.Errorf("cookie %s: %+v", c.Name, c)
		}
		keep = append(keep, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	jar.SetCookies(u, keep)
	return b
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.e.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form as the dashboard's pages do: with this server as
// Origin and the session's CSRF token.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	if b.csrf != "" && !form.Has("csrf") {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.srv.URL)
	return b.do(req)
}

const model = "apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: Pump, model: P1}\ncomponents: [{id: a, name: a, kind: gateway, role: device}]\n"

// TestSignIn: without a session a page sends the browser to the login
// form, which brings it back after signing in; a wrong token is refused
// on the form; signing out ends the session.
func TestSignIn(t *testing.T) {
	e := newEnv(t)
	anon := &browser{e: e, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	res, _ := anon.get("/devices?site=x")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?next=%2Fdevices%3Fsite%3Dx" {
		t.Fatalf("no session: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := anon.get("/?next=%2Fdevices")
	if res.StatusCode != 200 || !strings.Contains(body, `name="next" value="/devices"`) || !strings.Contains(body, `<label for="token">`) {
		t.Fatalf("login page: %d %s", res.StatusCode, body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	res, body = anon.post("/login", url.Values{"token": {"mdt_wrong"}})
	if res.StatusCode != 401 || !strings.Contains(body, "unknown or revoked") {
		t.Errorf("a wrong token: %d %s", res.StatusCode, body)
	}
	b := e.signIn("A", fleetapp.RoleViewer)
	if res, body := b.get("/"); res.StatusCode != 200 || !strings.Contains(body, "Fleet overview") {
		t.Errorf("overview: %d %s", res.StatusCode, body)
	}
	if res, _ := b.post("/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign out: %d", res.StatusCode)
	}
	if res, _ := b.get("/devices"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after signing out: %d", res.StatusCode)
	}
	// A next that leaves the server is not followed.
	secret, _, _ := e.fleet.CreateToken(context.Background(), fleetapp.Actor{Token: "test"}, "A", fleetapp.RoleViewer)
	if res, _ := anon.post("/login", url.Values{"token": {secret}, "next": {"//evil.example/"}}); res.Header.Get("Location") != "/" {
		t.Errorf("next leaves the server: %s", res.Header.Get("Location"))
	}
}

// TestFormsNeedTheirToken: a change without the CSRF token, with another
// session's, or from another site's page is refused and changes
// nothing; a viewer cannot change anything.
func TestFormsNeedTheirToken(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("A", fleetapp.RoleAssessor)
	other := e.signIn("A", fleetapp.RoleAssessor)
	for name, form := range map[string]url.Values{
		"no token":        {"csrf": {""}, "model": {model}},
		"another session": {"csrf": {other.csrf}, "model": {model}},
	} {
		if res, _ := b.post("/devices", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/devices", strings.NewReader(url.Values{"csrf": {b.csrf}, "model": {model}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if res, _ := b.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("from another site: %d", res.StatusCode)
	}
	viewer := e.signIn("A", fleetapp.RoleViewer)
	if res, body := viewer.post("/devices", url.Values{"model": {model}}); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "assessor") {
		t.Errorf("a viewer adds a device: %d", res.StatusCode)
	}
	if _, body := b.get("/devices"); !strings.Contains(body, "No device matches") {
		t.Errorf("a refused form changed something: %s", body)
	}
	if _, body := viewer.get("/devices"); strings.Contains(body, `id="add-h"`) {
		t.Error("a viewer is shown the form to add a device")
	}
}

// TestPages: every page renders for a device with a done assessment, an
// advisory and a case; bad input is answered on the page with where and
// what; another organisation's objects are not found.
func TestPages(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("A", fleetapp.RoleAssessor)
	res, _ := b.post("/devices", url.Values{"model": {model}, "site": {"Ward 3"}})
	dev := strings.TrimPrefix(strings.Split(res.Header.Get("Location"), "?")[0], "/devices/")
	if res.StatusCode != http.StatusSeeOther || dev == "" {
		t.Fatalf("add: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, err := e.fleet.RunQueued(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	osv, err := os.ReadFile("../vuln/testdata/osv/GHSA-5crp-9r3c-p9vr.json")
	if err != nil {
		t.Fatal(err)
	}
	res, _ = b.post("/advisories", url.Values{"text": {string(osv)}})
	adv := strings.TrimPrefix(strings.Split(res.Header.Get("Location"), "?")[0], "/advisories/")
	res, _ = b.post("/cases", url.Values{"title": {"Breach"}, "kind": {"gdpr-personal-data-breach"}, "aware": {"2026-03-28T23:30"}, "zone": {"Europe/Berlin"}, "owner": {"DPO"}, "devices": {dev}})
	cs := strings.TrimPrefix(strings.Split(res.Header.Get("Location"), "?")[0], "/cases/")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("case: %d", res.StatusCode)
	}
	_, body := b.get("/devices/" + dev)
	m := regexp.MustCompile(`href="/assessments/([0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no assessment on the device page: %s", body)
	}
	for path, want := range map[string]string{
		"/":                         "Readiness",
		"/devices":                  "Ward 3",
		"/devices/" + dev:           "Open findings",
		"/devices/" + dev + "/edit": "identity: {manufacturer: A",
		"/assessments/" + m[1]:      "Requirements not met",
		"/advisories":               "GHSA-5crp-9r3c-p9vr",
		"/advisories/" + adv:        "1 device(s) on this page",
		"/cases":                    "Breach",
		// Aware on the night the clocks go forward: 72 hours later is
		// 00:30 CEST on the 1st of April.
		"/cases/" + cs:     "Wed 2026-04-01 00:30 CEST",
		"/waivers":         "waivers: []",
		"/notifications":   "None yet",
		"/no/such/page":    "",
		"/devices/nothing": "no such page",
	} {
		res, body := b.get(path)
		switch {
		case want == "":
			if res.StatusCode != 404 && res.StatusCode != 405 {
				t.Errorf("%s: %d", path, res.StatusCode)
			}
		case res.StatusCode != 200 && !strings.Contains(want, "no such"):
			t.Errorf("%s: %d %s", path, res.StatusCode, body)
		case !strings.Contains(body, want):
			t.Errorf("%s lacks %q: %s", path, want, body)
		}
		if res.StatusCode == 200 && (!strings.Contains(body, `<html lang="en">`) || strings.Count(body, "<h1") != 1) {
			t.Errorf("%s: no language or not one h1", path)
		}
	}
	// Bad input: said on the page, with where.
	res, body = b.post("/devices/"+dev+"/edit", url.Values{"path": {"device.yaml"}, "text": {"apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: [\n"}})
	if res.StatusCode != 422 || !strings.Contains(body, "device.yaml:") || !strings.Contains(body, `role="alert"`) {
		t.Errorf("a broken model: %d %s", res.StatusCode, body)
	}
	res, body = b.post("/cases", url.Values{"title": {"x"}, "kind": {"gdpr-personal-data-breach"}, "aware": {"yesterday"}, "owner": {"o"}})
	if res.StatusCode != 422 || !strings.Contains(body, "aware") {
		t.Errorf("a bad time: %d %s", res.StatusCode, body)
	}
	res, body = b.post("/waivers", url.Values{"text": {"waivers:\n  - finding: nosuch/rule@x\n    reason: r\n    owner: o\n    expires: \"2099-01-01\"\n"}})
	if res.StatusCode != 422 || !strings.Contains(body, "waivers.yaml:2:") {
		t.Errorf("a waiver on no rule: %d %s", res.StatusCode, body)
	}
	// An assessor edits the waivers: every device is assessed again.
	waiver := "waivers:\n  - finding: \"threat/battery-drain@*\"\n    reason: Bounded by the radio's duty cycle.\n    owner: Risk board\n    expires: \"2099-12-31\"\n"
	if res, _ := b.post("/waivers", url.Values{"text": {waiver}}); res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "1+device") {
		t.Errorf("waivers: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The jobs page is an admin's.
	if res, _ := b.get("/jobs"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an assessor opens /jobs: %d", res.StatusCode)
	}
	admin := e.signIn("A", fleetapp.RoleAdmin)
	if res, body := admin.get("/jobs"); res.StatusCode != 200 || !strings.Contains(body, "mdcheck_assess") || !strings.Contains(body, `href="/jobs"`) || strings.Count(body, "<h1") != 1 {
		t.Errorf("/jobs for an admin: %d %s", res.StatusCode, body)
	}
	if _, body := b.get("/"); strings.Contains(body, `href="/jobs"`) {
		t.Error("an assessor is offered the jobs page")
	}
	// Another organisation sees none of it.
	other := e.signIn("B", fleetapp.RoleAdmin)
	for _, path := range []string{"/devices/" + dev, "/assessments/" + m[1], "/advisories/" + adv, "/cases/" + cs} {
		if res, _ := other.get(path); res.StatusCode != 404 {
			t.Errorf("B opens %s: %d", path, res.StatusCode)
		}
	}
}

// TestPagePolicy: a page that shows needs a viewer, one that changes an
// assessor, as the API's routes for the same use cases do; signing in
// needs no one.
func TestPagePolicy(t *testing.T) {
	for _, p := range pages {
		want := fleetapp.RoleViewer
		switch {
		case p.Pattern == "/" || p.Pattern == "/login":
			want = ""
		case p.Pattern == "/logout":
		case p.Pattern == "/jobs":
			want = fleetapp.RoleAdmin // across organisations, as GET /api/v1/jobs
		case p.Method != "GET" || strings.HasSuffix(p.Pattern, "/edit"):
			want = fleetapp.RoleAssessor
		}
		if p.Role != want {
			t.Errorf("%s %s needs %q, want %q", p.Method, p.Pattern, p.Role, want)
		}
		if p.Method == "POST" && p.Max == 0 {
			t.Errorf("%s %s has no bound on its body", p.Method, p.Pattern)
		}
	}
}

// TestDocumentsPage: an assessor ticks formats on the device page; the
// assessment queued for them lists each document, a link once made.
func TestDocumentsPage(t *testing.T) {
	e := newEnv(t)
	e.fleet.SetRenderer(func(_ context.Context, format string, res *app.CheckResult) ([]byte, string, error) {
		return []byte("# " + res.Report.Device.Product), "text/markdown; charset=utf-8", nil
	}, []string{"md", "html"})
	b := e.signIn("A", fleetapp.RoleAssessor)
	res, _ := b.post("/devices", url.Values{"model": {model}})
	dev := strings.TrimPrefix(strings.Split(res.Header.Get("Location"), "?")[0], "/devices/")
	if res.StatusCode != http.StatusSeeOther || dev == "" {
		t.Fatalf("device: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := b.get("/devices/" + dev); !strings.Contains(body, `name="format" value="md"`) {
		t.Fatalf("no documents form on the device page: %s", body)
	}
	res, _ = b.post("/devices/"+dev+"/documents", url.Values{"format": {"md"}})
	loc := strings.Split(res.Header.Get("Location"), "?")[0]
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/assessments/") {
		t.Fatalf("documents: %d %s", res.StatusCode, loc)
	}
	if _, body := b.get(loc); !strings.Contains(body, "md: queued") {
		t.Errorf("the queued document is not listed: %s", body)
	}
	e.fleet.RunQueued(context.Background(), 10)
	if _, body := b.get(loc); !strings.Contains(body, `/documents/md">md</a>`) {
		t.Errorf("no link to the document made: %s", body)
	}
	if res, body := b.post("/devices/"+dev+"/documents", url.Values{}); res.StatusCode != 422 || !strings.Contains(body, "formats") {
		t.Errorf("no format ticked: %d", res.StatusCode)
	}
}
