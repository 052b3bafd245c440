package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

// atRest gives each component storing an asset of kinds a result on its
// data-at-rest encryption.
func atRest(in *catalog.Input, kinds []model.AssetKind, what, verb string) []catalog.Result {
	var out []catalog.Result
	for _, c := range deviceComponents(in.Device) {
		stored := storesAsset(in.Device, c.c.ID, kinds...)
		if len(stored) == 0 {
			continue
		}
		st := in.Cite(stored[0], "stores "+what)
		var b *bool
		if s := c.c.Security; s != nil && s.DataAtRest != nil {
			b = s.DataAtRest.Encrypted
		}
		out = append(out, boolCheck(in, c.c.ID, c.path+".security.dataAtRest.encrypted", b,
			what+" "+verb+" encrypted at rest", what+" "+verb+" stored unencrypted", st))
	}
	return out
}

var healthDataAtRest = register(catalog.Rule{
	ID:          "data/health-data-encrypted-at-rest",
	Title:       "Stored health data is encrypted",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.STCF", "GDPR.ART.32", "IEC60601-4-5.FR4", "NIS2.21.h"},
	Rationale:   "Lost, stolen or decommissioned devices and media leak whatever they hold in the clear; MDCG 2019-16 §2.1 counts the confidentiality of information at rest among the key concepts of IT security for medical devices.",
	Remediation: "Encrypt stored personal health data and images (full-disk or database encryption with protected keys) and state security.dataAtRest.encrypted: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		return atRest(in, sensitiveKinds(), "health data", "is")
	},
})

var secretsAtRest = register(catalog.Rule{
	ID:          "data/secrets-protected-at-rest",
	Title:       "Stored credentials and keys are protected",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.STCF", "IEC60601-4-5.FR4", "IEC60601-4-5.FR1"},
	Rationale:   "Keys and passwords read off one unit open every unit that shares them, and every link they protect.",
	Remediation: "Keep keys in a secure element or encrypted store, hash passwords with a slow salted function, and state security.dataAtRest.encrypted: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		return atRest(in, []model.AssetKind{"credentials", "cryptographic-keys"}, "credentials and keys", "are")
	},
})

// backupKinds are the assets whose loss stops care.
func backupKinds() []model.AssetKind {
	return []model.AssetKind{"personal-health-data", "therapy-settings", "configuration", "diagnostic-images"}
}

// backupCandidates are components holding such data that can have a backup:
// not implants and not wearables, whose data lives on elsewhere.
func backupCandidates(in *catalog.Input) []comp {
	var out []comp
	for _, c := range deviceComponents(in.Device) {
		if c.c.Kind == "implant" || c.c.Kind == "wearable" {
			continue
		}
		if len(storesAsset(in.Device, c.c.ID, backupKinds()...)) > 0 {
			out = append(out, c)
		}
	}
	return out
}

var backupSupported = register(catalog.Rule{
	ID:          "data/backup-supported",
	Title:       "Data and configuration can be backed up",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.DTBK", "GDPR.ART.32", "IEC60601-4-5.FR7", "NIS2.21.c"},
	Rationale:   "Ransomware and hardware failure are routine in hospitals (MDCG 2019-16 Annex II, examples 6 and 14); without a backup, care stops until the vendor rebuilds the system.",
	Remediation: "Provide backup of data and configuration (security.backup.supported) and document it in the security guide.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range backupCandidates(in) {
			var b *bool
			if s := c.c.Security; s != nil && s.Backup != nil {
				b = s.Backup.Supported
			}
			out = append(out, boolCheck(in, c.c.ID, c.path+".security.backup.supported", b, "backup is supported", "no backup of data or configuration"))
		}
		return out
	},
})

var restoreTested = register(catalog.Rule{
	ID:          "data/restore-tested",
	Title:       "Restore from backup is verified",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.DTBK", "GDPR.ART.32", "NIS2.21.c"},
	Rationale:   "A backup that was never restored is a hope, not a recovery plan (GDPR Art. 32(1)(c): restore availability in a timely manner).",
	Remediation: "Verify restore as part of verification and after each release, and state security.backup.restoreTested: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, c := range backupCandidates(in) {
			s := c.c.Security
			if s == nil || s.Backup == nil || s.Backup.Supported == nil {
				out = append(out, unknown(c.c.ID, c.path+".security.backup.supported"))
				continue
			}
			if !*s.Backup.Supported {
				out = append(out, notApplicable(c.c.ID, "no backup to restore (see data/backup-supported)"))
				continue
			}
			out = append(out, boolCheck(in, c.c.ID, c.path+".security.backup.restoreTested", s.Backup.RestoreTested, "restore is verified", "restore has not been verified"))
		}
		return out
	},
})
