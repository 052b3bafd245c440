package rules

import (
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

var hospitalSegmentation = register(catalog.Rule{
	ID:       "hospital/segment-weak-interfaces",
	Title:    "Hospital: interfaces without their own protection sit in a segmented, filtered network zone",
	Severity: catalog.High,
	Refs:     []string{"MDCG1916.2.5.HDO", "NIS2.21.e", "NIS2.21.g"},
	Rationale: "For the hospital (an essential or important entity under NIS2): an interface that is unencrypted or unauthenticated relies on the network around it. " +
		"MDCG 2019-16 §2.5 lists network segmentation among the operator's duties; this rule tells clinical engineering which interfaces need it.",
	Remediation: "Place the device in a medical-device VLAN, allow only the listed peers and ports (firewall allow-list), and ask the manufacturer for a fix.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if f.in.Exposure != model.ExposureHospitalNetwork {
				continue
			}
			enc, auth := f.in.Encryption, f.in.Authentication
			var weak []string
			var ev []evidenceID
			if enc != nil && isFalse(enc.InTransit) {
				weak = append(weak, "unencrypted")
				ev = append(ev, in.Cite(f.path+".encryption.inTransit", "false"))
			}
			if auth != nil && isFalse(auth.Required) {
				weak = append(weak, "unauthenticated")
				ev = append(ev, in.Cite(f.path+".authentication.required", "false"))
			}
			switch {
			case len(weak) > 0:
				out = append(out, fail(f.subject(), "needs segmentation and filtering: "+joinAnd(weak), ev...))
			case enc == nil || enc.InTransit == nil || auth == nil || auth.Required == nil:
				out = append(out, unknown(f.subject(), f.path+".encryption.inTransit", f.path+".authentication.required"))
			default:
				out = append(out, pass(f.subject(), "encrypted and authenticated on its own", in.Cite(f.path+".encryption.inTransit", "true"), in.Cite(f.path+".authentication.required", "true")))
			}
		}
		return out
	},
})

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return s[0] + " and " + s[1]
}
