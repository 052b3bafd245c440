package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/mds2"
	"github.com/mdcheck/mdcheck/internal/oscal"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/sarif"
	"github.com/mdcheck/mdcheck/internal/vexout"
)

// markdown renders the health check for documentation and review.
var markdown = Format{
	Name:       "md",
	Extensions: []string{".md", ".markdown"},
	Check:      func(w io.Writer, r *app.CheckResult, _ Options) error { return report.Markdown(w, r.Report) },
	IFU:        writeIFUMarkdown,
	Threats:    writeThreatsMarkdown,
}

// oscalFormat renders the health check as OSCAL 1.1.3 assessment results
// and, when Options.Plan is set, the assessment plan they refer to.
var oscalFormat = Format{
	Name:       "oscal",
	Extensions: []string{".oscal.json", ".json"},
	Check: func(w io.Writer, r *app.CheckResult, o Options) error {
		if o.Plan != nil {
			var plan bytes.Buffer
			if err := oscal.Write(&plan, oscal.Plan(r.Report)); err != nil {
				return err
			}
			if _, err := o.Plan.Write(plan.Bytes()); err != nil {
				return err
			}
		}
		return oscal.Write(w, oscal.Results(r.Report, o.PlanHref))
	},
	CatalogExport: func(w io.Writer, o Options) error {
		return oscal.Write(w, oscal.Catalog(catalog.Requirements(), catalog.Version, o.Now))
	},
}

// cyclonedx renders one SBOM's scan as a CycloneDX 1.6 vulnerability
// report.
var cyclonedx = Format{
	Name:       "cyclonedx",
	Extensions: []string{".cdx.json", ".json"},
	Single:     true,
	Scan: func(w io.Writer, r *app.ScanResult, o Options) error {
		s := r.SBOMs[len(r.SBOMs)-1]
		return writeScanCycloneDX(w, r.Database, s.Document, s.Matches, o)
	},
}

// openVEXFormat writes what the health check knows of each vulnerability
// of the device's components as an OpenVEX document by the manufacturer.
var openVEXFormat = Format{
	Name:       "openvex",
	Extensions: []string{".openvex.json", ".json"},
	Check: func(w io.Writer, r *app.CheckResult, _ Options) error {
		day, err := time.Parse(time.DateOnly, r.Report.Date)
		if err != nil {
			return fmt.Errorf("openvex: report date %q: %w", r.Report.Date, err)
		}
		return vexout.OpenVEX(w, r.Report.Device.Manufacturer, "manufacturer", day, r.VEX)
	},
	// A scan's VEX is by whoever ran it: the SBOM's first author, else
	// mdcheck, dated the day of the scan.
	Scan: func(w io.Writer, r *app.ScanResult, o Options) error {
		author, role := scanAuthor(r)
		return vexout.OpenVEX(w, author, role, day(o), r.VEX())
	},
}

// csafVEXFormat writes the health check's vulnerabilities as the
// manufacturer's CSAF 2.0 VEX document.
var csafVEXFormat = Format{
	Name:       "csaf-vex",
	Extensions: []string{".csaf.json", ".json"},
	Check: func(w io.Writer, r *app.CheckResult, _ Options) error {
		day, err := time.Parse(time.DateOnly, r.Report.Date)
		if err != nil {
			return fmt.Errorf("csaf-vex: report date %q: %w", r.Report.Date, err)
		}
		return vexout.CSAF(w, r.Publisher, day, r.VEX)
	},
	Scan: func(w io.Writer, r *app.ScanResult, o Options) error {
		return vexout.CSAF(w, r.Publisher(o.Build), day(o), r.VEX())
	},
}

// scanAuthor is who a scan's VEX is by: the manufacturer when the device
// model was given, else the first SBOM's author (or mdcheck) as assessor.
func scanAuthor(r *app.ScanResult) (string, string) {
	if r.Device != nil {
		return r.Device.Identity.Manufacturer, "manufacturer"
	}
	for _, s := range r.SBOMs {
		if s.Document != nil && len(s.Document.Authors) > 0 {
			return s.Document.Authors[0], "assessor (mdcheck scan)"
		}
	}
	return "mdcheck", "assessor (mdcheck scan)"
}

// day is the date an output is issued: Options.Now's, or today's.
func day(o Options) time.Time {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	return now.UTC().Truncate(24 * time.Hour)
}

// sarifFormat writes the health check's failing and unknown findings as
// SARIF 2.1.0, paths relative to the working folder.
var sarifFormat = Format{
	Name:       "sarif",
	Extensions: []string{".sarif", ".sarif.json", ".json"},
	Check: func(w io.Writer, r *app.CheckResult, _ Options) error {
		wd, _ := os.Getwd()
		return sarif.Check(w, r.Report, r.Rules, wd)
	},
	Scan: func(w io.Writer, r *app.ScanResult, o Options) error {
		wd, _ := os.Getwd()
		sboms := make([]sarif.SBOM, 0, len(r.SBOMs))
		for _, s := range r.SBOMs {
			sboms = append(sboms, sarif.SBOM{File: s.File, Matches: s.Matches})
		}
		return sarif.Scan(w, o.Build.Version, sboms, wd)
	},
}

// xlsx writes the MDS2 workbook an export answers.
var xlsx = Format{
	Name:       "xlsx",
	Extensions: []string{".xlsx"},
	MDS2Export: func(w io.Writer, ex *app.MDS2Export, _ Options) error {
		return mds2.Write(w, ex.Source, ex.Date, ex.Answers)
	},
}
