package evidence

import (
	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// VulnDatabase names the vulnerability database a run matched SBOMs
// against. A run without one leaves every component's known
// vulnerabilities unassessed.
type VulnDatabase struct {
	// Hash is the database's content hash (sha256:…); Newest the date
	// of its newest record; Sources what it was built from.
	Hash    string `json:"hash"`
	Newest  string `json:"newest,omitempty"`
	Sources string `json:"sources,omitempty"`
	// KEV and EPSS say whether exploitation data was in it.
	KEV  bool `json:"kev"`
	EPSS bool `json:"epss"`
}

// Vulnerabilities is what matching one component's SBOM against the
// vulnerability database showed.
type Vulnerabilities struct {
	// Component is the model component; Path its SBOM's model path
	// (components[i].sbom).
	Component string `json:"component"`
	Path      string `json:"path"`
	// Err is set when the SBOM could not be read or matched.
	Err string `json:"error,omitempty"`
	// Packages counts the SBOM's packages, Checked those the database
	// covers (their ecosystem or CPE vendor, or a match found),
	// NotCheckable those without an identifier a database can match, and
	// NoData those the database holds nothing for.
	Packages     int         `json:"packages"`
	Checked      int         `json:"checked"`
	NotCheckable int         `json:"notCheckable"`
	NoData       int         `json:"noData"`
	Found        []VulnFound `json:"found"`
}

// VulnFound is one known vulnerability in one component: every package
// of the component it affects, how severe it is for patients, whether it
// is exploited, and what VEX says of it.
type VulnFound struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	Summary string   `json:"summary,omitempty"`
	// Packages are "name version" of each affected package; PURLs their
	// package URLs, where the SBOM gives them.
	Packages []string `json:"packages"`
	PURLs    []string `json:"purls,omitempty"`
	Fixed    []string `json:"fixed,omitempty"`
	// Rating is the source's technical severity (critical … low), if any.
	Rating severity.Level `json:"rating,omitempty"`
	// Method and Confidence say how the match was made.
	Method     string          `json:"method"`
	Confidence vuln.Confidence `json:"confidence"`
	// Note explains a match that needed interpretation, such as an
	// upstream version read from a distribution's.
	Note string `json:"note,omitempty"`
	// Safety is the severity for patients (critical, high, medium, low)
	// with its score and one-sentence reason.
	Safety       severity.Level `json:"safety"`
	SafetyScore  float64        `json:"safetyScore"`
	SafetyReason string         `json:"safetyReason"`
	// KEV is set when CISA lists the vulnerability as known exploited:
	// the date it was added, and the ransomware flag.
	KEV           string `json:"kev,omitempty"`
	KEVRansomware bool   `json:"kevRansomware,omitempty"`
	// EPSS is the highest exploit prediction score, 0 to 1, with its
	// percentile; zero when unknown.
	EPSS           float64 `json:"epss,omitempty"`
	EPSSPercentile float64 `json:"epssPercentile,omitempty"`
	// VEX is the statement that applies to every affected package, if
	// one statement covers them all.
	VEX *VEX `json:"vex,omitempty"`
}

// VEX is a VEX statement about a vulnerability in a component.
type VEX struct {
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
	Impact        string `json:"impact,omitempty"`
	Action        string `json:"action,omitempty"`
	Source        string `json:"source"`
	// Suppressed is set for not_affected and fixed: the finding is
	// waived, and stays in the report.
	Suppressed bool `json:"suppressed"`
}

// SetVulnDatabase records the database the run matched against.
func (s *Set) SetVulnDatabase(db VulnDatabase) { s.vulnDB = &db }

// VulnDatabase returns the database the run matched against; false when
// the run had none.
func (s *Set) VulnDatabase() (VulnDatabase, bool) {
	if s.vulnDB == nil {
		return VulnDatabase{}, false
	}
	return *s.vulnDB, true
}

// AddVulnerabilities records what matching a component's SBOM showed.
func (s *Set) AddVulnerabilities(v Vulnerabilities) {
	s.vulns = append(s.vulns, v)
}

// Vulnerabilities returns what matching the SBOM of component showed, if
// it was matched.
func (s *Set) Vulnerabilities(component string) (Vulnerabilities, bool) {
	for _, v := range s.vulns {
		if v.Component == component {
			return v, true
		}
	}
	return Vulnerabilities{}, false
}

// DeviceAdvisories is what matching a device's identity, or one of its
// components, against the advisories that name products in words
// showed.
type DeviceAdvisories struct {
	// Subject is "device" or a component ID; Path the model path of the
	// name matched (identity.product, components[i].name).
	Subject string `json:"subject"`
	Path    string `json:"path"`
	// Vendor, Product and Version are what was matched.
	Vendor  string `json:"vendor"`
	Product string `json:"product"`
	Version string `json:"version"`
	// Advisories counts the advisories matched against.
	Advisories int             `json:"advisories"`
	Hits       []AdvisoryMatch `json:"hits"`
}

// AdvisoryMatch is one advisory that may concern a device.
type AdvisoryMatch struct {
	ID         string              `json:"id"`
	Title      string              `json:"title"`
	Confidence advisory.Confidence `json:"confidence"` // high, medium or needs-review
	Reason     string              `json:"reason"`
	CVEs       []string            `json:"cves"`
	// KEV lists the CVEs CISA lists as known exploited.
	KEV         []string `json:"kev,omitempty"`
	Remediation string   `json:"remediation,omitempty"`
}

// AddDeviceAdvisories records what matching one subject showed.
func (s *Set) AddDeviceAdvisories(d DeviceAdvisories) {
	s.devAdv = append(s.devAdv, d)
}

// DeviceAdvisories returns what matching the subjects showed, in the
// order they were matched; false when no matching ran.
func (s *Set) DeviceAdvisories() ([]DeviceAdvisories, bool) {
	return s.devAdv, s.devAdvRan
}

// MarkDeviceAdvisoriesRan records that the device was matched against
// advisories (even if nothing was recorded).
func (s *Set) MarkDeviceAdvisoriesRan() { s.devAdvRan = true }

// MDS2 is a manufacturer disclosure statement as read: its file and each
// answer by question ID.
type MDS2 struct {
	File    string                 `json:"file"`
	Answers map[string]hn2019.Item `json:"answers"`
}

// SetMDS2 records the MDS2 form given with the model.
func (s *Set) SetMDS2(m MDS2) { s.mds2 = &m }

// MDS2 returns the MDS2 form given with the model, if any.
func (s *Set) MDS2() (MDS2, bool) {
	if s.mds2 == nil {
		return MDS2{}, false
	}
	return *s.mds2, true
}
