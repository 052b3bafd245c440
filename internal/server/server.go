// Package server is mdcheck serve: the fleet's REST API under /api/v1
// over the same use cases as the command line. Every route is one entry
// of a table that also gives the role it needs, the OpenAPI description
// and the authorisation test.
package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/time/rate"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/dashboard"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

// route is one API route: what it does, who may call it, how it answers.
type route struct {
	Method, Pattern string
	// Role is the least role that may call it; "" for a public route.
	Role    fleetapp.Role
	Summary string
	// Body is the media type of the request body, "" for none; MaxBody
	// bounds it.
	Body    string
	MaxBody int64
	// Status is the success status.
	Status  int
	handler func(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error
}

// routes are the API.
var routes = []route{
	{Method: "GET", Pattern: "/api/v1/overview", Role: fleetapp.RoleViewer, Summary: "The fleet at a glance, from each device's newest done assessment: readiness in tenths, devices by MDR class and by site, the requirements missed most, how many devices have known-exploited vulnerabilities and the 100 with most, and the mean readiness per day over 30 days", Status: 200, handler: getOverview},
	{Method: "GET", Pattern: "/api/v1/org", Role: fleetapp.RoleViewer, Summary: "The token's organisation, with its sites and how many devices each has", Status: 200, handler: getOrg},
	{Method: "GET", Pattern: "/api/v1/devices", Role: fleetapp.RoleViewer, Summary: "List the organisation's devices; site (exact) and name (a case-insensitive part) narrow it (cursor pagination: limit, cursor)", Status: 200, handler: listDevices},
	{Method: "PATCH", Pattern: "/api/v1/devices/{id}", Role: fleetapp.RoleAssessor, Summary: `Place a device at a site (JSON {"site": "..."}; "" for none)`, Body: "application/json", MaxBody: 4 << 10, Status: 200, handler: patchDevice},
	{Method: "POST", Pattern: "/api/v1/devices", Role: fleetapp.RoleAssessor, Summary: "Upload a device model (application/yaml); stores it and starts its assessment", Body: "application/yaml", MaxBody: 4 << 20, Status: 201, handler: addDevice},
	{Method: "GET", Pattern: "/api/v1/devices/{id}", Role: fleetapp.RoleViewer, Summary: "One device", Status: 200, handler: getDevice},
	{Method: "GET", Pattern: "/api/v1/devices/{id}/assessments", Role: fleetapp.RoleViewer, Summary: "A device's assessments (cursor pagination: limit, cursor)", Status: 200, handler: listAssessments},
	{Method: "POST", Pattern: "/api/v1/devices/{id}/assessments", Role: fleetapp.RoleAssessor, Summary: "Assess the device again as it stands (after the vulnerability database changed, say): 201 with the queued assessment", Status: 201, handler: reassess},
	{Method: "GET", Pattern: "/api/v1/assessments/{id}", Role: fleetapp.RoleViewer, Summary: "One assessment with its report: the JSON report of mdcheck check (docs/schemas/check.schema.json)", Status: 200, handler: getAssessment},
	{Method: "POST", Pattern: "/api/v1/devices/{id}/documents", Role: fleetapp.RoleAssessor, Summary: `Render documents of the device as it stands (JSON {"formats": ["html", "pdf", "clinician", "md", "oscal", "sarif", "gspr", "ifu", "openvex", "csaf-vex", "json"]}): 202 with the assessment queued to make them from its own check`, Body: "application/json", MaxBody: 4 << 10, Status: 202, handler: queueDocuments},
	{Method: "GET", Pattern: "/api/v1/assessments/{id}/documents", Role: fleetapp.RoleViewer, Summary: "An assessment's documents: format, status (queued, done, failed), media type, size, error", Status: 200, handler: listDocuments},
	{Method: "GET", Pattern: "/api/v1/assessments/{id}/documents/{format}", Role: fleetapp.RoleViewer, Summary: "A document's bytes once made (409 while queued, or with why it failed)", Status: 200, handler: getDocument},
	{Method: "GET", Pattern: "/api/v1/assessments/{id}/changes", Role: fleetapp.RoleViewer, Summary: "What changed in this assessment since another of the same device (query since; default: the device's previous done assessment): readiness, requirements whose status changed, findings opened, closed or changed", Status: 200, handler: assessmentChanges},
	{Method: "PUT", Pattern: "/api/v1/devices/{id}/model", Role: fleetapp.RoleAssessor, Summary: "Upload a new version of the device's model (application/yaml); starts an assessment", Body: "application/yaml", MaxBody: 4 << 20, Status: 201, handler: putModel},
	{Method: "PUT", Pattern: "/api/v1/devices/{id}/files/*", Role: fleetapp.RoleAssessor, Summary: "Upload a new version of a file the model names (SBOM, MDS2 form, VEX, document) by its path relative to the model; starts an assessment", Body: "application/octet-stream", MaxBody: 32 << 20, Status: 201, handler: putFile},
	{Method: "GET", Pattern: "/api/v1/devices/{id}/versions", Role: fleetapp.RoleViewer, Summary: "Every version of the device's model and files", Status: 200, handler: listVersions},
	{Method: "GET", Pattern: "/api/v1/advisories", Role: fleetapp.RoleViewer, Summary: "The advisories the organisation imported (cursor pagination: limit, cursor)", Status: 200, handler: listAdvisories},
	{Method: "POST", Pattern: "/api/v1/advisories", Role: fleetapp.RoleAssessor, Summary: "Import an advisory (application/json: an OSV record, a CSAF 2.0 document such as a CISA ICSMA advisory, or a CVE JSON 5 record), read as db import reads it", Body: "application/json", MaxBody: 8 << 20, Status: 201, handler: importAdvisory},
	{Method: "GET", Pattern: "/api/v1/advisories/{id}/impact", Role: fleetapp.RoleViewer, Summary: "Which of the organisation's devices the advisory hits, each with the findings that say so; a page of devices at a time, each checked against this advisory alone (cursor pagination: limit, cursor)", Status: 200, handler: advisoryImpact},
	{Method: "GET", Pattern: "/api/v1/cases", Role: fleetapp.RoleViewer, Summary: "The organisation's vigilance cases, each with the reporting clocks it started (cursor pagination: limit, cursor)", Status: 200, handler: listCases},
	{Method: "POST", Pattern: "/api/v1/cases", Role: fleetapp.RoleAssessor, Summary: "Record an event (JSON: title, devices, kinds, aware, zone, owner, imdrf, nis2Notified, fscaStart): 201 with the clocks it starts (docs/vigilance.md)", Body: "application/json", MaxBody: 64 << 10, Status: 201, handler: postCase},
	{Method: "GET", Pattern: "/api/v1/cases/{id}", Role: fleetapp.RoleViewer, Summary: "One case with its clocks", Status: 200, handler: getCase},
	{Method: "PUT", Pattern: "/api/v1/cases/{id}", Role: fleetapp.RoleAssessor, Summary: "A new state of a case (the same JSON as POST: when the NIS2 notification was submitted, the corrective action's start, the status)", Body: "application/json", MaxBody: 64 << 10, Status: 200, handler: putCase},
	{Method: "GET", Pattern: "/api/v1/jobs", Role: fleetapp.RoleAdmin, Summary: "The server's work across every process and organisation: jobs by kind and state and the latest errors (PostgreSQL); with SQLite the assessments and notifications by status", Status: 200, handler: getJobs},
	{Method: "GET", Pattern: "/api/v1/webhooks", Role: fleetapp.RoleAdmin, Summary: "The organisation's webhooks (without their secrets)", Status: 200, handler: listWebhooks},
	{Method: "POST", Pattern: "/api/v1/webhooks", Role: fleetapp.RoleAdmin, Summary: `Register a webhook (JSON {"url": "https://..."}): 201 with the secret that signs its notifications, shown once`, Body: "application/json", MaxBody: 4 << 10, Status: 201, handler: addWebhook},
	{Method: "DELETE", Pattern: "/api/v1/webhooks/{id}", Role: fleetapp.RoleAdmin, Summary: "Stop a webhook; its notifications stay recorded", Status: 204, handler: deleteWebhook},
	{Method: "GET", Pattern: "/api/v1/notifications", Role: fleetapp.RoleViewer, Summary: "The organisation's notifications with their delivery: status, attempts, next attempt, last error (cursor pagination: limit, cursor)", Status: 200, handler: listNotifications},
	{Method: "GET", Pattern: "/api/v1/policies", Role: fleetapp.RoleViewer, Summary: "The organisation's policies (CEL rules every assessment applies) and waiver file: newest versions with size and SHA-256", Status: 200, handler: listOrgFiles},
	{Method: "PUT", Pattern: "/api/v1/policies/{name}", Role: fleetapp.RoleAdmin, Summary: "Upload a new version of a policy (application/yaml, as check --policy reads it); every device is assessed again", Body: "application/yaml", MaxBody: 1 << 20, Status: 201, handler: putPolicy},
	{Method: "DELETE", Pattern: "/api/v1/policies/{name}", Role: fleetapp.RoleAdmin, Summary: "Withdraw a policy; every device is assessed again", Status: 200, handler: deletePolicy},
	{Method: "GET", Pattern: "/api/v1/waivers", Role: fleetapp.RoleViewer, Summary: "The organisation's waiver file, newest version, as YAML (waivers: [] when there is none)", Status: 200, handler: getWaivers},
	{Method: "PUT", Pattern: "/api/v1/waivers", Role: fleetapp.RoleAssessor, Summary: "Upload a new version of the waiver file (application/yaml, as check --waivers reads it: findings set aside and threats accepted, each with reason, owner and expiry; empty: none); every device is assessed again", Body: "application/yaml", MaxBody: 1 << 20, Status: 201, handler: putWaivers},
	{Method: "POST", Pattern: "/api/v1/session", Summary: `Log a browser in with a token (JSON {"token": "..."}): sets the session cookie (HttpOnly, Secure, SameSite=Strict, 12 hours) and returns the CSRF token that changing requests repeat in X-CSRF-Token`, Body: "application/json", MaxBody: 4 << 10, Status: 201, handler: login},
	{Method: "DELETE", Pattern: "/api/v1/session", Role: fleetapp.RoleViewer, Summary: "Log the browser out: ends the session and clears its cookie", Status: 204, handler: logout},
	{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Role: fleetapp.RoleAdmin, Summary: "Revoke a token of the organisation", Status: 204, handler: revokeToken},
}

// Config configures a server.
type Config struct {
	Fleet *fleetapp.Fleet
	// Log receives one JSON line per request and per event.
	Log *slog.Logger
	// RatePerToken is the sustained requests per second a token may make
	// (burst 4x); 0 means 20.
	RatePerToken float64
	// Workers is how many assessments run at once; 0 means 2.
	Workers int
	// HealthOnly serves health, readiness and metrics alone: a worker
	// process's.
	HealthOnly bool
	// Build is stamped on the documents assessments render.
	Build app.BuildInfo
}

// Server serves the API.
type Server struct {
	cfg    Config
	mux    http.Handler
	mu     sync.Mutex
	limits map[string]*rate.Limiter
	wake   chan struct{}
	// watch wakes the monitor: an advisory was imported.
	watch   chan struct{}
	metrics *metrics
	Started time.Time
}

// New builds the server's handler.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	if cfg.RatePerToken == 0 {
		cfg.RatePerToken = 20
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	cfg.Fleet.SetRenderer(renderer(cfg.Build), documentFormats())
	s := &Server{cfg: cfg, limits: map[string]*rate.Limiter{}, wake: make(chan struct{}, cfg.Workers), watch: make(chan struct{}, 1), metrics: newMetrics(cfg.Fleet), Started: time.Now()}
	r := chi.NewRouter()
	r.Use(s.headers, s.logRequests)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	r.Get("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := cfg.Fleet.Ready(r.Context()); err != nil {
			problem(w, r, 503, "Not ready", "the store does not answer: "+err.Error())
			return
		}
		writeJSON(w, 200, map[string]string{"status": "ready"})
	})
	r.Get("/metrics", s.metricsHandler())
	if cfg.HealthOnly {
		r.NotFound(func(w http.ResponseWriter, r *http.Request) {
			problem(w, r, 404, "Not found", "a worker process serves /healthz, /readyz and /metrics alone; the API is on the api processes")
		})
		s.mux = r
		return s
	}
	r.Get("/api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) { s.writeCached(w, r, 200, OpenAPI()) })
	for _, rt := range routes {
		r.Method(rt.Method, rt.Pattern, s.handle(rt))
	}
	dash := dashboard.New(cfg.Fleet, cfg.Log, func() { s.kick(); s.poke() })
	dash.Mount(r)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			dash.NotFound(w, r)
			return
		}
		problem(w, r, 404, "Not found", "no such route: "+r.URL.Path)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		problem(w, r, 405, "Method not allowed", r.Method+" is not allowed on "+r.URL.Path)
	})
	s.mux = r
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// headers sets the security headers of every answer.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(c int) { w.status = c; w.ResponseWriter.WriteHeader(c) }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		s.metrics.observe(r, sw.status, time.Since(start))
		s.cfg.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// handle wraps a route: the token, its role, the rate limit, the body's
