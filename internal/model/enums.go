package model

// Enumerations of the device model. Each type lists its values in Values,
// which the decoder checks and the JSON Schema publishes. The empty string
// is the zero value and means the author did not say (unknown).

// Basis is the legal basis of the device.
type Basis string

// Values lists the valid Basis values.
func (Basis) Values() []string {
	return []string{"mdr", "mdd-legacy", "ivdr"}
}

// LegacyClass is a device's class under the Directives: MDD 93/42/EEC
// classes (I self-declared; Is and Im with a notified body for
// sterility or metrology) or AIMD for an active implantable device under
// the AIMDD 90/385/EEC.
type LegacyClass string

// Values lists the valid LegacyClass values.
func (LegacyClass) Values() []string {
	return []string{"I", "Is", "Im", "IIa", "IIb", "III", "AIMD"}
}

// WellEstablishedImplant is one of the implantable devices MDR Art. 52(4)
// and Art. 120(3a)(a) list apart.
type WellEstablishedImplant string

// Values lists the valid WellEstablishedImplant values.
func (WellEstablishedImplant) Values() []string {
	return []string{"suture", "staple", "dental-filling", "dental-brace", "tooth-crown", "screw", "wedge", "plate", "wire", "pin", "clip", "connector"}
}

// AdvisoryFormat is how a manufacturer publishes security advisories.
type AdvisoryFormat string

// Values lists the valid AdvisoryFormat values.
func (AdvisoryFormat) Values() []string { return []string{"csaf", "other", "none"} }

// FactsDefault is what a component's unstated classification facts are.
type FactsDefault string

// Values lists the valid FactsDefault values.
func (FactsDefault) Values() []string { return []string{"none"} }

// MedicalPurpose is a medical purpose of MDR Art. 2(1).
type MedicalPurpose string

// Values lists the valid MedicalPurpose values.
func (MedicalPurpose) Values() []string {
	return []string{"diagnosis", "prevention", "monitoring", "prediction", "prognosis", "treatment", "alleviation", "compensation", "investigation", "replacement", "modification", "control-of-conception", "disinfection", "life-support"}
}

// User is an intended user.
type User string

// Values lists the valid User values.
func (User) Values() []string {
	return []string{"healthcare-professional", "clinician", "lay-person", "patient", "caregiver", "service-personnel", "it-administrator"}
}

// Environment is an intended use environment.
type Environment string

// Values lists the valid Environment values.
func (Environment) Values() []string {
	return []string{"hospital", "intensive-care", "operating-theatre", "emergency", "clinic", "home", "implanted", "ambulance", "mobile", "cloud"}
}

// ComponentKind is what a component is.
type ComponentKind string

// Values lists the valid ComponentKind values.
func (ComponentKind) Values() []string {
	return []string{"implant", "programmer", "home-monitor", "bedside-monitor", "patient-monitor", "central-station", "infusion-pump", "insulin-pump", "ventilator", "life-support", "wearable", "mobile-app", "cloud-service", "web-application", "standalone-software", "workstation", "server", "gateway", "hardware-device", "non-electronic-device", "accessory"}
}

// Role is the regulatory role of a component.
type Role string

// Values lists the valid Role values.
func (Role) Values() []string {
	return []string{"device", "accessory", "part", "non-device"}
}

// Class is an MDR risk class.
type Class string

// Values lists the valid Class values.
func (Class) Values() []string {
	return []string{"I", "IIa", "IIb", "III"}
}

// InterfaceKind is the physical or radio layer of an interface.
type InterfaceKind string

// Values lists the valid InterfaceKind values.
func (InterfaceKind) Values() []string {
	return []string{"wired-network", "wifi", "cellular", "ble", "bluetooth-classic", "mics", "nfc", "inductive", "usb", "serial", "removable-media", "internal-bus", "other"}
}

// Protocol is an application protocol.
type Protocol string

// Values lists the valid Protocol values.
func (Protocol) Values() []string {
	return []string{"https", "http", "hl7-mllp", "fhir", "dicom", "mqtt", "coap", "ssh", "telnet", "ftp", "sftp", "snmp", "rdp", "vnc", "smb", "modbus", "ble-gatt", "proprietary", "other"}
}

// Exposure is who can reach an interface.
type Exposure string

// Exposures, the widest first.
const (
	ExposureInternet        Exposure = "internet"
	ExposureHospitalNetwork Exposure = "hospital-network"
	ExposureHomeNetwork     Exposure = "home-network"
	ExposureProximity       Exposure = "proximity"
	ExposurePhysical        Exposure = "physical"
)

