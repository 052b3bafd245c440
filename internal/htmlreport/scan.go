package htmlreport

import (
	"fmt"
	"html/template"
	"io"
	"sort"

	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// ScanInput is what the scan page is drawn from.
type ScanInput struct {
	// Date is the day of the scan; Tool and Database say what made it.
	Date     string
	Tool     string
	Database string
	SBOMs    []ScanSBOM
	// Model, with scan --device, draws the architecture.
	Model *model.Device
}

// ScanSBOM is one SBOM's matches and coverage ledger.
type ScanSBOM struct {
	File, Subject, Component string
	Matches                  []vuln.Match
	Coverage                 []vuln.Coverage
}

// maxLedgerRows bounds the packages listed as not checked per SBOM: an
// SBOM of a quarter of a million packages stays a page one can open.
const maxLedgerRows = 200

type (
	scanView struct {
		ScanInput
		Chart                           template.HTML
		Diagram                         template.HTML
		Packages, Checked, Open, Closed int
		Exploited                       int
		Rows                            []scanSBOMView
	}
	scanSBOMView struct {
		ScanSBOM
		Matches                       []scanMatch
		Checked, NotCheckable, NoData int
		NotChecked                    []vuln.Coverage
		More                          int
	}
	scanMatch struct {
		vuln.Match
		Level    severity.Level
		ForWhom  string
		SetAside bool
	}
)

// WriteScan writes the scan as one self-contained page: a summary, a
// chart of the matches by severity (for patients where the device model
// says, else the advisory's rating), each SBOM's matches and what of it
// could not be checked, and the architecture with scan --device.
func WriteScan(w io.Writer, in ScanInput) error {
	v := &scanView{ScanInput: in}
	bars := severityBars()
	for _, s := range in.SBOMs {
		sv := scanSBOMView{ScanSBOM: s}
		for _, c := range s.Coverage {
			v.Packages++
			switch c.Status {
			case vuln.Checked:
				sv.Checked++
			case vuln.NotCheckable:
				sv.NotCheckable++
			default:
				sv.NoData++
			}
			if c.Status != vuln.Checked {
				if len(sv.NotChecked) < maxLedgerRows {
					sv.NotChecked = append(sv.NotChecked, c)
				} else {
					sv.More++
				}
			}
		}
		v.Checked += sv.Checked
		for _, m := range s.Matches {
			sm := scanMatch{Match: m, Level: m.Severity, ForWhom: "rating"}
			if m.Safety != nil {
				sm.Level, sm.ForWhom = m.Safety.Level, "for patients"
			}
			sm.SetAside = m.VEX != nil && m.VEX.Suppressed()
			if m.KEV != nil {
				v.Exploited++
			}
			bars.count(sm.Level, !sm.SetAside)
			if sm.SetAside {
				v.Closed++
			} else {
				v.Open++
			}
			sv.Matches = append(sv.Matches, sm)
		}
		sort.SliceStable(sv.Matches, func(i, j int) bool {
			a, b := sv.Matches[i], sv.Matches[j]
			if a.SetAside != b.SetAside {
				return !a.SetAside
			}
			if a.Level != b.Level {
				return a.Level > b.Level
			}
			return a.ID+a.Package < b.ID+b.Package
		})
		v.Rows = append(v.Rows, sv)
	}
	if v.Open+v.Closed > 0 {
		v.Chart = template.HTML(chart(bars)) // #nosec: labels are escaped by chart
	}
	if in.Model != nil {
		v.Diagram = template.HTML(Diagram(in.Model)) // #nosec: every text in it is escaped by Diagram
	}
	if err := pages().ExecuteTemplate(w, "scan", v); err != nil {
		return fmt.Errorf("htmlreport: %w", err)
	}
	return nil
}
