package fleetapp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/fleet"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// Advisory is an imported advisory.
type Advisory = fleet.Advisory

// advisoryDB imports advisory documents into a vulnerability database
// of their own, as db import reads them, and returns an App that matches
// against them alone, with the records read; release removes it.
func (f *Fleet) advisoryDB(ctx context.Context, bodies ...[]byte) (*app.App, int, func(), error) {
	dir, err := os.MkdirTemp("", "mdcheck-advisory-")
	if err != nil {
		return nil, 0, nil, err
	}
	release := func() { os.RemoveAll(dir) }
	docs := filepath.Join(dir, "advisories")
	err = os.Mkdir(docs, 0o700)
	for i, b := range bodies {
		if err == nil {
			err = os.WriteFile(filepath.Join(docs, fmt.Sprintf("advisory-%d.json", i+1)), b, 0o600)
		}
	}
	if err != nil {
		release()
		return nil, 0, nil, err
	}
	a := app.New(app.Config{DB: filepath.Join(dir, "advisory.db")})
	release = func() { a.Close(); os.RemoveAll(dir) }
	st, err := a.DBImport(ctx, app.ImportOptions{Paths: []string{docs}, Strict: true})
	if err == nil && st.Records == 0 {
		err = app.InputError{Err: errors.New("the document holds no vulnerability record mdcheck reads (OSV, CSAF 2.0 or CVE JSON 5)")}
	}
	if err != nil {
		release()
		return nil, 0, nil, app.InputError{Err: errors.New(strings.ReplaceAll(err.Error(), filepath.Join(docs, "advisory-1.json"), "the advisory"))}
	}
	return a, st.Records, release, nil
}

// ImportAdvisory stores an advisory document (an OSV record, a CSAF 2.0
// document such as a CISA ICSMA advisory, or a CVE JSON 5 record) for
// the organisation, after reading it as db import does; one mdcheck
// cannot read is an InputError saying why.
func (f *Fleet) ImportAdvisory(ctx context.Context, by Actor, body []byte) (Advisory, error) {
	_, n, release, err := f.advisoryDB(ctx, body)
	if err != nil {
		return Advisory{}, err
	}
	release()
	id, title := advisory.Identify(body)
	if id == "" {
		id = "unnamed"
	}
	return f.store.AddAdvisory(ctx, by, Advisory{SourceID: id, Title: title, Records: n, Body: body})
}

// Advisories lists the organisation's imported advisories.
func (f *Fleet) Advisories(ctx context.Context, by Actor, p Page) ([]Advisory, string, error) {
	return f.store.Advisories(ctx, by.Org, p)
}

// Hit is a device an advisory hits, with the findings that say so.
type Hit struct {
	Device   string       `json:"device"`
	Name     string       `json:"name"`
	Site     string       `json:"site"`
	Findings []FindingRef `json:"findings"`
}

// Impact is which devices of a page of the organisation's devices an
// advisory hits.
type Impact struct {
	Advisory Advisory `json:"advisory"`
	// Checked counts the devices of this page; Hits those hit.
	Checked int    `json:"checked"`
	Hits    []Hit  `json:"hits"`
	Failed  []Hit  `json:"failed"`
	Next    string `json:"next,omitempty"`
}

// Impact matches an imported advisory against a page of the
// organisation's devices, each as its newest model and files stand: the
// health check of the device against a database holding this advisory
// alone, so that it hits through the components' SBOMs (OSV, CSAF and
// CVE product data) and, for a CSAF document, through the device's and
// components' names. A device whose check fails is listed in Failed:
// not knowing is not a miss.
func (f *Fleet) Impact(ctx context.Context, by Actor, id string, p Page) (Impact, error) {
	adv, err := f.store.Advisory(ctx, by.Org, id)
	if err != nil {
		return Impact{}, err
	}
	a, _, release, err := f.advisoryDB(ctx, adv.Body)
	if err != nil {
		return Impact{}, err
	}
	defer release()
	adv.Body = nil
	devs, next, err := f.store.Devices(ctx, by.Org, fleet.DeviceFilter{}, p)
	if err != nil {
		return Impact{}, err
	}
	out := Impact{Advisory: adv, Checked: len(devs), Hits: []Hit{}, Failed: []Hit{}, Next: next}
	zero := time.Duration(0)
	for _, d := range devs {
		if err := ctx.Err(); err != nil {
			return Impact{}, err
		}
		hit := Hit{Device: d.ID, Name: d.Name, Site: d.Site, Findings: []FindingRef{}}
		disk, err := f.materialise(ctx, by.Org, d.ID, d.Model)
		if err != nil {
			return Impact{}, err
		}
		res, err := a.Check(ctx, app.CheckOptions{Model: disk.model, SBOMs: disk.sboms, Date: f.store.Now().UTC().Truncate(24 * time.Hour), Freshness: app.Freshness{MaxAge: &zero}})
		if err != nil {
			hit.Findings = append(hit.Findings, FindingRef{Title: "the check failed: " + disk.relative(err.Error()), Status: "error"})
			out.Failed = append(out.Failed, hit)
			disk.release()
			continue
		}
		disk.release()
		for _, fd := range res.Report.Findings {
			// A match is a finding on COMPONENT/VULNERABILITY: failed, or
			// unknown when the match is tentative; the others say what was
			// or could not be checked.
			if fd.Rule != "vuln/known-vulnerabilities" && fd.Rule != "vuln/device-advisories" || !strings.Contains(fd.Subject, "/") ||
				fd.Status != catalog.Fail && fd.Status != catalog.Unknown {
				continue
			}
			status := string(fd.Status)
			if fd.Tentative {
				status += " (tentative match)"
			}
			if fd.Suppressed() {
				status += ", set aside: " + fd.Suppression.Reason()
			}
			hit.Findings = append(hit.Findings, FindingRef{ID: fd.ID, Title: fd.Detail, Status: status, Severity: fd.Severity.String()})
		}
		if len(hit.Findings) > 0 {
			sort.Slice(hit.Findings, func(i, j int) bool { return hit.Findings[i].ID < hit.Findings[j].ID })
			out.Hits = append(out.Hits, hit)
		}
	}
	return out, nil
}

