// Package dashboard is the fleet server's pages for people: the
// overview, devices with their history and what changed, the impact of
// an advisory, upload and edit forms, waivers, notifications and
// vigilance cases. The pages are rendered on the server from embedded
// templates and one embedded style sheet, with no script: they work
// with any browser, a screen reader and a printer. Every page calls the
// same use cases as the API (internal/fleetapp), with the same roles.
package dashboard

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Cookies: the session's secret and its CSRF token, both HttpOnly,
// Secure and SameSite=Strict. The CSRF token is repeated in every form,
// where a page of another site cannot read it.
const (
	SessionCookie = "mdcheck_session"
	CSRFCookie    = "mdcheck_csrf"
)

// CSP is the pages' content security policy: the style sheet and images
// of this server, forms posted to it, nothing else.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// page is one route of the dashboard: who may open it and what it does.
type page struct {
	Method, Pattern string
	// Role is the least role; "" for a page anyone may open.
	Role fleetapp.Role
	// Max bounds the request body of a form.
	Max     int64
	handler func(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error
}

// Dashboard serves the pages.
type Dashboard struct {
	fleet *fleetapp.Fleet
	log   *slog.Logger
	// changed is called after a change that queued assessments or
	// imported an advisory, to wake the server's workers.
	changed func()
	pages   map[string]*template.Template
}

// New builds the dashboard over f; changed is called after every change
// that queued work.
func New(f *fleetapp.Fleet, log *slog.Logger, changed func()) *Dashboard {
	d := &Dashboard{fleet: f, log: log, changed: changed, pages: map[string]*template.Template{}}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		if n == "templates/layout.html" || n == "templates/_parts.html" {
			continue
		}
		d.pages[strings.TrimSuffix(path.Base(n), ".html")] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/_parts.html", n))
	}
	return d
}

// Mount adds the dashboard's routes to r.
func (d *Dashboard) Mount(r chi.Router) {
	r.Get("/static/*", d.static)
	for _, p := range pages {
		r.Method(p.Method, p.Pattern, d.handle(p))
	}
}

// NotFound answers a page that does not exist.
func (d *Dashboard) NotFound(w http.ResponseWriter, r *http.Request) {
	d.fail(w, r, &view{Now: time.Now().UTC()}, http.StatusNotFound, "There is no such page.")
}

// static serves the embedded style sheet, cached for a day.
func (d *Dashboard) static(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("static/" + chi.URLParam(r, "*"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(r.URL.Path, ".css") {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
}

// view is what every page template gets.
type view struct {
	Title string
	// Nav is the section of the navigation the page belongs to.
	Nav  string
	By   fleetapp.Actor
	CSRF string
	// Flash is a message after a change; Error what went wrong.
	Flash, Error string
	Data         any
	// Now is the page's time, for due dates.
	Now time.Time
	// Formats are the documents an assessment renders.
	Formats []string
}

// CanEdit reports whether the viewer may change things.
func (v *view) CanEdit() bool { return v.By.Role.AtLeast(fleetapp.RoleAssessor) }

func (d *Dashboard) handle(p page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		// Same-origin, so that the browser names this server as the
		// Origin of its own forms (with no-referrer it sends "null").
		h.Set("Referrer-Policy", "same-origin")
		v := &view{Now: time.Now().UTC(), Flash: r.URL.Query().Get("done"), Formats: d.fleet.DocumentFormats()}
		if p.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, p.Max)
		}
		if p.Role != "" {
			by, csrf, ok := d.session(w, r, p.Method)
			if !ok {
				return
			}
			if !by.Role.AtLeast(p.Role) {
				d.fail(w, r, v, http.StatusForbidden, fmt.Sprintf("This needs the %s role; you are signed in as %s.", p.Role, by.Role))
				return
			}
			v.By, v.CSRF = by, csrf
		}
		if err := p.handler(d, w, r, v); err != nil {
			d.error(w, r, v, err)
		}
	}
}

