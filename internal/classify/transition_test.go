package classify

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/model"
)

// allMet states every condition of Art. 120(3c) as met, in time.
func allMet() *model.LegacyTransition {
	return &model.LegacyTransition{
		CompliesWithDirective: ptr(true),
		SignificantChange:     ptr(false),
		UnacceptableRisk:      ptr(false),
		QualitySystem:         "2024-03-01",
		Application:           "2024-04-15",
		WrittenAgreement:      "2024-08-30",
	}
}

func legacy(reg model.Regulation, comps ...model.Component) *model.Device {
	d := device(comps...)
	reg.Basis = "mdd-legacy"
	d.Regulation = &reg
	return d
}

func implant(mod func(*model.Facts)) model.Component {
	return comp("d", "implant", with(hardware(), func(f *model.Facts) {
		f.Invasiveness, f.Duration = "implantable", "long-term"
		if mod != nil {
			mod(f)
		}
	}))
}

// TestTransition checks the basis and date MDR Art. 120 as amended by
// Regulation (EU) 2023/607 (OJ L 80, 20.3.2023) gives each kind of
// legacy device, and the conditions it sets. The paragraph each case
// rests on is named in the case.
func TestTransition(t *testing.T) {
	cert := func(r model.Regulation) model.Regulation {
		r.CertificateIssued, r.CertificateExpiry = "2019-06-01", "2024-05-31"
		r.Transition = allMet()
		return r
	}
	plainI := comp("d", "hardware-device", hardware())
	softwareIIa := comp("d", "standalone-software", with(software(), func(f *model.Facts) { f.DecisionSupport = "non-serious" }))
	for _, tc := range []struct {
		name, why string
		dev       *model.Device
		basis     string
		until     string
		met       bool
		want      map[string]string // condition text prefix -> status
	}{
		{"plain class I", "Art. 120(3b) covers only devices that need a notified body under the MDR: a class I device self-declared under both has no transition",
			legacy(model.Regulation{LegacyClass: "I", DeclarationOfConformity: "2019-01-10"}, plainI), "none", "2021-05-26", false, nil},
		{"up-classified class I", "Art. 120(3b): self-declared under the MDD, declaration before 26 May 2021, notified body needed under the MDR",
			legacy(model.Regulation{LegacyClass: "I", DeclarationOfConformity: "2019-01-10", Transition: allMet()}, softwareIIa), "Art. 120(3b)", "2028-12-31", true,
			map[string]string{"Directive declaration": ConditionMet}},
		{"up-classified class I, late declaration", "Art. 120(3b): the declaration must predate 26 May 2021",
			legacy(model.Regulation{LegacyClass: "I", DeclarationOfConformity: "2021-09-01", Transition: allMet()}, softwareIIa), "Art. 120(3b)", "2028-12-31", false,
			map[string]string{"Directive declaration": ConditionNotMet}},
		{"class IIb implantable on the list", "Art. 120(3a)(a) excepts screws and the other listed implantables, which fall under (3a)(b)",
			legacy(cert(model.Regulation{LegacyClass: "IIb", WellEstablishedImplant: "screw"}), implant(nil)), "Art. 120(3a)(b)", "2028-12-31", true, nil},
		{"class IIb implantable not on the list", "Art. 120(3a)(a): class IIb implantable devices other than the listed ones",
			legacy(cert(model.Regulation{LegacyClass: "IIb"}), implant(nil)), "Art. 120(3a)(a)", "2027-12-31", true, nil},
		{"class III", "Art. 120(3a)(a): class III devices",
			legacy(cert(model.Regulation{LegacyClass: "III"}), implant(func(f *model.Facts) { f.SpecialImplant = "joint-replacement" })), "Art. 120(3a)(a)", "2027-12-31", true, nil},
		{"class IIa", "Art. 120(3a)(b): class IIa devices",
			legacy(cert(model.Regulation{LegacyClass: "IIa"}), softwareIIa), "Art. 120(3a)(b)", "2028-12-31", true, nil},
		{"class III custom-made implantable", "Art. 120(3f): until 26 May 2026 with application and agreement in time",
			legacy(model.Regulation{LegacyClass: "III", CustomMade: true, Transition: allMet()}, implant(func(f *model.Facts) { f.SpecialImplant = "joint-replacement" })), "Art. 120(3f)", "2026-05-26", true, nil},
		{"class III custom-made implantable, late agreement", "Art. 120(3f): the agreement by 26 September 2024",
			legacy(model.Regulation{LegacyClass: "III", CustomMade: true, Transition: &model.LegacyTransition{Application: "2024-05-01", WrittenAgreement: "2024-10-01"}},
				implant(func(f *model.Facts) { f.SpecialImplant = "joint-replacement" })), "Art. 120(3f)", "2026-05-26", false,
			map[string]string{"written agreement": ConditionNotMet, "formal application": ConditionMet}},
		{"certificate expired before 20 March 2023, agreement before expiry", "Art. 120(2) second subparagraph, point (a)",
			legacy(model.Regulation{LegacyClass: "IIa", CertificateIssued: "2018-02-01", CertificateExpiry: "2023-01-31", Transition: with2(allMet(), func(l *model.LegacyTransition) { l.WrittenAgreement = "2023-01-15" })}, softwareIIa),
			"Art. 120(3a)(b)", "2028-12-31", true, map[string]string{"certificate valid": ConditionMet}},
		{"certificate expired before 20 March 2023, no agreement before expiry", "Art. 120(2) second subparagraph: neither (a) nor (b)",
			legacy(model.Regulation{LegacyClass: "IIa", CertificateIssued: "2018-02-01", CertificateExpiry: "2023-01-31", Transition: with2(allMet(), func(l *model.LegacyTransition) { l.WrittenAgreement = "2023-06-01" })}, softwareIIa),
			"Art. 120(3a)(b)", "2028-12-31", false, map[string]string{"certificate valid": ConditionNotMet}},
		{"certificate expired before 20 March 2023, competent authority's decision", "Art. 120(2) second subparagraph, point (b)",
			legacy(model.Regulation{LegacyClass: "IIa", CertificateIssued: "2018-02-01", CertificateExpiry: "2023-01-31", Transition: with2(allMet(), func(l *model.LegacyTransition) { l.AuthorityDecision = true })}, softwareIIa),
			"Art. 120(3a)(b)", "2028-12-31", true, map[string]string{"certificate valid": ConditionMet}},
		{"certificate expired after 20 March 2023, no agreement", "Art. 120(2) first subparagraph extends it; Art. 120(3c)(e) still wants the agreement by 26 September 2024",
			legacy(model.Regulation{LegacyClass: "IIa", CertificateIssued: "2018-02-01", CertificateExpiry: "2023-08-31", Transition: with2(allMet(), func(l *model.LegacyTransition) { l.WrittenAgreement = "" })}, softwareIIa),
			"Art. 120(3a)(b)", "2028-12-31", false, map[string]string{"certificate valid": ConditionMet, "written agreement": ConditionUnknown}},
		{"certificate expired after 20 March 2023, agreement in time", "Art. 120(2) first subparagraph extends it; Art. 120(3c)(e) met",
			legacy(model.Regulation{LegacyClass: "IIa", CertificateIssued: "2018-02-01", CertificateExpiry: "2023-08-31", Transition: allMet()}, softwareIIa),
			"Art. 120(3a)(b)", "2028-12-31", true, map[string]string{"certificate valid": ConditionMet, "written agreement": ConditionMet}},
		{"certificate issued before 25 May 2017", "Art. 120(2) extends only certificates issued from 25 May 2017",
			legacy(model.Regulation{LegacyClass: "IIa", CertificateIssued: "2016-11-01", CertificateExpiry: "2021-10-31", Transition: allMet()}, softwareIIa),
			"Art. 120(3a)(b)", "2028-12-31", false, map[string]string{"Directive certificate issued": ConditionNotMet}},
		{"certificate expired before the MDR applied", "Art. 120(2): valid on 26 May 2021",
			legacy(model.Regulation{LegacyClass: "IIa", CertificateIssued: "2018-02-01", CertificateExpiry: "2021-03-31", Transition: allMet()}, softwareIIa),
			"Art. 120(3a)(b)", "2028-12-31", false, map[string]string{"certificate valid": ConditionNotMet}},
		{"nothing stated", "unknown conditions are never met",
			legacy(model.Regulation{LegacyClass: "IIa"}, softwareIIa), "Art. 120(3a)(b)", "2028-12-31", false,
			map[string]string{"certificate valid": ConditionUnknown, "the device continues": ConditionUnknown, "MDR quality": ConditionUnknown}},
		{"no legacy class", "the Directive class decides between a certificate and a declaration",
			legacy(model.Regulation{}, softwareIIa), "undetermined", "", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl, err := Classify(tc.dev)
			if err != nil {
				t.Fatal(err)
			}
			tr := cl.Transition
			if tr == nil {
				t.Fatal("no transition for a legacy device")
			}
			if tr.Basis != tc.basis || tr.Until != tc.until {
				t.Errorf("%s: basis %s until %s, want %s until %s (%s)", tc.why, tr.Basis, tr.Until, tc.basis, tc.until, tr.Reason)
			}
			if tr.Met() != tc.met {
				t.Errorf("%s: met %v, want %v: %+v", tc.why, tr.Met(), tc.met, tr.Conditions)
			}
			for prefix, status := range tc.want {
				i := slices.IndexFunc(tr.Conditions, func(c Condition) bool { return strings.HasPrefix(c.Text, prefix) })
				if i < 0 {
					t.Errorf("no condition %q in %+v", prefix, tr.Conditions)
					continue
				}
				if got := tr.Conditions[i].Status; got != status {
					t.Errorf("%s: condition %q is %s, want %s (%s)", tc.why, prefix, got, status, tr.Conditions[i].Detail)
				}
			}
			for _, c := range tr.Conditions {
				if c.Status == ConditionUnknown && len(tr.Missing) == 0 {
					t.Errorf("condition %q unknown but no missing fact named", c.Text)
				}
			}
		})
	}
}

