package model

import (
	"fmt"
	"slices"
)

// APIVersion is the only device model version this build reads.
const APIVersion = "mdcheck.dev/v1"

// KindDevice is the kind of document Load accepts.
const KindDevice = "Device"

// Device is one device model: a medical device or a system of components
// placed on the market together or separately.
//
// Pointer fields are optional facts: nil means the author did not say, which
// later stages report as unknown. Struct tags drive decoding, validation and
// the published JSON Schema: yaml names the key, doc describes it, required
// makes it mandatory, min and max bound integers.
type Device struct {
	APIVersion      string           `yaml:"apiVersion" required:"true" doc:"Model format version; must be mdcheck.dev/v1."`
	Kind            string           `yaml:"kind" required:"true" doc:"Document kind; must be Device."`
	Identity        Identity         `yaml:"identity" required:"true" doc:"Who makes the device and what it is called."`
	Regulation      *Regulation      `yaml:"regulation" doc:"The legal basis under which the device is placed on the EU market."`
	IntendedPurpose *IntendedPurpose `yaml:"intendedPurpose" doc:"Intended purpose (MDR Art. 2(12)); classification follows it (Annex VIII 3.1)."`
	Components      []Component      `yaml:"components" required:"true" doc:"The parts of the system: each device, accessory, app, service or non-device part."`
	ExternalDevices []ExternalDevice `yaml:"externalDevices" doc:"Devices of other manufacturers that a component is an accessory of, controls or drives."`
	DataAssets      []DataAsset      `yaml:"dataAssets" doc:"Data worth protecting: health data, therapy settings, logs, credentials, keys."`
	DataFlows       []DataFlow       `yaml:"dataFlows" doc:"Which data moves between which components, over which interface."`
	Lifecycle       *Lifecycle       `yaml:"lifecycle" doc:"Support period, vulnerability handling and post-market surveillance."`
	Documents       []Document       `yaml:"documents" doc:"Documents that back the declarations: risk file, threat model, test reports, IFU."`
	// Dispositions record what security risk management decided about
	// each known vulnerability (MDCG 2019-16 §3.4-3.5); DispositionsFile
	// names a YAML file with more of them, relative to the model.
	Dispositions     []Disposition    `yaml:"dispositions" doc:"What security risk management decided about each known vulnerability of the device's components: exploitability here, patient-safety impact, decision, owner and date."`
	Responsibilities []Responsibility `yaml:"responsibilities" doc:"What the manufacturer expects of operators, integrators, users and patients for the device to stay secure (joint responsibility)."`
	IFU              *IFU             `yaml:"ifu" doc:"What the instructions for use, or their security section, state for operators."`
	DispositionsFile string           `yaml:"dispositionsFile" doc:"A YAML file (relative to this one) holding more dispositions under a top-level dispositions: list; kept beside the risk management file."`

	src *source
}

// Identity names the device.
type Identity struct {
	Manufacturer string `yaml:"manufacturer" required:"true" doc:"Legal manufacturer (MDR Art. 2(30))."`
	Product      string `yaml:"product" required:"true" doc:"Trade name of the device or system."`
	Model        string `yaml:"model" doc:"Model or catalogue number."`
	Version      string `yaml:"version" doc:"Hardware or software version this model describes."`
	UDIDI        string `yaml:"udiDI" doc:"Basic UDI-DI or UDI-DI, where assigned."`
}

// Regulation records the legal basis of the device.
type Regulation struct {
	Basis Basis `yaml:"basis" doc:"mdr, mdd-legacy (MDD/AIMDD certificate under MDR Art. 120 transition) or ivdr (out of scope)."`
	// LegacyClass is the class under the Directive, for a legacy device.
	LegacyClass LegacyClass `yaml:"legacyClass" doc:"Class under the Directive (legacy devices only): I (self-declared), Is, Im, IIa, IIb, III, or AIMD (AIMDD)."`
	// CertificateIssued and CertificateExpiry date the Directive
	// certificate, if any: MDR Art. 120(2) extends certificates issued from
	// 25 May 2017 that were valid on 26 May 2021.
	CertificateIssued Date `yaml:"certificateIssued" doc:"Issue date of the Directive (MDD/AIMDD) certificate (legacy devices with a notified body)."`
	CertificateExpiry Date `yaml:"certificateExpiry" doc:"Expiry date stated on the Directive certificate (legacy devices only)."`
	// DeclarationOfConformity is when a self-declared class I device's
	// Directive declaration of conformity was drawn up (Art. 120(3b)).
	DeclarationOfConformity Date `yaml:"declarationOfConformity" doc:"Date the Directive declaration of conformity was drawn up (self-declared class I legacy devices; MDR Art. 120(3b) needs it before 26 May 2021)."`
	// CustomMade marks a custom-made device (Art. 2(3)); a class III
	// custom-made implantable one has its own transition (Art. 120(3f)).
	CustomMade bool `yaml:"customMade" doc:"Whether the device is custom-made (MDR Art. 2(3)); class III custom-made implantables have their own transition (Art. 120(3f))."`
	// WellEstablishedImplant names the implantable devices MDR Art. 52(4)
	// and Art. 120(3a)(a) treat apart from other class IIb implantables.
	WellEstablishedImplant WellEstablishedImplant `yaml:"wellEstablishedImplant" doc:"For an implantable device: which of the devices MDR Art. 52(4) and Art. 120(3a)(a) list it is (suture, staple, dental-filling, dental-brace, tooth-crown, screw, wedge, plate, wire, pin, clip, connector)."`
	// Transition holds the conditions of Art. 120(3c) as the manufacturer
	// states them.
	Transition *LegacyTransition `yaml:"transition" doc:"The conditions of MDR Art. 120(3c) (and (3f)) for placing a legacy device on the market after 26 May 2024."`
}

