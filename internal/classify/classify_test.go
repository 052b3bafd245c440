package classify

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mdcheck/mdcheck/internal/model"
)

func ptr[T any](v T) *T { return &v }

// hardware returns the facts of a hardware device for which every Annex
// VIII question is answered "no" or "none": passive, non-invasive, class I
// by Rule 1. Cases change only what their rule reads.
func hardware() *model.Facts {
	return &model.Facts{
		Invasiveness:             "non-invasive",
		Duration:                 "transient",
		Active:                   ptr(false),
		ChannelsOrStores:         "none",
		ModifiesComposition:      "none",
		InjuredSkin:              "none",
		ConnectsToActive:         "none",
		OrificeSite:              "other",
		AbsorbedByMucosa:         ptr(false),
		ContactSites:             []model.BodySite{},
		HeartDefectDirectContact: ptr(false),
		ReusableSurgical:         ptr(false),
		IonisingEnergy:           ptr(false),
		BiologicalEffect:         ptr(false),
		ChemicalChange:           ptr(false),
		AdministersMedicines:     "none",
		SpecialImplant:           "none",
		TherapeuticEnergy:        "none",
		TherapeuticIonising:      ptr(false),
		Diagnostic: &model.Diagnostic{
			AbsorbedEnergy:      "none",
			Radiopharmaceutical: ptr(false),
			VitalProcesses:      "none",
			Radiology:           ptr(false),
		},
		Substances:         "none",
		ClosedLoop:         ptr(false),
		MedicinalSubstance: ptr(false),
		Contraception:      ptr(false),
		Disinfection:       "none",
		RecordsXray:        ptr(false),
		Tissues:            "none",
		Nanomaterial:       "none",
		Inhalation:         "none",
		SubstanceBased:     "none",
		Sterile:            ptr(false),
		Measuring:          ptr(false),
	}
}

// active returns hardware() made active.
func active() *model.Facts {
	f := hardware()
	f.Active = ptr(true)
	return f
}

// software returns the facts of standalone software with no medical
// function beyond Rule 11's fallback.
func software() *model.Facts {
	return &model.Facts{
		DecisionSupport: "none",
		Monitoring:      "none",
		Diagnostic:      &model.Diagnostic{Radiopharmaceutical: ptr(false), VitalProcesses: "none"},
		ClosedLoop:      ptr(false),
		Contraception:   ptr(false),
		Measuring:       ptr(false),
	}
}

func with(f *model.Facts, mod func(*model.Facts)) *model.Facts {
	mod(f)
	return f
}

func device(comps ...model.Component) *model.Device {
	return &model.Device{
		APIVersion: model.APIVersion,
		Kind:       model.KindDevice,
		Identity:   model.Identity{Manufacturer: "Test", Product: "Test"},
		Regulation: &model.Regulation{Basis: "mdr"},
		Components: comps,
	}
}

func comp(id, kind string, f *model.Facts) model.Component {
	return model.Component{ID: id, Name: id, Kind: model.ComponentKind(kind), Role: "device", Classification: f}
}