// type and size, and errors as problem details.
func (s *Server) handle(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if rt.Role == "" { // public: the handler authenticates
			if err := rt.handler(s, w, r, fleetapp.Actor{}); err != nil {
				s.fail(w, r, err)
			}
			return
		}
		by, status, detail := s.authenticate(r)
		if status != 0 {
			if status == 401 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="mdcheck"`)
			}
			problem(w, r, status, http.StatusText(status), detail)
			return
		}
		if !s.allow(by.Token) {
			w.Header().Set("Retry-After", "1")
			problem(w, r, 429, "Too many requests", "this token's rate limit is reached")
			return
		}
		if !by.Role.AtLeast(rt.Role) {
			problem(w, r, 403, "Forbidden", fmt.Sprintf("%s %s needs the %s role; this token is %s", rt.Method, rt.Pattern, rt.Role, by.Role))
			return
		}
		if rt.Body != "" {
			// A file is taken as bytes whatever its type; a model must say
			// it is YAML.
			if ct := strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]); ct != rt.Body && rt.Body != "application/octet-stream" {
				problem(w, r, 415, "Unsupported media type", "the body must be "+rt.Body+", not "+strconv.Quote(ct))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, rt.MaxBody)
			// The body's bytes count against the memory budget before
			// they are read, as the assessments' do.
			n := r.ContentLength
			if n < 0 || n > rt.MaxBody {
				n = rt.MaxBody
			}
			release, err := s.cfg.Fleet.Reserve(r.Context(), n)
			if err != nil {
				return
			}
			defer release()
		}
		if err := rt.handler(s, w, r, by); err != nil {
			s.fail(w, r, err)
		}
	}
}

// sessionCookie is the browser session's cookie.
const sessionCookie = dashboard.SessionCookie

// authenticate is who makes a request: a bearer token, or a browser
// session whose changing requests repeat its CSRF token. It returns a
// status and a detail when it is nobody.
func (s *Server) authenticate(r *http.Request) (fleetapp.Actor, int, string) {
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || secret == "" {
			return fleetapp.Actor{}, 401, "the Authorization header must be: Bearer TOKEN"
		}
		by, err := s.cfg.Fleet.Authenticate(r.Context(), secret)
		if err != nil {
			return fleetapp.Actor{}, 401, "the token is unknown or revoked"
		}
		return by, 0, ""
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return fleetapp.Actor{}, 401, "an API token is needed: Authorization: Bearer TOKEN (mdcheck token create), or a session (POST /api/v1/session)"
	}
	by, csrf, err := s.cfg.Fleet.Session(r.Context(), c.Value, r.Header.Get("X-CSRF-Token"))
	if err != nil {
		return fleetapp.Actor{}, 401, "the session has expired or was ended"
	}
	if r.Method != "GET" && r.Method != "HEAD" && !csrf {
		return fleetapp.Actor{}, 403, "a request made with the session cookie must repeat its CSRF token in X-CSRF-Token"
	}
	return by, 0, ""
}

func login(s *Server, w http.ResponseWriter, r *http.Request, _ fleetapp.Actor) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return app.InputError{Err: fmt.Errorf("the body must be {\"token\": \"...\"}: %w", err)}
	}
	secret, csrf, expires, err := s.cfg.Fleet.Login(r.Context(), in.Token)
	if errors.Is(err, fleetapp.ErrNotFound) {
		problem(w, r, 401, "Unauthorized", "the token is unknown or revoked")
		return nil
	} else if err != nil {
		return err
	}
	dashboard.SetSession(w, secret, csrf, expires)
	writeJSON(w, 201, map[string]any{"csrf": csrf, "expires": expires})
	return nil
}

func logout(s *Server, w http.ResponseWriter, r *http.Request, _ fleetapp.Actor) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.cfg.Fleet.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	dashboard.SetSession(w, "", "", time.Unix(0, 0))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// allow applies the token's rate limit.
func (s *Server) allow(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limits[token]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(s.cfg.RatePerToken), int(4*s.cfg.RatePerToken))
		s.limits[token] = l
	}
	return l.Allow()
}

// fail answers an error as problem details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		problem(w, r, 413, "Content too large", fmt.Sprintf("the body is over %d bytes", tooBig.Limit))
	case errors.Is(err, fleetapp.ErrNotFound):
		problem(w, r, 404, "Not found", "no such object in this organisation")
	case app.IsInput(err):
		problem(w, r, 422, "Unprocessable content", err.Error())
	default:
		s.cfg.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err.Error())
		problem(w, r, 500, "Internal server error", "the request failed; the server log says why")
	}
}

// problem writes RFC 9457 problem details.
func problem(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": r.URL.Path})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeCached writes body with a strong ETag, or 304 when the client has
// it.
func (s *Server) writeCached(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	sum := sha256.Sum256(body)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

func (s *Server) writeGet(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	s.writeCached(w, r, 200, append(b, '\n'))
	return nil
}

// page reads the cursor and limit of a list request.
func page(r *http.Request) (fleetapp.Page, error) {
	p := fleetapp.Page{After: r.URL.Query().Get("cursor")}
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return p, app.InputError{Err: fmt.Errorf("limit %q: a number from 1 to 500", l)}
		}
		p.Limit = n
	}
	return p, nil
}

type list[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

func listDevices(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ds, next, err := s.cfg.Fleet.Devices(r.Context(), by, fleetapp.DeviceFilter{Site: q.Get("site"), Name: q.Get("name")}, p)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Device]{ds, next})
}

// readBody reads a request's body into a buffer of its announced size,
// so that a large one is not copied as the buffer grows.
func readBody(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	if n := r.ContentLength; n > 0 && n <= 64<<20 {
		b.Grow(int(n) + 1)
	}
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

func addDevice(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	return s.upload(w, r, func(body []byte) (any, error) {
		d, a, err := s.cfg.Fleet.AddDevice(r.Context(), by, body)
		if err == nil {
			w.Header().Set("Location", "/api/v1/devices/"+d.ID)
		}
		return map[string]any{"id": d.ID, "device": d, "assessment": a}, err
	})
}

// upload reads a request's body and hands it to store; what store
// returns is the 201 answer, and the assessment workers are woken.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, store func(body []byte) (any, error)) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	out, err := store(body)
	if err != nil {
		return err
	}
	writeJSON(w, 201, out)
	s.kick()
	return nil
}

func getDevice(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	d, err := s.cfg.Fleet.Device(r.Context(), by, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.writeGet(w, r, d)
}

func listAssessments(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	as, next, err := s.cfg.Fleet.Assessments(r.Context(), by, chi.URLParam(r, "id"), p)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Assessment]{as, next})
}

func getAssessment(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	a, err := s.cfg.Fleet.Assessment(r.Context(), by, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	out := struct {
		fleetapp.Assessment
		Report json.RawMessage `json:"report,omitempty"`
	}{a, a.Report}
	return s.writeGet(w, r, out)
}

func putModel(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	return s.upload(w, r, func(body []byte) (any, error) {
		v, a, err := s.cfg.Fleet.UploadModel(r.Context(), by, chi.URLParam(r, "id"), body)
		return map[string]any{"version": v, "assessment": a}, err
	})
}

func putFile(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	return s.upload(w, r, func(body []byte) (any, error) {
		v, a, err := s.cfg.Fleet.UploadFile(r.Context(), by, chi.URLParam(r, "id"), chi.URLParam(r, "*"), body)
		return map[string]any{"version": v, "assessment": a}, err
	})
}

func listVersions(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	vs, err := s.cfg.Fleet.Versions(r.Context(), by, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Version]{Items: vs})
}

func assessmentChanges(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	c, err := s.cfg.Fleet.Compare(r.Context(), by, r.URL.Query().Get("since"), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.writeGet(w, r, c)
}

func listOrgFiles(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	vs, err := s.cfg.Fleet.OrgFiles(r.Context(), by, false)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Version]{Items: vs})
}

func putPolicy(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	return s.upload(w, r, func(body []byte) (any, error) {
		v, n, err := s.cfg.Fleet.PutPolicy(r.Context(), by, chi.URLParam(r, "name"), body)
		return map[string]any{"version": v, "queued": n}, err
	})
}

func deletePolicy(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	n, err := s.cfg.Fleet.DeletePolicy(r.Context(), by, chi.URLParam(r, "name"))
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]any{"queued": n})
	s.kick()
	return nil
}

func getWaivers(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	body, err := s.cfg.Fleet.Waivers(r.Context(), by)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(body)
	return nil
}

func putWaivers(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	return s.upload(w, r, func(body []byte) (any, error) {
		v, n, err := s.cfg.Fleet.PutWaivers(r.Context(), by, body)
		return map[string]any{"version": v, "queued": n}, err
	})
}

func getOverview(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	o, err := s.cfg.Fleet.Overview(r.Context(), by)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, o)
}

func getOrg(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	o, err := s.cfg.Fleet.Org(r.Context(), by)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, o)
}

func getJobs(s *Server, w http.ResponseWriter, r *http.Request, _ fleetapp.Actor) error {
	st, err := s.cfg.Fleet.JobStates(r.Context())
	if err != nil {
		return err
	}
	return s.writeGet(w, r, st)
}

func patchDevice(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	var in struct {
		Site *string `json:"site"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || in.Site == nil {
		return app.InputError{Err: fmt.Errorf(`the body must be {"site": "..."}: %v`, err)}
	}
	d, err := s.cfg.Fleet.SetSite(r.Context(), by, chi.URLParam(r, "id"), *in.Site)
	if err != nil {
		return err
	}
	writeJSON(w, 200, d)
	return nil
}

func listAdvisories(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	as, next, err := s.cfg.Fleet.Advisories(r.Context(), by, p)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Advisory]{as, next})
}