// LegacyTransition holds what the manufacturer states about the
// conditions of MDR Art. 120(3c) as amended by Regulation (EU) 2023/607.
// An unstated condition is unknown, never met.
type LegacyTransition struct {
	CompliesWithDirective *bool `yaml:"compliesWithDirective" doc:"The device continues to comply with the Directive (Art. 120(3c)(a))."`
	SignificantChange     *bool `yaml:"significantChange" doc:"Whether the design or intended purpose changed significantly (Art. 120(3c)(b): there must be none)."`
	UnacceptableRisk      *bool `yaml:"unacceptableRisk" doc:"Whether the device presents an unacceptable risk to health or safety (Art. 120(3c)(c): it must not)."`
	QualitySystem         Date  `yaml:"qualitySystem" doc:"Date the MDR quality management system (Art. 10(9)) was in place (Art. 120(3c)(d): by 26 May 2024)."`
	Application           Date  `yaml:"application" doc:"Date the formal application to an MDR notified body was lodged (Art. 120(3c)(e), (3f): by 26 May 2024)."`
	WrittenAgreement      Date  `yaml:"writtenAgreement" doc:"Date the written agreement with the notified body (Annex VII Section 4.3) was signed (Art. 120(3c)(e), (3f): by 26 September 2024)."`
	AuthorityDecision     bool  `yaml:"authorityDecision" doc:"A competent authority granted a derogation (Art. 59(1)) or required the conformity assessment (Art. 97(1)) for the device: keeps a certificate that expired before 20 March 2023 valid (Art. 120(2))."`
}

// IntendedPurpose holds the intended purpose in words and as facts.
type IntendedPurpose struct {
	Text            string           `yaml:"text" doc:"The intended purpose as stated in the IFU."`
	MedicalPurposes []MedicalPurpose `yaml:"medicalPurposes" doc:"Medical purposes of MDR Art. 2(1)."`
	Users           []User           `yaml:"users" doc:"Intended users; lay-person matters for Annex I 22."`
	Environments    []Environment    `yaml:"environments" doc:"Intended use environments."`
	Population      string           `yaml:"population" doc:"Intended patient population."`
}

// Component is one part of the system. Each component placed on the market
// as a device or accessory is classified in its own right (Annex VIII 3.2).
type Component struct {
	ID             string          `yaml:"id" required:"true" doc:"Identifier unique in this model; other entries refer to it."`
	Name           string          `yaml:"name" required:"true" doc:"Human-readable name."`
	Kind           ComponentKind   `yaml:"kind" required:"true" doc:"What the component is."`
	Role           Role            `yaml:"role" required:"true" doc:"device or accessory (classified), part (classified with partOf) or non-device."`
	PartOf         string          `yaml:"partOf" doc:"For role part: the component this is a part of."`
	Version        string          `yaml:"version" doc:"Hardware, firmware or software version."`
	SBOM           string          `yaml:"sbom" doc:"Path to the component's SBOM (CycloneDX or SPDX), relative to this file."`
	SBOMSupport    *SBOMSupport    `yaml:"sbomSupport" doc:"Level of support and end-of-support date of the SBOM's components, where the SBOM does not carry them (FDA premarket guidance)."`
	Platform       *Platform       `yaml:"platform" doc:"Software platform the component runs on."`
	Classification *Facts          `yaml:"classification" doc:"Facts MDR Annex VIII needs for this component."`
	Interfaces     []Interface     `yaml:"interfaces" doc:"Every way to communicate with the component."`
	AccessControl  *AccessControl  `yaml:"accessControl" doc:"Who can use the component and how they prove it."`
	Security       *SecurityDesign `yaml:"security" doc:"Update, boot, logging, malware, backup and data-at-rest protection."`
	Power          PowerSource     `yaml:"power" doc:"How the component is powered: battery (a primary cell that cannot be recharged, as in most implants), rechargeable, mains or host (powered by what it plugs into)."`
	Monitoring     *Monitoring     `yaml:"monitoring" doc:"For a component that monitors a patient or a therapy over a communication link: what it does when the link is lost."`
	Certificates   []Certificate   `yaml:"certificates" doc:"EU cybersecurity certificates (Cybersecurity Act, e.g. the EUCC scheme) held for this component: voluntary assurance, never a substitute for MDR conformity."`
}