// session is who makes the request, from the session cookie; a POST must
// come from this server's pages (Origin) and repeat the CSRF token. When
// there is no one, it has answered: a GET goes to the login page.
func (d *Dashboard) session(w http.ResponseWriter, r *http.Request, method string) (fleetapp.Actor, string, bool) {
	c, err := r.Cookie(SessionCookie)
	csrf := ""
	if k, err := r.Cookie(CSRFCookie); err == nil {
		csrf = k.Value
	}
	var by fleetapp.Actor
	valid := false
	if err == nil {
		form := ""
		if method == http.MethodPost {
			if !sameOrigin(r) {
				d.fail(w, r, &view{}, http.StatusForbidden, "The form was sent from another site.")
				return by, "", false
			}
			form = r.Header.Get("X-CSRF-Token")
			if form == "" {
				form = formValue(r, "csrf")
			}
		}
		by, valid, err = d.fleet.Session(r.Context(), c.Value, form)
	}
	switch {
	case err != nil && method == http.MethodGet:
		http.Redirect(w, r, "/?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return by, "", false
	case err != nil:
		d.fail(w, r, &view{}, http.StatusUnauthorized, "Your session has ended: sign in again.")
		return by, "", false
	case method == http.MethodPost && !valid:
		d.fail(w, r, &view{By: by}, http.StatusForbidden, "The form's security token does not match this session: reload the page and send it again.")
		return by, "", false
	}
	return by, csrf, true
}

// formValue reads a field of a form, multipart or not, without reading
// the files of a multipart one into memory beyond its bound.
func formValue(r *http.Request, name string) string {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if r.MultipartForm == nil {
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				return ""
			}
		}
	}
	return r.FormValue(name)
}

// sameOrigin reports whether a POST comes from this server's own pages:
// its Origin (or, without one, its Referer) names this host.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" {
		return true // not a browser's cross-site form: those carry Origin
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// render writes a page.
func (d *Dashboard) render(w http.ResponseWriter, status int, name string, v *view) {
	t := d.pages[name]
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		d.log.Error("rendering a page", "page", name, "error", err.Error())
		http.Error(w, "the page could not be rendered; the server log says why", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// fail answers with the error page.
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, v *view, status int, msg string) {
	w.Header().Set("Content-Security-Policy", CSP)
	v.Title, v.Error = http.StatusText(status), msg
	d.render(w, status, "error", v)
}

// error answers an error a use case returned.
func (d *Dashboard) error(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		d.fail(w, r, v, http.StatusRequestEntityTooLarge, fmt.Sprintf("The upload is over %d bytes.", tooBig.Limit))
	case errors.Is(err, fleetapp.ErrNotFound):
		d.fail(w, r, v, http.StatusNotFound, "There is no such page in your organisation.")
	case app.IsInput(err):
		d.fail(w, r, v, http.StatusUnprocessableEntity, err.Error())
	default:
		d.log.Error("dashboard", "method", r.Method, "path", r.URL.Path, "error", err.Error())
		d.fail(w, r, v, http.StatusInternalServerError, "The request failed; the server log says why.")
	}
}

// done redirects after a change, with a message for the next page.
func done(w http.ResponseWriter, r *http.Request, to, msg string) error {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"done="+url.QueryEscape(msg), http.StatusSeeOther)
	return nil
}

// upload reads a form's file field, or else its text field, within the
// form's bound, holding its size of the fleet's memory budget until
// release.
func (d *Dashboard) upload(r *http.Request, file, text string) ([]byte, func(), error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, err
		}
		return nil, nil, app.InputError{Err: fmt.Errorf("the form: %w", err)}
	}
	if f, h, err := r.FormFile(file); err == nil {
		defer f.Close()
		release, err := d.fleet.Reserve(r.Context(), h.Size)
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(f)
		if err != nil {
			release()
			return nil, nil, err
		}
		if len(b) > 0 {
			return b, release, nil
		}
		release()
	}
	if s := r.FormValue(text); strings.TrimSpace(s) != "" {
		return []byte(strings.ReplaceAll(s, "\r\n", "\n")), func() {}, nil
	}
	return nil, nil, app.InputError{Err: errors.New("choose a file, or paste its text")}
}
