package model

// Facts are what MDR Annex VIII needs to classify one component. Each field
// names the rule that reads it. A nil pointer or empty enum is unknown; the
// classifier reports "needs a decision" for it rather than guess. Lists are
// different: an absent list is unknown, an empty list ([]) means "none".
type Facts struct {
	// Chapter I definitions.
	Invasiveness Invasiveness `yaml:"invasiveness" doc:"non-invasive, body-orifice, surgically-invasive or implantable (Annex VIII 2.1, 2.2; Art. 2(5))."`
	Duration     Duration     `yaml:"duration" doc:"transient (<60 min), short-term (<=30 days) or long-term (>30 days) continuous use (Annex VIII 1, 3.6)."`
	Active       *bool        `yaml:"active" doc:"Depends on a source of energy other than the body or gravity (Art. 2(4)). Software is active."`

	// Rules 2 to 4: non-invasive devices.
	ChannelsOrStores    ChannelsOrStores    `yaml:"channelsOrStores" doc:"Rule 2: channelling or storing for eventual administration into the body."`
	ModifiesComposition ModifiesComposition `yaml:"modifiesComposition" doc:"Rule 3: modifying the composition of blood, tissues or liquids for administration."`
	InjuredSkin         InjuredSkin         `yaml:"injuredSkin" doc:"Rule 4: contact with injured skin or mucous membrane, and what for."`

	// Rules 2 and 5: connection to an active device.
	ConnectsToActive ActiveConnection `yaml:"connectsToActiveDevice" doc:"Rules 2 and 5: none, class-i, or class-iia-or-higher active device."`

	// Rule 5: body orifices.
	OrificeSite      OrificeSite `yaml:"orificeSite" doc:"Rule 5: oral-cavity-to-pharynx, ear-canal-to-eardrum, nasal-cavity or other."`
	AbsorbedByMucosa *bool       `yaml:"absorbedByMucosa" doc:"Rule 5: liable to be absorbed by the mucous membrane."`

	// Rules 6 to 8: surgically invasive and implantable devices.
	ContactSites             []BodySite       `yaml:"contactSites" doc:"Rules 6-8: direct contact with heart, central-circulatory-system, central-nervous-system, spinal-column or teeth; [] for none."`
	HeartDefectDirectContact *bool            `yaml:"heartDefectDirectContact" doc:"Rules 6-7: specifically intended to control, diagnose, monitor or correct a defect of the heart or central circulatory system through direct contact."`
	ReusableSurgical         *bool            `yaml:"reusableSurgicalInstrument" doc:"Rule 6 and class Ir: reusable surgical instrument (Annex VIII 2.3)."`
	IonisingEnergy           *bool            `yaml:"suppliesIonisingRadiation" doc:"Rules 6-7: supplies energy in the form of ionising radiation."`
	BiologicalEffect         *bool            `yaml:"biologicalEffectOrAbsorbed" doc:"Rules 6-8: has a biological effect or is wholly or mainly absorbed."`
	ChemicalChange           *bool            `yaml:"chemicalChangeInBody" doc:"Rules 7-8: intended to undergo chemical change in the body."`
	AdministersMedicines     MedicineDelivery `yaml:"administersMedicines" doc:"Rules 6-8: none, non-hazardous or hazardous administration of medicinal products."`
	SpecialImplant           SpecialImplant   `yaml:"specialImplant" doc:"Rule 8: none, breast-implant, surgical-mesh, joint-replacement, spinal-implant, or ancillary-component (screws, wedges, plates, instruments)."`

	// Rules 9, 10, 12, 13, 22: active devices.
	TherapeuticEnergy   EnergyExchange    `yaml:"therapeuticEnergy" doc:"Rule 9: none, non-hazardous or hazardous administration or exchange of energy for therapy."`
	TherapeuticIonising *bool             `yaml:"therapeuticIonisingRadiation" doc:"Rule 9: emits ionising radiation for therapy."`
	Diagnostic          *Diagnostic       `yaml:"diagnostic" doc:"Rule 10: diagnosis and monitoring functions of an active device."`
	Substances          SubstanceTransfer `yaml:"administersSubstances" doc:"Rule 12: none, non-hazardous or hazardous administration or removal of medicinal products, body liquids or other substances."`
	ClosedLoop          *bool             `yaml:"closedLoop" doc:"Rule 22: active therapeutic device whose integrated diagnostic function significantly determines patient management (closed loop, AED)."`

	// Rule 11: software.
	DecisionSupport DecisionImpact   `yaml:"decisionSupport" doc:"Rule 11 first paragraph: none, or, for software providing information used to take decisions with diagnosis or therapeutic purposes, the impact such decisions may have: non-serious (IIa), serious-deterioration-or-surgery (a serious deterioration of a person's state of health or a surgical intervention: IIb), death-or-irreversible (death or an irreversible deterioration of a person's state of health: III). Monitoring is monitorsPhysiology, not this."`
	Monitoring      PhysioMonitoring `yaml:"monitorsPhysiology" doc:"Rule 11 second paragraph: none, physiological-processes (IIa), or vital-parameters-immediate-danger (vital physiological parameters whose variations could result in immediate danger to the patient: IIb)."`

	// Rules 14 to 21: special rules.
	MedicinalSubstance *bool          `yaml:"ancillaryMedicinalSubstance" doc:"Rule 14: incorporates a medicinal substance with an ancillary action."`
	Contraception      *bool          `yaml:"contraceptionOrSTIPrevention" doc:"Rule 15: used for contraception or prevention of sexually transmitted diseases."`
	Disinfection       Disinfection   `yaml:"disinfection" doc:"Rule 16: none, contact-lens-care, device-disinfection, invasive-device-endpoint, or physical-cleaning-only."`
	RecordsXray        *bool          `yaml:"recordsXrayImages" doc:"Rule 17: specifically intended for recording diagnostic X-ray images."`
	Tissues            TissueOrigin   `yaml:"tissuesOrCells" doc:"Rule 18: none, human, animal, or animal-intact-skin-only non-viable tissues or cells."`
	Nanomaterial       NanoExposure   `yaml:"nanomaterial" doc:"Rule 19: none, or the potential for internal exposure: negligible, low, medium, high."`
	Inhalation         Inhalation     `yaml:"inhalationDelivery" doc:"Rule 20: none, standard, or essential-or-life-threatening inhaled medicinal product delivery."`
	SubstanceBased     SubstanceBased `yaml:"substanceBased" doc:"Rule 21: none, systemic, gi-tract-systemic, local-skin-nasal-oral, or other."`

	// Class I sub-cases (Art. 52(7)).
	Sterile   *bool `yaml:"sterile" doc:"Placed on the market in sterile condition (class Is)."`
	Measuring *bool `yaml:"measuringFunction" doc:"Has a measuring function (class Im)."`

	// Otherwise, set to none, states every fact left out above as no or
	// none (a yes/no fact false, a fact with a none value none, contact
	// sites empty): the shorthand for a component that none of the
	// special rules touch. Invasiveness, duration and active have no
	// "none" and are still read as stated. The trace names it as the
	// source of every fact it sets.
	Otherwise FactsDefault `yaml:"otherwise" doc:"none: every fact of this list left out is no or none, shown so in the trace (invasiveness, duration and active are not covered)."`

	// Relations to other devices (Rules 8, 9, 10; implementing rule 3.3).
	AccessoryOf []string `yaml:"accessoryOf" doc:"Components or external devices this is an accessory of (Art. 2(2))."`
	Controls    []string `yaml:"controls" doc:"Rules 9-10: devices whose performance this controls, monitors or directly influences."`
	Drives      []string `yaml:"drives" doc:"Implementing rule 3.3: devices this software drives or whose use it influences."`
}

// Diagnostic are the Rule 10 facts of an active diagnostic or monitoring
// device.
type Diagnostic struct {
	AbsorbedEnergy      AbsorbedEnergy `yaml:"suppliesAbsorbedEnergy" doc:"none, visible-light-illumination (class I) or other energy absorbed by the body."`
	Radiopharmaceutical *bool          `yaml:"imagesRadiopharmaceuticals" doc:"Images in vivo distribution of radiopharmaceuticals."`
	VitalProcesses      VitalProcesses `yaml:"vitalProcesses" doc:"none, direct-diagnosis-or-monitoring, or immediate-danger (vital parameters whose variation can mean immediate danger, or diagnosis when the patient is in immediate danger)."`
	Radiology           *bool          `yaml:"diagnosticRadiology" doc:"Emits ionising radiation for diagnostic or interventional radiology."`
}