// Monitoring is what a component that watches a patient or a therapy over
// a link does when that link is lost or flooded (MDCG 2019-16 Annex II
// examples 10 and 12; IEC TR 60601-4-5 resource availability).
type Monitoring struct {
	OverLink     *bool          `yaml:"overLink" doc:"Whether the component monitors a patient or a therapy over a communication link (a central station, a home monitor reporting to a clinic)."`
	OnLinkLoss   LinkLossAction `yaml:"onLinkLoss" doc:"What it does when the link is lost or flooded: alarm (the user is told), safe-state (it moves to a safe state and tells the user), or none."`
	AlarmSeconds *int           `yaml:"alarmSeconds" min:"0" doc:"How soon a lost link is signalled, in seconds."`
}

// Certificate is an EU cybersecurity certificate for a component, issued
// under a scheme adopted under the Cybersecurity Act (Regulation (EU)
// 2019/881).
type Certificate struct {
	Scheme         string         `yaml:"scheme" required:"true" doc:"The European cybersecurity certification scheme, e.g. EUCC (ICT products, Implementing Regulation (EU) 2024/482)."`
	ID             string         `yaml:"id" doc:"The certificate's number."`
	Issuer         string         `yaml:"issuer" doc:"The conformity assessment body that issued it."`
	AssuranceLevel AssuranceLevel `yaml:"assuranceLevel" doc:"basic, substantial or high (Cybersecurity Act Article 52)."`
	Expires        Date           `yaml:"expires" doc:"The last day it is valid (YYYY-MM-DD); an expired certificate is no longer counted."`
	Covers         []string       `yaml:"covers" doc:"The mdcheck requirement IDs whose security functions the certified target of evaluation covers, e.g. IEC60601-4-5.FR1."`
}

// RateLimit bounds what a peer can make an interface do before it is
// authenticated: wake-ups of a sleeping radio and sessions started.
type RateLimit struct {
	Limited         *bool `yaml:"limited" doc:"Whether wake-ups and session attempts are rate-limited, so a flood cannot drain the battery or exhaust the component."`
	WakeUpsPerHour  *int  `yaml:"wakeUpsPerHour" min:"0" doc:"Most wake-ups (radio on, listening for a session) accepted per hour."`
	SessionsPerHour *int  `yaml:"sessionsPerHour" min:"0" doc:"Most session attempts accepted per hour."`
}

// Responsibility is one thing the manufacturer expects of another party
// for the device to stay secure (MDCG 2019-16 §2.6, joint responsibility).
type Responsibility struct {
	Party       Party              `yaml:"party" required:"true" doc:"Who is expected to act: operator (the healthcare provider), integrator, user or patient."`
	Area        ResponsibilityArea `yaml:"area" required:"true" doc:"What it concerns: network, patching, access-control, backup, malware-protection, physical-security, monitoring, decommissioning, training or other."`
	Expectation string             `yaml:"expectation" required:"true" doc:"What exactly the party must do, as the manufacturer tells it."`
	StatedIn    DocumentKind       `yaml:"statedIn" doc:"The document (by kind, one of the model's documents) that tells the party, e.g. ifu-security-section or security-manual."`
}

// IFU is what the instructions for use, or their security section, state
// for operators (MDR Annex I 23.4(ab); MDCG 2019-16 §4.2).
type IFU struct {
	States []IFUItem `yaml:"states" doc:"The security items the IFU states: minimum-it-environment, ports-and-protocols, security-settings, update-policy, end-of-support, backup-restore, decommissioning, operator-duties, residual-risks, incident-contact."`
}

// SBOMSupport states, for the components an SBOM lists, the level of
// support the manufacturer gives them and until when: a default for all,
// and overrides matched by package URL or name.
type SBOMSupport struct {
	Default   *Support3rdParty  `yaml:"default" doc:"Support of every SBOM component not matched by an override."`
	Overrides []SupportOverride `yaml:"overrides" doc:"Support of SBOM components matched by package URL or name (* matches any run of characters)."`
}

// Support3rdParty is the support of third-party software components.
type Support3rdParty struct {
	Level        SupportLevel `yaml:"level" doc:"maintained (monitored and patched), monitored (watched, fixed by replacement), or unsupported."`
	EndOfSupport Date         `yaml:"endOfSupport" doc:"Date support ends (YYYY-MM-DD)."`
}

// SupportOverride is the support of the SBOM components matching Match.
type SupportOverride struct {
	Match        string       `yaml:"match" required:"true" doc:"Package URL or name pattern, e.g. pkg:deb/debian/openssl* or openssl."`
	Level        SupportLevel `yaml:"level" doc:"maintained, monitored or unsupported."`
	EndOfSupport Date         `yaml:"endOfSupport" doc:"Date support ends (YYYY-MM-DD)."`
}

// Platform is the software platform of a component.
type Platform struct {
	OS             string `yaml:"os" doc:"Operating system or runtime, e.g. Windows 10 IoT, Linux, FreeRTOS, iOS, Android."`
	Version        string `yaml:"version" doc:"Its version."`
	GeneralPurpose *bool  `yaml:"generalPurpose" doc:"True for a general-purpose OS (Windows, desktop Linux) where malware protection is expected."`
	EndOfSupport   Date   `yaml:"endOfSupport" doc:"Date the platform vendor ends security updates (YYYY-MM-DD)."`
}

