package htmlreport

import (
	"io"

	"github.com/mdcheck/mdcheck/internal/ifu"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Headings are the IFU section's headings for operators, by item.
var Headings = map[model.IFUItem]string{
	model.IFUMinimumIT:       "Minimum IT environment",
	model.IFUPorts:           "Network ports, protocols and peers",
	model.IFUSettings:        "Security settings",
	model.IFUUpdatePolicy:    "Security updates",
	model.IFUEndOfSupport:    "End of security support",
	model.IFUBackupRestore:   "Backup and restore",
	model.IFUDecommissioning: "Decommissioning and disposal",
	model.IFUOperatorDuties:  "What operators and users must do",
	model.IFUResidualRisks:   "Residual security risks",
	model.IFUIncidentContact: "Reporting a security incident or vulnerability",
}

// IFUInput is what the IFU security section is written from.
type IFUInput struct {
	Manufacturer, Product, Date, Tool string
	Items                             []ifu.Item
}

type ifuView struct {
	IFUInput
	Sections []ifuSection
	Open     int
	Skipped  []ifu.Item
}

type ifuSection struct {
	ifu.Item
	N       int
	Heading string
}

// IFUSections numbers the items the device needs, with their headings,
// and lists those it does not; open counts the needed items the model
// gives nothing for.
func IFUSections(items []ifu.Item) (sections []ifuSection, skipped []ifu.Item, open int) {
	for _, it := range items {
		if !it.Needed {
			skipped = append(skipped, it)
			continue
		}
		h := Headings[it.ID]
		if h == "" {
			h = it.Title
		}
		sections = append(sections, ifuSection{Item: it, N: len(sections) + 1, Heading: h})
		if len(it.Draft) == 0 {
			open++
		}
	}
	return sections, skipped, open
}

// WriteIFU writes the IFU security section as a self-contained HTML page:
// a numbered heading per item the device needs, what the model says of
// it, and "to be completed by the manufacturer" where it says nothing.
func WriteIFU(w io.Writer, in IFUInput) error {
	v := ifuView{IFUInput: in}
	v.Sections, v.Skipped, v.Open = IFUSections(in.Items)
	return pages().ExecuteTemplate(w, "ifu", v)
}
