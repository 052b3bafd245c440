package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on software updates (cybersecurity product upgrades, CSUP) and on
// what may run at boot. They share updateCheck.

// softwareBearing reports whether a component runs software that can need
// a security fix: every device component but passive hardware.
func softwareBearing(c comp) bool {
	if isSoftwareOnly(c.c) || c.c.Platform != nil || c.c.Security != nil {
		return true
	}
	f := facts(c.c)
	return isTrue(f.Active)
}

// updateBlock selects the update mechanism and whether it is supported.
func updateBlock(s *model.SecurityDesign) (*model.Update, *bool) {
	if s.Update == nil {
		return nil, nil
	}
	return s.Update, s.Update.Supported
}

// updateCheck runs check for each component whose software can be updated.
func updateCheck(in *catalog.Input, check func(c comp, u *model.Update, base string) catalog.Result) []catalog.Result {
	return gatedCheck(in, "update", "supported", updateBlock, "the software cannot be updated in the field (see update/field-updatable)", check)
}

var fieldUpdatable = register(catalog.Rule{
	ID:          "update/field-updatable",
	Title:       "Software can be updated in the field",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.CSUP", "MDCG1916.3.1.SBD-7", "MDCG1916.3.8", "IEC81001.6"},
	Rationale:   "MDCG 2019-16 §2.4 treats every exploitable vulnerability as foreseeable misuse; a device that cannot be patched can only be replaced or isolated when one is found.",
	Remediation: "Provide a field update mechanism for every software-bearing component.",
	Check: func(in *catalog.Input) []catalog.Result {
		return switchCheck(in, "update", "supported", updateBlock, "updatable in the field", "cannot be updated in the field")
	},
})

var updateSigned = register(catalog.Rule{
	ID:          "update/signed",
	Title:       "Updates are signed and the signature is checked before install",
	Severity:    catalog.Critical,
	Refs:        []string{"MDCG1916.3.3.CSUP", "IEC60601-4-5.FR3", "MDCG1916.3.3.SAHD"},
	Rationale:   "An unsigned update channel lets anyone who reaches it install their own firmware: the attacker then owns the device (MDCG 2019-16 §4.2, IFU item (h): integrity of updates).",
	Remediation: "Sign every update package and verify the signature on the device before installing it.",
	Check: func(in *catalog.Input) []catalog.Result {
		return updateCheck(in, func(c comp, u *model.Update, base string) catalog.Result {
			return boolCheck(in, c.c.ID, base+".signed", u.Signed, "updates are signed and verified", "unsigned updates are installed")
		})
	},
})

var updateAuthenticated = register(catalog.Rule{
	ID:          "update/authenticated-source",
	Title:       "Updates come only from an authenticated source",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.CSUP", "IEC60601-4-5.FR3"},
	Rationale:   "Even signed packages should arrive over an authenticated channel, so that old signed packages cannot be pushed by anyone.",
	Remediation: "Authenticate the update server or tool before accepting a package.",
	Check: func(in *catalog.Input) []catalog.Result {
		return updateCheck(in, func(c comp, u *model.Update, base string) catalog.Result {
			return boolCheck(in, c.c.ID, base+".authenticated", u.Authenticated, "the update source is authenticated", "updates are accepted from any source")
		})
	},
})

var updateRollback = register(catalog.Rule{
	ID:          "update/rollback-protection",
	Title:       "Older, vulnerable versions cannot be reinstalled",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.CSUP", "IEC60601-4-5.FR3"},
	Rationale:   "Without rollback protection an attacker installs an older signed version with a known vulnerability, and the fix is undone.",
	Remediation: "Refuse versions older than the installed security level (anti-rollback counter), with a controlled exception for recovery.",
	Check: func(in *catalog.Input) []catalog.Result {
		return updateCheck(in, func(c comp, u *model.Update, base string) catalog.Result {
			return boolCheck(in, c.c.ID, base+".rollbackProtection", u.RollbackProtection, "older versions are refused", "older vulnerable versions can be reinstalled")
		})
	},
})

var secureBoot = register(catalog.Rule{
	ID:          "boot/secure-boot",
	Title:       "Only authentic firmware and software can boot",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.SAHD", "IEC60601-4-5.FR3"},
	Rationale:   "Secure boot stops modified firmware from running, whether it arrived through a flaw, a service port or the supply chain.",
	Remediation: "Verify each boot stage's signature from a hardware root of trust, and state security.secureBoot: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range deviceComponents(in.Device) {
			if isSoftwareOnly(c.c) || !softwareBearing(c) {
				continue
			}
			var b *bool
			if c.c.Security != nil {
				b = c.c.Security.SecureBoot
			}
			out = append(out, boolCheck(in, c.c.ID, c.path+".security.secureBoot", b, "secure boot", "boots whatever firmware is installed"))
		}
		return out
	},
})
