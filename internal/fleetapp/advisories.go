package fleetapp

import (
	"context"
	"encoding/json"
	"errors"

	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/fleet"
)

// Advisory is an imported advisory.
type Advisory = fleet.Advisory

// identify reads an advisory document's own ID and title: an OSV
// record's id and summary, a CSAF document's tracking ID and title, a
// CVE record's ID and the title of its CNA container.
func identify(body []byte) (id, title string) {
	var doc struct {
		ID       string `json:"id"`
		Summary  string `json:"summary"`
		Document struct {
			Title    string `json:"title"`
			Tracking struct {
				ID string `json:"id"`
			} `json:"tracking"`
		} `json:"document"`
		CVEMetadata struct {
			CVEID string `json:"cveId"`
		} `json:"cveMetadata"`
		Containers struct {
			CNA struct {
				Title string `json:"title"`
			} `json:"cna"`
		} `json:"containers"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return "", ""
	}
	switch {
	case doc.Document.Tracking.ID != "":
		return doc.Document.Tracking.ID, doc.Document.Title
	case doc.CVEMetadata.CVEID != "":
		return doc.CVEMetadata.CVEID, doc.Containers.CNA.Title
	}
	return doc.ID, doc.Summary
}

// advisoryDB imports one advisory document into a vulnerability
// database of its own, as db import reads it, and returns an App that
// matches against it alone; release removes it.
func (f *Fleet) advisoryDB(ctx context.Context, body []byte) (*app.App, int, func(), error) {
	dir, err := os.MkdirTemp("", "mdcheck-advisory-")
	if err != nil {
		return nil, 0, nil, err
	}
	release := func() { os.RemoveAll(dir) }
	doc := filepath.Join(dir, "advisory.json")
	if err := os.WriteFile(doc, body, 0o600); err != nil {
		release()
		return nil, 0, nil, err
	}
	a := app.New(app.Config{DB: filepath.Join(dir, "advisory.db")})
	st, err := a.DBImport(ctx, app.ImportOptions{Paths: []string{doc}, Strict: true})
	if err == nil && st.Records == 0 {
		err = app.InputError{Err: errors.New("the document holds no vulnerability record mdcheck reads (OSV, CSAF 2.0 or CVE JSON 5)")}
	}
	if err != nil {
		release()
		return nil, 0, nil, app.InputError{Err: errors.New(strings.ReplaceAll(err.Error(), doc, "the advisory"))}
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
	id, title := identify(body)
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
		res, err := a.Check(ctx, app.CheckOptions{Model: disk.model, Date: f.store.Now().UTC().Truncate(24 * time.Hour), Freshness: app.Freshness{MaxAge: &zero}})
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