// TestTransitionOnlyForLegacy: a device under the MDR has no transition.
func TestTransitionOnlyForLegacy(t *testing.T) {
	cl, err := Classify(device(comp("d", "hardware-device", hardware())))
	if err != nil {
		t.Fatal(err)
	}
	if cl.Transition != nil {
		t.Errorf("transition %+v for an MDR device", cl.Transition)
	}
}

func with2(l *model.LegacyTransition, mod func(*model.LegacyTransition)) *model.LegacyTransition {
	mod(l)
	return l
}

// TestPSURSubmission: MDR Art. 86(2) has manufacturers of class III and
// of implantable devices submit the PSUR through the electronic system
// to their notified body; other class IIa and IIb devices keep it
// available. Art. 86(1): IIa at least every two years, IIb and III at
// least yearly.
func TestPSURSubmission(t *testing.T) {
	for _, tc := range []struct {
		name    string
		c       model.Component
		class   Class
		cadence string
		eudamed bool
	}{
		{"implantable class IIa", comp("d", "implant", with(hardware(), func(f *model.Facts) {
			f.Invasiveness, f.Duration, f.ContactSites = "implantable", "long-term", []model.BodySite{"teeth"}
		})), IIa, "at least every two years", true},
		{"non-implantable class IIa", comp("s", "standalone-software", with(software(), func(f *model.Facts) { f.DecisionSupport = "non-serious" })), IIa, "at least every two years", false},
		{"implantable class IIb", implant(nil), IIb, "at least annually", true},
		{"class III", implant(func(f *model.Facts) { f.SpecialImplant = "joint-replacement" }), III, "at least annually", true},
	} {
		cl, err := Classify(device(tc.c))
		if err != nil {
			t.Fatal(err)
		}
		r := cl.Components[0]
		if r.Class != tc.class || r.PMS.Report != "PSUR" || !strings.Contains(r.PMS.Cadence, tc.cadence) {
			t.Errorf("%s: class %s, PMS %+v", tc.name, r.Label, r.PMS)
		}
		if got := strings.Contains(r.PMS.Submission, "EUDAMED"); got != tc.eudamed {
			t.Errorf("%s: submission %q, through EUDAMED: %v, want %v", tc.name, r.PMS.Submission, got, tc.eudamed)
		}
	}
}

