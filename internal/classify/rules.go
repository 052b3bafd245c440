package classify

import (
	"fmt"
	"strings"
)

// rule is one classification rule of MDR Annex VIII Chapter III, or
// implementing rule 3.3.
type rule struct {
	name    string
	section string
	apply   func(x *ctx, s *Step)
}

// rules are evaluated for every component, in the order of Annex VIII. They
// are set in init because rules that read another component's class call
// back into the classifier.
var rules []rule

func init() {
	rules = []rule{
		{"Rule 1", "MDR Annex VIII 4.1", rule1},
		{"Rule 2", "MDR Annex VIII 4.2", rule2},
		{"Rule 3", "MDR Annex VIII 4.3", rule3},
		{"Rule 4", "MDR Annex VIII 4.4", rule4},
		{"Rule 5", "MDR Annex VIII 5.1", rule5},
		{"Rule 6", "MDR Annex VIII 5.2", rule6},
		{"Rule 7", "MDR Annex VIII 5.3", rule7},
		{"Rule 8", "MDR Annex VIII 5.4", rule8},
		{"Rule 9", "MDR Annex VIII 6.1", rule9},
		{"Rule 10", "MDR Annex VIII 6.2", rule10},
		{"Rule 11", "MDR Annex VIII 6.3", rule11},
		{"Rule 12", "MDR Annex VIII 6.4", rule12},
		{"Rule 13", "MDR Annex VIII 6.5", rule13},
		{"Rule 14", "MDR Annex VIII 7.1", rule14},
		{"Rule 15", "MDR Annex VIII 7.2", rule15},
		{"Rule 16", "MDR Annex VIII 7.3", rule16},
		{"Rule 17", "MDR Annex VIII 7.4", rule17},
		{"Rule 18", "MDR Annex VIII 7.5", rule18},
		{"Rule 19", "MDR Annex VIII 7.6", rule19},
		{"Rule 20", "MDR Annex VIII 7.7", rule20},
		{"Rule 21", "MDR Annex VIII 7.8", rule21},
		{"Rule 22", "MDR Annex VIII 7.9", rule22},
		{"Implementing rule 3.3", "MDR Annex VIII 3.3", rule33},
	}
}

// Shared conditions.

func (x *ctx) invasiveness(v ...string) lazy {
	return x.is("invasiveness", string(x.f.Invasiveness), v...)
}

func (x *ctx) duration(v ...string) lazy { return x.is("duration", string(x.f.Duration), v...) }

func (x *ctx) active() lazy { return x.flag("active", x.f.Active) }

func (x *ctx) nonInvasive() lazy { return x.invasiveness("non-invasive") }

func (x *ctx) heartCCSorCNS() lazy {
	return x.hasSite("heart", "central-circulatory-system", "central-nervous-system")
}

func (x *ctx) heartDefect() lazy {
	return x.flag("heartDefectDirectContact", x.f.HeartDefectDirectContact)
}

// Rule 1: non-invasive devices are class I unless another rule applies.
func rule1(x *ctx, s *Step) {
	x.eval(s, x.nonInvasive(), I, "non-invasive device (class I unless a stricter rule applies)", "not a non-invasive device", nil)
}

// Rule 2: non-invasive devices channelling or storing for administration.
func rule2(x *ctx, s *Step) {
	ch := string(x.f.ChannelsOrStores)
	x.eval(s, and(x.nonInvasive(), not(x.is("channelsOrStores", ch, "none"))), I,
		"channels or stores for eventual administration, no stricter indent (class I)",
		"does not channel or store blood, liquids, tissues or gases for administration",
		[]indent{
			{x.is("connectsToActiveDevice", string(x.f.ConnectsToActive), "class-iia-or-higher"), IIa, "may be connected to an active device of class IIa or higher"},
			{x.is("channelsOrStores", ch, "blood-or-body-liquids"), IIa, "channels or stores blood or other body liquids, or stores organs, tissues or cells"},
			{x.is("channelsOrStores", ch, "blood-bag"), IIb, "blood bag"},
		})
}

// Rule 3: non-invasive devices modifying biological or chemical composition.
func rule3(x *ctx, s *Step) {
	mc := string(x.f.ModifiesComposition)
	x.eval(s, x.nonInvasive(), None, "",
		"does not modify the composition of blood, tissues or liquids for administration",
		[]indent{
			{x.is("modifiesComposition", mc, "other"), IIb, "modifies the biological or chemical composition of blood, body liquids or other liquids for administration"},
			{x.is("modifiesComposition", mc, "filtration-centrifugation-or-exchange"), IIa, "treatment consists of filtration, centrifugation or exchange of gas or heat"},
			{x.is("modifiesComposition", mc, "in-vitro-on-human-cells-or-embryos"), III, "substance used in vitro in direct contact with human cells, tissues, organs or embryos"},
		})
}

