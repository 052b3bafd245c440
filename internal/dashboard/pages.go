package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

// pages are the dashboard. A page that shows is open to a viewer; one
// that changes needs an assessor, as the API's route for the same use
// case does.
var pages = []page{
	{Method: "GET", Pattern: "/", handler: home},
	{Method: "POST", Pattern: "/login", Max: 4 << 10, handler: login},
	{Method: "POST", Pattern: "/logout", Role: fleetapp.RoleViewer, Max: 4 << 10, handler: logout},
	{Method: "GET", Pattern: "/devices", Role: fleetapp.RoleViewer, handler: devices},
	{Method: "POST", Pattern: "/devices", Role: fleetapp.RoleAssessor, Max: 5 << 20, handler: addDevice},
	{Method: "GET", Pattern: "/devices/{id}", Role: fleetapp.RoleViewer, handler: device},
	{Method: "POST", Pattern: "/devices/{id}/site", Role: fleetapp.RoleAssessor, Max: 4 << 10, handler: setSite},
	{Method: "POST", Pattern: "/devices/{id}/files", Role: fleetapp.RoleAssessor, Max: 33 << 20, handler: uploadFile},
	{Method: "GET", Pattern: "/devices/{id}/edit", Role: fleetapp.RoleAssessor, handler: editFile},
	{Method: "POST", Pattern: "/devices/{id}/edit", Role: fleetapp.RoleAssessor, Max: 5 << 20, handler: saveFile},
	{Method: "POST", Pattern: "/devices/{id}/assess", Role: fleetapp.RoleAssessor, Max: 4 << 10, handler: reassess},
	{Method: "POST", Pattern: "/devices/{id}/documents", Role: fleetapp.RoleAssessor, Max: 4 << 10, handler: queueDocuments},
	{Method: "GET", Pattern: "/assessments/{id}", Role: fleetapp.RoleViewer, handler: assessment},
	{Method: "GET", Pattern: "/advisories", Role: fleetapp.RoleViewer, handler: advisories},
	{Method: "POST", Pattern: "/advisories", Role: fleetapp.RoleAssessor, Max: 9 << 20, handler: importAdvisory},
	{Method: "GET", Pattern: "/advisories/{id}", Role: fleetapp.RoleViewer, handler: impact},
	{Method: "GET", Pattern: "/cases", Role: fleetapp.RoleViewer, handler: cases},
	{Method: "POST", Pattern: "/cases", Role: fleetapp.RoleAssessor, Max: 64 << 10, handler: addCase},
	{Method: "GET", Pattern: "/cases/{id}", Role: fleetapp.RoleViewer, handler: caseDetail},
	{Method: "POST", Pattern: "/cases/{id}", Role: fleetapp.RoleAssessor, Max: 64 << 10, handler: updateCase},
	{Method: "GET", Pattern: "/waivers", Role: fleetapp.RoleViewer, handler: waivers},
	{Method: "POST", Pattern: "/waivers", Role: fleetapp.RoleAssessor, Max: 1 << 20, handler: saveWaivers},
	{Method: "GET", Pattern: "/notifications", Role: fleetapp.RoleViewer, handler: notifications},
	{Method: "GET", Pattern: "/jobs", Role: fleetapp.RoleAdmin, handler: jobs},
}

// home is the overview when signed in, else the login form.
func home(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	c, err := r.Cookie(SessionCookie)
	if err == nil {
		v.By, _, err = d.fleet.Session(r.Context(), c.Value, "")
	}
	if err != nil {
		v.Title, v.Data = "Sign in", r.URL.Query().Get("next")
		d.render(w, http.StatusOK, "login", v)
		return nil
	}
	if k, err := r.Cookie(CSRFCookie); err == nil {
		v.CSRF = k.Value
	}
	o, err := d.fleet.Overview(r.Context(), v.By)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "Fleet overview", "overview", o
	d.render(w, http.StatusOK, "overview", v)
	return nil
}