// ExternalDevice is a device of another manufacturer that a component
// relates to, described by the facts classification needs about it.
type ExternalDevice struct {
	ID                  string `yaml:"id" required:"true" doc:"Identifier other entries refer to."`
	Name                string `yaml:"name" required:"true" doc:"Name of the device."`
	Class               Class  `yaml:"class" doc:"Its MDR class, if known."`
	ActiveImplantable   *bool  `yaml:"activeImplantable" doc:"Whether it is an active implantable device."`
	ActiveTherapeutic   *bool  `yaml:"activeTherapeutic" doc:"Whether it is an active therapeutic device (Annex VIII 2.4)."`
	TherapeuticIonising *bool  `yaml:"therapeuticIonisingRadiation" doc:"Whether it emits ionising radiation for therapy."`
	DiagnosticRadiology *bool  `yaml:"diagnosticRadiology" doc:"Whether it emits ionising radiation for diagnostic or interventional radiology."`
}

// Interface is one way to communicate with a component.
type Interface struct {
	ID             string          `yaml:"id" required:"true" doc:"Identifier unique within the component."`
	Kind           InterfaceKind   `yaml:"kind" required:"true" doc:"Physical or radio layer."`
	Protocols      []Protocol      `yaml:"protocols" doc:"Application protocols spoken on it."`
	Port           *int            `yaml:"port" min:"1" max:"65535" doc:"TCP or UDP port, for network interfaces."`
	Exposure       Exposure        `yaml:"exposure" doc:"Who can reach it: internet, hospital-network, home-network, proximity or physical."`
	RangeMeters    *float64        `yaml:"rangeMeters" min:"0" doc:"Typical reach of a wireless interface, in metres."`
	ConnectsTo     []string        `yaml:"connectsTo" doc:"Components or external devices at the other end."`
	Encryption     *Encryption     `yaml:"encryption" doc:"Protection of data in transit."`
	Authentication *Authentication `yaml:"authentication" doc:"How the peer or user is authenticated."`
	Authorization  Authorization   `yaml:"authorization" doc:"How access is restricted once authenticated."`
	ChangesTherapy *bool           `yaml:"changesTherapy" doc:"Whether commands on this interface can change therapy."`
	ChangesConfig  *bool           `yaml:"changesConfiguration" doc:"Whether commands on this interface can change configuration."`
	CanBeDisabled  *bool           `yaml:"canBeDisabled" doc:"Whether the operator can disable the interface when unused."`
	RateLimit      *RateLimit      `yaml:"rateLimit" doc:"Limits on the wake-ups and sessions a peer can cause before it is authenticated."`
	OnAttack       OnAttack        `yaml:"onAttack" doc:"What the component does when this interface is flooded or fed malformed input: essential-performance-kept (the interface degrades, therapy and alarms go on), safe-state, or undefined."`
}

// Encryption describes protection of data in transit.
type Encryption struct {
	InTransit *bool  `yaml:"inTransit" doc:"Whether traffic is encrypted."`
	Protocol  string `yaml:"protocol" doc:"Mechanism, e.g. TLS 1.3, DTLS 1.2, BLE LE Secure Connections, AES-CCM."`
	Integrity *bool  `yaml:"integrity" doc:"Whether messages are integrity-protected (MAC or signature)."`
}

// Authentication describes how an interface authenticates its peer.
type Authentication struct {
	Required *bool        `yaml:"required" doc:"Whether a peer must authenticate before any command is accepted."`
	Methods  []AuthMethod `yaml:"methods" doc:"Methods accepted."`
	Mutual   *bool        `yaml:"mutual" doc:"Whether both ends authenticate each other."`
}

// AccessControl describes user access to a component.
type AccessControl struct {
	Roles                  []AccessRole     `yaml:"roles" doc:"User roles and what each may do."`
	AuthenticationMethods  []AuthMethod     `yaml:"authenticationMethods" doc:"How users authenticate."`
	DefaultCredentials     CredentialPolicy `yaml:"defaultCredentials" doc:"none, forced-change (changed at first use) or present."`
	SharedCredentials      *bool            `yaml:"sharedCredentials" doc:"Whether several people share one account or PIN."`
	MFA                    Support          `yaml:"mfa" doc:"Multi-factor authentication: required, optional or unsupported."`
	SessionTimeoutMinutes  *int             `yaml:"sessionTimeoutMinutes" min:"0" doc:"Inactivity before re-authentication; 0 means never."`
	InputLockMinutes       *int             `yaml:"inputLockMinutes" min:"0" doc:"Inactivity before the controls lock while the display stays on (what a vital-signs display uses instead of a session timeout); 0 means never."`
	LockoutAttempts        *int             `yaml:"lockoutAttempts" min:"0" doc:"Failed attempts before lockout; 0 means no lockout."`
	EmergencyAccess        *EmergencyAccess `yaml:"emergencyAccess" doc:"How clinicians reach the device in an emergency (MDCG 2019-16 2.2)."`
	ExternalAuthentication *bool            `yaml:"externalAuthentication" doc:"Whether users can be authenticated by an external service (directory, LDAP, OAuth)."`
	SingleSignOn           *bool            `yaml:"singleSignOn" doc:"Whether single sign-on is supported."`
	PasswordsChangeable    *bool            `yaml:"passwordsChangeable" doc:"Whether every password can be changed."`
	PasswordComplexity     *bool            `yaml:"passwordComplexity" doc:"Whether password complexity rules can be enforced."`
	PasswordExpiry         *bool            `yaml:"passwordExpiry" doc:"Whether passwords can be set to expire."`
	AccountsCanBeDisabled  *bool            `yaml:"accountsCanBeDisabled" doc:"Whether accounts can be disabled or locked."`
	OperatorAdmin          *bool            `yaml:"operatorAdmin" doc:"Whether the operator can give itself unrestricted administrator rights."`
	KioskMode              *bool            `yaml:"kioskMode" doc:"Whether it runs locked down (kiosk mode) as delivered."`
}