// Rule 4: contact with injured skin or mucous membrane; its last sentence
// extends it to invasive devices in contact with injured mucous membrane,
// so it is weighed for every device.
func rule4(x *ctx, s *Step) {
	is := string(x.f.InjuredSkin)
	x.eval(s, always(yes), None, "",
		"no contact with injured skin or mucous membrane",
		[]indent{
			{x.is("injuredSkin", is, "mechanical-barrier"), I, "mechanical barrier, compression or absorption of exudates"},
			{x.is("injuredSkin", is, "dermis-breached"), IIb, "principally for wounds that breach the dermis or mucous membrane and heal only by secondary intent"},
			{x.is("injuredSkin", is, "micro-environment"), IIa, "principally manages the micro-environment of injured skin or mucous membrane"},
			{x.is("injuredSkin", is, "other"), IIa, "other contact with injured skin or mucous membrane"},
		})
}

// Rule 5: invasive devices with respect to body orifices.
func rule5(x *ctx, s *Step) {
	conn := string(x.f.ConnectsToActive)
	site := string(x.f.OrificeSite)
	toActive := x.is("connectsToActiveDevice", conn, "class-iia-or-higher")
	notToActive := x.is("connectsToActiveDevice", conn, "none", "class-i")
	mild := x.is("orificeSite", site, "oral-cavity-to-pharynx", "ear-canal-to-eardrum", "nasal-cavity")
	x.eval(s, x.invasiveness("body-orifice"), None, "", "not invasive through a body orifice",
		[]indent{
			{toActive, IIa, "intended for connection to an active device of class IIa or higher"},
			{and(notToActive, x.duration("transient")), I, "transient use"},
			{and(notToActive, x.duration("short-term"), mild), I, "short-term use in the oral cavity to the pharynx, ear canal to the ear drum or nasal cavity"},
			{and(notToActive, x.duration("short-term"), not(mild)), IIa, "short-term use"},
			{and(notToActive, x.duration("long-term"), mild, not(x.flag("absorbedByMucosa", x.f.AbsorbedByMucosa))), IIa, "long-term use in the oral cavity, ear canal or nasal cavity, not absorbed by the mucous membrane"},
			{and(notToActive, x.duration("long-term"), or(not(mild), x.flag("absorbedByMucosa", x.f.AbsorbedByMucosa))), IIb, "long-term use"},
		})
}

func (x *ctx) medicines(v ...string) lazy {
	return x.is("administersMedicines", string(x.f.AdministersMedicines), v...)
}

// Rule 6: surgically invasive devices for transient use.
func rule6(x *ctx, s *Step) {
	x.eval(s, and(x.invasiveness("surgically-invasive"), x.duration("transient")), IIa,
		"surgically invasive, transient use", "not a surgically invasive device for transient use",
		[]indent{
			{x.heartDefect(), III, "controls, diagnoses, monitors or corrects a defect of the heart or central circulatory system through direct contact"},
			{x.flag("reusableSurgicalInstrument", x.f.ReusableSurgical), I, "reusable surgical instrument"},
			{x.heartCCSorCNS(), III, "direct contact with the heart, central circulatory system or central nervous system"},
			{x.flag("suppliesIonisingRadiation", x.f.IonisingEnergy), IIb, "supplies energy in the form of ionising radiation"},
			{x.flag("biologicalEffectOrAbsorbed", x.f.BiologicalEffect), IIb, "biological effect, or wholly or mainly absorbed"},
			{x.medicines("hazardous"), IIb, "administers medicinal products in a potentially hazardous manner"},
		})
}

// Rule 7: surgically invasive devices for short-term use.
func rule7(x *ctx, s *Step) {
	x.eval(s, and(x.invasiveness("surgically-invasive"), x.duration("short-term")), IIa,
		"surgically invasive, short-term use", "not a surgically invasive device for short-term use",
		[]indent{
			{x.heartDefect(), III, "controls, diagnoses, monitors or corrects a defect of the heart or central circulatory system through direct contact"},
			{x.heartCCSorCNS(), III, "direct contact with the heart, central circulatory system or central nervous system"},
			{x.flag("suppliesIonisingRadiation", x.f.IonisingEnergy), IIb, "supplies energy in the form of ionising radiation"},
			{x.flag("biologicalEffectOrAbsorbed", x.f.BiologicalEffect), III, "biological effect, or wholly or mainly absorbed"},
			{and(x.flag("chemicalChangeInBody", x.f.ChemicalChange), not(x.hasSite("teeth"))), IIb, "undergoes chemical change in the body (not placed in the teeth)"},
			{x.medicines("non-hazardous", "hazardous"), IIb, "administers medicines"},
		})
}

