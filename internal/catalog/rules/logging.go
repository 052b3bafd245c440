package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on audit logging (AUDT; IEC 62443 FR 6).

// logBlock selects the audit log and whether it is enabled.
func logBlock(s *model.SecurityDesign) (*model.AuditLogging, *bool) {
	if s.AuditLogging == nil {
		return nil, nil
	}
	return s.AuditLogging, s.AuditLogging.Enabled
}

// logCheck runs check for each component that keeps an audit log.
func logCheck(in *catalog.Input, check func(c comp, l *model.AuditLogging, base string) catalog.Result) []catalog.Result {
	return gatedCheck(in, "auditLogging", "enabled", logBlock, "no audit log (see log/audit-enabled)", check)
}

var auditEnabled = register(catalog.Rule{
	ID:          "log/audit-enabled",
	Title:       "Security events are logged",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.AUDT", "IEC60601-4-5.FR6", "MDCG1916.5.1"},
	Rationale:   "Without a log there is no way to tell an attack from a fault, to investigate a serious incident (MDCG 2019-16 §5.2) or to notice abuse of emergency access.",
	Remediation: "Log logins, failed logins, configuration and therapy changes, updates and emergency access, with the user or peer.",
	Check: func(in *catalog.Input) []catalog.Result {
		return switchCheck(in, "auditLogging", "enabled", logBlock, "security events are logged", "no security event log")
	},
})

var auditTamper = register(catalog.Rule{
	ID:          "log/tamper-protected",
	Title:       "The audit log is protected against change",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.AUDT", "IEC60601-4-5.FR6", "IEC60601-4-5.FR3"},
	Rationale:   "An attacker who can edit the log can erase the trace; non-repudiation (MDCG 2019-16 §2.5) needs a log only the device appends to.",
	Remediation: "Make the log append-only or signed, and restrict deletion to an authenticated administrator with its own log entry.",
	Check: func(in *catalog.Input) []catalog.Result {
		return logCheck(in, func(c comp, l *model.AuditLogging, base string) catalog.Result {
			return boolCheck(in, c.c.ID, base+".tamperProtected", l.TamperProtected, "the log is tamper-protected", "the log can be altered")
		})
	},
})

var auditExport = register(catalog.Rule{
	ID:          "log/exportable",
	Title:       "Logs can be exported to the operator's monitoring",
	Severity:    catalog.Low,
	Refs:        []string{"MDCG1916.3.3.AUDT", "MDCG1916.4.3", "IEC60601-4-5.FR6"},
	Rationale:   "MDCG 2019-16 §4.3 asks manufacturers to tell hospitals how their intrusion detection can consume device logs; that needs an export.",
	Remediation: "Export security events in a standard form (syslog, IHE ATNA) and document the format.",
	Check: func(in *catalog.Input) []catalog.Result {
		return logCheck(in, func(c comp, l *model.AuditLogging, base string) catalog.Result {
			return boolCheck(in, c.c.ID, base+".exportable", l.Exportable, "logs can be exported", "logs stay on the device")
		})
	},
})

var auditTime = register(catalog.Rule{
	ID:          "log/timestamped",
	Title:       "Log entries carry reliable timestamps",
	Severity:    catalog.Low,
	Refs:        []string{"MDCG1916.3.3.AUDT", "IEC60601-4-5.FR6"},
	Rationale:   "Without reliable time, events cannot be correlated across the device, the hospital network and the clinical record.",
	Remediation: "Timestamp every entry from a synchronised clock (NTP or the programmer's time) and state auditLogging.timestamped: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		return logCheck(in, func(c comp, l *model.AuditLogging, base string) catalog.Result {
			return boolCheck(in, c.c.ID, base+".timestamped", l.Timestamped, "entries are timestamped", "entries carry no reliable time")
		})
	},
})
