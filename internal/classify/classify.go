package classify

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
)

// SchemaVersion is the version of the JSON classification output.
const SchemaVersion = "2"

// ErrOutOfScope is returned for a device the MDR classification rules do
// not cover (an in vitro diagnostic device under the IVDR).
var ErrOutOfScope = errors.New("out of scope")

// Classification is the classification of a device model: the system's
// class on top, each component's below.
type Classification struct {
	SchemaVersion string `json:"schemaVersion"`
	Device        Device `json:"device"`
	Basis         string `json:"basis"`
	Result
	Components []Result `json:"components"`
	// Transition is the MDR Art. 120 transition of a legacy device.
	Transition *Transition `json:"transition,omitempty"`
	Notes      []string    `json:"notes,omitempty"`
}

// Device identifies the classified device.
type Device struct {
	Manufacturer string `json:"manufacturer"`
	Product      string `json:"product"`
	Model        string `json:"model,omitempty"`
	Version      string `json:"version,omitempty"`
	File         string `json:"file,omitempty"`
}

// Result is the classification of one component or of the whole system.
type Result struct {
	Component string `json:"component,omitempty"`
	Name      string `json:"name,omitempty"`
	Role      string `json:"role,omitempty"`
	// Class is the decided class; when Decided is false, the lowest class
	// the missing facts still allow (null when the rules may not apply).
	Class Class `json:"class"`
	// UpTo is, for an undecided result, the highest class still possible.
	UpTo Class `json:"upTo,omitempty"`
	// ClassISubcases lists sterile, measuring and reusable-surgical for a
	// class I device that has them (Art. 52(7)).
	ClassISubcases []string `json:"classISubcases,omitempty"`
	Label          string   `json:"label"`
	// Rule lists the rules that give the decided class.
	Rule    []string `json:"rule"`
	Decided bool     `json:"decided"`
	// Missing lists facts that could still change the class.
	Missing      []string     `json:"missing,omitempty"`
	Trace        []Step       `json:"trace"`
	Conformity   Conformity   `json:"conformity"`
	NotifiedBody NotifiedBody `json:"notifiedBody"`
	PMS          PMS          `json:"pms"`
	Note         string       `json:"note,omitempty"`
}

// softwareKinds are component kinds that are software alone.
var softwareKinds = []string{"mobile-app", "cloud-service", "web-application", "standalone-software"}

func isSoftware(c *model.Component) bool {
	return slices.Contains(softwareKinds, string(c.Kind))
}

// Classify applies MDR Annex VIII to every component of dev that is placed
// on the market as a device or an accessory, and to the system.
func Classify(dev *model.Device) (*Classification, error) {
	out := &Classification{
		SchemaVersion: SchemaVersion,
		Device: Device{
			Manufacturer: dev.Identity.Manufacturer,
			Product:      dev.Identity.Product,
			Model:        dev.Identity.Model,
			Version:      dev.Identity.Version,
			File:         dev.File(),
		},
		Basis: "mdr",
	}
	if r := dev.Regulation; r != nil && r.Basis != "" {
		out.Basis = string(r.Basis)
	} else {
		out.Notes = append(out.Notes, "regulation.basis is not stated: the classes shown are those of the MDR (Regulation (EU) 2017/745).")
	}
	if out.Basis == "ivdr" {
		return nil, fmt.Errorf("%w: %s is declared an in vitro diagnostic device (regulation.basis: ivdr); mdcheck classifies devices under the MDR only, and IVDR Annex VIII rules are different", ErrOutOfScope, dev.Identity.Product)
	}
	cl := &classifier{dev: dev, index: map[string]int{}, memo: map[int]*Result{}}
	for i, c := range dev.Components {
		cl.index[c.ID] = i
	}
	for i := range dev.Components {
		out.Components = append(out.Components, *cl.component(i))
	}
	out.Result = system(out.Components)
	out.Notes = append(out.Notes, purposeNotes(dev)...)
	if out.Basis == "mdd-legacy" {
		out.Transition = transition(dev, out.Result)
		out.Notes = append(out.Notes, legacyNotes(out.Transition)...)
	}
	return out, nil
}