// Rule 8: implantable devices and long-term surgically invasive devices.
// Its sixth indent ("are active implantable devices or their
// accessories") qualifies those devices: an accessory of an active
// implantable device falls under it only if it is itself implantable or
// long-term surgically invasive. A programmer or home monitor is class
// III by Rule 9's last paragraph instead.
func rule8(x *ctx, s *Step) {
	implant := or(x.invasiveness("implantable"), and(x.invasiveness("surgically-invasive"), x.duration("long-term")))
	accessoryAI := x.related("accessoryOf", x.f.AccessoryOf, "an active implantable device", (*target).activeImplantable)
	special := string(x.f.SpecialImplant)
	x.eval(s, implant, IIb, "implantable or long-term surgically invasive device",
		"not implantable or long-term surgically invasive",
		[]indent{
			{x.hasSite("teeth"), IIa, "placed in the teeth"},
			{x.heartCCSorCNS(), III, "direct contact with the heart, central circulatory system or central nervous system"},
			{x.flag("biologicalEffectOrAbsorbed", x.f.BiologicalEffect), III, "biological effect, or wholly or mainly absorbed"},
			{and(x.flag("chemicalChangeInBody", x.f.ChemicalChange), not(x.hasSite("teeth"))), III, "undergoes chemical change in the body (not placed in the teeth)"},
			{x.medicines("non-hazardous", "hazardous"), III, "administers medicinal products"},
			{and(x.active(), x.invasiveness("implantable")), III, "active implantable device"},
			{accessoryAI, III, "accessory of an active implantable device"},
			{x.is("specialImplant", special, "breast-implant", "surgical-mesh"), III, "breast implant or surgical mesh"},
			{x.is("specialImplant", special, "joint-replacement"), III, "total or partial joint replacement"},
			{or(x.is("specialImplant", special, "spinal-implant"), and(x.hasSite("spinal-column"), not(x.is("specialImplant", special, "ancillary-component")))), III, "spinal disc replacement or implant in contact with the spinal column"},
		})
}

// Rule 9: active therapeutic devices exchanging energy, and devices that
// control, monitor or influence active therapeutic or active implantable
// devices.
func rule9(x *ctx, s *Step) {
	energy := string(x.f.TherapeuticEnergy)
	x.eval(s, x.active(), None, "", "not an active therapeutic device and controls no device this rule covers",
		[]indent{
			{x.is("therapeuticEnergy", energy, "non-hazardous"), IIa, "active therapeutic device administering or exchanging energy"},
			{x.is("therapeuticEnergy", energy, "hazardous"), IIb, "administers or exchanges energy in a potentially hazardous way"},
			{x.related("controls", x.f.Controls, "an active therapeutic device of class IIb or higher", (*target).activeTherapeuticIIb), IIb, "controls, monitors or directly influences an active therapeutic class IIb device"},
			{x.flag("therapeuticIonisingRadiation", x.f.TherapeuticIonising), IIb, "emits ionising radiation for therapy"},
			{x.related("controls", x.f.Controls, "a device emitting ionising radiation for therapy", (*target).therapeuticIonising), IIb, "controls, monitors or directly influences a device emitting ionising radiation for therapy"},
			{x.related("controls", x.f.Controls, "an active implantable device", (*target).activeImplantable), III, "controls, monitors or directly influences the performance of an active implantable device"},
		})
}

// Rule 10: active devices for diagnosis and monitoring.
func rule10(x *ctx, s *Step) {
	d := x.f.Diagnostic
	vital := string(d.VitalProcesses)
	x.eval(s, x.active(), None, "", "not an active device for diagnosis or monitoring of the kinds this rule lists",
		[]indent{
			{x.is("diagnostic.suppliesAbsorbedEnergy", string(d.AbsorbedEnergy), "other"), IIa, "supplies energy absorbed by the body"},
			{x.is("diagnostic.suppliesAbsorbedEnergy", string(d.AbsorbedEnergy), "visible-light-illumination"), I, "illuminates the body in the visible spectrum"},
			{x.flag("diagnostic.imagesRadiopharmaceuticals", d.Radiopharmaceutical), IIa, "images the in vivo distribution of radiopharmaceuticals"},
			{x.is("diagnostic.vitalProcesses", vital, "direct-diagnosis-or-monitoring"), IIa, "direct diagnosis or monitoring of vital physiological processes"},
			{x.is("diagnostic.vitalProcesses", vital, "immediate-danger"), IIb, "monitors vital physiological parameters whose variation could mean immediate danger, or diagnoses a patient in immediate danger"},
			{x.flag("diagnostic.diagnosticRadiology", d.Radiology), IIb, "emits ionising radiation for diagnostic or interventional radiology"},
			{x.related("controls", x.f.Controls, "a diagnostic or interventional radiology device", (*target).diagnosticRadiology), IIb, "controls, monitors or directly influences a radiology device"},
		})
}

