package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on clinical and administrative protocols that are often deployed
// without their security options.

// protocolCheck gives each interface speaking one of protos a result from
// its encryption and authentication.
func protocolCheck(in *catalog.Input, needAuth bool, protos []model.Protocol, name string) []catalog.Result {
	var out []catalog.Result
	for _, f := range interfaces(in.Device) {
		if !hasProtocol(f.in, protos...) {
			continue
		}
		enc, auth := f.in.Encryption, f.in.Authentication
		switch {
		case enc != nil && isFalse(enc.InTransit):
			out = append(out, fail(f.subject(), name+" without encryption", in.Cite(f.path+".encryption.inTransit", "false")))
		case needAuth && auth != nil && isFalse(auth.Required):
			out = append(out, fail(f.subject(), name+" accepting any peer", in.Cite(f.path+".authentication.required", "false")))
		case enc == nil || enc.InTransit == nil:
			out = append(out, unknown(f.subject(), f.path+".encryption.inTransit"))
		case needAuth && (auth == nil || auth.Required == nil):
			out = append(out, unknown(f.subject(), f.path+".authentication.required"))
		default:
			out = append(out, pass(f.subject(), name+" is encrypted"+map[bool]string{true: " and authenticated", false: ""}[needAuth], in.Cite(f.path+".encryption.inTransit", "true")))
		}
	}
	return out
}

var dicomSecured = register(catalog.Rule{
	ID:          "net/dicom-secured",
	Title:       "DICOM associations are encrypted and limited to known peers",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.TXCF", "MDCG1916.3.3.NAUT", "IEC60601-4-5.FR4"},
	Rationale:   "A DICOM service that accepts any calling AE title over plain TCP lets anyone on the network read studies or push tampered images (MDCG 2019-16 Annex II, examples 13 and 21).",
	Remediation: "Use DICOM TLS (the secure transport connection profile) and accept only configured AE titles and peers.",
	Check: func(in *catalog.Input) []catalog.Result {
		return protocolCheck(in, true, []model.Protocol{"dicom"}, "DICOM")
	},
})

var hl7Secured = register(catalog.Rule{
	ID:          "net/hl7-secured",
	Title:       "HL7 v2 (MLLP) feeds are encrypted",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.TXCF", "IEC60601-4-5.FR4", "GDPR.ART.32"},
	Rationale:   "MLLP has no security of its own; results and demographics cross the hospital network in the clear unless wrapped in TLS or a VPN.",
	Remediation: "Carry MLLP over TLS (or an IPsec/VPN tunnel between fixed endpoints) and state encryption.inTransit: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		return protocolCheck(in, false, []model.Protocol{"hl7-mllp"}, "HL7 MLLP")
	},
})

var remoteAdmin = register(catalog.Rule{
	ID:          "net/remote-admin-protected",
	Title:       "Remote administration (SSH, RDP, VNC, telnet) needs strong authentication",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.PAUT", "MDCG1916.3.3.SAHD", "NIS2.21.j"},
	Rationale:   "Remote desktop, shell and management interfaces are how attackers and ransomware reach clinical systems (MDCG 2019-16 Annex II, examples 18, 19 and 22: a vulnerable management interface, an unpatched RDP vulnerability, ransomware across the network).",
	Remediation: "Expose remote administration only encrypted, with multi-factor authentication, or disable it and use a managed remote-service channel.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !hasProtocol(f.in, "ssh", "rdp", "vnc", "telnet") {
				continue
			}
			subj := f.subject()
			if hasProtocol(f.in, "telnet", "vnc") && (f.in.Encryption == nil || !isTrue(f.in.Encryption.InTransit)) {
				out = append(out, fail(subj, "remote administration without encryption", in.Cite(f.path+".protocols", fmt.Sprint(f.in.Protocols))))
				continue
			}
			var mfa model.Support
			if f.c.AccessControl != nil {
				mfa = f.c.AccessControl.MFA
			}
			path := f.comp.path + ".accessControl.mfa"
			switch mfa {
			case "":
				out = append(out, unknown(subj, path))
			case "required":
				out = append(out, pass(subj, "remote administration with multi-factor authentication", in.Cite(path, "required"), in.Cite(f.path+".protocols", fmt.Sprint(f.in.Protocols))))
			default:
				out = append(out, fail(subj, "remote administration without enforced multi-factor authentication", in.Cite(path, string(mfa)), in.Cite(f.path+".protocols", fmt.Sprint(f.in.Protocols))))
			}
		}
		return out
	},
})

var disableable = register(catalog.Rule{
	ID:          "net/unused-interfaces-can-be-disabled",
	Title:       "The operator can turn off network and wireless interfaces it does not use",
	Severity:    catalog.Low,
	Refs:        []string{"MDCG1916.3.3.CNFS", "MDCG1916.3.3.SAHD", "MDCG1916.2.3"},
	Rationale:   "MDCG 2019-16 §2.6.3 asks users to disable unused features; they can only if the device lets them.",
	Remediation: "Make each network, wireless and USB interface that is not essential to therapy switchable by the operator, and say so in the security guide.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !(isNetwork(f.in.Kind) || isWireless(f.in.Kind) || isPhysicalPort(f.in.Kind)) || isSoftwareOnly(f.c) {
				continue
			}
			// Therapy links and the emergency path must stay available.
			if isTrue(f.in.ChangesTherapy) {
				continue
			}
			out = append(out, boolCheck(in, f.subject(), f.path+".canBeDisabled", f.in.CanBeDisabled,
				"the operator can turn it off", "the operator cannot turn it off"))
		}
		return out
	},
})