type classifier struct {
	dev   *model.Device
	index map[string]int
	memo  map[int]*Result
}

// component classifies component i (memoised: other components read its
// class through their relations).
func (cl *classifier) component(i int) *Result {
	if r, ok := cl.memo[i]; ok {
		return r
	}
	c := &cl.dev.Components[i]
	r := &Result{Component: c.ID, Name: c.Name, Role: string(c.Role), Rule: []string{}, Trace: []Step{}}
	cl.memo[i] = r
	switch c.Role {
	case "part":
		r.Note = fmt.Sprintf("classified as part of %q, not in its own right", c.PartOf)
		r.Label = "part of " + c.PartOf
		r.Decided = true
		r.obligations()
		return r
	case "non-device":
		r.Note = "not a medical device: outside the MDR classification"
		r.Label = "not a device"
		r.Decided = true
		r.obligations()
		return r
	}
	x := newCtx(cl, i)
	x.run(r)
	r.obligations()
	return r
}

// ctx evaluates the rules for one component.
type ctx struct {
	cl       *classifier
	dev      *model.Device
	idx      int
	c        *model.Component
	f        model.Facts
	software bool
	// sources maps a fact the model did not write out to where it came
	// from: "inferred: <why>", or the shorthand that stated it.
	sources map[string]string
	cur     *Step
	// rec, when set, makes this a view of a related component whose facts
	// are recorded in rec's trace.
	rec *ctx
}

func newCtx(cl *classifier, i int) *ctx {
	c := &cl.dev.Components[i]
	x := &ctx{cl: cl, dev: cl.dev, idx: i, c: c, software: isSoftware(c), sources: map[string]string{}}
	if c.Classification != nil {
		x.f = *c.Classification
		if d := c.Classification.Diagnostic; d != nil {
			cp := *d
			x.f.Diagnostic = &cp
		}
	}
	if x.f.Diagnostic == nil {
		x.f.Diagnostic = &model.Diagnostic{}
	}
	if x.software {
		x.inferSoftware()
	}
	if x.f.Otherwise == "none" {
		x.otherwiseNone()
	}
	return x
}

// otherwiseNone applies classification.otherwise: none: every fact left
// out that has a "no" or "none" takes it, and the trace cites the
// shorthand's line as its source.
func (x *ctx) otherwiseNone() {
	why := "stated by classification.otherwise: none (" + x.dev.Pos(fmt.Sprintf("components[%d].classification.otherwise", x.idx)).String() + ")"
	set := func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			fv := v.Field(i)
			switch {
			case name == "" || name == "otherwise":
			case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Bool && fv.IsNil():
				fv.Set(reflect.ValueOf(new(bool)))
				x.sources[prefix+name] = why
			case fv.Kind() == reflect.String && fv.Len() == 0:
				if e, ok := fv.Interface().(interface{ Values() []string }); ok && slices.Contains(e.Values(), "none") {
					fv.SetString("none")
					x.sources[prefix+name] = why
				}
			case name == "contactSites" && fv.IsNil():
				fv.Set(reflect.MakeSlice(fv.Type(), 0, 0))
				x.sources[prefix+name] = why
			}
		}
	}
	set("", reflect.ValueOf(&x.f).Elem())
	set("diagnostic.", reflect.ValueOf(x.f.Diagnostic).Elem())
}

