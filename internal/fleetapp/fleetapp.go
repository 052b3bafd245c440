// Package fleetapp holds the fleet server's use cases over its store:
// tokens, devices and their versions, assessments (the health check of
// internal/app, run on what was uploaded) and the audit trail. The server
// and the command line call these.
package fleetapp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/sync/semaphore"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/bundle"
	"github.com/mdcheck/mdcheck/internal/fleet"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// The fleet server's records, as the store keeps them.
type (
	Role         = fleet.Role
	Actor        = fleet.Actor
	Device       = fleet.Device
	Assessment   = fleet.Assessment
	Token        = fleet.Token
	Page         = fleet.Page
	AuditCheck   = fleet.Verification
	Version      = fleet.Version
	DeviceFilter = fleet.DeviceFilter
	DayReadiness = fleet.DayReadiness
)

// Roles.
const (
	RoleViewer   = fleet.Viewer
	RoleAssessor = fleet.Assessor
	RoleAdmin    = fleet.Admin
)

// Errors of the fleet's use cases.
var (
	ErrNotFound = fleet.ErrNotFound
	ErrConflict = fleet.ErrConflict
)

// ParseRole reads a role's name.
func ParseRole(s string) (Role, bool) { return fleet.ParseRole(s) }

// Fleet is the use cases of the fleet server over its store: the server
// and the command line (tokens, audit verification) call these.
type Fleet struct {
	app   *app.App
	store *fleet.Store
	// inFlight bounds the bytes of input read, checked and assessed at
	// once (uploads and assessments alike), and so the memory they take.
	inFlight *semaphore.Weighted
	// cache holds each organisation's advisory overlay (overlays, by
	// organisation), built when its advisories change.
	cache    string
	mu       sync.Mutex
	overlays map[string]overlayDB
	// monitor serialises Monitor; kept is its copy of the vulnerability
	// data last seen, the older side of the next change.
	monitor sync.Mutex
	kept    keptData
	// syncing serialises SyncData; hold, when tests set it, runs between
	// an assessment's check and its record.
	syncing sync.Mutex
	hold    func(context.Context)
	// render makes documents in formats (SetRenderer).
	render  Renderer
	formats []string
}

// keptData is a copy of the vulnerability data, by content hash.
type keptData struct{ hash, path string }

// InFlight is how many bytes of uploads and of assessed files are worked
// on at once; more waits. Reading an input takes a few times its size.
const InFlight = 40 << 20

// largeInput is the size from which an input's garbage is handed back to
// the system at once, before and after it is worked on. Below it the
// runtime's soft memory limit (serve sets one) bounds the garbage, and a
// forced collection would cost more than the input's own work: a re-match
// assesses thousands of devices in a row.
const largeInput = 8 << 20

// Reserve waits until n more bytes of input may be worked on, and
// returns the function that gives them back. An input larger than
// InFlight waits for all of it.
func (f *Fleet) Reserve(ctx context.Context, n int64) (func(), error) {
	n = min(max(n, 1), InFlight)
	if err := f.inFlight.Acquire(ctx, n); err != nil {
		return nil, err
	}
	if n >= largeInput {
		// A large input: give the memory earlier ones freed back first,
		// so that the peak is this input's, not the sum of the past.
		debug.FreeOSMemory()
	}
	return func() {
		f.inFlight.Release(n)
		if n >= largeInput {
			// Reading a large input, hostile ones above all, leaves
			// garbage many times its size: give it back now rather than
			// let the next input's peak stand on it.
			debug.FreeOSMemory()
		}
	}, nil
}

// Open opens the store a DSN names (sqlite:FILE or a postgres:// URL),
// creating or migrating its schema; a runs the assessments.
func Open(ctx context.Context, a *app.App, dsn string) (*Fleet, error) {
	s, err := fleet.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	cache, err := os.MkdirTemp("", "mdcheck-fleet-")
	if err != nil {
		s.Close()
		return nil, err
	}
	return &Fleet{app: a, store: s, inFlight: semaphore.NewWeighted(InFlight), cache: cache, overlays: map[string]overlayDB{}}, nil
}