// Values lists the valid Exposure values.
func (Exposure) Values() []string {
	return []string{string(ExposureInternet), string(ExposureHospitalNetwork), string(ExposureHomeNetwork), string(ExposureProximity), string(ExposurePhysical)}
}

// From says in words where an interface with this exposure is reached
// from, as in "reachable from the internet".
func (e Exposure) From() string {
	switch e {
	case ExposureInternet:
		return "the internet"
	case ExposureHospitalNetwork:
		return "the hospital network"
	case ExposureHomeNetwork:
		return "the patient's home network"
	case ExposureProximity:
		return "close by (radio range)"
	}
	return "physical access only"
}

// Reach orders exposures by how many can reach the interface: the
// internet highest, physical access lowest, an unknown exposure 0. The
// hospital and the patient's home network are as wide as each other.
func (e Exposure) Reach() int {
	switch e {
	case ExposureInternet:
		return 4
	case ExposureHospitalNetwork, ExposureHomeNetwork:
		return 3
	case ExposureProximity:
		return 2
	case ExposurePhysical:
		return 1
	}
	return 0
}

// Authorization is how access is restricted after authentication.
type Authorization string

// Values lists the valid Authorization values.
func (Authorization) Values() []string {
	return []string{"none", "role-based", "single-role", "attribute-based"}
}

// AuthMethod is an authentication method.
type AuthMethod string

// Values lists the valid AuthMethod values.
func (AuthMethod) Values() []string {
	return []string{"none", "password", "pin", "smart-card", "biometric", "certificate", "mutual-tls", "token", "api-key", "pairing", "magnet", "proximity", "shared-secret", "oauth", "other"}
}

// Person reports whether the method authenticates a person (rather than
// a node).
func (m AuthMethod) Person() bool {
	switch m {
	case "password", "pin", "smart-card", "biometric", "token", "oauth":
		return true
	}
	return false
}

// CredentialPolicy is how default credentials are handled.
type CredentialPolicy string

// Values lists the valid CredentialPolicy values.
func (CredentialPolicy) Values() []string {
	return []string{"none", "forced-change", "present"}
}

// Support is whether a feature is supported.
type Support string

// Values lists the valid Support values.
func (Support) Values() []string {
	return []string{"required", "optional", "unsupported"}
}

// ReturnToNormal is how a device leaves emergency mode.
type ReturnToNormal string

// Values lists the valid ReturnToNormal values.
func (ReturnToNormal) Values() []string {
	return []string{"automatic", "manual", "never"}
}

// MalwareProtection is the malware protection in place.
type MalwareProtection string

// Values lists the valid MalwareProtection values.
func (MalwareProtection) Values() []string {
	return []string{"none", "anti-malware", "allow-listing", "not-applicable"}
}

// UpdateChannel is how an update reaches a component.
type UpdateChannel string

// Values lists the valid UpdateChannel values.
func (UpdateChannel) Values() []string {
	return []string{"over-the-air", "network", "usb", "programmer", "app-store", "service-visit", "cloud-deployment"}
}

// Actor is who may start an action.
type Actor string

// Values lists the valid Actor values.
func (Actor) Values() []string {
	return []string{"manufacturer", "service-personnel", "clinician", "patient", "it-administrator", "automatic"}
}

// AssetKind is a kind of data asset.
type AssetKind string

// Values lists the valid AssetKind values.
func (AssetKind) Values() []string {
	return []string{"personal-health-data", "therapy-settings", "logs", "credentials", "cryptographic-keys", "configuration", "firmware", "diagnostic-images", "other"}
}

// DocumentKind is a kind of supporting document.
type DocumentKind string

// Values lists the valid DocumentKind values.
func (DocumentKind) Values() []string {
	return []string{"risk-management-file", "security-risk-assessment", "threat-model", "security-test-report", "penetration-test-report", "ifu-security-section", "security-manual", "sbom", "mds2", "vulnerability-management-plan", "pms-plan", "other"}
}

// Invasiveness is how a device enters the body.
type Invasiveness string

// Values lists the valid Invasiveness values.
func (Invasiveness) Values() []string {
	return []string{"non-invasive", "body-orifice", "surgically-invasive", "implantable"}
}

// Duration is continuous-use duration (Annex VIII 1).
type Duration string

// Values lists the valid Duration values.
func (Duration) Values() []string {
	return []string{"transient", "short-term", "long-term"}
}

// ChannelsOrStores is Rule 2 channelling or storing.
type ChannelsOrStores string

// Values lists the valid ChannelsOrStores values.
func (ChannelsOrStores) Values() []string {
	return []string{"none", "for-administration", "blood-or-body-liquids", "blood-bag"}
}

// ModifiesComposition is Rule 3 modification of composition.
type ModifiesComposition string