// AccessRole is a user role.
type AccessRole struct {
	Name       string   `yaml:"name" required:"true" doc:"Role name."`
	Privileges []string `yaml:"privileges" doc:"What the role may do, in the manufacturer's words."`
}

// EmergencyAccess is the way clinicians reach a device in an emergency.
type EmergencyAccess struct {
	Supported           *bool          `yaml:"supported" doc:"Whether an emergency access path exists."`
	Mechanism           string         `yaml:"mechanism" doc:"How it works, e.g. universal programmer access by inductive wand."`
	RequiresProximity   *bool          `yaml:"requiresProximity" doc:"Whether emergency access needs physical proximity to the patient."`
	MaxRangeMeters      *float64       `yaml:"maxRangeMeters" min:"0" doc:"Distance from which emergency access works."`
	RequiresCredentials *bool          `yaml:"requiresCredentials" doc:"Whether the clinician needs credentials issued in advance."`
	Logged              *bool          `yaml:"logged" doc:"Whether each emergency session is logged."`
	TimeLimitMinutes    *int           `yaml:"timeLimitMinutes" min:"0" doc:"Time after which emergency mode ends; 0 means no limit."`
	ReturnToNormal      ReturnToNormal `yaml:"returnToNormal" doc:"How the device returns to normal protection: automatic, manual or never."`
}

// SecurityDesign groups a component's security mechanisms.
type SecurityDesign struct {
	Update             *Update           `yaml:"update" doc:"How software is updated."`
	SecureBoot         *bool             `yaml:"secureBoot" doc:"Whether only authentic firmware or software can boot."`
	AuditLogging       *AuditLogging     `yaml:"auditLogging" doc:"Security event logging."`
	MalwareProtection  MalwareProtection `yaml:"malwareProtection" doc:"none, anti-malware, allow-listing or not-applicable."`
	Backup             *Backup           `yaml:"backup" doc:"Backup and restore of data and configuration."`
	DataAtRest         *DataAtRest       `yaml:"dataAtRest" doc:"Protection of stored data."`
	Hardening          *Hardening        `yaml:"hardening" doc:"How the component is hardened: the standard followed and what is disabled or locked."`
	RemoteService      *RemoteService    `yaml:"remoteService" doc:"Remote service access by the manufacturer or its service partners."`
	FactoryReset       *bool             `yaml:"factoryReset" doc:"Whether the component can be reset to factory settings."`
	IntrusionDetection *bool             `yaml:"intrusionDetection" doc:"Whether host-based intrusion detection or prevention runs on it."`
	Deidentification   *bool             `yaml:"deidentification" doc:"Whether personal data can be exported or shared de-identified (pseudonymised, DICOM de-identification profiles)."`
}

// Hardening describes how a component is hardened (MDS2 SAHD).
type Hardening struct {
	Standard         string `yaml:"standard" doc:"The industry hardening standard followed, e.g. CIS Benchmark Level 1, DISA STIG."`
	UnusedShares     *bool  `yaml:"unusedSharesDisabled" doc:"Whether shared resources (file shares) not needed for its use are disabled."`
	UnusedPorts      *bool  `yaml:"unusedPortsDisabled" doc:"Whether ports and protocols not needed for its use are disabled."`
	UnusedServices   *bool  `yaml:"unusedServicesDisabled" doc:"Whether services not needed for its use are removed or disabled."`
	UnusedApps       *bool  `yaml:"unusedAppsDisabled" doc:"Whether applications not needed for its use are removed or disabled."`
	BootLoaderLocked *bool  `yaml:"bootLoaderLocked" doc:"Whether access to the BIOS or boot loader can be prevented."`
	IntegrityCheck   *bool  `yaml:"integrityCheckByOperator" doc:"Whether the operator can check that its software has not been tampered with."`
	Further          *bool  `yaml:"furtherHardening" doc:"Whether the operator can harden it beyond its delivered state."`
	Guide            *bool  `yaml:"hardeningGuide" doc:"Whether the manufacturer gives instructions for further hardening."`
}

// RemoteService describes remote service access (MDS2 RMOT).
type RemoteService struct {
	Supported          *bool `yaml:"supported" doc:"Whether it accepts remote service connections."`
	OperatorInitiated  *bool `yaml:"operatorInitiated" doc:"Whether the operator can start remote service sessions."`
	Indicated          *bool `yaml:"indicated" doc:"Whether an active remote session is shown on the device."`
	PatientDataVisible *bool `yaml:"patientDataVisible" doc:"Whether patient data can be seen during a remote session."`
}