// Rule 11: software. It classifies software that is a device in its own
// right; software inside a hardware device is classified with it.
func rule11(x *ctx, s *Step) {
	if !x.software {
		s.Outcome = DoesNotApply
		s.Reason = fmt.Sprintf("component kind %q is not software on its own; embedded software is classified with its device", x.c.Kind)
		return
	}
	dec := string(x.f.DecisionSupport)
	mon := string(x.f.Monitoring)
	x.eval(s, always(yes), I, "other software (class I)", "",
		[]indent{
			{x.is("decisionSupport", dec, "non-serious"), IIa, "provides information for diagnostic or therapeutic decisions"},
			{x.is("decisionSupport", dec, "serious-deterioration-or-surgery"), IIb, "decisions may cause a serious deterioration of health or a surgical intervention"},
			{x.is("decisionSupport", dec, "death-or-irreversible"), III, "decisions may cause death or an irreversible deterioration of health"},
			{x.is("monitorsPhysiology", mon, "physiological-processes"), IIa, "monitors physiological processes"},
			{x.is("monitorsPhysiology", mon, "vital-parameters-immediate-danger"), IIb, "monitors vital physiological parameters whose variation could mean immediate danger"},
		})
}

// Rule 12: active devices administering or removing substances.
func rule12(x *ctx, s *Step) {
	sub := string(x.f.Substances)
	x.eval(s, x.active(), None, "", "does not administer or remove medicinal products, body liquids or other substances",
		[]indent{
			{x.is("administersSubstances", sub, "non-hazardous"), IIa, "administers or removes medicinal products, body liquids or other substances"},
			{x.is("administersSubstances", sub, "hazardous"), IIb, "administers or removes substances in a potentially hazardous manner"},
		})
}

// Rule 13: all other active devices.
func rule13(x *ctx, s *Step) {
	x.eval(s, x.active(), I, "active device (class I unless a stricter rule applies)", "not an active device", nil)
}

// Rule 14: ancillary medicinal substance.
func rule14(x *ctx, s *Step) {
	x.eval(s, always(yes), None, "", "incorporates no medicinal substance with an ancillary action",
		[]indent{{x.flag("ancillaryMedicinalSubstance", x.f.MedicinalSubstance), III, "incorporates a medicinal substance with an action ancillary to the device"}})
}

// Rule 15: contraception and prevention of sexually transmitted diseases.
func rule15(x *ctx, s *Step) {
	c := x.flag("contraceptionOrSTIPrevention", x.f.Contraception)
	longInvasive := or(x.invasiveness("implantable"),
		and(x.invasiveness("body-orifice", "surgically-invasive"), x.duration("long-term")))
	x.eval(s, always(yes), None, "", "not used for contraception or prevention of sexually transmitted diseases",
		[]indent{
			{c, IIb, "used for contraception or prevention of sexually transmitted diseases"},
			{and(c, longInvasive), III, "implantable or long-term invasive device for contraception or STD prevention"},
		})
}

// Rule 16: disinfecting, cleaning and sterilising devices.
func rule16(x *ctx, s *Step) {
	d := string(x.f.Disinfection)
	x.eval(s, always(yes), None, "", "not intended for disinfecting or sterilising devices or caring for contact lenses (or cleans by physical action only)",
		[]indent{
			{x.is("disinfection", d, "contact-lens-care"), IIb, "disinfects, cleans, rinses or hydrates contact lenses"},
			{x.is("disinfection", d, "device-disinfection"), IIa, "disinfects or sterilises medical devices"},
			{x.is("disinfection", d, "invasive-device-endpoint"), IIb, "disinfecting solution or washer-disinfector for invasive devices, as the end point of processing"},
		})
}