// overlayDB is an organisation's advisories as a vulnerability database:
// key names the set of advisories it was built from, mark the store's
// mark of them (AdvisoriesMark).
type overlayDB struct{ key, mark, path string }

// overlay is the vulnerability database of an organisation's imported
// advisories, which its assessments match beside the main one; "" when
// it imported none. It is built again when the advisories change, and
// shared by the assessments until then.
func (f *Fleet) overlay(ctx context.Context, org string) (string, error) {
	// What the organisation imported is checked by a mark read in one
	// query; the list is read only when it changed.
	mark, err := f.store.AdvisoriesMark(ctx, org)
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	old, ok := f.overlays[org]
	f.mu.Unlock()
	if ok && old.mark == mark {
		return old.path, nil
	}
	var all []Advisory
	for p := (Page{Limit: 500}); ; {
		as, next, err := f.store.Advisories(ctx, org, p)
		if err != nil {
			return "", err
		}
		all = append(all, as...)
		if next == "" {
			break
		}
		p.After = next
	}
	if len(all) == 0 {
		return "", nil
	}
	h := sha256.New()
	fmt.Fprintln(h, org)
	for _, a := range all {
		fmt.Fprintln(h, a.ID, a.SHA256)
	}
	key := hex.EncodeToString(h.Sum(nil))[:32]
	f.mu.Lock()
	defer f.mu.Unlock()
	old, ok = f.overlays[org]
	if ok && old.key == key {
		f.overlays[org] = overlayDB{key, mark, old.path}
		return old.path, nil
	}
	docs, err := os.MkdirTemp(f.cache, "advisories-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(docs)
	for _, a := range all {
		full, err := f.store.Advisory(ctx, org, a.ID)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(docs, a.ID+".json"), full.Body, 0o600); err != nil {
			return "", err
		}
	}
	path := filepath.Join(f.cache, "overlay-"+key+".db")
	if _, err := app.New(app.Config{DB: path}).DBImport(ctx, app.ImportOptions{Paths: []string{docs}}); err != nil {
		return "", err
	}
	if ok {
		os.Remove(old.path) // an assessment still reading it keeps it open
	}
	f.overlays[org] = overlayDB{key, mark, path}
	return path, nil
}

// Rematch matches the advisories imported since the last call against
// their organisation's fleet, in one pass over its devices as their
// newest models and files stand, and queues an assessment of each
// device one of them can reach (app.Touched): the others are not
// assessed again. It returns how many assessments it queued. A device
// whose files cannot be read is assessed again too: not knowing is not a
// miss.
func (f *Fleet) Rematch(ctx context.Context) (int, error) {
	queued := 0
	for {
		advs, err := f.store.Unmatched(ctx, 200)
		if err != nil || len(advs) == 0 {
			return queued, err
		}
		bodies := make([][]byte, len(advs))
		for i, a := range advs {
			bodies[i] = a.Body
		}
		hit, err := f.reached(ctx, advs[0].Org, bodies, fleet.Range{})
		if err != nil {
			return queued, err
		}
		qs, err := f.store.Matched(ctx, advs[0].Org, advs, hit)
		if err != nil && !errors.Is(err, fleet.ErrConflict) {
			return queued, err
		}
		queued += len(qs)
	}
}

// ShardSize is how many devices one re-match job matches an import
// against, when the work runs as jobs.
var ShardSize = 2000

// rematchInShards is Rematch for workers that share the work: the
// advisories imported since the last call are marked matched together
// with one job per range of ShardSize devices (RematchShard), each of
// which queues the assessments of its range. It returns how many jobs it
// inserted.
func (f *Fleet) rematchInShards(ctx context.Context) (int, error) {
	jobs := 0
	for {
		advs, err := f.store.Unmatched(ctx, 200)
		if err != nil || len(advs) == 0 {
			return jobs, err
		}
		org := advs[0].Org
		ranges, err := f.store.Shards(ctx, org, ShardSize)
		if err != nil {
			return jobs, err
		}
		if err := f.store.MatchedInShards(ctx, org, advs, ranges); errors.Is(err, fleet.ErrConflict) {
			continue // another worker took them
		} else if err != nil {
			return jobs, err
		}
		jobs += len(ranges)
	}
}