// TestClassifyRules checks each rule and sub-rule. Every case cites where
// its expected class comes from: the rule's own text in MDR Annex VIII
// (EUR-Lex CELEX 32017R0745), or an example from MDCG 2019-11 rev.1 or
// MDCG 2021-24.
func TestClassifyRules(t *testing.T) {
	tests := []struct {
		name   string
		source string
		dev    *model.Device
		target string // component to check; "" = the system
		class  Class
		label  string
		rules  []string
	}{
		// Rule 1
		{"non-invasive passive device", "Annex VIII 4.1 Rule 1: all non-invasive devices are class I; MDCG 2021-24 Rule 1 examples: hospital beds, stethoscopes",
			device(comp("d", "hardware-device", hardware())), "d", I, "I", []string{"Rule 1"}},
		// Rule 2
		{"channels for administration, otherwise", "Rule 2, last paragraph: in all other cases class I",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.ChannelsOrStores = "for-administration" }))), "d", I, "I", []string{"Rule 2"}},
		{"channels, connectable to active IIa", "Rule 2 first indent: may be connected to a class IIa, IIb or III active device: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) {
				f.ChannelsOrStores = "for-administration"
				f.ConnectsToActive = "class-iia-or-higher"
			}))), "d", IIa, "IIa", []string{"Rule 2"}},
		{"stores blood", "Rule 2 second indent: channelling or storing blood or other body liquids: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.ChannelsOrStores = "blood-or-body-liquids" }))), "d", IIa, "IIa", []string{"Rule 2"}},
		{"blood bag", "Rule 2 second indent: blood bags are classified as class IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.ChannelsOrStores = "blood-bag" }))), "d", IIb, "IIb", []string{"Rule 2"}},
		// Rule 3
		{"modifies blood composition", "Rule 3 first paragraph: modifying the biological or chemical composition of blood: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.ModifiesComposition = "other" }))), "d", IIb, "IIb", []string{"Rule 3"}},
		{"filtration", "Rule 3 first paragraph: unless the treatment consists of filtration, centrifugation or exchanges of gas, heat: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.ModifiesComposition = "filtration-centrifugation-or-exchange" }))), "d", IIa, "IIa", []string{"Rule 3"}},
		{"in vitro with embryos", "Rule 3 second paragraph: substances used in vitro with human embryos before implantation: III",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.ModifiesComposition = "in-vitro-on-human-cells-or-embryos" }))), "d", III, "III", []string{"Rule 3"}},
		// Rule 4
		{"wound barrier", "Rule 4 first indent: mechanical barrier, compression or absorption of exudates: I",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.InjuredSkin = "mechanical-barrier" }))), "d", I, "I", []string{"Rule 4"}},
		{"dermis breached", "Rule 4 second indent: injuries which have breached the dermis and heal only by secondary intent: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.InjuredSkin = "dermis-breached" }))), "d", IIb, "IIb", []string{"Rule 4"}},
		{"wound micro-environment", "Rule 4 third indent: manage the micro-environment of injured skin: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.InjuredSkin = "micro-environment" }))), "d", IIa, "IIa", []string{"Rule 4"}},
		// Rule 5
		{"orifice transient", "Rule 5 first indent: invasive via body orifice, transient use: I",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness = "body-orifice" }))), "d", I, "I", []string{"Rule 5"}},
		{"orifice short-term", "Rule 5 second indent: short-term use: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness, f.Duration = "body-orifice", "short-term" }))), "d", IIa, "IIa", []string{"Rule 5"}},
		{"orifice short-term nasal", "Rule 5 second indent: short-term use in the nasal cavity: I",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.OrificeSite = "body-orifice", "short-term", "nasal-cavity"
			}))), "d", I, "I", []string{"Rule 5"}},
		{"orifice long-term", "Rule 5 third indent: long-term use: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness, f.Duration = "body-orifice", "long-term" }))), "d", IIb, "IIb", []string{"Rule 5"}},
		{"orifice long-term oral not absorbed", "Rule 5 third indent: long-term in the oral cavity, not absorbed by the mucous membrane: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.OrificeSite = "body-orifice", "long-term", "oral-cavity-to-pharynx"
			}))), "d", IIa, "IIa", []string{"Rule 5"}},
		{"orifice connected to active", "Rule 5 second paragraph: intended for connection to a class IIa, IIb or III active device: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.ConnectsToActive = "body-orifice", "transient", "class-iia-or-higher"
			}))), "d", IIa, "IIa", []string{"Rule 5"}},
		// Rule 6
		{"surgical transient", "Rule 6: surgically invasive devices for transient use: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness = "surgically-invasive" }))), "d", IIa, "IIa", []string{"Rule 6"}},
		{"reusable surgical instrument", "Rule 6 second indent: reusable surgical instruments: I; Art. 52(7)(c): notified body for reuse aspects (class Ir)",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness, f.ReusableSurgical = "surgically-invasive", ptr(true) }))), "d", I, "Ir", []string{"Rule 6"}},
		{"surgical transient CNS", "Rule 6 third indent: direct contact with the central nervous system: III",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.ContactSites = "surgically-invasive", []model.BodySite{"central-nervous-system"}
			}))), "d", III, "III", []string{"Rule 6"}},
		{"surgical transient ionising", "Rule 6 fourth indent: supply energy in the form of ionising radiation: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness, f.IonisingEnergy = "surgically-invasive", ptr(true) }))), "d", IIb, "IIb", []string{"Rule 6"}},
		// Rule 7
		{"surgical short-term", "Rule 7: surgically invasive devices for short-term use: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness, f.Duration = "surgically-invasive", "short-term" }))), "d", IIa, "IIa", []string{"Rule 7"}},
		{"surgical short-term absorbed", "Rule 7 fourth indent: biological effect or wholly or mainly absorbed: III",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.BiologicalEffect = "surgically-invasive", "short-term", ptr(true)
			}))), "d", III, "III", []string{"Rule 7"}},
		{"surgical short-term medicines", "Rule 7 sixth indent: intended to administer medicines: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.AdministersMedicines = "surgically-invasive", "short-term", "non-hazardous"
			}))), "d", IIb, "IIb", []string{"Rule 7"}},
		// Rule 8
		{"passive implant", "Rule 8: all implantable devices are class IIb",
			device(comp("d", "implant", with(hardware(), func(f *model.Facts) { f.Invasiveness, f.Duration = "implantable", "long-term" }))), "d", IIb, "IIb", []string{"Rule 8"}},
		{"dental implant", "Rule 8 first indent: placed in the teeth: IIa",
			device(comp("d", "implant", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.ContactSites = "implantable", "long-term", []model.BodySite{"teeth"}
			}))), "d", IIa, "IIa", []string{"Rule 8"}},
		{"breast implant", "Rule 8 seventh indent: breast implants or surgical meshes: III",
			device(comp("d", "implant", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.SpecialImplant = "implantable", "long-term", "breast-implant"
			}))), "d", III, "III", []string{"Rule 8"}},
		{"joint replacement", "Rule 8 eighth indent: total or partial joint replacements: III",
			device(comp("d", "implant", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.SpecialImplant = "implantable", "long-term", "joint-replacement"
			}))), "d", III, "III", []string{"Rule 8"}},
		{"joint replacement screw", "Rule 8 eighth and ninth indents: with the exception of ancillary components such as screws: IIb",
			device(comp("d", "implant", with(hardware(), func(f *model.Facts) {
				f.Invasiveness, f.Duration, f.SpecialImplant = "implantable", "long-term", "ancillary-component"
				f.ContactSites = []model.BodySite{"spinal-column"}
			}))), "d", IIb, "IIb", []string{"Rule 8"}},
		{"active implantable", "Rule 8 sixth indent: active implantable devices: III",
			device(comp("d", "implant", with(active(), func(f *model.Facts) { f.Invasiveness, f.Duration = "implantable", "long-term" }))), "d", III, "III", []string{"Rule 8"}},
		{"implantable accessory of external active implantable", "Rule 8 sixth indent: implantable devices that are accessories of active implantable devices: III",
			func() *model.Device {
				d := device(model.Component{ID: "extension", Name: "lead extension", Kind: "accessory", Role: "accessory",
					Classification: with(hardware(), func(f *model.Facts) {
						f.Invasiveness, f.Duration, f.AccessoryOf = "implantable", "long-term", []string{"ipg"}
					})})
				d.ExternalDevices = []model.ExternalDevice{{ID: "ipg", Name: "neurostimulator", ActiveImplantable: ptr(true), Class: "III"}}
				return d
			}(), "extension", III, "III", []string{"Rule 8"}},
		{"external charger of an active implantable", "Rule 8 covers implantable and long-term surgically invasive devices only; Rule 9 last paragraph: directly influencing the performance of an active implantable device: III",
			func() *model.Device {
				d := device(model.Component{ID: "charger", Name: "charger", Kind: "accessory", Role: "accessory",
					Classification: with(active(), func(f *model.Facts) { f.AccessoryOf, f.Controls = []string{"ipg"}, []string{"ipg"} })})
				d.ExternalDevices = []model.ExternalDevice{{ID: "ipg", Name: "neurostimulator", ActiveImplantable: ptr(true), Class: "III"}}
				return d
			}(), "charger", III, "III", []string{"Rule 9"}},
		// Rule 9
		{"therapeutic energy", "Rule 9 first paragraph: active therapeutic devices administering or exchanging energy: IIa",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.TherapeuticEnergy = "non-hazardous" }))), "d", IIa, "IIa", []string{"Rule 9"}},
		{"hazardous therapeutic energy", "Rule 9 first paragraph: energy in a potentially hazardous way: IIb",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.TherapeuticEnergy = "hazardous" }))), "d", IIb, "IIb", []string{"Rule 9"}},
		{"controls active therapeutic IIb", "Rule 9 second paragraph: control or monitor the performance of active therapeutic class IIb devices: IIb",
			device(
				comp("pump", "infusion-pump", with(active(), func(f *model.Facts) { f.Substances = "hazardous" })),
				comp("remote", "hardware-device", with(active(), func(f *model.Facts) { f.Controls = []string{"pump"} })),
			), "remote", IIb, "IIb", []string{"Rule 9"}},
		{"therapeutic radiation", "Rule 9 third paragraph: emit ionizing radiation for therapeutic purposes: IIb",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.TherapeuticIonising = ptr(true) }))), "d", IIb, "IIb", []string{"Rule 9"}},
		{"programmer of active implantable", "Rule 9 fourth paragraph: controlling, monitoring or directly influencing active implantable devices: III (Rule 8 concerns implantable and long-term surgically invasive devices)",
			device(
				comp("ipg", "implant", with(active(), func(f *model.Facts) { f.Invasiveness, f.Duration = "implantable", "long-term" })),
				model.Component{ID: "prog", Name: "prog", Kind: "programmer", Role: "accessory",
					Classification: with(active(), func(f *model.Facts) { f.AccessoryOf, f.Controls = []string{"ipg"}, []string{"ipg"} })},
			), "prog", III, "III", []string{"Rule 9"}},
		// Rule 10
		{"illumination", "Rule 10 first indent: illuminate the patient's body in the visible spectrum: I",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.Diagnostic.AbsorbedEnergy = "visible-light-illumination" }))), "d", I, "I", []string{"Rule 10"}},
		{"absorbed energy", "Rule 10 first indent: supply energy which will be absorbed by the human body: IIa",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.Diagnostic.AbsorbedEnergy = "other" }))), "d", IIa, "IIa", []string{"Rule 10"}},
		{"vital monitoring", "Rule 10 third indent: direct diagnosis or monitoring of vital physiological processes: IIa",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.Diagnostic.VitalProcesses = "direct-diagnosis-or-monitoring" }))), "d", IIa, "IIa", []string{"Rule 10"}},
		{"ICU monitoring", "Rule 10 third indent: vital parameters whose variation could result in immediate danger, e.g. cardiac performance: IIb",
			device(comp("d", "patient-monitor", with(active(), func(f *model.Facts) { f.Diagnostic.VitalProcesses = "immediate-danger" }))), "d", IIb, "IIb", []string{"Rule 10"}},
		{"diagnostic X-ray", "Rule 10 second paragraph: emit ionizing radiation for diagnostic radiology: IIb",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.Diagnostic.Radiology = ptr(true) }))), "d", IIb, "IIb", []string{"Rule 10"}},
		// Rule 11
		{"software other", "Rule 11 third paragraph: all other software is class I",
			device(comp("s", "standalone-software", software())), "s", I, "I", []string{"Rule 11"}},
		{"software for decisions", "Rule 11 first paragraph: information used to take decisions with diagnosis or therapeutic purposes: IIa",
			device(comp("s", "standalone-software", with(software(), func(f *model.Facts) { f.DecisionSupport = "non-serious" }))), "s", IIa, "IIa", []string{"Rule 11"}},
		{"stroke image analysis", "MDCG 2019-11 Annex IV: software analysing images for treatment decisions in acute stroke: III (Rule 11, death or irreversible deterioration)",
			device(comp("s", "standalone-software", with(software(), func(f *model.Facts) { f.DecisionSupport = "death-or-irreversible" }))), "s", III, "III", []string{"Rule 11"}},
		{"heartbeat analysis app", "MDCG 2019-11 Annex IV: app analysing heartbeat to support a physician's diagnosis: IIb (serious deterioration)",
			device(comp("s", "mobile-app", with(software(), func(f *model.Facts) { f.DecisionSupport = "serious-deterioration-or-surgery" }))), "s", IIb, "IIb", []string{"Rule 11"}},
		{"ICU surveillance software", "MDCG 2019-11 Annex IV: continuous surveillance of vital signs in intensive care: IIb (Rule 11 second paragraph)",
			device(comp("s", "standalone-software", with(software(), func(f *model.Facts) { f.Monitoring = "vital-parameters-immediate-danger" }))), "s", IIb, "IIb", []string{"Rule 11"}},
		{"home monitoring software", "Rule 11 second paragraph: software intended to monitor physiological processes: IIa",
			device(comp("s", "mobile-app", with(software(), func(f *model.Facts) { f.Monitoring = "physiological-processes" }))), "s", IIa, "IIa", []string{"Rule 11"}},
		// Rule 12
		{"substance administration", "Rule 12: active devices administering or removing medicinal products: IIa",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.Substances = "non-hazardous" }))), "d", IIa, "IIa", []string{"Rule 12"}},
		{"hazardous substance administration", "Rule 12: in a potentially hazardous manner: IIb",
			device(comp("d", "infusion-pump", with(active(), func(f *model.Facts) { f.Substances = "hazardous" }))), "d", IIb, "IIb", []string{"Rule 12"}},
		// Rule 13
		{"other active", "Rule 13: all other active devices are class I",
			device(comp("d", "hardware-device", active())), "d", I, "I", []string{"Rule 13"}},
		// Rules 14-22
		{"medicinal substance", "Rule 14: incorporating a medicinal substance with ancillary action: III",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.MedicinalSubstance = ptr(true) }))), "d", III, "III", []string{"Rule 14"}},
		{"condom", "Rule 15: contraception or prevention of sexually transmitted diseases: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Contraception = ptr(true) }))), "d", IIb, "IIb", []string{"Rule 15"}},
		{"contraceptive implant", "Rule 15: unless implantable or long-term invasive: III",
			device(comp("d", "implant", with(hardware(), func(f *model.Facts) {
				f.Contraception, f.Invasiveness, f.Duration = ptr(true), "implantable", "long-term"
			}))), "d", III, "III", []string{"Rule 15"}},
		{"contact lens solution", "Rule 16 first paragraph: disinfecting, cleaning, rinsing or hydrating contact lenses: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Disinfection = "contact-lens-care" }))), "d", IIb, "IIb", []string{"Rule 16"}},
		{"device disinfectant", "Rule 16 second paragraph: disinfecting or sterilising medical devices: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Disinfection = "device-disinfection" }))), "d", IIa, "IIa", []string{"Rule 16"}},
		{"endoscope washer-disinfector", "Rule 16 second paragraph: washer-disinfectors for invasive devices as the end point of processing: IIb",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.Disinfection = "invasive-device-endpoint" }))), "d", IIb, "IIb", []string{"Rule 16"}},
		{"X-ray detector", "Rule 17: recording of diagnostic images generated by X-ray radiation: IIa",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) { f.RecordsXray = ptr(true) }))), "d", IIa, "IIa", []string{"Rule 17"}},
		{"animal tissue", "Rule 18: non-viable tissues or cells of animal origin: III",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Tissues = "animal" }))), "d", III, "III", []string{"Rule 18"}},
		{"animal tissue intact skin", "Rule 18 exception: animal origin, contact with intact skin only; falls to Rule 1: I",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Tissues = "animal-intact-skin-only" }))), "d", I, "I", []string{"Rule 1"}},
		{"nanomaterial medium", "Rule 19 first indent: high or medium potential for internal exposure: III",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Nanomaterial = "medium" }))), "d", III, "III", []string{"Rule 19"}},
		{"nanomaterial low", "Rule 19 second indent: low potential for internal exposure: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Nanomaterial = "low" }))), "d", IIb, "IIb", []string{"Rule 19"}},
		{"nanomaterial negligible", "Rule 19 third indent: negligible potential for internal exposure: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Nanomaterial = "negligible" }))), "d", IIa, "IIa", []string{"Rule 19"}},
		{"inhaler", "Rule 20: administer medicinal products by inhalation: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness, f.Inhalation = "body-orifice", "standard" }))), "d", IIa, "IIa", []string{"Rule 20"}},
		{"inhaler life-threatening", "Rule 20: intended to treat life-threatening conditions: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Invasiveness, f.Inhalation = "body-orifice", "essential-or-life-threatening" }))), "d", IIb, "IIb", []string{"Rule 20"}},
		{"systemic substance", "Rule 21 first indent: systemically absorbed to achieve the intended purpose: III",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.SubstanceBased = "systemic" }))), "d", III, "III", []string{"Rule 21"}},
		{"skin substance", "Rule 21 third indent: applied to the skin: IIa",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.SubstanceBased = "local-skin-nasal-oral" }))), "d", IIa, "IIa", []string{"Rule 21"}},
		{"other substance", "Rule 21 fourth indent: all other cases: IIb",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.SubstanceBased = "other" }))), "d", IIb, "IIb", []string{"Rule 21"}},
		{"AED", "Rule 22: automated external defibrillators: III",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) {
				f.ClosedLoop, f.TherapeuticEnergy = ptr(true), "hazardous"
				f.Diagnostic.VitalProcesses = "immediate-danger"
			}))), "d", III, "III", []string{"Rule 22"}},
		// Implementing rules
		{"app driving an insulin pump", "Annex VIII 3.3: software which drives a device or influences its use falls within the same class",
			device(
				comp("pump", "insulin-pump", with(active(), func(f *model.Facts) { f.Substances = "hazardous" })),
				comp("app", "mobile-app", with(software(), func(f *model.Facts) { f.Drives = []string{"pump"} })),
			), "app", IIb, "IIb", []string{"Implementing rule 3.3"}},
		{"strictest rule wins", "Annex VIII 3.5: several rules apply, the strictest resulting in the higher class applies",
			device(comp("d", "hardware-device", with(active(), func(f *model.Facts) {
				f.Substances = "non-hazardous"
				f.Diagnostic.VitalProcesses = "immediate-danger"
			}))), "d", IIb, "IIb", []string{"Rule 10"}},
		{"system takes the highest component", "Annex VIII 3.2: each device classified separately; the system reports the highest",
			device(
				comp("bed", "hardware-device", hardware()),
				comp("monitor", "patient-monitor", with(active(), func(f *model.Facts) { f.Diagnostic.VitalProcesses = "immediate-danger" })),
			), "", IIb, "IIb", []string{"Rule 10"}},
		{"sterile class I", "Art. 52(7)(a): class I placed on the market sterile (class Is)",
			device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Sterile = ptr(true) }))), "d", I, "Is", []string{"Rule 1"}},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			got, err := Classify(tt.dev)
			if err != nil {
				t.Fatalf("Classify: %v", err)
			}
			r := got.Result
			if tt.target != "" {
				r = findComponent(t, got, tt.target)
			}
			if !r.Decided || r.Class != tt.class || r.Label != tt.label {
				t.Errorf("class = %s (label %q, decided %v, missing %v), want %s (%q)\nsource: %s\n%s",
					r.Class, r.Label, r.Decided, r.Missing, tt.class, tt.label, tt.source, dump(r))
			}
			if diff := cmp.Diff(tt.rules, r.Rule); diff != "" {
				t.Errorf("deciding rules (-want +got):\n%s\nsource: %s\n%s", diff, tt.source, dump(r))
			}
		})
	}
}