// Close closes the store.
func (f *Fleet) Close() error {
	os.RemoveAll(f.cache)
	return f.store.Close()
}

// StoreSize is the store's size in bytes.
func (f *Fleet) StoreSize(ctx context.Context) (int64, error) { return f.store.Size(ctx) }

// Queued is how many assessments wait to run.
func (f *Fleet) Queued(ctx context.Context) (int64, error) { return f.store.Count(ctx, fleet.Queued) }

// Pending is how many assessments wait or run.
func (f *Fleet) Pending(ctx context.Context) (int64, error) {
	return f.store.Count(ctx, fleet.Queued, fleet.Running)
}

// Ready reports whether the store answers.
func (f *Fleet) Ready(ctx context.Context) error { return f.store.Ping(ctx) }

// CreateToken makes an API token for an organisation (created if it does
// not exist) with a role; the secret is returned once.
func (f *Fleet) CreateToken(ctx context.Context, by Actor, org string, role Role) (string, Token, error) {
	secret, t, err := f.store.CreateToken(ctx, by, org, role)
	if errors.Is(err, fleet.ErrInvalid) {
		return "", t, app.InputError{Err: err}
	}
	return secret, t, err
}

// Authenticate is the actor a token's secret stands for.
func (f *Fleet) Authenticate(ctx context.Context, secret string) (Actor, error) {
	t, err := f.store.Authenticate(ctx, secret)
	if err != nil {
		return Actor{}, err
	}
	return Actor{Token: t.ID, Org: t.Org, Role: t.Role}, nil
}

// SessionTTL is how long a browser's login lasts.
const SessionTTL = 12 * time.Hour

// Login logs a browser in with a token's secret: the session's secret
// for its cookie, the CSRF token changing requests must repeat, and when
// it expires. An unknown or revoked token is ErrNotFound.
func (f *Fleet) Login(ctx context.Context, tokenSecret string) (secret, csrf string, expires time.Time, err error) {
	secret, csrf, sess, err := f.store.CreateSession(ctx, tokenSecret, SessionTTL)
	return secret, csrf, sess.Expires, err
}

// Session is the actor a live session's secret stands for, and whether
// csrf is its CSRF token.
func (f *Fleet) Session(ctx context.Context, secret, csrf string) (Actor, bool, error) {
	sess, err := f.store.Session(ctx, secret)
	if err != nil {
		return Actor{}, false, err
	}
	return Actor{Token: sess.Token.ID, Org: sess.Token.Org, Role: sess.Token.Role}, sess.CSRF(csrf), nil
}

// Logout ends a session.
func (f *Fleet) Logout(ctx context.Context, secret string) error {
	return f.store.EndSession(ctx, secret)
}

// RevokeToken revokes a token of the actor's organisation.
func (f *Fleet) RevokeToken(ctx context.Context, by Actor, id string) error {
	return f.store.RevokeToken(ctx, by, id)
}

// AddDevice validates a device model and stores it with its first
// assessment queued. A model that does not validate is an InputError
// with every problem's line and column, and nothing is stored.
func (f *Fleet) AddDevice(ctx context.Context, by Actor, yaml []byte) (Device, Assessment, error) {
	dev, err := model.Parse("device.yaml", yaml)
	if err != nil {
		return Device{}, Assessment{}, app.InputError{Err: err}
	}
	name := strings.TrimSpace(dev.Identity.Product + " " + dev.Identity.Model)
	return f.store.CreateDevice(ctx, by, name, yaml)
}

