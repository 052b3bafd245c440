package vuln

import (
	"time"

	"github.com/mdcheck/mdcheck/internal/severity"
)

// Safety is a match's severity for patients: the vulnerability's own
// severity weighed by how the component carrying the package can be
// reached and what it does for the patient. It is mdcheck's own formula
// (docs/vulnerabilities.md), meant as an input to the manufacturer's
// security risk assessment, as MDCG 2019-16 lets CVSS support the
// likelihood estimate; it is not MITRE's rubric for applying CVSS to
// medical devices.
type Safety struct {
	Level severity.Level `json:"level"` // critical, high, medium or low
	// Score is Technical × Reach × Function, from 0 to 10, before the
	// step up for known exploitation.
	Score     float64 `json:"score"`
	Technical float64 `json:"technical"`
	Reach     float64 `json:"reach"`
	Function  float64 `json:"function"`
	// Reason explains the level in one sentence.
	Reason string `json:"reason"`
}

// VEX statuses, as OpenVEX names them; CycloneDX analysis states map onto
// them.
const (
	VEXNotAffected        = "not_affected"
	VEXAffected           = "affected"
	VEXFixed              = "fixed"
	VEXUnderInvestigation = "under_investigation"
)

// VEXStatement is one statement of a VEX document, whatever its format:
// the status of a vulnerability in some packages.
type VEXStatement struct {
	Vulnerability string   `json:"vulnerability"`
	Aliases       []string `json:"aliases,omitempty"`
	// Packages are package URLs (a version-less one covers every
	// version); Refs are CycloneDX bom-refs of the scanned SBOM.
	Packages []string `json:"packages,omitempty"`
	// CPEs name products by CPE (a CSAF product with a CPE helper only):
	// they cover a package with a CPE of the same vendor and product, at
	// the statement's version, or every version for "*" or "-".
	CPEs          []string  `json:"cpes,omitempty"`
	Refs          []string  `json:"refs,omitempty"`
	Status        string    `json:"status"`
	Justification string    `json:"justification,omitempty"`
	Impact        string    `json:"impact,omitempty"`
	Action        string    `json:"action,omitempty"`
	Timestamp     time.Time `json:"timestamp,omitzero"`
	Source        string    `json:"source"`
}

// VEXResult is the statement that applies to a match.
type VEXResult struct {
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
	Impact        string `json:"impact,omitempty"`
	Action        string `json:"action,omitempty"`
	Source        string `json:"source"`
}

// Suppressed says whether a VEX statement takes a match off the list of
// things to fix: the product is not affected, or the fix is in.
func (r *VEXResult) Suppressed() bool {
	return r != nil && (r.Status == VEXNotAffected || r.Status == VEXFixed)
}