func login(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	if !sameOrigin(r) {
		d.fail(w, r, v, http.StatusForbidden, "The form was sent from another site.")
		return nil
	}
	secret, csrf, expires, err := d.fleet.Login(r.Context(), strings.TrimSpace(r.PostFormValue("token")))
	if errors.Is(err, fleetapp.ErrNotFound) {
		v.Title, v.Error, v.Data = "Sign in", "The token is unknown or revoked.", r.PostFormValue("next")
		d.render(w, http.StatusUnauthorized, "login", v)
		return nil
	} else if err != nil {
		return err
	}
	SetSession(w, secret, csrf, expires)
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// SetSession sets a browser session's cookies (an empty secret clears
// them).
func SetSession(w http.ResponseWriter, secret, csrf string, expires time.Time) {
	age := int(time.Until(expires).Seconds())
	if secret == "" {
		age = -1
	}
	for _, c := range [][2]string{{SessionCookie, secret}, {CSRFCookie, csrf}} {
		http.SetCookie(w, &http.Cookie{Name: c[0], Value: c[1], Path: "/", Expires: expires, MaxAge: age, HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	}
}

func logout(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := d.fleet.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	SetSession(w, "", "", time.Unix(0, 0))
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// pageOf reads a list page's cursor.
func pageOf(r *http.Request, limit int) fleetapp.Page {
	return fleetapp.Page{After: r.URL.Query().Get("cursor"), Limit: limit}
}

func devices(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	filter := fleetapp.DeviceFilter{Site: q.Get("site"), Name: q.Get("name")}
	ds, next, err := d.fleet.Devices(r.Context(), v.By, filter, pageOf(r, 50))
	if err != nil {
		return err
	}
	org, err := d.fleet.Org(r.Context(), v.By)
	if err != nil {
		return err
	}
	v.Title, v.Nav = "Devices", "devices"
	v.Data = map[string]any{"Devices": ds, "Next": next, "Filter": filter, "Org": org}
	d.render(w, http.StatusOK, "devices", v)
	return nil
}

func addDevice(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	body, release, err := d.upload(r, "file", "model")
	if err != nil {
		return err
	}
	defer release()
	dev, _, err := d.fleet.AddDevice(r.Context(), v.By, body)
	if err != nil {
		return err
	}
	if site := strings.TrimSpace(r.FormValue("site")); site != "" {
		if _, err := d.fleet.SetSite(r.Context(), v.By, dev.ID, site); err != nil {
			return err
		}
	}
	d.changed()
	return done(w, r, "/devices/"+dev.ID, "Device added; its assessment is queued. Upload the files its model names below.")
}

func device(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	dv, err := d.fleet.ViewDevice(r.Context(), v.By, chi.URLParam(r, "id"), 20)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = dv.Device.Name, "devices", dv
	d.render(w, http.StatusOK, "device", v)
	return nil
}

func setSite(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	id := chi.URLParam(r, "id")
	if _, err := d.fleet.SetSite(r.Context(), v.By, id, strings.TrimSpace(r.PostFormValue("site"))); err != nil {
		return err
	}
	return done(w, r, "/devices/"+id, "Site saved.")
}

// store saves a device's model (fleetapp.ModelFile) or one of its files.
func (d *Dashboard) store(r *http.Request, v *view, id, path string, body []byte) error {
	var err error
	if path == fleetapp.ModelFile {
		_, _, err = d.fleet.UploadModel(r.Context(), v.By, id, body)
	} else {
		_, _, err = d.fleet.UploadFile(r.Context(), v.By, id, path, body)
	}
	if err == nil {
		d.changed()
	}
	return err
}

func uploadFile(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	id := chi.URLParam(r, "id")
	body, release, err := d.upload(r, "file", "text")
	if err != nil {
		return err
	}
	defer release()
	path := strings.TrimSpace(r.FormValue("path"))
	if path == "" {
		if _, h, err := r.FormFile("file"); err == nil {
			path = h.Filename
		}
	}
	if err := d.store(r, v, id, path, body); err != nil {
		return err
	}
	return done(w, r, "/devices/"+id, path+" uploaded; the device is assessed again.")
}

func editFile(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	id, path := chi.URLParam(r, "id"), r.URL.Query().Get("path")
	if path == "" {
		path = fleetapp.ModelFile
	}
	dv, err := d.fleet.Device(r.Context(), v.By, id)
	if err != nil {
		return err
	}
	body, err := d.fleet.DeviceFile(r.Context(), v.By, id, path)
	if err != nil {
		return err
	}
	v.Title, v.Nav = "Edit "+path, "devices"
	v.Data = map[string]any{"Device": dv, "Path": path, "Text": string(body)}
	d.render(w, http.StatusOK, "edit", v)
	return nil
}

func saveFile(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	id, path := chi.URLParam(r, "id"), r.PostFormValue("path")
	text := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	if err := d.store(r, v, id, path, []byte(text)); err != nil {
		return err
	}
	return done(w, r, "/devices/"+id, path+" saved as a new version; the device is assessed again.")
}

func reassess(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	id := chi.URLParam(r, "id")
	if _, err := d.fleet.Reassess(r.Context(), v.By, id); err != nil {
		return err
	}
	d.changed()
	return done(w, r, "/devices/"+id, "An assessment is queued.")
}

// queueDocuments queues an assessment of the device that renders the
// formats ticked, and shows it.
func queueDocuments(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	a, _, err := d.fleet.QueueDocuments(r.Context(), v.By, chi.URLParam(r, "id"), r.PostForm["format"])
	if err != nil {
		return err
	}
	d.changed()
	return done(w, r, "/assessments/"+a.ID, "An assessment is queued; it makes the documents when it runs.")
}

func assessment(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	av, err := d.fleet.ViewAssessment(r.Context(), v.By, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	dv, err := d.fleet.Device(r.Context(), v.By, av.Assessment.Device)
	if err != nil {
		return err
	}
	docs, err := d.fleet.Documents(r.Context(), v.By, av.Assessment.ID)
	if err != nil {
		return err
	}
	v.Title, v.Nav = "Assessment of "+dv.Name, "devices"
	v.Data = map[string]any{"View": av, "Device": dv, "Documents": docs}
	d.render(w, http.StatusOK, "assessment", v)
	return nil
}

func advisories(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	as, next, err := d.fleet.Advisories(r.Context(), v.By, pageOf(r, 50))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "Advisories", "advisories", map[string]any{"Advisories": as, "Next": next}
	d.render(w, http.StatusOK, "advisories", v)
	return nil
}

func importAdvisory(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	body, release, err := d.upload(r, "file", "text")
	if err != nil {
		return err
	}
	defer release()
	a, err := d.fleet.ImportAdvisory(r.Context(), v.By, body)
	if err != nil {
		return err
	}
	d.changed()
	return done(w, r, "/advisories/"+a.ID, a.SourceID+" imported; the devices it can reach are assessed again.")
}

func impact(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	im, err := d.fleet.Impact(r.Context(), v.By, chi.URLParam(r, "id"), pageOf(r, 25))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "Impact of "+im.Advisory.SourceID, "advisories", im
	d.render(w, http.StatusOK, "impact", v)
	return nil
}

func cases(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	cs, next, err := d.fleet.Cases(r.Context(), v.By, pageOf(r, 50))
	if err != nil {
		return err
	}
	v.Title, v.Nav = "Vigilance cases", "cases"
	v.Data = map[string]any{"Cases": cs, "Next": next, "Kinds": fleetapp.EventKinds(), "Device": r.URL.Query().Get("device")}
	d.render(w, http.StatusOK, "cases", v)
	return nil
}

// formTime reads a date and time field (datetime-local: 2006-01-02T15:04)
// in the case's time zone; empty is nil.
func formTime(r *http.Request, field string, zone *time.Location) (*time.Time, error) {
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return &t, nil
		}
	}
	return nil, app.InputError{Err: fmt.Errorf("%s: %q is not a date and time (2026-01-05T09:30)", field, s)}
}

// caseForm reads the case form over in: what the form holds replaces
// what in had.
func caseForm(r *http.Request, in fleetapp.CaseInput) (fleetapp.CaseInput, error) {
	if err := r.ParseForm(); err != nil {
		return in, app.InputError{Err: fmt.Errorf("the form: %w", err)}
	}
	f := r.PostForm
	if f.Has("zone") {
		in.Zone = strings.TrimSpace(f.Get("zone"))
	}
	zone, err := time.LoadLocation(in.Zone)
	if err != nil {
		return in, app.InputError{Err: fmt.Errorf("time zone %q: an IANA name such as Europe/Berlin", in.Zone)}
	}
	for _, k := range []struct {
		name string
		to   *string
	}{{"title", &in.Title}, {"owner", &in.Owner}, {"status", &in.Status}, {"note", &in.Note}, {"disposition", &in.Disposition}} {
		if f.Has(k.name) {
			*k.to = strings.TrimSpace(f.Get(k.name))
		}
	}
	if f.Has("devices") {
		in.Devices = strings.Fields(strings.ReplaceAll(f.Get("devices"), ",", " "))
	}
	if f.Has("imdrf") {
		in.IMDRF = strings.Fields(strings.ReplaceAll(f.Get("imdrf"), ",", " "))
	}
	if f.Has("kind") {
		in.Kinds = nil
		for _, k := range f["kind"] {
			in.Kinds = append(in.Kinds, fleetapp.EventKind(k))
		}
	}
	for _, t := range []struct {
		name string
		to   **time.Time
	}{{"nis2Notified", &in.NIS2Notified}, {"fscaStart", &in.FSCAStart}, {"reviewDue", &in.ReviewDue}} {
		if f.Has(t.name) {
			if *t.to, err = formTime(r, t.name, zone); err != nil {
				return in, err
			}
		}
	}
	if f.Has("aware") {
		aware, err := formTime(r, "aware", zone)
		if err != nil {
			return in, err
		}
		in.Aware = time.Time{}
		if aware != nil {
			in.Aware = *aware
		}
	}
	return in, nil
}

func addCase(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	in, err := caseForm(r, fleetapp.CaseInput{})
	if err != nil {
		return err
	}
	c, err := d.fleet.PutCase(r.Context(), v.By, "", in)
	if err != nil {
		return err
	}
	return done(w, r, "/cases/"+c.ID, "Case recorded with its clocks.")
}

func caseDetail(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	c, err := d.fleet.Case(r.Context(), v.By, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	zone, err := time.LoadLocation(c.Zone)
	if err != nil {
		zone = time.UTC
	}
	v.Title, v.Nav = c.Title, "cases"
	v.Data = map[string]any{"Case": c, "Zone": zone, "Kinds": fleetapp.EventKinds()}
	d.render(w, http.StatusOK, "case", v)
	return nil
}

func updateCase(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	id := chi.URLParam(r, "id")
	c, err := d.fleet.Case(r.Context(), v.By, id)
	if err != nil {
		return err
	}
	in, err := caseForm(r, c.CaseInput)
	if err != nil {
		return err
	}
	if _, err := d.fleet.PutCase(r.Context(), v.By, id, in); err != nil {
		return err
	}
	return done(w, r, "/cases/"+id, "Case updated.")
}

func waivers(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	text, err := d.fleet.Waivers(r.Context(), v.By)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "Waivers", "waivers", string(text)
	d.render(w, http.StatusOK, "waivers", v)
	return nil
}

func saveWaivers(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	text := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	_, n, err := d.fleet.PutWaivers(r.Context(), v.By, []byte(text))
	if err != nil {
		return err
	}
	d.changed()
	return done(w, r, "/waivers", fmt.Sprintf("Waivers saved; %d device(s) are assessed again.", n))
}

func notifications(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	ns, next, err := d.fleet.Notifications(r.Context(), v.By, pageOf(r, 50))
	if err != nil {
		return err
	}
	slices.Reverse(ns) // newest of the page first
	v.Title, v.Nav, v.Data = "Notifications", "notifications", map[string]any{"Notifications": ns, "Next": next}
	d.render(w, http.StatusOK, "notifications", v)
	return nil
}

// jobs shows the server's work across processes and organisations (an
// admin's page, as GET /api/v1/jobs is).
func jobs(d *Dashboard, w http.ResponseWriter, r *http.Request, v *view) error {
	st, err := d.fleet.JobStates(r.Context())
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "Jobs", "jobs", map[string]any{"Status": st, "Shared": d.fleet.Jobs()}
	d.render(w, http.StatusOK, "jobs", v)
	return nil
}