// UploadModel stores a new version of a device's model and queues its
// assessment; an invalid model is an InputError and stores nothing.
func (f *Fleet) UploadModel(ctx context.Context, by Actor, device string, yaml []byte) (Version, Assessment, error) {
	if _, err := model.Parse("device.yaml", yaml); err != nil {
		return Version{}, Assessment{}, app.InputError{Err: err}
	}
	return f.store.AddVersion(ctx, by, device, "model", yaml)
}

// UploadFile stores a new version of a file the device's model names
// (an SBOM, an MDS2 form, a VEX document or another document), by its
// path relative to the model, and queues an assessment.
func (f *Fleet) UploadFile(ctx context.Context, by Actor, device, path string, body []byte) (Version, Assessment, error) {
	if err := relativePath(path); err != nil {
		return Version{}, Assessment{}, app.InputError{Err: err}
	}
	if err := f.checkFile(ctx, by, device, path, body); err != nil {
		return Version{}, Assessment{}, err
	}
	return f.store.AddVersion(ctx, by, device, "file:"+path, body)
}

// checkFile reads an uploaded file as what the device's model makes of
// it, with the same bounded readers as the command line, so that a
// malformed or hostile SBOM or MDS2 form is refused at upload, with
// where, and never stored: an SBOM a component names, and any .xlsx (an
// MDS2 form). Other files are read when the assessment runs.
func (f *Fleet) checkFile(ctx context.Context, by Actor, device, path string, body []byte) error {
	d, err := f.store.Device(ctx, by.Org, device)
	if err != nil {
		return err
	}
	v, err := f.store.ModelVersion(ctx, by.Org, device, d.Model)
	if err != nil {
		return err
	}
	dev, err := model.Parse("device.yaml", v.Body)
	if err != nil {
		return err
	}
	isSBOM := false
	for _, c := range dev.Components {
		if filepath.Clean(c.SBOM) == path {
			isSBOM = true
		}
	}
	isForm := strings.EqualFold(filepath.Ext(path), ".xlsx")
	if strings.HasPrefix(path, "probe/") {
		return f.app.CheckProbeResults(path, body)
	}
	if !isSBOM && !isForm {
		return nil
	}
	if isSBOM {
		return f.app.CheckSBOM(path, body)
	}
	dir, err := os.MkdirTemp("", "mdcheck-upload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(tmp, body, 0o600); err != nil {
		return err
	}
	_, err = f.app.MDS2Import(ctx, tmp, app.Events{})
	if err != nil {
		// Name the file as the uploader did.
		msg := strings.ReplaceAll(err.Error(), tmp, path)
		return app.InputError{Err: errors.New(msg)}
	}
	return nil
}

// PolicyName is a policy's name in the API: letters, digits, '-' and
// '_', at most 64.
func policyName(name string) error {
	ok := name != "" && len(name) <= 64
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}
	if !ok {
		return fmt.Errorf("policy name %q: 1 to 64 letters, digits, '-' or '_'", name)
	}
	return nil
}

// orgFiles writes the organisation's policies (policies/NAME.yaml) and
// waivers (waivers.yaml) into dir, with body replacing the one of kind
// when kind is set, and returns their paths.
func (f *Fleet) orgFiles(ctx context.Context, org, dir, kind string, body []byte) (policies []string, waivers string, err error) {
	vs, err := f.store.OrgFiles(ctx, org, true)
	if err != nil {
		return nil, "", err
	}
	if kind != "" {
		vs = slices.DeleteFunc(vs, func(v fleet.Version) bool { return v.Kind == kind })
		if len(body) > 0 {
			vs = append(vs, fleet.Version{Kind: kind, Body: body})
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "policies"), 0o700); err != nil {
		return nil, "", err
	}
	for _, v := range vs {
		p := filepath.Join(dir, "waivers.yaml")
		if name, ok := strings.CutPrefix(v.Kind, "policy:"); ok {
			p = filepath.Join(dir, "policies", name+".yaml")
			policies = append(policies, p)
		} else {
			waivers = p
		}
		if err := os.WriteFile(p, v.Body, 0o600); err != nil {
			return nil, "", err
		}
	}
	return policies, waivers, nil
}