// TestFallbackRulesNotDeciding: Rule 1 (non-invasive devices, "unless one
// of the rules set out hereinafter applies") and Rule 13 ("all other
// active devices", those Rules 9 to 12 do not classify) do not set the
// class when another rule applies; they stay in the trace, which holds
// all 22 rules.
func TestFallbackRulesNotDeciding(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    model.Component
		want []string
	}{
		{"passive non-invasive", comp("d", "hardware-device", hardware()), []string{"Rule 1"}},
		{"active non-invasive", comp("d", "hardware-device", active()), []string{"Rule 13"}},
		{"software class I", comp("s", "standalone-software", software()), []string{"Rule 11"}},
		{"software class IIa", comp("s", "standalone-software", with(software(), func(f *model.Facts) { f.DecisionSupport = "non-serious" })), []string{"Rule 11"}},
	} {
		cl, err := Classify(device(tc.c))
		if err != nil {
			t.Fatal(err)
		}
		r := cl.Components[0]
		if !slices.Equal(r.Rule, tc.want) {
			t.Errorf("%s: deciding rules %v, want %v", tc.name, r.Rule, tc.want)
		}
		for n := 1; n <= 22; n++ {
			name := "Rule " + strconv.Itoa(n)
			if !slices.ContainsFunc(r.Trace, func(s Step) bool { return s.Rule == name }) {
				t.Errorf("%s: %s missing from the trace", tc.name, name)
			}
		}
		for _, s := range r.Trace {
			if (s.Rule == "Rule 1" || s.Rule == "Rule 13") && s.Outcome == Applies && !slices.Contains(r.Rule, s.Rule) && !strings.Contains(s.Reason, "does not set the class") {
				t.Errorf("%s: %s applies but the trace does not say why it does not decide: %s", tc.name, s.Rule, s.Reason)
			}
		}
	}
}

