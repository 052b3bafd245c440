package rules

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
)

// The rule on EU cybersecurity certificates (Cybersecurity Act): a
// certificate counts as evidence for the requirements it covers only
// while it is valid, under a named scheme and assurance level.

var certificateValid = register(catalog.Rule{
	ID:       "evidence/eu-cybersecurity-certificate",
	Title:    "EU cybersecurity certificates held for components are valid and say what they cover",
	Severity: catalog.Medium,
	Refs:     []string{"CSA.ART.56"},
	Rationale: "A certificate under a European cybersecurity certification scheme (Cybersecurity Act Article 56, such as EUCC for ICT " +
		"products) is independent assurance that a component's security functions meet the scheme at its assurance level (Article 52: " +
		"basic, substantial or high). It is voluntary and never replaces MDR conformity assessment, but a notified body may accept it as " +
		"evidence for the security requirements its target of evaluation covers, as long as it is valid. An expired certificate is " +
		"no longer counted, and one whose coverage or level is unstated cannot be weighed.",
	Remediation: "Renew the certificate or stop relying on it; state its scheme, assuranceLevel, expires and the requirement IDs it covers.",
	Check: func(in *catalog.Input) []catalog.Result {
		known := map[string]bool{}
		for _, r := range catalog.Requirements() {
			known[r.ID] = true
		}
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			for i, cert := range c.c.Certificates {
				path := fmt.Sprintf("%s.certificates[%d]", c.path, i)
				name := strings.TrimSpace(cert.Scheme + " " + cert.ID)
				subject := c.c.ID + "/" + strings.ReplaceAll(orNone(cert.ID, fmt.Sprintf("certificate-%d", i+1)), "/", "-")
				var unknownCov []string
				for _, id := range cert.Covers {
					if !known[id] {
						unknownCov = append(unknownCov, id)
					}
				}
				_, ok := cert.Expires.Time()
				switch {
				case !ok:
					out = append(out, unknown(subject, path+".expires"))
				case !cert.ValidOn(in.Now):
					out = append(out, fail(subject, fmt.Sprintf("%s expired on %s: no longer counted as evidence", name, cert.Expires), in.Cite(path+".expires", string(cert.Expires))))
				case len(unknownCov) > 0:
					out = append(out, fail(subject, fmt.Sprintf("%s names %s, not requirements of the catalog (see mdcheck catalog list)", name, strings.Join(unknownCov, ", ")), in.Cite(path+".covers", strings.Join(cert.Covers, ", "))))
				case cert.AssuranceLevel == "" || len(cert.Covers) == 0:
					out = append(out, unknown(subject, path+".assuranceLevel", path+".covers"))
				default:
					out = append(out, pass(subject, fmt.Sprintf("%s at assurance level %s valid until %s; evidence for %s", name, cert.AssuranceLevel, cert.Expires, strings.Join(cert.Covers, ", ")),
						in.Cite(path+".expires", string(cert.Expires)), in.Cite(path+".assuranceLevel", string(cert.AssuranceLevel)), in.Cite(path+".covers", strings.Join(cert.Covers, ", "))))
				}
			}
		}
		return out
	},
})