func findComponent(t *testing.T, c *Classification, id string) Result {
	t.Helper()
	for _, r := range c.Components {
		if r.Component == id {
			return r
		}
	}
	t.Fatalf("no component %q", id)
	return Result{}
}

func dump(r Result) string {
	var b strings.Builder
	for _, s := range r.Trace {
		if s.Outcome != DoesNotApply {
			b.WriteString("  " + s.Rule + ": " + string(s.Outcome) + " " + s.Class.String() + " " + s.Reason + "\n")
		}
	}
	return b.String()
}

// TestClassifyUndecided checks that missing facts give "needs a decision"
// and name the facts, never a guess; and that facts which cannot change
// the class do not block the decision.
func TestClassifyUndecided(t *testing.T) {
	t.Run("nothing known", func(t *testing.T) {
		got, err := Classify(device(comp("d", "hardware-device", nil)))
		if err != nil {
			t.Fatal(err)
		}
		r := got.Components[0]
		if r.Decided || got.Decided {
			t.Fatalf("decided with no facts: %s", r.Label)
		}
		if r.UpTo != III {
			t.Errorf("UpTo = %s, want III", r.UpTo)
		}
		for _, m := range []string{"classification.invasiveness", "classification.active", "classification.nanomaterial"} {
			if !slices.Contains(r.Missing, m) {
				t.Errorf("missing %v lacks %q", r.Missing, m)
			}
		}
		if r.NotifiedBody.Required || len(r.Conformity.Routes) != 0 {
			t.Errorf("obligations given for an undecided class: %+v %+v", r.NotifiedBody, r.Conformity)
		}
	})
	t.Run("irrelevant gap", func(t *testing.T) {
		f := with(active(), func(f *model.Facts) { f.Invasiveness, f.Duration = "implantable", "long-term" })
		f.Nanomaterial, f.Tissues, f.Diagnostic = "", "", nil
		got, err := Classify(device(comp("ipg", "implant", f)))
		if err != nil {
			t.Fatal(err)
		}
		r := got.Components[0]
		if !r.Decided || r.Class != III || len(r.Missing) != 0 {
			t.Errorf("got %s decided=%v missing=%v, want decided III: unknown facts cannot exceed III", r.Label, r.Decided, r.Missing)
		}
	})
	t.Run("range", func(t *testing.T) {
		f := with(active(), func(f *model.Facts) { f.Diagnostic.VitalProcesses = "" })
		got, err := Classify(device(comp("m", "patient-monitor", f)))
		if err != nil {
			t.Fatal(err)
		}
		r := got.Components[0]
		if r.Decided || r.Class != I || r.UpTo != IIb || r.Label != "undecided (I to IIb)" {
			t.Errorf("got %q class %s upTo %s decided %v, want undecided I to IIb", r.Label, r.Class, r.UpTo, r.Decided)
		}
		if diff := cmp.Diff([]string{"classification.diagnostic.vitalProcesses"}, r.Missing); diff != "" {
			t.Errorf("missing (-want +got):\n%s", diff)
		}
	})
	t.Run("class I sub-case unknown", func(t *testing.T) {
		f := hardware()
		f.Sterile = nil
		got, err := Classify(device(comp("d", "hardware-device", f)))
		if err != nil {
			t.Fatal(err)
		}
		r := got.Components[0]
		if r.Decided || r.Class != I || !slices.Contains(r.Missing, "classification.sterile") {
			t.Errorf("got %q decided=%v missing=%v, want class I with the sterile sub-case undecided", r.Label, r.Decided, r.Missing)
		}
	})
	t.Run("undecided driven device", func(t *testing.T) {
		got, err := Classify(device(
			comp("pump", "insulin-pump", with(active(), func(f *model.Facts) { f.Substances = "" })),
			comp("app", "mobile-app", with(software(), func(f *model.Facts) { f.Drives = []string{"pump"} })),
		))
		if err != nil {
			t.Fatal(err)
		}
		r := findComponent(t, got, "app")
		if r.Decided {
			t.Errorf("app decided as %s although the pump it drives is undecided", r.Label)
		}
	})
	t.Run("external device without class", func(t *testing.T) {
		d := device(comp("app", "mobile-app", with(software(), func(f *model.Facts) { f.Drives = []string{"x"} })))
		d.ExternalDevices = []model.ExternalDevice{{ID: "x", Name: "X"}}
		got, err := Classify(d)
		if err != nil {
			t.Fatal(err)
		}
		r := got.Components[0]
		if r.Decided || !slices.Contains(r.Missing, "externalDevices[0].class") {
			t.Errorf("got %q missing %v, want undecided naming externalDevices[0].class", r.Label, r.Missing)
		}
	})
}