func importAdvisory(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	return s.upload(w, r, func(body []byte) (any, error) {
		a, err := s.cfg.Fleet.ImportAdvisory(r.Context(), by, body)
		if err == nil {
			s.poke()
		}
		return a, err
	})
}

func advisoryImpact(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	im, err := s.cfg.Fleet.Impact(r.Context(), by, chi.URLParam(r, "id"), p)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, im)
}

func reassess(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	a, err := s.cfg.Fleet.Reassess(r.Context(), by, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	writeJSON(w, 201, a)
	s.kick()
	return nil
}

func listCases(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	cs, next, err := s.cfg.Fleet.Cases(r.Context(), by, p)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Case]{cs, next})
}

// caseInput reads a case's JSON, refusing unknown fields.
func caseInput(r *http.Request) (fleetapp.CaseInput, error) {
	var in fleetapp.CaseInput
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return in, err
		}
		return in, app.InputError{Err: fmt.Errorf("the case: %w", err)}
	}
	return in, nil
}

func postCase(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	in, err := caseInput(r)
	if err != nil {
		return err
	}
	c, err := s.cfg.Fleet.PutCase(r.Context(), by, "", in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, 201, c)
	return nil
}

func getCase(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	c, err := s.cfg.Fleet.Case(r.Context(), by, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.writeGet(w, r, c)
}

func putCase(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	in, err := caseInput(r)
	if err != nil {
		return err
	}
	c, err := s.cfg.Fleet.PutCase(r.Context(), by, chi.URLParam(r, "id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, 200, c)
	return nil
}

func listWebhooks(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	hs, err := s.cfg.Fleet.Webhooks(r.Context(), by)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Webhook]{Items: hs})
}

func addWebhook(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	var in struct {
		URL string `json:"url"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return app.InputError{Err: fmt.Errorf(`the body must be {"url": "..."}: %w`, err)}
	}
	h, err := s.cfg.Fleet.AddWebhook(r.Context(), by, in.URL)
	if err != nil {
		return err
	}
	writeJSON(w, 201, h)
	return nil
}

func deleteWebhook(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	if err := s.cfg.Fleet.DeleteWebhook(r.Context(), by, chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func listNotifications(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	ns, next, err := s.cfg.Fleet.Notifications(r.Context(), by, p)
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Notification]{ns, next})
}

// Monitor re-assesses the fleet when the vulnerability data changes and
// the devices an imported advisory reaches (fleetapp.Fleet.Monitor),
// every interval and after each import, until ctx ends.
func (s *Server) Monitor(ctx context.Context, interval time.Duration) {
	for {
		n, err := s.cfg.Fleet.Monitor(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.cfg.Log.Error("monitoring", "error", err.Error())
		case n > 0:
			s.cfg.Log.Info("vulnerability data or advisories changed: the devices they reach are assessed again", "assessments", n)
			s.kick()
		}
		select {
		case <-ctx.Done():
			return
		case <-s.watch:
		case <-time.After(interval):
		}
	}
}

// Update runs db update with o every interval until ctx ends, and wakes
// the monitor after each, which re-assesses the devices the change
// reaches. A failed update leaves the database as it was and is logged.
func (s *Server) Update(ctx context.Context, o app.UpdateOptions, interval time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
		start := time.Now()
		n, err := s.cfg.Fleet.UpdateData(ctx, o)
		if err != nil {
			if ctx.Err() == nil {
				s.cfg.Log.Error("db update", "error", err.Error())
			}
			continue
		}
		s.cfg.Log.Info("db update", "records", n, "seconds", time.Since(start).Seconds())
		s.poke()
	}
}

// Send delivers the due notifications until ctx ends, every interval.
func (s *Server) Send(ctx context.Context, d fleetapp.Delivery, interval time.Duration) {
	for {
		if _, err := s.cfg.Fleet.Deliver(ctx, d); err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("notifications", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

func revokeToken(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	if err := s.cfg.Fleet.RevokeToken(r.Context(), by, chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// poke wakes the monitor, which re-matches imported advisories.
func (s *Server) poke() {
	select {
	case s.watch <- struct{}{}:
	default:
	}
}

// kick wakes the assessment workers.
func (s *Server) kick() {
	for range s.cfg.Workers {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Work runs queued assessments with Config.Workers workers until ctx
// ends: first what a stopped server left running or queued, then when
// an upload wakes them, and every interval.
func (s *Server) Work(ctx context.Context, interval time.Duration) {
	if n, err := s.cfg.Fleet.Recover(ctx); err != nil {
		s.cfg.Log.Error("assessments", "error", err.Error())
	} else if n > 0 {
		s.cfg.Log.Info("assessments queued again after a stop", "count", n)
	}
	var wg sync.WaitGroup
	for range s.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.work(ctx, interval)
		}()
	}
	wg.Wait()
}

func (s *Server) work(ctx context.Context, interval time.Duration) {
	for {
		n, err := s.cfg.Fleet.RunQueued(ctx, 1)
		if err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("assessments", "error", err.Error())
		}
		if n > 0 && err == nil {
			continue // more may wait
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-time.After(interval):
		}
	}
}