// inferSoftware fills facts that software cannot have, unless the author
// stated them: software has no body contact, emits no energy and holds no
// substance. MDR Art. 2(4) makes software an active device.
func (x *ctx) inferSoftware() {
	const (
		form   = "software has no physical form"
		energy = "software emits no energy of its own"
	)
	f := &x.f
	setEnum := func(name string, p *string, v, why string) {
		if *p == "" {
			*p = v
			x.sources[name] = "inferred: " + why
		}
	}
	setBool := func(name string, p **bool, v bool, why string) {
		if *p == nil {
			b := v
			*p = &b
			x.sources[name] = "inferred: " + why
		}
	}
	setEnum("invasiveness", (*string)(&f.Invasiveness), "non-invasive", form)
	setBool("active", &f.Active, true, "software is an active device (MDR Art. 2(4))")
	setEnum("channelsOrStores", (*string)(&f.ChannelsOrStores), "none", form)
	setEnum("modifiesComposition", (*string)(&f.ModifiesComposition), "none", form)
	setEnum("injuredSkin", (*string)(&f.InjuredSkin), "none", form)
	setEnum("therapeuticEnergy", (*string)(&f.TherapeuticEnergy), "none", energy)
	setBool("therapeuticIonisingRadiation", &f.TherapeuticIonising, false, energy)
	setEnum("diagnostic.suppliesAbsorbedEnergy", (*string)(&f.Diagnostic.AbsorbedEnergy), "none", energy)
	setBool("diagnostic.diagnosticRadiology", &f.Diagnostic.Radiology, false, energy)
	setEnum("administersSubstances", (*string)(&f.Substances), "none", "software cannot administer or remove substances (MDCG 2019-11 on Rule 12)")
	setBool("ancillaryMedicinalSubstance", &f.MedicinalSubstance, false, form)
	setEnum("disinfection", (*string)(&f.Disinfection), "none", form)
	setBool("recordsXrayImages", &f.RecordsXray, false, "software does not record X-ray images; a detector does")
	setEnum("tissuesOrCells", (*string)(&f.Tissues), "none", form)
	setEnum("nanomaterial", (*string)(&f.Nanomaterial), "none", form)
	setEnum("inhalationDelivery", (*string)(&f.Inhalation), "none", form)
	setEnum("substanceBased", (*string)(&f.SubstanceBased), "none", form)
	setBool("sterile", &f.Sterile, false, form)
	setBool("reusableSurgicalInstrument", &f.ReusableSurgical, false, form)
}

// run evaluates every rule and combines them (implementing rule 3.5).
func (x *ctx) run(r *Result) {
	for _, rule := range rules {
		s := Step{Rule: rule.name, Section: rule.section}
		x.cur = &s
		rule.apply(x, &s)
		x.cur = nil
		r.Trace = append(r.Trace, s)
	}
	combine(r)
	x.subcases(r)
	r.Label = label(r)
}

// combine takes the strictest rule (implementing rule 3.5) and decides
// whether any missing fact could still change the result.
func combine(r *Result) {
	lo, hi := None, None
	for _, s := range r.Trace {
		switch s.Outcome {
		case Applies:
			lo, hi = max(lo, s.Class), max(hi, s.Class)
		case NeedsDecision:
			lo, hi = max(lo, s.Class), max(hi, s.UpTo)
		}
	}
	r.Class = lo
	r.Decided = lo == hi && lo != None
	if !r.Decided {
		r.UpTo = hi
	}
	for i := range r.Trace {
		if s := &r.Trace[i]; s.Outcome == NeedsDecision && s.UpTo <= lo {
			s.Reason += fmt.Sprintf("; cannot change the class: class %s is already given", lo)
		}
	}
	superseded := fallbacks(r.Trace)
	for i, s := range r.Trace {
		if by, ok := superseded[s.Rule]; ok && s.Outcome == Applies {
			r.Trace[i].Reason += "; does not set the class: " + by
			continue
		}
		if r.Decided && s.Outcome == Applies && s.Class == lo {
			r.Rule = append(r.Rule, s.Rule)
		}
		if s.Outcome == NeedsDecision && s.UpTo > lo {
			for _, m := range s.Missing {
				if !slices.Contains(r.Missing, m) {
					r.Missing = append(r.Missing, m)
				}
			}
		}
	}
	if lo == None && hi == None && len(r.Missing) == 0 {
		// No rule applies: only possible with contradictory facts, since
		// Rules 1 and 13 catch every non-invasive and active device.
		r.Missing = append(r.Missing, "classification.invasiveness", "classification.active")
	}
	slices.Sort(r.Missing)
}

