package rules

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on data in transit: confidentiality (TXCF), integrity (TXIG) and
// exposure (IEC 62443 FR 5). They share the data-flow helpers below.

// flowInterfaces returns, for each interface that carries an asset of one
// of kinds in a declared data flow, the flow paths.
func flowInterfaces(d *model.Device, kinds ...model.AssetKind) (map[string][]string, []catalog.Result) {
	assetKind := map[string]model.AssetKind{}
	for _, a := range d.DataAssets {
		assetKind[a.ID] = a.Kind
	}
	byIface := map[string][]string{}
	var unknowns []catalog.Result
	for i, fl := range d.DataFlows {
		carries := false
		for _, a := range fl.Assets {
			for _, k := range kinds {
				if assetKind[a] == k {
					carries = true
				}
			}
		}
		if !carries {
			continue
		}
		path := fmt.Sprintf("dataFlows[%d]", i)
		if fl.Interface == "" {
			unknowns = append(unknowns, unknown(fl.From+"->"+fl.To, path+".interface"))
			continue
		}
		key := fl.Carrier(d) + "/" + fl.Interface
		byIface[key] = append(byIface[key], path)
	}
	return byIface, unknowns
}

func sensitiveKinds() []model.AssetKind {
	return []model.AssetKind{"personal-health-data", "diagnostic-images"}
}

var phiInTransit = register(catalog.Rule{
	ID:          "net/health-data-encrypted-in-transit",
	Title:       "Health data is encrypted wherever it travels",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.TXCF", "GDPR.ART.32", "IEC60601-4-5.FR4", "NIS2.21.h"},
	Rationale:   "Health data is special-category personal data (GDPR Art. 9); eavesdropping on it is a breach even inside a hospital network (MDCG 2019-16 Annex II, example 10).",
	Remediation: "Encrypt every link that carries personal health data or images (TLS 1.2+, DTLS, or link-layer encryption with authenticated keys) and state encryption.inTransit: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		byIface, out := flowInterfaces(in.Device, sensitiveKinds()...)
		for _, f := range interfaces(in.Device) {
			flows, ok := byIface[f.subject()]
			if !ok {
				continue
			}
			ev := []evidenceID{in.Cite(flows[0], "carries health data")}
			enc := f.in.Encryption
			if enc == nil || enc.InTransit == nil {
				out = append(out, unknown(f.subject(), f.path+".encryption.inTransit"))
				continue
			}
			ev = append(ev, in.Cite(f.path+".encryption.inTransit", fmt.Sprint(*enc.InTransit)))
			if *enc.InTransit {
				out = append(out, pass(f.subject(), "health data on this link is encrypted", ev...))
			} else {
				out = append(out, fail(f.subject(), "health data travels unencrypted", ev...))
			}
		}
		return out
	},
})

var healthDataIntegrity = register(catalog.Rule{
	ID:          "net/health-data-integrity",
	Title:       "Health data in transit is protected against alteration",
	Severity:    catalog.Medium,
	Refs:        []string{"MDCG1916.3.3.IGAU", "MDCG1916.3.3.TXIG", "IEC60601-4-5.FR3"},
	Rationale:   "Altered readings lead to wrong diagnoses (MDCG 2019-16 Annex II, example 3: pressure readings altered in transit).",
	Remediation: "Protect health data links with a message authentication code or authenticated encryption and state encryption.integrity: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		byIface, out := flowInterfaces(in.Device, sensitiveKinds()...)
		for _, f := range interfaces(in.Device) {
			flows, ok := byIface[f.subject()]
			if !ok {
				continue
			}
			carries := in.Cite(flows[0], "carries health data")
			out = append(out, boolCheck(in, f.subject(), f.path+".encryption.integrity", f.integrity(),
				"health data on this link is integrity-protected", "health data on this link can be altered undetected", carries))
		}
		return out
	},
})

var therapyIntegrity = register(catalog.Rule{
	ID:          "net/therapy-command-integrity",
	Title:       "Therapy commands are protected against alteration",
	Severity:    catalog.Critical,
	Refs:        []string{"MDCG1916.3.3.TXIG", "IEC60601-4-5.FR3", "MDR.AI.18.8"},
	Rationale:   "A therapy command altered in flight changes treatment even when both ends are authentic (MDCG 2019-16 Annex II, example 1: message authentication between programmer and stimulator).",
	Remediation: "Authenticate every therapy command message (MAC or signature) and state encryption.integrity: true.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !isTrue(f.in.ChangesTherapy) {
				continue
			}
			ct := in.Cite(f.path+".changesTherapy", "true")
			out = append(out, boolCheck(in, f.subject(), f.path+".encryption.integrity", f.integrity(),
				"therapy commands are integrity-protected", "therapy commands can be altered in transit", ct))
		}
		return out
	},
})

var internetExposure = register(catalog.Rule{
	ID:          "net/internet-exposure-protected",
	Title:       "Internet-facing interfaces are encrypted and authenticated",
	Severity:    catalog.Critical,
	Refs:        []string{"IEC60601-4-5.FR5", "MDCG1916.2.3", "MDCG1916.3.3.TXCF", "MDR.AI.14.2d"},
	Rationale:   "Anything reachable from the internet is scanned within hours; MDCG 2019-16 §2.3 asks for defence in depth that does not rely on the network around the device.",
	Remediation: "Put TLS and authentication in front of every internet-facing interface, or take it off the internet.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if f.in.Exposure != model.ExposureInternet {
				continue
			}
			exp := in.Cite(f.path+".exposure", "internet")
			enc, auth := f.in.Encryption, f.in.Authentication
			var missing []string
			if enc == nil || enc.InTransit == nil {
				missing = append(missing, f.path+".encryption.inTransit")
			}
			if auth == nil || auth.Required == nil {
				missing = append(missing, f.path+".authentication.required")
			}
			switch {
			case enc != nil && isFalse(enc.InTransit):
				out = append(out, fail(f.subject(), "reachable from the internet without encryption", exp, in.Cite(f.path+".encryption.inTransit", "false")))
			case auth != nil && isFalse(auth.Required):
				out = append(out, fail(f.subject(), "reachable from the internet without authentication", exp, in.Cite(f.path+".authentication.required", "false")))
			case len(missing) > 0:
				out = append(out, unknown(f.subject(), missing...))
			default:
				out = append(out, pass(f.subject(), "encrypted and authenticated", exp, in.Cite(f.path+".encryption.inTransit", "true"), in.Cite(f.path+".authentication.required", "true")))
			}
		}
		return out
	},
})

