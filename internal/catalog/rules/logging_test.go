package rules

import "testing"

func TestAuditEnabled(t *testing.T) {
	runRule(t, auditEnabled, []ruleCase{
		{"on", one("    security: {auditLogging: {enabled: true}}\n"), want{"main": pass_}},
		{"off", one("    security: {auditLogging: {enabled: false}}\n"), want{"main": fail_}},
		{"not stated", one("    security: {secureBoot: true}\n"), want{"main": unk}},
		{"passive", one("    classification: {active: false}\n"), want{"device": na}},
	})
}

func TestAuditTamper(t *testing.T) {
	runRule(t, auditTamper, []ruleCase{
		{"protected", one("    security: {auditLogging: {enabled: true, tamperProtected: true}}\n"), want{"main": pass_}},
		{"editable", one("    security: {auditLogging: {enabled: true, tamperProtected: false}}\n"), want{"main": fail_}},
		{"not stated", one("    security: {auditLogging: {enabled: true}}\n"), want{"main": unk}},
		{"no log", one("    security: {auditLogging: {enabled: false}}\n"), want{"main": na}},
	})
}

func TestAuditExport(t *testing.T) {
	runRule(t, auditExport, []ruleCase{
		{"exportable", one("    security: {auditLogging: {enabled: true, exportable: true}}\n"), want{"main": pass_}},
		{"local only", one("    security: {auditLogging: {enabled: true, exportable: false}}\n"), want{"main": fail_}},
		{"not stated", one("    security: {auditLogging: {enabled: true}}\n"), want{"main": unk}},
	})
}

func TestAuditTime(t *testing.T) {
	runRule(t, auditTime, []ruleCase{
		{"timestamped", one("    security: {auditLogging: {enabled: true, timestamped: true}}\n"), want{"main": pass_}},
		{"no time", one("    security: {auditLogging: {enabled: true, timestamped: false}}\n"), want{"main": fail_}},
		{"not stated", one("    security: {auditLogging: {enabled: true}}\n"), want{"main": unk}},
	})
}
