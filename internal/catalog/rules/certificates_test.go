package rules

import "testing"

func TestEUCybersecurityCertificate(t *testing.T) {
	cert := func(body string) string {
		return one("    certificates:\n      - {scheme: EUCC, id: EUCC-2025-0042" + body + "}\n")
	}
	runRule(t, certificateValid, []ruleCase{
		{"valid", cert(", assuranceLevel: substantial, expires: 2028-01-31, covers: [IEC60601-4-5.FR1, IEC60601-4-5.FR3]"), want{"main/EUCC-2025-0042": pass_}},
		{"last day", cert(", assuranceLevel: high, expires: 2026-11-29, covers: [IEC60601-4-5.FR1]"), want{"main/EUCC-2025-0042": pass_}},
		{"expired", cert(", assuranceLevel: substantial, expires: 2026-11-28, covers: [IEC60601-4-5.FR1]"), want{"main/EUCC-2025-0042": fail_}},
		{"covers nothing known", cert(", assuranceLevel: substantial, expires: 2028-01-31, covers: [FR1]"), want{"main/EUCC-2025-0042": fail_}},
		{"no expiry", cert(", assuranceLevel: substantial, covers: [IEC60601-4-5.FR1]"), want{"main/EUCC-2025-0042": unk}},
		{"no level", cert(", expires: 2028-01-31, covers: [IEC60601-4-5.FR1]"), want{"main/EUCC-2025-0042": unk}},
		{"none held", one(""), want{"device": na}},
	})
}