// putOrgFile checks the organisation's policies and waivers as they
// would be with body as the file of kind (empty: withdrawn), as check
// reads them, then stores it and queues every device's assessment.
func (f *Fleet) putOrgFile(ctx context.Context, by Actor, kind string, body []byte) (Version, int, error) {
	dir, err := os.MkdirTemp("", "mdcheck-org-")
	if err != nil {
		return Version{}, 0, err
	}
	defer os.RemoveAll(dir)
	policies, waivers, err := f.orgFiles(ctx, by.Org, dir, kind, body)
	if err != nil {
		return Version{}, 0, err
	}
	if err := app.CheckPoliciesAndWaivers(policies, waivers); err != nil {
		return Version{}, 0, app.InputError{Err: errors.New(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))}
	}
	return f.store.PutOrgFile(ctx, by, kind, body)
}

// PutPolicy stores a new version of an organisation's policy (CEL rules,
// as check --policy reads them) and queues every device's assessment; it
// returns the version and how many assessments it queued.
func (f *Fleet) PutPolicy(ctx context.Context, by Actor, name string, body []byte) (Version, int, error) {
	if err := policyName(name); err != nil {
		return Version{}, 0, app.InputError{Err: err}
	}
	if len(body) == 0 {
		return Version{}, 0, app.InputError{Err: errors.New("an empty policy: DELETE withdraws one")}
	}
	return f.putOrgFile(ctx, by, "policy:"+name, body)
}

// DeletePolicy withdraws a policy and queues every device's assessment.
func (f *Fleet) DeletePolicy(ctx context.Context, by Actor, name string) (int, error) {
	if err := policyName(name); err != nil {
		return 0, app.InputError{Err: err}
	}
	_, n, err := f.putOrgFile(ctx, by, "policy:"+name, nil)
	return n, err
}

// PutWaivers stores a new version of the organisation's waiver file (as
// check --waivers reads it: findings set aside, threats accepted) and
// queues every device's assessment; an empty body withdraws it.
func (f *Fleet) PutWaivers(ctx context.Context, by Actor, body []byte) (Version, int, error) {
	return f.putOrgFile(ctx, by, "waivers", body)
}

// Waivers is the organisation's waiver file, newest version; with none,
// an empty list.
func (f *Fleet) Waivers(ctx context.Context, by Actor) ([]byte, error) {
	vs, err := f.OrgFiles(ctx, by, true)
	if err != nil {
		return nil, err
	}
	body := []byte("waivers: []\n")
	for _, v := range vs {
		if v.Kind == "waivers" {
			body = v.Body
		}
	}
	return body, nil
}

// OrgFiles lists the organisation's policies and waivers, newest
// versions, with their bodies when bodies is set.
func (f *Fleet) OrgFiles(ctx context.Context, by Actor, bodies bool) ([]Version, error) {
	return f.store.OrgFiles(ctx, by.Org, bodies)
}

// Reassess queues an assessment of a device as it stands: after the
// vulnerability database changed, say.
func (f *Fleet) Reassess(ctx context.Context, by Actor, device string) (Assessment, error) {
	return f.store.Queue(ctx, by, device)
}

// Versions lists every version of a device's model and files.
func (f *Fleet) Versions(ctx context.Context, by Actor, device string) ([]Version, error) {
	return f.store.Versions(ctx, by.Org, device)
}

// relativePath refuses a path that could leave the device's folder or
// that a file system would read otherwise than written.
func relativePath(p string) error {
	switch {
	case p == "" || len(p) > 240:
		return fmt.Errorf("file path %q: 1 to 240 characters", p)
	case strings.HasPrefix(p, "/") || filepath.Clean(p) != p || p == "." || strings.HasPrefix(p, "../") || p == "..":
		return fmt.Errorf("file path %q: a clean path relative to the model, without .. or a leading /", p)
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r)) {
			return fmt.Errorf("file path %q: letters, digits, '.', '_', '-' and '/' only", p)
		}
	}
	return nil
}