// Update describes the software update mechanism.
type Update struct {
	Supported          *bool           `yaml:"supported" doc:"Whether the software can be updated in the field."`
	Channel            []UpdateChannel `yaml:"channels" doc:"How updates arrive."`
	Signed             *bool           `yaml:"signed" doc:"Whether update packages are signed and the signature checked before install."`
	Authenticated      *bool           `yaml:"authenticated" doc:"Whether the update source is authenticated."`
	RollbackProtection *bool           `yaml:"rollbackProtection" doc:"Whether older vulnerable versions are refused."`
	TriggeredBy        []Actor         `yaml:"triggeredBy" doc:"Who starts an update."`
	ThirdPartyPatches  *bool           `yaml:"thirdPartyPatches" doc:"Whether third-party security updates (operating system, libraries) may be installed without the manufacturer's approval."`
}

// AuditLogging describes security event logging.
type AuditLogging struct {
	Enabled         *bool `yaml:"enabled" doc:"Whether security events are logged."`
	TamperProtected *bool `yaml:"tamperProtected" doc:"Whether the log is protected against change."`
	Exportable      *bool `yaml:"exportable" doc:"Whether logs can be exported, e.g. to a SIEM."`
	Timestamped     *bool `yaml:"timestamped" doc:"Whether entries carry a reliable timestamp."`
	// Events are the events logged; an event not listed is not logged.
	Events          []AuditEvent  `yaml:"events" doc:"The events logged (an event not listed is not): login, failed-login, privilege-change, account-change, data-view, data-change, removable-media, network, remote-service, api, emergency-access, software-update."`
	UserIdentified  *bool         `yaml:"userIdentified" doc:"Whether each entry names the user."`
	Configurable    *bool         `yaml:"configurable" doc:"Whether the operator chooses which events are logged."`
	TimeSync        *bool         `yaml:"timeSync" doc:"Whether the clock can follow a time source such as NTP."`
	ExportTo        []AuditExport `yaml:"exportTo" doc:"How logs are exported: physical-media, ihe-atna (a SIEM with the IHE ATNA profile), other."`
	ExportEncrypted *bool         `yaml:"exportEncrypted" doc:"Whether exported logs are encrypted in transit or on media."`
	Reviewable      *bool         `yaml:"reviewable" doc:"Whether the operator can review the logs on the device."`
	AccessProtected *bool         `yaml:"accessProtected" doc:"Whether reading the logs needs authorisation."`
}

// Backup describes backup and restore.
type Backup struct {
	Supported        *bool `yaml:"supported" doc:"Whether data and configuration can be backed up."`
	RestoreTested    *bool `yaml:"restoreTested" doc:"Whether restore is verified."`
	Encrypted        *bool `yaml:"encrypted" doc:"Whether backups are encrypted."`
	ToRemovableMedia *bool `yaml:"toRemovableMedia" doc:"Whether data can be backed up to removable media."`
	ToRemote         *bool `yaml:"toRemote" doc:"Whether data can be backed up to remote storage."`
	IntegrityChecked *bool `yaml:"integrityChecked" doc:"Whether a backup's integrity and authenticity can be checked before restore."`
}

// DataAtRest describes protection of stored data.
type DataAtRest struct {
	Encrypted      *bool  `yaml:"encrypted" doc:"Whether stored personal or therapy data is encrypted."`
	Method         string `yaml:"method" doc:"Mechanism, e.g. AES-256 full-disk encryption."`
	All            *bool  `yaml:"all" doc:"Whether all stored data is encrypted or otherwise protected, not only personal or therapy data."`
	DefaultOn      *bool  `yaml:"defaultOn" doc:"Whether encryption is on as delivered."`
	KeysChangeable *bool  `yaml:"keysChangeable" doc:"Whether the encryption keys can be changed."`
	Integrity      *bool  `yaml:"integrity" doc:"Whether stored health data is integrity-checked (hash, signature)."`
	Database       *bool  `yaml:"database" doc:"Whether data is kept in a database on the component."`
}

// DataAsset is data worth protecting.
type DataAsset struct {
	ID          string    `yaml:"id" required:"true" doc:"Identifier data flows refer to."`
	Kind        AssetKind `yaml:"kind" required:"true" doc:"What kind of data it is."`
	StoredOn    []string  `yaml:"storedOn" doc:"Components that store it."`
	Description string    `yaml:"description" doc:"What the data is."`
}

// DataFlow is data moving between two components.
type DataFlow struct {
	From      string   `yaml:"from" required:"true" doc:"Sending component, or an external device sending to a component."`
	To        string   `yaml:"to" required:"true" doc:"Receiving component, or an external device a component sends to."`
	Interface string   `yaml:"interface" doc:"Interface of the sending component that carries the flow (of the receiving component when the sender is an external device)."`
	Assets    []string `yaml:"assets" required:"true" doc:"Data assets carried."`
}

