package mds2

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
)

// TestWriteRoundTrip writes the whole form and reads it back: every
// question, the answers and notes given, the blank ones with the note
// saying why, the description rows and the release date.
func TestWriteRoundTrip(t *testing.T) {
	answers := map[string]Item{
		"DOC-1":   {Text: "Example Medical GmbH"},
		"DOC-3":   {Text: "EX-200, EX-210"},
		"DOC-8":   {Answer: Yes, Note: "from lifecycle.vulnerabilityDisclosure.published"},
		"EMRG-1":  {Answer: Yes, Note: "from components[0].accessControl.emergencyAccess.supported"},
		"PAUT-4":  {Answer: NA, Note: "from components[0].accessControl.defaultCredentials"},
		"TXCF-2":  {Answer: No, Note: "from components[0].interfaces[0].encryption.inTransit"},
		"SAHD-15": {Answer: Yes},
		"STCF-1":  {Answer: Blank, Note: "not stated"},
		"TXIG-1":  {Answer: Blank, Note: "not stated"}, // the same note twice: one note row
	}
	var buf bytes.Buffer
	if err := Write(&buf, "device.yaml", time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), answers); err != nil {
		t.Fatal(err)
	}
	f, err := Read("out.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 0 {
		t.Errorf("warnings on our own form: %v", f.Warnings)
	}
	if len(f.Items) != len(hn2019.Questions) {
		t.Errorf("%d questions read back, want %d", len(f.Items), len(hn2019.Questions))
	}
	if f.Manufacturer != "Example Medical GmbH" || f.Model != "EX-200, EX-210" || f.Date != "2026-03-20" || f.Description != "" {
		t.Errorf("description = %q, %q, %q, %q", f.Manufacturer, f.Model, f.Date, f.Description)
	}
	for _, q := range hn2019.Questions {
		it := f.Items[q.ID]
		want, given := answers[q.ID]
		switch {
		case q.Kind == hn2019.Date:
		case q.Kind == hn2019.Text && given:
			if it.Text != want.Text {
				t.Errorf("%s = %q, want %q", q.ID, it.Text, want.Text)
			}
		case !given:
			if it.Answer != Blank || it.Note != Unanswered {
				t.Errorf("%s = %s (%q), want blank with the note", q.ID, it.Answer, it.Note)
			}
		default:
			if it.Answer != want.Answer || it.Note != want.Note {
				t.Errorf("%s = %s (%q), want %s (%q)", q.ID, it.Answer, it.Note, want.Answer, want.Note)
			}
		}
	}
	if len(f.Notes) != 6 {
		t.Errorf("%d notes, want 6 (five distinct ones given and the one for unanswered questions): %v", len(f.Notes), f.Notes)
	}
	// The sheet as a person sees it: section rows with their titles, our
	// wording beside each ID.
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(Sheet)
	if err != nil {
		t.Fatal(err)
	}
	sections, worded := 0, 0
	for _, r := range rows {
		if len(r) > 1 && r[0] == "" && strings.HasSuffix(r[1], ")") && strings.Contains(r[1], " (") {
			sections++
		}
		if len(r) > 1 && r[0] != "" && r[1] == hn2019.About(r[0]) {
			worded++
		}
	}
	if sections != len(hn2019.Sections) || worded != len(hn2019.Questions) {
		t.Errorf("%d section rows, %d worded questions; want %d and %d", sections, worded, len(hn2019.Sections), len(hn2019.Questions))
	}
}

// TestReadUnknownID: an ID the 2019 form does not have is read, with a
// warning naming the cell.
func TestReadUnknownID(t *testing.T) {
	data := synthetic(t, layout{rows: append(slices.Clone(standard), row{"AUTH-9", "Yes", ""})})
	f, err := Read("vendor.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if it, ok := f.Get("AUTH-9"); !ok || it.Answer != Yes {
		t.Errorf("AUTH-9 = %+v", it)
	}
	if !strings.Contains(strings.Join(f.Warnings, "\n"), "AUTH-9 is not a question of the 2019 form") {
		t.Errorf("warnings = %v", f.Warnings)
	}
}