// Devices lists the actor's organisation's devices that pass the
// filter.
func (f *Fleet) Devices(ctx context.Context, by Actor, filter DeviceFilter, p Page) ([]Device, string, error) {
	return f.store.Devices(ctx, by.Org, filter, p)
}

// SetSite places a device at a site: a hospital, a ward, a customer (at
// most 200 characters; "" for none).
func (f *Fleet) SetSite(ctx context.Context, by Actor, device, site string) (Device, error) {
	site = strings.TrimSpace(site)
	if len(site) > 200 || strings.ContainsFunc(site, unicode.IsControl) {
		return Device{}, app.InputError{Err: fmt.Errorf("site %.40q: at most 200 characters, none of them control characters", site)}
	}
	return f.store.SetSite(ctx, by, device, site)
}

// OrgSummary is the actor's organisation with its sites.
type OrgSummary struct {
	fleet.Org
	Sites []fleet.Site `json:"sites"`
}

// Org is the actor's organisation, with its sites and how many devices
// each has.
func (f *Fleet) Org(ctx context.Context, by Actor) (OrgSummary, error) {
	o, err := f.store.Org(ctx, by.Org)
	if err != nil {
		return OrgSummary{}, err
	}
	sites, err := f.store.Sites(ctx, by.Org)
	return OrgSummary{Org: o, Sites: sites}, err
}

// Device is one device of the actor's organisation.
func (f *Fleet) Device(ctx context.Context, by Actor, id string) (Device, error) {
	return f.store.Device(ctx, by.Org, id)
}

// Assessments lists a device's assessments.
func (f *Fleet) Assessments(ctx context.Context, by Actor, device string, p Page) ([]Assessment, string, error) {
	return f.store.Assessments(ctx, by.Org, device, p)
}

// Assessment is one assessment, with its report.
func (f *Fleet) Assessment(ctx context.Context, by Actor, id string) (Assessment, error) {
	return f.store.Assessment(ctx, by.Org, id)
}

// RunQueued runs up to limit queued assessments, oldest first, each the
// health check of its model version that mdcheck check runs, and stores
// its JSON report; an older one queued for a device beside a newer one
// is superseded without running. It returns how many it closed, run or
// superseded.
func (f *Fleet) RunQueued(ctx context.Context, limit int) (int, error) {
	// A window wider than limit, to see what newer uploads queued.
	qs, err := f.store.Queued(ctx, max(limit, 200))
	if err != nil {
		return 0, err
	}
	// Of several queued for one device, only the newest runs: it
	// assesses the device as the last upload left it.
	newest := map[string]string{}
	for _, q := range qs {
		newest[q.Device] = q.ID
	}
	closed, ran := 0, 0
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return closed, err
		}
		if n := newest[q.Device]; n != q.ID {
			if err := f.store.Supersede(ctx, q, n); err == nil {
				closed++
			} else if !errors.Is(err, fleet.ErrConflict) {
				return closed, err
			}
			continue
		}
		if ran == limit {
			break
		}
		if err := f.store.Claim(ctx, q); errors.Is(err, fleet.ErrConflict) {
			continue // another worker has it
		} else if err != nil {
			return closed, err
		}
		ran++
		if err := f.run(ctx, q); err != nil {
			return closed, err
		}
		closed++
	}
	return closed, nil
}

// run runs a claimed assessment and records its outcome, then what
// follows from it (followUp). A run cut short by ctx records nothing:
// the assessment is run again.
func (f *Fleet) run(ctx context.Context, q Assessment) error {
	rep, readiness, index, failure := f.assess(ctx, q)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if f.hold != nil {
		f.hold(ctx)
	}
	var view reportView
	if failure == "" {
		if err := json.Unmarshal(rep, &view); err != nil {
			return err
		}
	}
	sum := summary(view)
	sum.Index = index
	if err := f.store.FinishWith(ctx, q, rep, readiness, sum, failure); err != nil && !errors.Is(err, fleet.ErrConflict) {
		return err
	}
	if failure != "" {
		return f.renderDocuments(ctx, q, nil, failure)
	}
	return f.followUp(ctx, q, view)
}