// TestPurposeNotes: the intended purpose in words is checked against the
// purposes and facts declared; a contradiction is a note to check, and
// agreement or unknown facts are none.
func TestPurposeNotes(t *testing.T) {
	withPurpose := func(text string, purposes []model.MedicalPurpose, c model.Component) *model.Device {
		d := device(c)
		d.IntendedPurpose = &model.IntendedPurpose{Text: text, MedicalPurposes: purposes}
		return d
	}
	monitorSW := comp("s", "standalone-software", with(software(), func(f *model.Facts) { f.Monitoring = "physiological-processes" }))
	for _, tc := range []struct {
		name string
		dev  *model.Device
		want string // "" for no note
	}{
		{"text monitors, purposes do not", withPurpose("Monitors heart rate at home.", []model.MedicalPurpose{"diagnosis"}, monitorSW), `says "Monitors", but intendedPurpose.medicalPurposes does not list monitoring`},
		{"text and purposes monitor, facts do not", withPurpose("Continuous monitoring of glucose.", []model.MedicalPurpose{"monitoring"}, comp("s", "standalone-software", software())), "no component's classification facts declare monitoring"},
		{"agreement", withPurpose("Continuous monitoring of vital signs.", []model.MedicalPurpose{"monitoring"}, monitorSW), ""},
		{"facts unknown", withPurpose("Delivers therapy.", []model.MedicalPurpose{"treatment"}, model.Component{ID: "d", Name: "d", Kind: "hardware-device", Role: "device"}), ""},
	} {
		cl, err := Classify(tc.dev)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range cl.Notes {
			if strings.HasPrefix(n, "Check the intended purpose") {
				got = append(got, n)
			}
		}
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: unexpected notes %q", tc.name, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
			t.Errorf("%s: notes %q, want one containing %q", tc.name, got, tc.want)
		}
	}
}

// TestOtherwiseNone: classification.otherwise: none states every fact
// left out as no or none, so a plain hardware device needs three facts,
// and the trace cites the shorthand's line for each fact it set.
func TestOtherwiseNone(t *testing.T) {
	src := `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: A, product: B}
components:
  - id: cuff
    name: Cuff
    kind: non-electronic-device
    role: device
    classification:
      invasiveness: non-invasive
      duration: transient
      active: false
      otherwise: none
  - id: probe
    name: Probe
    kind: hardware-device
    role: device
    classification:
      invasiveness: non-invasive
      duration: transient
      active: true
      diagnostic: {vitalProcesses: direct-diagnosis-or-monitoring}
      otherwise: none
`
	dev, err := model.Parse("d.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := Classify(dev)
	if err != nil {
		t.Fatal(err)
	}
	cuff, probe := cl.Components[0], cl.Components[1]
	if !cuff.Decided || cuff.Class != I || !slices.Equal(cuff.Rule, []string{"Rule 1"}) {
		t.Errorf("cuff: %s decided %v by %v, missing %v", cuff.Label, cuff.Decided, cuff.Rule, cuff.Missing)
	}
	// A stated fact wins over the shorthand.
	if !probe.Decided || probe.Class != IIa || !slices.Equal(probe.Rule, []string{"Rule 10"}) {
		t.Errorf("probe: %s decided %v by %v, missing %v", probe.Label, probe.Decided, probe.Rule, probe.Missing)
	}
	cited := false
	for _, s := range cuff.Trace {
		for _, f := range s.Facts {
			if strings.HasPrefix(f.Source, "stated by classification.otherwise: none (d.yaml:13:") {
				cited = true
			}
			if f.Path == "classification.invasiveness" && !strings.HasPrefix(f.Source, "d.yaml:10:") {
				t.Errorf("a stated fact is cited as %q", f.Source)
			}
		}
	}
	if !cited {
		t.Error("the trace does not cite classification.otherwise for the facts it set")
	}
}