// fallbacks finds the rules that apply only where no other does, and
// another does: Rule 1 classifies non-invasive devices "unless one of the
// rules set out hereinafter applies", Rule 13 "all other active devices",
// those Rules 9 to 12 do not classify. Such a rule stays in the trace but
// does not set the class. The value says which rule takes its place.
func fallbacks(trace []Step) map[string]string {
	applies := func(names ...string) []string {
		var out []string
		for _, s := range trace {
			if s.Outcome == Applies && slices.Contains(names, s.Rule) {
				out = append(out, s.Rule)
			}
		}
		return out
	}
	out := map[string]string{}
	if active := applies("Rule 9", "Rule 10", "Rule 11", "Rule 12"); len(active) > 0 {
		out["Rule 13"] = fmt.Sprintf("Rules 9 to 12 come first (%s applies)", strings.Join(active, ", "))
	}
	var later []string
	for _, s := range trace {
		if s.Outcome == Applies && s.Rule != "Rule 1" && strings.HasPrefix(s.Rule, "Rule ") && out[s.Rule] == "" {
			later = append(later, s.Rule)
		}
	}
	if len(later) > 0 {
		out["Rule 1"] = fmt.Sprintf("a later rule applies (%s)", strings.Join(later, ", "))
	}
	return out
}

// subcases records the class I sub-cases of Art. 52(7), which bring in a
// notified body for those aspects.
func (x *ctx) subcases(r *Result) {
	if !r.Decided || r.Class != I {
		return
	}
	s := Step{Rule: "Art. 52(7)", Section: "MDR Article 52(7)"}
	x.cur = &s
	var got []string
	var unsure bool
	check := func(t tri, name string) {
		switch t {
		case yes:
			got = append(got, name)
		case unknown:
			unsure = true
		}
	}
	check(x.flag("sterile", x.f.Sterile)(), "sterile")
	check(x.flag("measuringFunction", x.f.Measuring)(), "measuring")
	if x.is("invasiveness", string(x.f.Invasiveness), "surgically-invasive")() != no {
		check(x.flag("reusableSurgicalInstrument", x.f.ReusableSurgical)(), "reusable-surgical")
	}
	x.cur = nil
	switch {
	case unsure:
		s.Outcome = NeedsDecision
		s.Class, s.UpTo = I, I
		s.Reason = "class I: whether the device is sterile, measuring or a reusable surgical instrument decides notified-body involvement"
		r.Decided = false
		r.UpTo = I
		r.Missing = append(r.Missing, s.Missing...)
		slices.Sort(r.Missing)
	case len(got) > 0:
		s.Outcome, s.Class = Applies, I
		s.Reason = "class I with " + strings.Join(got, ", ") + " sub-case: notified body involved for those aspects"
		r.ClassISubcases = got
	default:
		s.Outcome = DoesNotApply
		s.Reason = "not sterile, no measuring function, not a reusable surgical instrument"
	}
	r.Trace = append(r.Trace, s)
}

func label(r *Result) string {
	switch {
	case r.Decided && r.Class == I && len(r.ClassISubcases) > 0:
		suffix := ""
		for _, s := range r.ClassISubcases {
			suffix += map[string]string{"sterile": "s", "measuring": "m", "reusable-surgical": "r"}[s]
		}
		return "I" + suffix
	case r.Decided:
		return r.Class.String()
	case r.Class == None && r.UpTo == None:
		return "undecided"
	case r.Class == None:
		return fmt.Sprintf("undecided (up to %s)", r.UpTo)
	case r.Class == r.UpTo:
		return fmt.Sprintf("%s (sub-case undecided)", r.Class)
	default:
		return fmt.Sprintf("undecided (%s to %s)", r.Class, r.UpTo)
	}
}