// followUp queues the notification of what a done assessment opened and
// opens its vulnerability-handling cases; both are once per assessment,
// so a job that runs it again adds nothing.
func (f *Fleet) followUp(ctx context.Context, q Assessment, view reportView) error {
	if err := f.notifyOpened(ctx, q, view); err != nil {
		return err
	}
	return f.openHandlingCases(ctx, q, view)
}

// assess runs one assessment: the report, readiness and what it matched
// (indexOf), or why it failed.
func (f *Fleet) assess(ctx context.Context, q Assessment) ([]byte, *float64, map[string]string, string) {
	dev, err := f.materialise(ctx, q.Org, q.Device, q.ModelVersion)
	if err != nil {
		return nil, nil, nil, err.Error()
	}
	defer dev.release()
	orgDir, err := os.MkdirTemp("", "mdcheck-org-")
	if err != nil {
		return nil, nil, nil, err.Error()
	}
	defer os.RemoveAll(orgDir)
	policies, waivers, err := f.orgFiles(ctx, q.Org, orgDir, "", nil)
	if err != nil {
		return nil, nil, nil, err.Error()
	}
	overlay, err := f.overlay(ctx, q.Org)
	if err != nil {
		return nil, nil, nil, err.Error()
	}
	res, err := f.app.Check(ctx, app.CheckOptions{Model: dev.model, MDS2: dev.mds2, VEX: dev.vex, ProbeResults: dev.probe, Date: f.store.Now().UTC().Truncate(24 * time.Hour), Policies: policies, Waivers: waivers, Overlay: overlay, SBOMs: dev.sboms})
	if err != nil {
		return nil, nil, nil, "the check failed: " + dev.relative(err.Error())
	}
	dev.name(res.Report)
	var b bytes.Buffer
	if err := report.JSON(&b, res.Report); err != nil {
		return nil, nil, nil, err.Error()
	}
	if err := f.renderDocuments(ctx, q, res, ""); err != nil {
		return nil, nil, nil, err.Error()
	}
	r := res.Report.Summary.Readiness
	return b.Bytes(), &r, indexOf(res), ""
}

// onDisk is a device written out as check reads it: its model version
// and the newest version of each of its files, in a folder of their own.
type onDisk struct {
	dir, model string
	// vex are the VEX documents among the files (under vex/), probe the
	// probe results (under probe/); mds2 the device's MDS2 form (the
	// first .xlsx by path), if any.
	vex, probe []string
	mds2       string
	release    func()
	// sboms are the SBOMs held parsed, not written out, by path.
	sboms map[string]app.Parsed
}

// relative writes the folder's paths in s as the uploader knows them:
// relative to the model.
func (d onDisk) relative(s string) string {
	return strings.ReplaceAll(s, d.dir+string(filepath.Separator), "")
}

// name writes the paths in r as the uploader knows them: relative to
// the model, never the folder the check ran in.
func (d onDisk) name(r *report.Report) {
	r.Device.File = "device.yaml"
	for i := range r.Inputs {
		r.Inputs[i].Path, r.Inputs[i].Error = d.relative(r.Inputs[i].Path), d.relative(r.Inputs[i].Error)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		for k := range f.Evidence {
			f.Evidence[k].Source.File = d.relative(f.Evidence[k].Source.File)
		}
		if f.Suppression != nil {
			f.Suppression.Source = d.relative(f.Suppression.Source)
		}
	}
}