// Rule 17: recording of diagnostic X-ray images.
func rule17(x *ctx, s *Step) {
	x.eval(s, always(yes), None, "", "not intended for recording diagnostic X-ray images",
		[]indent{{x.flag("recordsXrayImages", x.f.RecordsXray), IIa, "records diagnostic images generated by X-ray radiation"}})
}

// Rule 18: non-viable tissues or cells of human or animal origin.
func rule18(x *ctx, s *Step) {
	t := string(x.f.Tissues)
	x.eval(s, always(yes), None, "", "not manufactured from non-viable tissues or cells (or animal-derived for intact skin only)",
		[]indent{{x.is("tissuesOrCells", t, "human", "animal"), III, "manufactured utilising non-viable tissues or cells of human or animal origin"}})
}

// Rule 19: nanomaterial.
func rule19(x *ctx, s *Step) {
	n := string(x.f.Nanomaterial)
	x.eval(s, always(yes), None, "", "incorporates no nanomaterial",
		[]indent{
			{x.is("nanomaterial", n, "high", "medium"), III, "nanomaterial with high or medium potential for internal exposure"},
			{x.is("nanomaterial", n, "low"), IIb, "nanomaterial with low potential for internal exposure"},
			{x.is("nanomaterial", n, "negligible"), IIa, "nanomaterial with negligible potential for internal exposure"},
		})
}

// Rule 20: body-orifice devices administering medicinal products by
// inhalation.
func rule20(x *ctx, s *Step) {
	in := string(x.f.Inhalation)
	x.eval(s, x.invasiveness("body-orifice"), None, "", "not a body-orifice device administering medicinal products by inhalation",
		[]indent{
			{x.is("inhalationDelivery", in, "standard"), IIa, "administers medicinal products by inhalation"},
			{x.is("inhalationDelivery", in, "essential-or-life-threatening"), IIb, "mode of action essential to the medicinal product's efficacy and safety, or treats life-threatening conditions"},
		})
}

// Rule 21: substance-based devices introduced via a body orifice or applied
// to the skin.
func rule21(x *ctx, s *Step) {
	sb := string(x.f.SubstanceBased)
	x.eval(s, always(yes), None, "", "not composed of substances introduced via a body orifice or applied to the skin",
		[]indent{
			{x.is("substanceBased", sb, "systemic"), III, "systemically absorbed to achieve the intended purpose"},
			{x.is("substanceBased", sb, "gi-tract-systemic"), III, "acts in the stomach or lower gastrointestinal tract and is systemically absorbed"},
			{x.is("substanceBased", sb, "local-skin-nasal-oral"), IIa, "applied to the skin, or in the nasal or oral cavity as far as the pharynx, acting there"},
			{x.is("substanceBased", sb, "other"), IIb, "other substance-based device"},
		})
}

// Rule 22: active therapeutic devices with an integrated diagnostic
// function that significantly determines patient management.
func rule22(x *ctx, s *Step) {
	x.eval(s, x.active(), None, "", "no integrated diagnostic function that significantly determines patient management",
		[]indent{{x.flag("closedLoop", x.f.ClosedLoop), III, "active therapeutic device whose integrated diagnostic function significantly determines patient management (closed loop)"}})
}

// rule33 applies implementing rule 3.3: software that drives a device or
// influences its use falls within the class of that device.
func rule33(x *ctx, s *Step) {
	if len(x.f.Drives) == 0 {
		s.Outcome, s.Reason = DoesNotApply, "drives no device and influences the use of none (classification.drives is empty)"
		return
	}
	if !x.software {
		s.Outcome = DoesNotApply
		s.Reason = fmt.Sprintf("classification.drives is set, but implementing rule 3.3 covers software and component kind %q is not software on its own", x.c.Kind)
		return
	}
	lo, hi := None, None
	var names []string
	for _, id := range x.f.Drives {
		t := x.target(id)
		tlo, thi := t.class()
		lo, hi = max(lo, tlo), max(hi, thi)
		names = append(names, fmt.Sprintf("%s (%s)", id, t.classText()))
	}
	x.addFact(Fact{Path: "classification.drives", Value: "[" + strings.Join(x.f.Drives, ", ") + "]",
		Source: x.dev.Pos(fmt.Sprintf("components[%d].classification.drives", x.idx)).String()})
	switch {
	case lo == hi && lo != None:
		s.Outcome, s.Class = Applies, lo
		s.Reason = "drives or influences the use of " + strings.Join(names, ", ") + ", and takes its class"
	default:
		s.Outcome, s.Class, s.UpTo = NeedsDecision, lo, hi
		s.Reason = "drives or influences the use of " + strings.Join(names, ", ") + ", whose class is not decided"
	}
}