// Values lists the valid ModifiesComposition values.
func (ModifiesComposition) Values() []string {
	return []string{"none", "filtration-centrifugation-or-exchange", "other", "in-vitro-on-human-cells-or-embryos"}
}

// InjuredSkin is Rule 4 contact with injured skin or mucous membrane.
type InjuredSkin string

// Values lists the valid InjuredSkin values.
func (InjuredSkin) Values() []string {
	return []string{"none", "mechanical-barrier", "dermis-breached", "micro-environment", "other"}
}

// ActiveConnection is Rules 2 and 5 connection to an active device.
type ActiveConnection string

// Values lists the valid ActiveConnection values.
func (ActiveConnection) Values() []string {
	return []string{"none", "class-i", "class-iia-or-higher"}
}

// OrificeSite is Rule 5 site of use.
type OrificeSite string

// Values lists the valid OrificeSite values.
func (OrificeSite) Values() []string {
	return []string{"oral-cavity-to-pharynx", "ear-canal-to-eardrum", "nasal-cavity", "other"}
}

// BodySite is a body site with its own classification consequences.
type BodySite string

// Values lists the valid BodySite values.
func (BodySite) Values() []string {
	return []string{"heart", "central-circulatory-system", "central-nervous-system", "spinal-column", "teeth"}
}

// MedicineDelivery is Rules 6-8 administration of medicinal products.
type MedicineDelivery string

// Values lists the valid MedicineDelivery values.
func (MedicineDelivery) Values() []string {
	return []string{"none", "non-hazardous", "hazardous"}
}

// SpecialImplant is Rule 8 special implant types.
type SpecialImplant string

// Values lists the valid SpecialImplant values.
func (SpecialImplant) Values() []string {
	return []string{"none", "breast-implant", "surgical-mesh", "joint-replacement", "spinal-implant", "ancillary-component"}
}

// EnergyExchange is Rule 9 therapeutic energy.
type EnergyExchange string

// Values lists the valid EnergyExchange values.
func (EnergyExchange) Values() []string {
	return []string{"none", "non-hazardous", "hazardous"}
}

// SubstanceTransfer is Rule 12 administration or removal of substances.
type SubstanceTransfer string

// Values lists the valid SubstanceTransfer values.
func (SubstanceTransfer) Values() []string {
	return []string{"none", "non-hazardous", "hazardous"}
}

// DecisionImpact is Rule 11 worst impact of decisions taken on the software's information.
type DecisionImpact string

// Values lists the valid DecisionImpact values.
func (DecisionImpact) Values() []string {
	return []string{"none", "non-serious", "serious-deterioration-or-surgery", "death-or-irreversible"}
}

// PhysioMonitoring is Rule 11 physiological monitoring.
type PhysioMonitoring string

// Values lists the valid PhysioMonitoring values.
func (PhysioMonitoring) Values() []string {
	return []string{"none", "physiological-processes", "vital-parameters-immediate-danger"}
}

// Disinfection is Rule 16 disinfection purpose.
type Disinfection string

// Values lists the valid Disinfection values.
func (Disinfection) Values() []string {
	return []string{"none", "contact-lens-care", "device-disinfection", "invasive-device-endpoint", "physical-cleaning-only"}
}

// TissueOrigin is Rule 18 tissues or cells.
type TissueOrigin string

// Values lists the valid TissueOrigin values.
func (TissueOrigin) Values() []string {
	return []string{"none", "human", "animal", "animal-intact-skin-only"}
}

// NanoExposure is Rule 19 potential for internal exposure to nanomaterial.
type NanoExposure string

// Values lists the valid NanoExposure values.
func (NanoExposure) Values() []string {
	return []string{"none", "negligible", "low", "medium", "high"}
}

// Inhalation is Rule 20 inhaled medicinal product delivery.
type Inhalation string

// Values lists the valid Inhalation values.
func (Inhalation) Values() []string {
	return []string{"none", "standard", "essential-or-life-threatening"}
}

// SubstanceBased is Rule 21 substance-based device.
type SubstanceBased string

// Values lists the valid SubstanceBased values.
func (SubstanceBased) Values() []string {
	return []string{"none", "systemic", "gi-tract-systemic", "local-skin-nasal-oral", "other"}
}

// AbsorbedEnergy is Rule 10 energy absorbed by the body.
type AbsorbedEnergy string

// Values lists the valid AbsorbedEnergy values.
func (AbsorbedEnergy) Values() []string {
	return []string{"none", "visible-light-illumination", "other"}
}

// VitalProcesses is Rule 10 diagnosis or monitoring of vital physiological processes.
type VitalProcesses string