// Carrier is the component whose Interface carries the flow: the sender,
// or the receiver when the sender is an external device.
func (fl DataFlow) Carrier(d *Device) string {
	for _, e := range d.ExternalDevices {
		if e.ID == fl.From {
			return fl.To
		}
	}
	return fl.From
}

// Lifecycle describes support and post-market obligations.
type Lifecycle struct {
	EndOfSupport             Date        `yaml:"endOfSupport" doc:"Date security support ends (YYYY-MM-DD)."`
	ExpectedServiceLifeYears *int        `yaml:"expectedServiceLifeYears" min:"0" doc:"Expected service life from placing on the market, in years."`
	VulnerabilityDisclosure  *Disclosure `yaml:"vulnerabilityDisclosure" doc:"Coordinated vulnerability disclosure policy."`
	PatchCadenceDays         *int        `yaml:"patchCadenceDays" min:"0" doc:"Regular security patch interval in days."`
	CriticalPatchDays        *int        `yaml:"criticalPatchDays" min:"0" doc:"Target days to ship a fix for a critical vulnerability."`
	SBOMMaintained           *bool       `yaml:"sbomMaintained" doc:"Whether the SBOM is kept current with each release."`
	PMSCoversCybersecurity   *bool       `yaml:"pmsCoversCybersecurity" doc:"Whether the post-market surveillance plan covers cybersecurity."`
	Vigilance                *Vigilance  `yaml:"vigilance" doc:"How serious incidents and field safety corrective actions are handled (MDR Articles 87 to 89)."`
}

// Vigilance is what the manufacturer declares of its vigilance system for
// the device: who reports, how field safety notices reach operators, and
// whether cyberattacks are handled as potential serious incidents.
type Vigilance struct {
	Contact                  string `yaml:"contact" doc:"The vigilance contact (person or function) who reports serious incidents and field safety corrective actions."`
	FieldSafetyNoticeChannel string `yaml:"fieldSafetyNoticeChannel" doc:"How field safety notices reach operators (customer portal, registered mail, direct contact)."`
	CoversCybersecurity      *bool  `yaml:"coversCybersecurity" doc:"Whether the vigilance procedure treats a cybersecurity incident as a potential serious incident, coded with the IMDRF terms for security problems and causes (A1105, C1007)."`
	// IMDRFCodes are the IMDRF adverse-event terms the procedure codes
	// cybersecurity incidents with.
	IMDRFCodes []string `yaml:"imdrfCodes" doc:"The IMDRF adverse-event codes the procedure uses for cybersecurity incidents: A1105 (computer system security problem), A110501, A110502 (Annex A), C1007 (software security vulnerability, Annex C)."`
	// ReportingDays are the procedure's own limits for reporting a
	// serious incident, which MDR Article 87 bounds.
	ReportingDays *ReportingDays `yaml:"reportingDays" doc:"The vigilance procedure's limits, in days after awareness, for reporting a serious incident to the competent authority."`
}

// ReportingDays are a vigilance procedure's reporting limits.
type ReportingDays struct {
	SeriousIncident      *int `yaml:"seriousIncident" min:"0" doc:"Any serious incident (MDR Art. 87(3): at most 15 days)."`
	DeathOrDeterioration *int `yaml:"deathOrDeterioration" min:"0" doc:"A death or an unanticipated serious deterioration in health (Art. 87(5): at most 10 days)."`
	PublicHealthThreat   *int `yaml:"publicHealthThreat" min:"0" doc:"A serious public health threat (Art. 87(4): at most 2 days)."`
}

// Disposition is what security risk management decided about one known
// vulnerability: whether it can be exploited in this device, what it
// could do to patients, and whether it is fixed, mitigated or accepted,
// by whom and when (MDCG 2019-16 §3.4-3.5). A disposition is also the
// manufacturer's VEX statement about the vulnerability.
type Disposition struct {
	Vulnerability string   `yaml:"vulnerability" required:"true" doc:"The vulnerability's ID (CVE, GHSA, OSV or vendor ID); any of its aliases matches too."`
	Components    []string `yaml:"components" doc:"The components it concerns; every component when omitted."`
	// Exploitable is the analysis: can it be exploited in this device.
	Exploitable   *bool            `yaml:"exploitable" doc:"Whether the vulnerability can be exploited in this device, as analysed."`
	Justification VEXJustification `yaml:"justification" doc:"For decision not-affected: why, as a VEX justification (component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist)."`
	Analysis      string           `yaml:"analysis" doc:"The exploitability analysis in words: what an attacker would need, and what stops or allows it here."`
	// PatientSafetyImpact is the harm it could lead to, weighed in the
	// risk management file.
	PatientSafetyImpact SafetyImpact `yaml:"patientSafetyImpact" doc:"The worst patient-safety impact if exploited, as weighed in the risk management file: none, low, medium, high or critical."`
	Decision            Decision     `yaml:"decision" required:"true" doc:"not-affected (cannot be exploited here), fix (a fixed release is planned), mitigate (a risk control stops it), or accept (residual risk accepted on benefit-risk grounds)."`
	FixVersion          string       `yaml:"fixVersion" doc:"For decision fix: the release that fixes it."`
	Due                 Date         `yaml:"due" doc:"For decision fix: the date the fix is to reach the field (YYYY-MM-DD); the finding is open again after it."`
	Mitigation          string       `yaml:"mitigation" doc:"For decision mitigate: the risk control that stops the exploit, and where operators are told of it."`
	BenefitRisk         string       `yaml:"benefitRisk" doc:"For decision accept: why the residual risk is acceptable against the benefit (MDR Annex I 1, 4 and 8)."`
	RiskRecord          string       `yaml:"riskRecord" doc:"The entry of the risk management file that holds the analysis."`
	Owner               string       `yaml:"owner" doc:"Who made the decision (person or function)."`
	Date                Date         `yaml:"date" doc:"When it was decided (YYYY-MM-DD)."`
}

