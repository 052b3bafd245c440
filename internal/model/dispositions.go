package model

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/boundedio"
)

// MaxDispositionsFile bounds a dispositions file: a disposition takes
// about 500 bytes, so this holds some eight thousand, more than any
// device's vulnerabilities; the token and node limits of a model apply too.
const MaxDispositionsFile = 4 << 20

// DispositionsDocument is the layout of a dispositions file, for its
// published schema.
type DispositionsDocument = dispositionFile

// dispositionFile is the content of a dispositions file.
type dispositionFile struct {
	Dispositions []Disposition `yaml:"dispositions" required:"true" doc:"What security risk management decided about each known vulnerability."`
}

// loadDispositions reads the model's dispositions file, relative to dir,
// and appends its dispositions to the model's, with their positions in
// that file. A problem in the file is reported with the file's name.
func loadDispositions(dev *Device, dir string, errs *ErrorList) error {
	name := dev.DispositionsFile
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	data, err := boundedio.ReadFile(p, MaxDispositionsFile)
	var tl *boundedio.TooLargeError
	switch {
	case errors.As(err, &tl):
		return listErr(p, 0, 0, fmt.Sprintf("file is %s bytes; a dispositions file may be at most %d bytes", tl.Bytes(), MaxDispositionsFile))
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, boundedio.ErrDirectory):
		pos := dev.Pos("dispositionsFile")
		errs.add(pos.Line, pos.Column, "dispositionsFile", fmt.Sprintf("dispositions file %q not found", name))
		return nil
	case err != nil:
		return fmt.Errorf("read %s: %w", p, err)
	}
	if err := precheck(p, data); err != nil {
		return err
	}
	src := &source{file: p, pos: map[string]Pos{}}
	ferrs := &ErrorList{file: p}
	var f dispositionFile
	if err := decodeYAML(p, data, src, ferrs, reflect.ValueOf(&f).Elem(), "the dispositions file", "a dispositions: list", "keep every disposition in one dispositions: list"); err != nil {
		return err
	}
	if len(ferrs.Errs) > 0 {
		sortErrs(ferrs)
		return fmt.Errorf("%w: %w", ErrInvalid, ferrs)
	}
	n := len(dev.Dispositions)
	for path, pos := range src.pos {
		if k, rest, ok := indexed(path, "dispositions"); ok {
			dev.src.pos["dispositions["+strconv.Itoa(n+k)+"]"+rest] = pos
		}
	}
	dev.Dispositions = append(dev.Dispositions, f.Dispositions...)
	v := validator{dev: dev, errs: ferrs, comps: map[string]int{}, ext: map[string]int{}}
	for i, c := range dev.Components {
		v.comps[c.ID] = i
	}
	v.dispositions(n)
	if len(ferrs.Errs) > 0 {
		sortErrs(ferrs)
		return fmt.Errorf("%w: %w", ErrInvalid, ferrs)
	}
	return nil
}

// indexed splits "list[3].field" into 3 and ".field".
func indexed(path, list string) (int, string, bool) {
	rest, ok := strings.CutPrefix(path, list+"[")
	if !ok {
		return 0, "", false
	}
	num, tail, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, "", false
	}
	k, err := strconv.Atoi(num)
	if err != nil {
		return 0, "", false
	}
	return k, tail, true
}

// ValidOn reports whether the certificate is valid on day t: it states
// its expiry, and t is not after it.
func (c Certificate) ValidOn(t time.Time) bool {
	exp, ok := c.Expires.Time()
	return ok && t.Before(exp.AddDate(0, 0, 1))
}

// DispositionFor returns the disposition of vulnerability id (or any of
// its aliases) in component, and its model path; false when there is none.
// A disposition naming the component wins over one for every component.
func (d *Device) DispositionFor(component string, ids ...string) (Disposition, string, bool) {
	best := -1
	for i, x := range d.Dispositions {
		if !matchesAny(x.Vulnerability, ids) {
			continue
		}
		switch {
		case len(x.Components) == 0:
			if best < 0 {
				best = i
			}
		case contains(x.Components, component):
			return x, fmt.Sprintf("dispositions[%d]", i), true
		}
	}
	if best < 0 {
		return Disposition{}, "", false
	}
	return d.Dispositions[best], fmt.Sprintf("dispositions[%d]", best), true
}

func matchesAny(v string, ids []string) bool {
	v = strings.TrimSpace(v)
	for _, id := range ids {
		if strings.EqualFold(v, id) {
			return true
		}
	}
	return false
}

// Missing names what a complete disposition states and this one does not:
// the exploitability analysis, the patient-safety impact, the owner and
// date, and what its decision needs (the justification of not-affected,
// the fixed release or due date of fix, the risk control of mitigate, the
// benefit-risk reason of accept).
func (x Disposition) Missing() []string {
	var out []string
	if x.Exploitable == nil && x.Analysis == "" {
		out = append(out, "no exploitability analysis (exploitable, analysis)")
	}
	if x.PatientSafetyImpact == "" {
		out = append(out, "no patient-safety impact")
	}
	switch x.Decision {
	case DecisionNotAffected:
		if x.Justification == "" {
			out = append(out, "not-affected without a justification")
		}
	case DecisionFix:
		if x.FixVersion == "" && x.Due == "" {
			out = append(out, "fix without a fixed release or due date")
		}
	case DecisionMitigate:
		if x.Mitigation == "" {
			out = append(out, "mitigate without the mitigation")
		}
	case DecisionAccept:
		if x.BenefitRisk == "" {
			out = append(out, "accept without a benefit-risk reason")
		}
	}
	if x.Owner == "" {
		out = append(out, "no owner")
	}
	if x.Date == "" {
		out = append(out, "no date")
	}
	return out
}
