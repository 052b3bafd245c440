// Package hn2019 is the structure of the MDS2 form, 2019 edition
// (ANSI/NEMA HN 1-2019): its sections in order and every question ID,
// each with mdcheck's own short wording. The form and its question texts
// are NEMA's; none of them is reproduced here. The IDs, their order and
// the number of questions per section were read from a manufacturer's
// completed 2019 form made public and agree with the counts of NEMA's
// example worksheet (docs/mds2.md).
package hn2019

import "strings"

// Kind is what an answer to a question is.
type Kind int

// Kinds of answers.
const (
	YesNo Kind = iota // Yes, No, N/A or See Note
	Text              // free text: a name, a contact, an identifier
	Date              // a date (Excel serial or text)
)

// Section is a section of the form.
type Section struct {
	Code  string
	Title string
}

// Question is one question of the form.
type Question struct {
	ID    string
	About string // mdcheck's wording
	Kind  Kind
}

// Section returns the question's section code ("AUDT").
func (q Question) Section() string {
	s, _, _ := strings.Cut(q.ID, "-")
	return s
}

// Sections in the form's order.
var Sections = []Section{
	{"DOC", "Device description"},
	{"MPII", "Management of personally identifiable information"},
	{"ALOF", "Automatic logoff"},
	{"AUDT", "Audit controls"},
	{"AUTH", "Authorization"},
	{"CSUP", "Cyber security product upgrades"},
	{"DIDT", "Health data de-identification"},
	{"DTBK", "Data backup and disaster recovery"},
	{"EMRG", "Emergency access"},
	{"IGAU", "Health data integrity and authenticity"},
	{"MLDP", "Malware detection/protection"},
	{"NAUT", "Node authentication"},
	{"CONN", "Connectivity capabilities"},
	{"PAUT", "Person authentication"},
	{"PLOK", "Physical locks"},
	{"RDMP", "Roadmap for third-party components in device life cycle"},
	{"SBOM", "Software bill of materials"},
	{"SAHD", "System and application hardening"},
	{"SGUD", "Security guidance"},
	{"STCF", "Health data storage confidentiality"},
	{"TXCF", "Transmission confidentiality"},
	{"TXIG", "Transmission integrity"},
	{"RMOT", "Remote service"},
}