func TestClassifyScopeAndObligations(t *testing.T) {
	d := device(comp("d", "hardware-device", hardware()))
	d.Regulation.Basis = "ivdr"
	if _, err := Classify(d); !errors.Is(err, ErrOutOfScope) {
		t.Errorf("Classify(ivdr) = %v, want ErrOutOfScope", err)
	}

	ipg := device(comp("ipg", "implant", with(active(), func(f *model.Facts) { f.Invasiveness, f.Duration = "implantable", "long-term" })))
	got, err := Classify(ipg)
	if err != nil {
		t.Fatal(err)
	}
	r := got.Result
	if !r.NotifiedBody.Required || r.Conformity.Article != "Art. 52(3)" || r.Conformity.ClinicalConsultation != "required" || r.PMS.Report != "PSUR" || r.PMS.Cadence != "at least annually" {
		t.Errorf("class III implantable obligations = %+v %+v %+v", r.Conformity, r.NotifiedBody, r.PMS)
	}

	sterile := device(comp("d", "hardware-device", with(hardware(), func(f *model.Facts) { f.Sterile = ptr(true) })))
	got, err = Classify(sterile)
	if err != nil {
		t.Fatal(err)
	}
	if nb := got.NotifiedBody; !nb.Required || !strings.Contains(nb.Scope, "sterile") {
		t.Errorf("class Is notified body = %+v, want required, limited to sterility", nb)
	}
	if got.PMS.Report != "PMS report" || got.PMS.Article != "Art. 85" {
		t.Errorf("class I PMS = %+v", got.PMS)
	}

	legacy := device(comp("d", "hardware-device", hardware()))
	legacy.Regulation.Basis = "mdd-legacy"
	got, err = Classify(legacy)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Notes) == 0 || !strings.Contains(got.Notes[0], "Art. 120") {
		t.Errorf("legacy notes = %v, want the Art. 120 transition", got.Notes)
	}

	parts := device(comp("d", "hardware-device", hardware()), model.Component{ID: "psu", Name: "psu", Kind: "accessory", Role: "part", PartOf: "d"})
	got, err = Classify(parts)
	if err != nil {
		t.Fatal(err)
	}
	if p := findComponent(t, got, "psu"); p.Class != None || p.Label != "part of d" {
		t.Errorf("part = %+v, want classified with d", p)
	}
}