// system combines the components: each is classified separately
// (implementing rule 3.2) and the system carries the highest class.
func system(comps []Result) Result {
	r := Result{Rule: []string{}, Trace: []Step{}, Decided: true}
	lo, hi := None, None
	classified := 0
	for _, c := range comps {
		if c.Role == "part" || c.Role == "non-device" {
			continue
		}
		classified++
		lo = max(lo, c.Class)
		if c.Decided {
			hi = max(hi, c.Class)
		} else {
			hi = max(hi, c.UpTo, c.Class)
		}
	}
	for _, c := range comps {
		s := Step{Rule: "Implementing rule 3.2", Section: "MDR Annex VIII 3.2", Component: c.Component}
		switch {
		case c.Role == "part" || c.Role == "non-device":
			s.Outcome, s.Reason = DoesNotApply, c.Note
		case c.Decided:
			s.Outcome, s.Class = Applies, c.Class
			s.Reason = fmt.Sprintf("%s is class %s by %s", c.Component, c.Label, strings.Join(c.Rule, ", "))
		default:
			s.Outcome, s.Class, s.UpTo = NeedsDecision, c.Class, max(c.UpTo, c.Class)
			s.Reason = fmt.Sprintf("%s is %s", c.Component, c.Label)
			s.Missing = prefix(c.Component, c.Missing)
		}
		r.Trace = append(r.Trace, s)
	}
	r.Class = lo
	if classified == 0 {
		r.Decided = false
		r.Label = "no component is placed on the market as a device or accessory"
		r.Missing = []string{"components[].role"}
		r.obligations()
		return r
	}
	r.Decided = lo == hi && lo != None
	if !r.Decided {
		r.UpTo = hi
	}
	for _, c := range comps {
		if c.Role == "part" || c.Role == "non-device" {
			continue
		}
		if !c.Decided && max(c.UpTo, c.Class) > lo {
			r.Missing = append(r.Missing, prefix(c.Component, c.Missing)...)
		}
		if r.Decided && c.Class == lo {
			for _, rule := range c.Rule {
				if !slices.Contains(r.Rule, rule) {
					r.Rule = append(r.Rule, rule)
				}
			}
			if lo == I {
				for _, sc := range c.ClassISubcases {
					if !slices.Contains(r.ClassISubcases, sc) {
						r.ClassISubcases = append(r.ClassISubcases, sc)
					}
				}
			}
		}
	}
	slices.SortFunc(r.Rule, compareRule)
	r.Label = label(&r)
	r.obligations()
	if r.Decided {
		systemObligations(&r, comps)
	}
	return r
}

// systemObligations takes the system's obligations from its components of
// the highest class: what applies to any of them applies to the system.
func systemObligations(r *Result, comps []Result) {
	first := true
	for _, c := range comps {
		if c.Role == "part" || c.Role == "non-device" || !c.Decided || c.Class != r.Class {
			continue
		}
		if first {
			r.Conformity, r.NotifiedBody, r.PMS = c.Conformity, c.NotifiedBody, c.PMS
			r.Conformity.Routes = slices.Clone(c.Conformity.Routes)
			r.Conformity.Notes = slices.Clone(c.Conformity.Notes)
			first = false
			continue
		}
		for _, route := range c.Conformity.Routes {
			if !slices.Contains(r.Conformity.Routes, route) {
				r.Conformity.Routes = append(r.Conformity.Routes, route)
			}
		}
		for _, n := range c.Conformity.Notes {
			if !slices.Contains(r.Conformity.Notes, n) {
				r.Conformity.Notes = append(r.Conformity.Notes, n)
			}
		}
		if rank(c.Conformity.ClinicalConsultation) > rank(r.Conformity.ClinicalConsultation) {
			r.Conformity.ClinicalConsultation = c.Conformity.ClinicalConsultation
		}
		if strings.Contains(c.PMS.Submission, "EUDAMED") {
			r.PMS.Submission = c.PMS.Submission
		}
	}
}

func rank(consultation string) int {
	return map[string]int{"not-required": 0, "check": 1, "required": 2}[consultation]
}

func prefix(comp string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = comp + ": " + p
	}
	return out
}

// compareRule orders "Rule 8" before "Rule 11" before other labels.
func compareRule(a, b string) int {
	var na, nb int
	_, ea := fmt.Sscanf(a, "Rule %d", &na)
	_, eb := fmt.Sscanf(b, "Rule %d", &nb)
	switch {
	case ea == nil && eb == nil:
		return na - nb
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}