// Questions lists every question of the form in its order. SAHD-15 is
// written SHAD-15 in the form itself.
var Questions = []Question{
	{"DOC-1", "Manufacturer", Text},
	{"DOC-2", "Device, in a few words", Text},
	{"DOC-3", "Model or models covered", Text},
	{"DOC-4", "Identifier of this statement", Text},
	{"DOC-5", "Whom to contact at the manufacturer", Text},
	{"DOC-6", "What the device does on a network", Text},
	{"DOC-7", "Release date of this statement", Date},
	{"DOC-8", "The manufacturer runs a coordinated vulnerability disclosure programme for it", YesNo},
	{"DOC-9", "The manufacturer takes part in an information sharing and analysis organisation (ISAO)", YesNo},
	{"DOC-10", "A network or data-flow diagram is available", YesNo},
	{"DOC-11", "It is software only (SaMD)", YesNo},
	{"DOC-11.1", "SaMD: brings its own operating system", YesNo},
	{"DOC-11.2", "SaMD: runs on an operating system the operator provides", YesNo},
	{"DOC-11.3", "SaMD: the manufacturer hosts it", YesNo},
	{"DOC-11.4", "SaMD: the customer hosts it", YesNo},

	{"MPII-1", "It handles personal data (shows, sends, stores or changes it)", YesNo},
	{"MPII-2", "It keeps personal data", YesNo},
	{"MPII-2.1", "Kept only in volatile memory, until power-off or reset", YesNo},
	{"MPII-2.2", "Kept persistently on internal media", YesNo},
	{"MPII-2.3", "Kept in non-volatile memory until someone erases it", YesNo},
	{"MPII-2.4", "Kept in a database", YesNo},
	{"MPII-2.5", "Local copies can be deleted automatically once archived elsewhere", YesNo},
	{"MPII-2.6", "Exchanged with other systems (import or export)", YesNo},
	{"MPII-2.7", "Kept while powered off or through a power cut", YesNo},
	{"MPII-2.8", "A service technician can take out the internal media", YesNo},
	{"MPII-2.9", "Can be stored apart from the operating system (other drive, partition or remote store)", YesNo},
	{"MPII-3", "It has ways to send, import or export personal data", YesNo},
	{"MPII-3.1", "Shows personal data on a display", YesNo},
	{"MPII-3.2", "Prints reports or images holding personal data", YesNo},
	{"MPII-3.3", "Reads or writes personal data on removable media", YesNo},
	{"MPII-3.4", "Exchanges personal data over a dedicated cable (serial, USB, ...)", YesNo},
	{"MPII-3.5", "Exchanges personal data over a wired network", YesNo},
	{"MPII-3.6", "Exchanges personal data over a wireless link", YesNo},
	{"MPII-3.7", "Exchanges personal data over a network outside the site, such as the internet", YesNo},
	{"MPII-3.8", "Takes in personal data by scanning documents", YesNo},
	{"MPII-3.9", "Exchanges personal data over a proprietary protocol", YesNo},
	{"MPII-3.10", "Exchanges personal data by any other means", YesNo},

	{"ALOF-1", "Idle sessions are locked or logged off, so the user must authenticate again", YesNo},
	{"ALOF-2", "The idle time before that is configurable", YesNo},

	{"AUDT-1", "It keeps audit logs of its own, beyond the operating system's", YesNo},
	{"AUDT-1.1", "Audit entries name the user", YesNo},
	{"AUDT-1.2", "The audit trail holds other personal data", YesNo},
	{"AUDT-2", "Events are recorded in an audit log", YesNo},
	{"AUDT-2.1", "Logged: successful log-ins and log-outs", YesNo},
	{"AUDT-2.2", "Logged: failed log-ins and log-outs", YesNo},
	{"AUDT-2.3", "Logged: changes of privileges", YesNo},
	{"AUDT-2.4", "Logged: user accounts created, changed or deleted", YesNo},
	{"AUDT-2.5", "Logged: clinical or personal data shown or printed", YesNo},
	{"AUDT-2.6", "Logged: data created, changed or deleted", YesNo},
	{"AUDT-2.7", "Logged: data imported or exported on removable media", YesNo},
	{"AUDT-2.8", "Logged: data or commands received or sent over a network or cable", YesNo},
	{"AUDT-2.8.1", "Logged: remote or on-site service", YesNo},
	{"AUDT-2.8.2", "Logged: use of its programming interface (API)", YesNo},
	{"AUDT-2.9", "Logged: emergency access", YesNo},
	{"AUDT-2.10", "Logged: other events, such as software updates", YesNo},
	{"AUDT-2.11", "The audit capability is documented in more detail", YesNo},
	{"AUDT-3", "The operator chooses which events are logged", YesNo},
	{"AUDT-4", "The attributes recorded per event are listed", YesNo},
	{"AUDT-4.1", "Audit entries carry date and time", YesNo},
	{"AUDT-4.1.1", "Its clock can follow a time source such as NTP", YesNo},
	{"AUDT-5", "Audit logs can be exported", YesNo},
	{"AUDT-5.1", "Exported on physical media", YesNo},
	{"AUDT-5.2", "Exported to a SIEM with the IHE ATNA profile", YesNo},
	{"AUDT-5.3", "Exported by other means (service device, mobile app, ...)", YesNo},
	{"AUDT-5.4", "Audit logs are encrypted in transit or on media", YesNo},
	{"AUDT-6", "The operator can review the audit logs", YesNo},
	{"AUDT-7", "Audit logs are protected against change", YesNo},
	{"AUDT-7.1", "Audit logs are protected against access", YesNo},
	{"AUDT-8", "It can analyse its audit logs itself", YesNo},

	{"AUTH-1", "It keeps out unauthorised users (log-in or other means)", YesNo},
	{"AUTH-1.1", "Authorisation can use federated identities (LDAP, OAuth, ...)", YesNo},
	{"AUTH-1.2", "The customer can push group policies to it", YesNo},
	{"AUTH-1.3", "It needs special groups, units or policies", YesNo},
	{"AUTH-2", "Users can hold different privileges by role", YesNo},
	{"AUTH-3", "The operator can give itself unrestricted administrator rights", YesNo},
	{"AUTH-4", "It authorises every API request", YesNo},
	{"AUTH-5", "It runs locked down (kiosk mode) by default", YesNo},

	{"CSUP-1", "It contains software or firmware that may need security updates", YesNo},
	{"CSUP-2", "It contains an operating system", YesNo},
	{"CSUP-2.1", "Operating system: the operator can install updates by the documentation", YesNo},
	{"CSUP-2.2", "Operating system: updates need the manufacturer or its authorised service", YesNo},
	{"CSUP-2.3", "Operating system: updates can be installed remotely", YesNo},
	{"CSUP-2.4", "Operating system: third-party security updates may be installed without the manufacturer's approval", YesNo},
	{"CSUP-3", "It contains drivers and firmware", YesNo},
	{"CSUP-3.1", "Drivers and firmware: the operator can install updates by the documentation", YesNo},
	{"CSUP-3.2", "Drivers and firmware: updates need the manufacturer or its authorised service", YesNo},
	{"CSUP-3.3", "Drivers and firmware: updates can be installed remotely", YesNo},
	{"CSUP-3.4", "Drivers and firmware: third-party security updates may be installed without the manufacturer's approval", YesNo},
	{"CSUP-4", "It contains anti-malware software", YesNo},
	{"CSUP-4.1", "Anti-malware: the operator can install updates by the documentation", YesNo},
	{"CSUP-4.2", "Anti-malware: updates need the manufacturer or its authorised service", YesNo},
	{"CSUP-4.3", "Anti-malware: updates can be installed remotely", YesNo},
	{"CSUP-4.4", "Anti-malware: third-party security updates may be installed without the manufacturer's approval", YesNo},
	{"CSUP-5", "It contains other off-the-shelf components", YesNo},
	{"CSUP-5.1", "Off-the-shelf components: the operator can install updates by the documentation", YesNo},
	{"CSUP-5.2", "Off-the-shelf components: updates need the manufacturer or its authorised service", YesNo},
	{"CSUP-5.3", "Off-the-shelf components: updates can be installed remotely", YesNo},
	{"CSUP-5.4", "Off-the-shelf components: third-party security updates may be installed without the manufacturer's approval", YesNo},
	{"CSUP-6", "It contains other software (asset or licence management, ...)", YesNo},
	{"CSUP-6.1", "Other software: the operator can install updates by the documentation", YesNo},
	{"CSUP-6.2", "Other software: updates need the manufacturer or its authorised service", YesNo},
	{"CSUP-6.3", "Other software: updates can be installed remotely", YesNo},
	{"CSUP-6.4", "Other software: third-party security updates may be installed without the manufacturer's approval", YesNo},
	{"CSUP-7", "The manufacturer tells customers when updates are approved", YesNo},
	{"CSUP-8", "Software updates install automatically", YesNo},
	{"CSUP-9", "The manufacturer lists third-party software approved for it", YesNo},
	{"CSUP-10", "The operator may install approved third-party software", YesNo},
	{"CSUP-10.1", "Installing unapproved software is prevented", YesNo},
	{"CSUP-11", "The manufacturer assesses vulnerabilities and updates for it", YesNo},
	{"CSUP-11.1", "Customers get the review and approval status of updates", YesNo},
	{"CSUP-11.2", "Updates are reviewed on a regular cycle", YesNo},

	{"DIDT-1", "It can de-identify personal data itself", YesNo},
	{"DIDT-1.1", "De-identification follows DICOM's profiles", YesNo},

	{"DTBK-1", "It is the long-term primary store of patient data", YesNo},
	{"DTBK-2", "It can be reset to factory settings", YesNo},
	{"DTBK-3", "It backs up data to removable media", YesNo},
	{"DTBK-4", "It backs up data to remote storage", YesNo},
	{"DTBK-5", "Configuration and software can be backed up for restore", YesNo},
	{"DTBK-6", "A backup's integrity and authenticity can be checked", YesNo},

	{"EMRG-1", "It has an emergency (break-glass) access path", YesNo},

	{"IGAU-1", "Stored health data is integrity-checked (hash, signature)", YesNo},
	{"IGAU-2", "Stored health data is protected against failures (RAID, ...)", YesNo},

	{"MLDP-1", "It can host executable software", YesNo},
	{"MLDP-2", "It supports anti-malware software or another anti-malware mechanism", YesNo},
	{"MLDP-2.1", "Anti-malware is included by default", YesNo},
	{"MLDP-2.2", "Anti-malware is offered as an option", YesNo},
	{"MLDP-2.3", "The operator may install or update anti-malware", YesNo},
	{"MLDP-2.4", "The operator may configure anti-malware", YesNo},
	{"MLDP-2.5", "Malware found is shown in its user interface", YesNo},
	{"MLDP-2.6", "Only people the manufacturer authorises repair it after malware is found", YesNo},
	{"MLDP-2.7", "Malware found is logged", YesNo},
	{"MLDP-2.8", "Anti-malware comes with restrictions (purchase, set-up, schedule)", YesNo},
	{"MLDP-3", "Without anti-malware: other compensating controls exist", YesNo},
	{"MLDP-4", "Only allow-listed software and services may run", YesNo},
	{"MLDP-5", "It has host-based intrusion detection or prevention", YesNo},
	{"MLDP-5.1", "The customer can configure that intrusion detection", YesNo},
	{"MLDP-5.2", "The customer can install host-based intrusion detection", YesNo},

	{"NAUT-1", "Network peers authenticate each other", YesNo},
	{"NAUT-2", "It controls network access (firewall, allow-list of connections)", YesNo},
	{"NAUT-2.1", "Its firewall rules are documented for review", YesNo},
	{"NAUT-3", "Connections are authenticated with certificates", YesNo},

	{"CONN-1", "It has hardware connectivity", YesNo},
	{"CONN-1.1", "It has wireless connections", YesNo},
	{"CONN-1.1.1", "Wi-Fi", YesNo},
	{"CONN-1.1.2", "Bluetooth", YesNo},
	{"CONN-1.1.3", "Other wireless networks (cellular, Zigbee, proprietary, ...)", YesNo},
	{"CONN-1.1.4", "Other wireless links (RF controls, detectors, ...)", YesNo},
	{"CONN-1.2", "It has physical connections", YesNo},
	{"CONN-1.2.1", "Ethernet (RJ45) ports", YesNo},
	{"CONN-1.2.2", "USB ports", YesNo},
	{"CONN-1.2.3", "Removable memory", YesNo},
	{"CONN-1.2.4", "Other physical connections", YesNo},
	{"CONN-2", "The manufacturer lists the network ports and protocols it uses", YesNo},
	{"CONN-3", "It communicates with other systems of the customer's network", YesNo},
	{"CONN-4", "It communicates with systems outside the customer's network (a service host, ...)", YesNo},
	{"CONN-5", "It makes or answers API calls", YesNo},
	{"CONN-6", "Its intended use needs an internet connection", YesNo},
	{"CONN-7", "It supports TLS", YesNo},
	{"CONN-7.1", "TLS is configurable", YesNo},
	{"CONN-8", "It can be operated from another device (telemedicine, ...)", YesNo},

	{"PAUT-1", "Each user has an account of their own", YesNo},
	{"PAUT-1.1", "Unique accounts are enforced for all users and roles", YesNo},
	{"PAUT-2", "Users can be authenticated by an external service (directory, LDAP, OAuth, ...)", YesNo},
	{"PAUT-3", "Users are locked out after failed log-ins", YesNo},
	{"PAUT-4", "Default accounts are documented (N/A: there are none)", YesNo},
	{"PAUT-5", "Every password can be changed", YesNo},
	{"PAUT-6", "Password complexity rules can be enforced", YesNo},
	{"PAUT-7", "Passwords can be set to expire", YesNo},
	{"PAUT-8", "Multi-factor authentication is supported", YesNo},
	{"PAUT-9", "Single sign-on is supported", YesNo},
	{"PAUT-10", "Accounts can be disabled or locked", YesNo},
	{"PAUT-11", "Biometrics are supported", YesNo},
	{"PAUT-12", "Physical tokens (badges, smart cards) are supported", YesNo},
	{"PAUT-13", "Group authentication (a team log-in) is supported", YesNo},
	{"PAUT-14", "It stores or manages credentials", YesNo},
	{"PAUT-14.1", "Credentials are stored securely", YesNo},

	{"PLOK-1", "It is software only", YesNo},
	{"PLOK-2", "Parts holding personal data cannot be removed without tools", YesNo},
	{"PLOK-3", "Parts holding personal data are behind an individually keyed lock", YesNo},
	{"PLOK-4", "The customer can lock access to removable media", YesNo},

	{"RDMP-1", "A secure development process was followed (IEC 62304, ISO/IEC 27034, ...)", YesNo},
	{"RDMP-2", "Third-party software in it was assessed for secure development", YesNo},
	{"RDMP-3", "Support dates of the device are published", YesNo},
	{"RDMP-4", "There is a plan for third-party components reaching end of life", YesNo},

	{"SBOM-1", "A software bill of materials is available", YesNo},
	{"SBOM-2", "The SBOM follows a standard format", YesNo},
	{"SBOM-2.1", "The SBOM names the components", YesNo},
	{"SBOM-2.2", "The SBOM names the components' suppliers", YesNo},
	{"SBOM-2.3", "The SBOM gives the components' major versions", YesNo},
	{"SBOM-2.4", "The SBOM gives further descriptive fields", YesNo},
	{"SBOM-3", "It can list the software installed on it", YesNo},
	{"SBOM-4", "The SBOM is kept up to date", YesNo},

	{"SAHD-1", "It is hardened to an industry standard", YesNo},
	{"SAHD-2", "It holds a cybersecurity certification", YesNo},
	{"SAHD-3", "It checks the integrity of its software", YesNo},
	{"SAHD-3.1", "It checks that installed software is the manufacturer's (hash, signature, ...)", YesNo},
	{"SAHD-3.2", "It checks that updates are the manufacturer's (hash, signature, ...)", YesNo},
	{"SAHD-4", "The operator can check that its software has not been tampered with", YesNo},
	{"SAHD-5", "Access can be controlled per file, per patient or otherwise", YesNo},
	{"SAHD-5.1", "It has role-based access control", YesNo},
	{"SAHD-6", "Accounts are restricted or disabled on delivery", YesNo},
	{"SAHD-6.1", "The user can configure accounts after set-up", YesNo},
	{"SAHD-6.2", "Accounts such as service ones can be held to least privilege", YesNo},
	{"SAHD-7", "Shared resources not needed for its use are disabled", YesNo},
	{"SAHD-8", "Ports and protocols not needed for its use are disabled", YesNo},
	{"SAHD-9", "Services not needed for its use are removed or disabled", YesNo},
	{"SAHD-10", "Applications not needed for its use are removed or disabled", YesNo},
	{"SAHD-11", "It can refuse to boot from removable or uncontrolled media", YesNo},
	{"SAHD-12", "Software or hardware can be added without tools", YesNo},
	{"SAHD-13", "Its documentation covers network security scanning by users", YesNo},
	{"SAHD-14", "It can be hardened beyond its delivered state", YesNo},
	{"SAHD-14.1", "The manufacturer gives instructions for that", YesNo},
	{"SAHD-15", "Access to the BIOS or boot loader can be prevented", YesNo},
	{"SAHD-16", "Other hardening methods were used", YesNo},

	{"SGUD-1", "Security documentation is provided for the operator", YesNo},
	{"SGUD-2", "Data can be deleted for good, and how is described", YesNo},
	{"SGUD-3", "All accounts are documented", YesNo},
	{"SGUD-3.1", "The operator controls the passwords of all accounts", YesNo},
	{"SGUD-4", "Recommended compensating controls are documented", YesNo},

	{"STCF-1", "Stored data can be encrypted", YesNo},
	{"STCF-1.1", "All stored data is encrypted or otherwise protected", YesNo},
	{"STCF-1.2", "Encryption is on by default", YesNo},
	{"STCF-1.3", "The customer is told how to set up encryption", YesNo},
	{"STCF-2", "Encryption keys can be changed", YesNo},
	{"STCF-3", "Data is stored in a database on the device", YesNo},
	{"STCF-4", "Data is stored in a database outside the device", YesNo},

	{"TXCF-1", "Personal data travels only over a dedicated point-to-point cable", YesNo},
	{"TXCF-2", "Personal data is encrypted before it is sent or written to media", YesNo},
	{"TXCF-2.1", "Where off by default, the customer can turn encryption on", YesNo},
	{"TXCF-3", "Personal data goes only to a fixed list of destinations", YesNo},
	{"TXCF-4", "Connections are accepted only from authenticated systems", YesNo},
	{"TXCF-5", "Secure transfer methods are supported (DICOM, HL7, IEEE 11073)", YesNo},

	{"TXIG-1", "Transmitted data is protected against change", YesNo},
	{"TXIG-2", "It has sub-components joined by external cables", YesNo},

	{"RMOT-1", "It accepts remote service connections", YesNo},
	{"RMOT-1.1", "The operator can start remote service sessions", YesNo},
	{"RMOT-1.2", "An active remote session is indicated", YesNo},
	{"RMOT-1.3", "Patient data can be seen during a remote session", YesNo},
	{"RMOT-2", "It uses remote connections for predictive maintenance", YesNo},
	{"RMOT-3", "It has other remote functions (updates, training, ...)", YesNo},
}

var byID = func() map[string]int {
	m := make(map[string]int, len(Questions))
	for i, q := range Questions {
		m[q.ID] = i
	}
	return m
}()

// Position is the place of the question with the ID on the form, from 0;
// -1 when the form has no such question.
func Position(id string) int {
	if i, ok := byID[strings.ToUpper(id)]; ok {
		return i
	}
	return -1
}

// Lookup returns the question with the ID ("EMRG-1"), and whether the
// form has it.
func Lookup(id string) (Question, bool) {
	i, ok := byID[strings.ToUpper(id)]
	if !ok {
		return Question{}, false
	}
	return Questions[i], true
}

// About returns mdcheck's wording of the question, or the ID when the
// form has no such question.
func About(id string) string {
	if q, ok := Lookup(id); ok {
		return q.About
	}
	return id
}