// Values lists the valid VitalProcesses values.
func (VitalProcesses) Values() []string {
	return []string{"none", "direct-diagnosis-or-monitoring", "immediate-danger"}
}

// SupportLevel is the level of support a manufacturer gives a third-party
// software component.
type SupportLevel string

// Values lists the valid SupportLevel values.
func (SupportLevel) Values() []string {
	return []string{"maintained", "monitored", "unsupported"}
}

// Decision is what security risk management decided about a known
// vulnerability.
type Decision string

// Decisions on a known vulnerability.
const (
	DecisionNotAffected Decision = "not-affected"
	DecisionFix         Decision = "fix"
	DecisionMitigate    Decision = "mitigate"
	DecisionAccept      Decision = "accept"
)

// Values lists the valid Decision values.
func (Decision) Values() []string {
	return []string{string(DecisionNotAffected), string(DecisionFix), string(DecisionMitigate), string(DecisionAccept)}
}

// SafetyImpact is the patient-safety impact of a vulnerability if
// exploited, on mdcheck's severity scale.
type SafetyImpact string

// Values lists the valid SafetyImpact values.
func (SafetyImpact) Values() []string { return []string{"none", "low", "medium", "high", "critical"} }

// VEXJustification is why a product is not affected by a vulnerability,
// in the words OpenVEX and CISA's minimum VEX requirements use.
type VEXJustification string

// Values lists the valid VEXJustification values.
func (VEXJustification) Values() []string {
	return []string{"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
		"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"}
}

// PowerSource is how a component is powered.
type PowerSource string

// Values lists the valid PowerSource values.
func (PowerSource) Values() []string { return []string{"battery", "rechargeable", "mains", "host"} }

// AuditEvent is an event an audit log records.
type AuditEvent string

// Values lists the valid AuditEvent values.
func (AuditEvent) Values() []string {
	return []string{"login", "failed-login", "privilege-change", "account-change", "data-view", "data-change", "removable-media", "network", "remote-service", "api", "emergency-access", "software-update"}
}

// AuditExport is a way audit logs leave the device.
type AuditExport string

// Values lists the valid AuditExport values.
func (AuditExport) Values() []string { return []string{"physical-media", "ihe-atna", "other"} }

// LinkLossAction is what a monitoring component does when its link is lost.
type LinkLossAction string

// Values lists the valid LinkLossAction values.
func (LinkLossAction) Values() []string { return []string{"alarm", "safe-state", "none"} }

// OnAttack is what a component does when an interface is flooded or fed
// malformed input.
type OnAttack string

// Values lists the valid OnAttack values.
func (OnAttack) Values() []string {
	return []string{"essential-performance-kept", "safe-state", "undefined"}
}

// AssuranceLevel is an assurance level of the Cybersecurity Act.
type AssuranceLevel string

// Values lists the valid AssuranceLevel values.
func (AssuranceLevel) Values() []string { return []string{"basic", "substantial", "high"} }

// Party is who the manufacturer expects to act.
type Party string

// Values lists the valid Party values.
func (Party) Values() []string { return []string{"operator", "integrator", "user", "patient"} }

// ResponsibilityArea is what an expectation of another party concerns.
type ResponsibilityArea string

// Values lists the valid ResponsibilityArea values.
func (ResponsibilityArea) Values() []string {
	return []string{"network", "patching", "access-control", "backup", "malware-protection", "physical-security", "monitoring", "decommissioning", "training", "other"}
}

// IFUItem is a security item the instructions for use state.
type IFUItem string

// IFU security items (MDR Annex I 23.4(ab); MDCG 2019-16 §4.2).
const (
	IFUMinimumIT       IFUItem = "minimum-it-environment"
	IFUPorts           IFUItem = "ports-and-protocols"
	IFUSettings        IFUItem = "security-settings"
	IFUUpdatePolicy    IFUItem = "update-policy"
	IFUEndOfSupport    IFUItem = "end-of-support"
	IFUBackupRestore   IFUItem = "backup-restore"
	IFUDecommissioning IFUItem = "decommissioning"
	IFUOperatorDuties  IFUItem = "operator-duties"
	IFUResidualRisks   IFUItem = "residual-risks"
	IFUIncidentContact IFUItem = "incident-contact"
)

// Values lists the valid IFUItem values.
func (IFUItem) Values() []string {
	return []string{string(IFUMinimumIT), string(IFUPorts), string(IFUSettings), string(IFUUpdatePolicy), string(IFUEndOfSupport),
		string(IFUBackupRestore), string(IFUDecommissioning), string(IFUOperatorDuties), string(IFUResidualRisks), string(IFUIncidentContact)}
}