// RematchShard is the job of one range of an organisation's devices:
// it matches the advisories against the devices in [from, to) as
// Rematch does, and queues an assessment of each they reach.
func (f *Fleet) RematchShard(ctx context.Context, org string, ids []string, from, to string) error {
	bodies := make([][]byte, 0, len(ids))
	for _, id := range ids {
		a, err := f.store.Advisory(ctx, org, id)
		if errors.Is(err, fleet.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		bodies = append(bodies, a.Body)
	}
	if len(bodies) == 0 {
		return nil
	}
	hit, err := f.reached(ctx, org, bodies, fleet.Range{From: from, To: to})
	if err != nil {
		return err
	}
	_, err = f.store.QueueDevices(ctx, org, hit)
	return err
}

// reached lists the organisation's devices in r that the advisories
// (documents as imported) can reach (touched). Each was read at import;
// unreadable together means the reader changed: every device in r is
// assessed against them.
func (f *Fleet) reached(ctx context.Context, org string, bodies [][]byte, r fleet.Range) ([]string, error) {
	a, _, release, err := f.advisoryDB(ctx, bodies...)
	if err != nil {
		return f.touched(ctx, nil, org, r)
	}
	defer release()
	return f.touched(ctx, a, org, r)
}

// indexOf is what a check matched, for re-matching without reading the
// device again: its packages by lookup key (store.Keys), and its
// subjects (identity and components) under SubjectKey.
func indexOf(res *app.CheckResult) map[string]string {
	by := map[string][]vuln.Package{}
	for _, p := range res.Packages {
		for _, k := range store.Keys(p) {
			by[k] = append(by[k], p)
		}
	}
	idx := make(map[string]string, len(by))
	for k, ps := range by {
		b, _ := json.Marshal(ps)
		idx[k] = string(b)
	}
	if res.Model != nil {
		for i, s := range app.AdvisorySubjects(res.Model) {
			b, _ := json.Marshal(advisory.Device{Vendor: s.Vendor, Product: s.Product, Version: s.Version})
			idx[fmt.Sprintf("%s%d", fleet.SubjectKey, i)] = string(b)
		}
	}
	return idx
}

// touched lists the organisation's devices in r that the records of
// the advisory database a can reach; with a nil, every device in r. A
// device's index (indexOf) gives the packages a record's keys name,
// which are matched against a; a device not indexed yet is read whole
// (app.Touched).
func (f *Fleet) touched(ctx context.Context, a *app.App, org string, r fleet.Range) ([]string, error) {
	if a == nil {
		return f.allDevices(ctx, org, r)
	}
	file, err := a.DataFile()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(file)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	keys, err := db.Keys(ctx)
	if err != nil {
		return nil, err
	}
	advs, err := db.Advisories(ctx)
	if err != nil {
		return nil, err
	}
	rows, unindexed, err := f.store.Indexed(ctx, org, slices.Sorted(maps.Keys(keys)), len(advs) > 0, r)
	if err != nil {
		return nil, err
	}
	m := advisory.NewMatcher(advs)
	var hit []string
	for dev, ps := range rows {
		var pkgs []vuln.Package
		reached := false
		for _, p := range ps {
			if strings.HasPrefix(p, "{") { // a subject
				var one advisory.Device
				if err := json.Unmarshal([]byte(p), &one); err != nil {
					return nil, err
				}
				reached = reached || len(m.Match(one)) > 0
				continue
			}
			var list []vuln.Package
			if err := json.Unmarshal([]byte(p), &list); err != nil {
				return nil, err
			}
			pkgs = append(pkgs, list...)
		}
		if !reached && len(pkgs) > 0 {
			ms, _, err := db.Scan(ctx, pkgs)
			if err != nil {
				return nil, err
			}
			reached = len(ms) > 0
		}
		if reached {
			hit = append(hit, dev)
		}
	}
	for _, id := range unindexed {
		d, err := f.store.Device(ctx, org, id)
		if err != nil {
			return nil, err
		}
		disk, err := f.materialise(ctx, org, id, d.Model)
		if err != nil {
			return nil, err
		}
		subjects, err := a.Touched(ctx, disk.model, disk.sboms)
		disk.release()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil || len(subjects) > 0 {
			hit = append(hit, id)
		}
	}
	sort.Strings(hit)
	return hit, nil
}

// allDevices lists every device of the organisation in r.
func (f *Fleet) allDevices(ctx context.Context, org string, r fleet.Range) ([]string, error) {
	var all []string
	for p := (Page{Limit: 500}); ; {
		devs, next, err := f.store.Devices(ctx, org, fleet.DeviceFilter{}, p)
		if err != nil {
			return nil, err
		}
		for _, d := range devs {
			if r.In(d.ID) {
				all = append(all, d.ID)
			}
		}
		if next == "" {
			return all, nil
		}
		p.After = next
	}
}