// materialise writes a device's model version and newest files into a
// new folder, holding their size of the memory budget until release;
// the component SBOMs it hands over parsed instead (onDisk.sboms).
func (f *Fleet) materialise(ctx context.Context, org, device string, version int) (onDisk, error) {
	v, err := f.store.ModelVersion(ctx, org, device, version)
	if err != nil {
		return onDisk{}, err
	}
	// The component SBOMs are handed to the check parsed, never written
	// out, and those the App holds parsed already are not even fetched:
	// the files the model names as SBOMs alone (not VEX, MDS2 or
	// dispositions, which are read as files).
	sboms := app.SBOMFiles(v.Body)
	isSBOM := func(p string) bool {
		return sboms[p] && !strings.HasPrefix(p, "vex/") && !strings.EqualFold(filepath.Ext(p), ".xlsx")
	}
	parsed := map[string]app.Parsed{}
	files, err := f.store.FilesExcept(ctx, org, device, func(fv fleet.Version) bool {
		p := strings.TrimPrefix(fv.Kind, "file:")
		if !isSBOM(p) {
			return false
		}
		r, ok := f.app.ParsedSBOM(fv.SHA256, int64(fv.Size), p)
		if ok {
			parsed[p] = r
		}
		return ok
	})
	if err != nil {
		return onDisk{}, err
	}
	size := int64(len(v.Body))
	for _, fv := range files {
		size += int64(len(fv.Body))
	}
	give, err := f.Reserve(ctx, size)
	if err != nil {
		return onDisk{}, err
	}
	dir, err := os.MkdirTemp("", "mdcheck-assess-")
	if err != nil {
		give()
		return onDisk{}, err
	}
	d := onDisk{dir: dir, model: filepath.Join(dir, "device.yaml"), release: func() { os.RemoveAll(dir); give() }, sboms: map[string]app.Parsed{}}
	err = os.WriteFile(d.model, v.Body, 0o600)
	for _, fv := range files {
		p := strings.TrimPrefix(fv.Kind, "file:")
		if err != nil || relativePath(p) != nil {
			continue
		}
		if r, ok := parsed[p]; ok {
			d.sboms[filepath.Join(dir, p)] = r
			continue
		}
		if isSBOM(p) {
			// Parsed here, from the bytes at hand; one that is not an
			// SBOM is written out, for the check to say why.
			if r, err := f.app.ParseSBOM(fv.SHA256, fv.Body, p); err == nil {
				d.sboms[filepath.Join(dir, p)] = r
				continue
			}
		}
		if err = os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o700); err == nil {
			err = os.WriteFile(filepath.Join(dir, p), fv.Body, 0o600)
		}
		switch {
		case strings.HasPrefix(p, "vex/"):
			d.vex = append(d.vex, filepath.Join(dir, p))
		case strings.HasPrefix(p, "probe/"):
			d.probe = append(d.probe, filepath.Join(dir, p))
		case d.mds2 == "" && strings.EqualFold(filepath.Ext(p), ".xlsx"):
			d.mds2 = filepath.Join(dir, p) // Files come sorted by path
		}
	}
	if err != nil {
		d.release()
		return onDisk{}, err
	}
	// The check reads the files again: their copies here are garbage.
	if files, v.Body = nil, nil; size >= largeInput {
		debug.FreeOSMemory()
	}
	return d, nil
}

// Monitor keeps the fleet's assessments current. When the
// vulnerability data changed (a db update or db import replaced the
// database file, in this process or another) it queues an assessment of
// each device the change can reach: it matches every device, through
// its index, against the records new or changed since the copy of the
// data it kept (store.Delta), or, with no copy of the data before the
// change (a change while the server was stopped), queues every device. Then it
// matches the advisories the organisations imported since it last ran
// against their devices (Rematch). It returns how many assessments it
// queued.
func (f *Fleet) Monitor(ctx context.Context) (int, error) { return f.monitorWith(ctx, f.Rematch) }