// Disclosure is a vulnerability disclosure policy.
type Disclosure struct {
	Published *bool  `yaml:"published" doc:"Whether the policy is public."`
	URL       string `yaml:"url" doc:"Where it is published."`
	Contact   string `yaml:"contact" doc:"Where to report vulnerabilities."`
	// SecurityTxt is the manufacturer's /.well-known/security.txt (RFC
	// 9116), where researchers look for the contact first.
	SecurityTxt string `yaml:"securityTxt" doc:"URL of the manufacturer's security.txt (RFC 9116), where researchers find the contact."`
	// Advisories says how security advisories are published.
	Advisories AdvisoryFormat `yaml:"advisories" doc:"How security advisories for the device are published: csaf (CSAF 2.0, machine-readable), other (web pages, PDF, letters) or none."`
	// Intake is how reports are received and handled (IEC 81001-5-1
	// clause 9).
	Intake *Intake `yaml:"intake" doc:"How vulnerability reports are received and handled."`
}

// Intake is the handling of vulnerability reports.
type Intake struct {
	Documented      *bool `yaml:"documented" doc:"Whether a documented process receives, tracks and triages vulnerability reports from any source (researchers, suppliers, customers, authorities)."`
	AcknowledgeDays *int  `yaml:"acknowledgeDays" min:"0" doc:"Target days to acknowledge a report to its sender."`
	TriageDays      *int  `yaml:"triageDays" min:"0" doc:"Target days to assess a report's exploitability and patient-safety impact."`
}

// Document references a document that backs the model's declarations.
type Document struct {
	Kind   DocumentKind `yaml:"kind" required:"true" doc:"What the document is."`
	Title  string       `yaml:"title" doc:"Its title."`
	Path   string       `yaml:"path" doc:"Path relative to this file, or a URL."`
	SHA256 string       `yaml:"sha256" doc:"SHA-256 of the document, to prove which version was assessed."`
}

// Network reports whether the interface kind is a network (wired, Wi-Fi or
// cellular).
func (k InterfaceKind) Network() bool {
	return k == "wired-network" || k == "wifi" || k == "cellular"
}

// Wireless reports whether the interface kind is a radio or inductive
// link.
func (k InterfaceKind) Wireless() bool {
	switch k {
	case "wifi", "cellular", "ble", "bluetooth-classic", "mics", "nfc", "inductive":
		return true
	}
	return false
}

// PhysicalPort reports whether the interface kind is a port a person
// plugs into.
func (k InterfaceKind) PhysicalPort() bool {
	return k == "usb" || k == "serial" || k == "removable-media"
}

// SoftwareOnly reports whether the component kind is software without
// hardware of its own.
func (k ComponentKind) SoftwareOnly() bool {
	switch k {
	case "mobile-app", "cloud-service", "web-application", "standalone-software":
		return true
	}
	return false
}

// Implanted reports whether the component sits inside the patient's
// body: an implant, or a component classified as implantable.
func (c *Component) Implanted() bool {
	return c.Kind == "implant" || c.Classification != nil && c.Classification.Invasiveness == "implantable"
}

// Speaks reports whether the interface carries one of the protocols.
func (in *Interface) Speaks(ps ...Protocol) bool {
	for _, p := range in.Protocols {
		if slices.Contains(ps, p) {
			return true
		}
	}
	return false
}

// ComponentAt is a component with its path in the model.
type ComponentAt struct {
	*Component
	Path string // components[i]
}

// DeviceComponents returns the components the manufacturer answers for:
// every component but those declared non-devices.
func (d *Device) DeviceComponents() []ComponentAt {
	var out []ComponentAt
	for i := range d.Components {
		c := &d.Components[i]
		if c.Role == "non-device" {
			continue
		}
		out = append(out, ComponentAt{c, fmt.Sprintf("components[%d]", i)})
	}
	return out
}

// InterfaceAt is an interface of a device component with its path in the
// model.
type InterfaceAt struct {
	Component ComponentAt
	*Interface
	Path string // components[i].interfaces[k]
}

// DeviceInterfaces returns the interfaces of the device components.
func (d *Device) DeviceInterfaces() []InterfaceAt {
	var out []InterfaceAt
	for _, c := range d.DeviceComponents() {
		for k := range c.Interfaces {
			out = append(out, InterfaceAt{c, &c.Interfaces[k], fmt.Sprintf("%s.interfaces[%d]", c.Path, k)})
		}
	}
	return out
}