// cleartext lists protocols that carry credentials and data in the clear.
var cleartext = []model.Protocol{"telnet", "ftp", "http", "vnc"}

var noCleartext = register(catalog.Rule{
	ID:          "net/no-cleartext-protocols",
	Title:       "No cleartext protocols on network interfaces",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.SAHD", "MDCG1916.3.3.TXCF", "IEC60601-4-5.FR4", "NIS2.21.g"},
	Rationale:   "Telnet, FTP, plain HTTP and VNC send credentials and data in the clear and are the first thing a network scan finds.",
	Remediation: "Replace telnet and FTP with SSH and SFTP, HTTP with HTTPS; turn off services the device does not need.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if !isNetwork(f.in.Kind) {
				continue
			}
			if len(f.in.Protocols) == 0 {
				out = append(out, unknown(f.subject(), f.path+".protocols"))
				continue
			}
			var bad []string
			for _, p := range f.in.Protocols {
				for _, c := range cleartext {
					if p == c && !(p == "http" && f.in.Encryption != nil && isTrue(f.in.Encryption.InTransit)) {
						bad = append(bad, string(p))
					}
				}
			}
			id := in.Cite(f.path+".protocols", fmt.Sprint(f.in.Protocols))
			if len(bad) > 0 {
				out = append(out, fail(f.subject(), "cleartext protocol: "+strings.Join(bad, ", "), id))
			} else {
				out = append(out, pass(f.subject(), "no cleartext protocol", id))
			}
		}
		return out
	},
})

var tlsVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\b(ssl|tls|dtls)\s*v?(\d(?:\.\d)?)?`) })
var modernTLS = register(catalog.Rule{
	ID:          "net/tls-version",
	Title:       "TLS and DTLS are version 1.2 or later",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.TXCF", "IEC60601-4-5.FR4", "NIS2.21.h"},
	Rationale:   "SSL and TLS 1.0/1.1 are deprecated (RFC 8996) and no longer state of the art under MDR Annex I 17.2.",
	Remediation: "Offer TLS 1.2 or 1.3 only (DTLS 1.2 or later) and state the version in encryption.protocol.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if f.in.Encryption == nil || f.in.Encryption.Protocol == "" {
				continue
			}
			proto := f.in.Encryption.Protocol
			m := tlsVersion().FindStringSubmatch(proto)
			if m == nil {
				continue
			}
			path := f.path + ".encryption.protocol"
			name, ver := strings.ToLower(m[1]), m[2]
			switch {
			case name == "ssl":
				out = append(out, fail(f.subject(), "SSL is broken: "+proto, in.Cite(path, proto)))
			case ver == "":
				out = append(out, unknown(f.subject(), path+" (version)"))
			case name == "dtls" && ver >= "1.2", name == "tls" && ver >= "1.2":
				out = append(out, pass(f.subject(), proto, in.Cite(path, proto)))
			default:
				out = append(out, fail(f.subject(), "deprecated version: "+proto, in.Cite(path, proto)))
			}
		}
		return out
	},
})

var blePairing = register(catalog.Rule{
	ID:          "net/ble-secure-pairing",
	Title:       "Bluetooth Low Energy links use authenticated LE Secure Connections pairing",
	Severity:    catalog.High,
	Refs:        []string{"MDCG1916.3.3.TXCF", "MDCG1916.3.3.NAUT", "IEC60601-4-5.FR4"},
	Rationale:   "Legacy pairing keys can be cracked from a captured pairing, and Just Works pairing authenticates nobody: anyone in radio range can pair or sit in the middle.",
	Remediation: "Use LE Secure Connections with numeric comparison, passkey or out-of-band pairing, or add application-layer authentication and encryption, and state it in encryption.protocol.",
	Check: func(in *catalog.Input) []catalog.Result {
		var out []catalog.Result
		for _, f := range interfaces(in.Device) {
			if f.in.Kind != "ble" {
				continue
			}
			path := f.path + ".encryption"
			enc := f.in.Encryption
			if enc == nil || (enc.InTransit == nil && enc.Protocol == "") {
				out = append(out, unknown(f.subject(), path))
				continue
			}
			if isFalse(enc.InTransit) {
				out = append(out, fail(f.subject(), "the BLE link is not encrypted", in.Cite(path+".inTransit", "false")))
				continue
			}
			p := strings.ToLower(enc.Protocol)
			id := in.Cite(path+".protocol", enc.Protocol)
			switch {
			case strings.Contains(p, "just works") || strings.Contains(p, "legacy"):
				out = append(out, fail(f.subject(), "weak pairing: "+enc.Protocol, id))
			case strings.Contains(p, "secure connections") || strings.Contains(p, "numeric comparison") || strings.Contains(p, "passkey") || strings.Contains(p, "oob") || strings.Contains(p, "out-of-band"):
				out = append(out, pass(f.subject(), enc.Protocol, id))
			default:
				out = append(out, unknown(f.subject(), path+".protocol (pairing method)"))
			}
		}
		return out
	},
})