// monitorWith is Monitor with rematch in place of Rematch.
func (f *Fleet) monitorWith(ctx context.Context, rematch func(context.Context) (int, error)) (int, error) {
	f.monitor.Lock()
	defer f.monitor.Unlock()
	hash, err := f.app.DataHash(ctx)
	if err != nil {
		return 0, err
	}
	seen, err := f.store.DataSeen(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	if seen != hash {
		touched, err := f.dataTouched(ctx, seen)
		if err != nil {
			return 0, err
		}
		n, err = f.store.DataChanged(ctx, seen, hash, touched)
		if errors.Is(err, fleet.ErrConflict) {
			n, err = 0, nil // another server recorded the change first
		}
		if err != nil {
			return n, err
		}
	}
	if f.kept.hash != hash {
		if err := f.keep(ctx); err != nil {
			return n, err
		}
	}
	m, err := rematch(ctx)
	return n + m, err
}

// UpdateData brings the vulnerability database up to date (db update,
// with o) and returns how many records it holds; the next Monitor
// re-assesses the devices the change reaches.
func (f *Fleet) UpdateData(ctx context.Context, o app.UpdateOptions) (int, error) {
	st, err := f.app.DBUpdate(ctx, o)
	return st.Records, err
}

// dataTouched is, by organisation, the devices the records new or
// changed since the kept copy of the data can reach; nil (every device)
// when the copy is not of the data seen before.
func (f *Fleet) dataTouched(ctx context.Context, seen string) (map[string][]string, error) {
	if seen == "" {
		return nil, nil
	}
	newer, err := f.app.DataFile()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(f.cache, "delta-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	older := f.kept.path
	if f.kept.hash != seen {
		// Kept by another process: published in the store, perhaps.
		older = filepath.Join(dir, "older.db")
		if ok, err := f.published(ctx, seen, older); err != nil || !ok {
			return nil, nil
		}
	}
	if _, err := store.Delta(ctx, older, newer, filepath.Join(dir, "delta.db")); err != nil {
		return nil, nil // not knowing what changed: every device
	}
	delta := app.New(app.Config{DB: filepath.Join(dir, "delta.db")})
	defer delta.Close()
	orgs, err := f.store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	touched := map[string][]string{}
	for _, org := range orgs {
		hit, err := f.touched(ctx, delta, org, fleet.Range{})
		if err != nil {
			return nil, err
		}
		if len(hit) > 0 {
			touched[org] = hit
		}
	}
	return touched, nil
}

// keep copies the vulnerability data now, for the next change.
func (f *Fleet) keep(ctx context.Context) error {
	file := filepath.Join(f.cache, fmt.Sprintf("data-%d.db", time.Now().UnixNano()))
	now, err := f.app.DataFile()
	if err != nil {
		return err
	}
	hash, err := store.Copy(now, file)
	if err != nil {
		return err
	}
	if f.kept.path != "" {
		os.Remove(f.kept.path)
	}
	f.kept = keptData{hash, file}
	return nil
}

// Recover queues again the assessments a stopped server left running;
// serve calls it before its workers start.
func (f *Fleet) Recover(ctx context.Context) (int64, error) { return f.store.Requeue(ctx) }

// Checkpoint signs the audit trail's head with the key in file.
func (f *Fleet) Checkpoint(ctx context.Context, key ed25519.PrivateKey) (bool, error) {
	return f.store.Checkpoint(ctx, key)
}

// VerifyAudit checks the audit trail against the public key of the key
// file (file.pub beside a private key, or the public key itself).
func (f *Fleet) VerifyAudit(ctx context.Context, keyFile string) (AuditCheck, error) {
	pub, err := bundle.PublicKeyOf(keyFile)
	if err != nil {
		return AuditCheck{}, app.InputError{Err: err}
	}
	return f.store.Verify(ctx, pub)
}

// AuditKey reads the audit checkpoint key in file, creating it (and
// file.pub) on first use.
func AuditKey(file string) (ed25519.PrivateKey, error) { return bundle.KeyFile(file) }
