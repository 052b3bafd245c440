package rules

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Rules on joint responsibility (MDCG 2019-16 §2.6): what the
// manufacturer expects of operators, integrators and users, told in a
// document they receive, and, for the hospital, whether it has what each
// expectation needs.

var expectationsStated = register(catalog.Rule{
	ID:       "doc/operator-expectations",
	Title:    "What the device expects of operators is stated, and told in a document they receive",
	Severity: catalog.Medium,
	Refs:     []string{"MDCG1916.2.6", "MDCG1916.2.3", "MDCG1916.4.2"},
	Rationale: "MDCG 2019-16 §2.6: cybersecurity is a joint responsibility of manufacturer, healthcare provider, integrator and user, " +
		"without diluting the manufacturer's duties; §2.3 has the expectations on the environment documented for the operator. An " +
		"interface without its own encryption or authentication relies on the network around it, so the operator must be told to " +
		"segment it; an expectation no document carries is one nobody is told.",
	Remediation: "Declare responsibilities (party, area, expectation, statedIn) for everything the device relies on its environment for, " +
		"a network one for every interface without its own protection, and write each into the document named.",
	Check: func(in *catalog.Input) []catalog.Result {
		d := in.Device
		if d.Responsibilities == nil {
			return []catalog.Result{unknown("device", "responsibilities")}
		}
		var problems []string
		var ev []evidenceID
		kinds := map[model.DocumentKind]bool{}
		for _, doc := range d.Documents {
			kinds[doc.Kind] = true
		}
		network := false
		for i, r := range d.Responsibilities {
			path := fmt.Sprintf("responsibilities[%d]", i)
			ev = append(ev, in.Cite(path, fmt.Sprintf("%s (%s): %s", r.Party, r.Area, r.Expectation)))
			if r.Area == "network" && (r.Party == "operator" || r.Party == "integrator") {
				network = true
			}
			switch {
			case r.StatedIn == "":
				problems = append(problems, fmt.Sprintf("%q is told in no document (%s.statedIn)", r.Expectation, path))
			case !kinds[r.StatedIn]:
				problems = append(problems, fmt.Sprintf("%q is to be told in the %s, which the model's documents do not list", r.Expectation, r.StatedIn))
			}
		}
		if !network {
			for _, f := range interfaces(d) {
				if f.in.Exposure != model.ExposureHospitalNetwork && f.in.Exposure != model.ExposureHomeNetwork {
					continue
				}
				if (f.in.Encryption != nil && isFalse(f.in.Encryption.InTransit)) || (f.in.Authentication != nil && isFalse(f.in.Authentication.Required)) {
					problems = append(problems, f.subject()+" lacks its own encryption or authentication, and no network expectation tells the operator to protect it")
					ev = append(ev, in.Cite(f.path+".exposure", string(f.in.Exposure)))
				}
			}
		}
		if len(d.Responsibilities) == 0 {
			ev = append(ev, in.Cite("responsibilities", "none"))
		}
		if len(problems) > 0 {
			return []catalog.Result{fail("device", strings.Join(problems, "; "), ev...)}
		}
		if len(d.Responsibilities) == 0 {
			return []catalog.Result{pass("device", "the device expects nothing of its operators, and relies on no network around it", ev...)}
		}
		return []catalog.Result{pass("device", fmt.Sprintf("%d expectation%s of operators, integrators and users, each told in a document they receive", len(d.Responsibilities), plural(len(d.Responsibilities))), ev...)}
	},
})

var hospitalExpectations = register(catalog.Rule{
	ID:       "hospital/operator-expectations",
	Title:    "Hospital: each expectation the manufacturer places on the operator comes with what the hospital needs to meet it",
	Severity: catalog.Medium,
	Refs:     []string{"MDCG1916.2.6.2", "MDCG1916.2.5.HDO", "NIS2.21.d"},
	Rationale: "For the hospital: MDCG 2019-16 §2.6.2 has the operator follow the manufacturer's security requirements. Each one is a " +
		"duty the hospital takes on when it runs the device, and it can only meet it with the manufacturer's information: segmentation " +
		"needs every network interface's ports and peers, patching needs an update mechanism and cadence, backup needs the device to " +
		"support it. An expectation without them is a duty the hospital cannot meet; raise it in procurement (NIS2 Article 21(2)(d)).",
	Remediation: "Ask the manufacturer for what is missing (ports, update policy, backup support) before accepting the duty, and record " +
		"each accepted expectation in the hospital's own procedures and responsibility agreement.",
	Check: func(in *catalog.Input) []catalog.Result {
		d := in.Device
		if d.Responsibilities == nil {
			return []catalog.Result{unknown("device", "responsibilities")}
		}
		var out []catalog.Result
		for i, r := range d.Responsibilities {
			if r.Party != "operator" && r.Party != "integrator" {
				continue
			}
			path := fmt.Sprintf("responsibilities[%d]", i)
			subject := fmt.Sprintf("expectation-%d", i+1)
			ev := in.Cite(path, fmt.Sprintf("%s (%s): %s", r.Party, r.Area, r.Expectation))
			if gap, gapEv := meansMissing(in, r.Area); gap != "" {
				out = append(out, fail(subject, fmt.Sprintf("%s (%s), but %s", r.Expectation, r.Area, gap), append([]evidenceID{ev}, gapEv...)...))
				continue
			}
			out = append(out, pass(subject, fmt.Sprintf("the hospital's duty: %s (%s)", r.Expectation, r.Area), ev))
		}
		return out
	},
})

// meansMissing says what the hospital lacks to meet an expectation in
// area, or "" when it has what the model can show.
func meansMissing(in *catalog.Input, area model.ResponsibilityArea) (string, []evidenceID) {
	d := in.Device
	switch area {
	case "network":
		var noPort []string
		var ev []evidenceID
		for _, f := range interfaces(d) {
			if f.in.Kind.Network() && f.in.Port == nil {
				noPort = append(noPort, f.subject())
				ev = append(ev, in.Cite(f.path+".kind", string(f.in.Kind)))
			}
		}
		if len(noPort) > 0 {
			return "the manufacturer states no port for " + strings.Join(noPort, ", ") + ": no firewall rule can be written", ev
		}
	case "patching":
		updatable := false
		for _, c := range deviceComponents(d) {
			if s := c.c.Security; s != nil && s.Update != nil && isTrue(s.Update.Supported) {
				updatable = true
			}
		}
		if !updatable {
			return "no component is stated to take field updates", []evidenceID{in.Cite("components", "no updatable component")}
		}
		if d.Lifecycle == nil || d.Lifecycle.PatchCadenceDays == nil && d.Lifecycle.CriticalPatchDays == nil {
			return "the manufacturer states no patch cadence or critical-fix time", []evidenceID{in.Cite("lifecycle", "no patch cadence")}
		}
	case "backup":
		for _, c := range deviceComponents(d) {
			if s := c.c.Security; s != nil && s.Backup != nil && isTrue(s.Backup.Supported) {
				return "", nil
			}
		}
		return "no component is stated to support backup and restore", []evidenceID{in.Cite("components", "no backup support")}
	}
	return "", nil
}

var networkRiskInputs = register(catalog.Rule{
	ID:       "hospital/network-risk-inputs",
	Title:    "Hospital: the manufacturer's disclosures that IEC 80001-1 risk management of the network needs are at hand",
	Severity: catalog.Medium,
	Refs:     []string{"IEC80001-1.RM"},
	Rationale: "For the hospital: IEC 80001-1:2021 has the responsible organisation manage the risks of putting a connected device on " +
		"its IT network, fed by what the manufacturer discloses. That needs the MDS2 form (or equivalent), the IFU security section, " +
		"and for every network interface its port and peers (MDCG 2019-16 §4.3). Without them the risk analysis of the network (NIS2 " +
		"Article 21(2)(a)) rests on guesses.",
	Remediation: "Request the MDS2 form and the IFU security section from the manufacturer, and the port and peers of every network " +
		"interface, before connecting the device; run the IEC 80001-1 risk analysis with them.",
	AppliesTo: func(in *catalog.Input) bool {
		for _, f := range interfaces(in.Device) {
			if f.in.Kind.Network() {
				return true
			}
		}
		return false
	},
	Check: func(in *catalog.Input) []catalog.Result {
		d := in.Device
		if d.Documents == nil {
			return []catalog.Result{unknown("device", "documents")}
		}
		var missing []string
		var ev []evidenceID
		_, haveForm := in.Evidence.MDS2()
		if !haveForm && len(documents(d, "mds2")) == 0 {
			missing = append(missing, "no MDS2 form (neither --mds2 nor a document of kind mds2)")
		}
		if p := documents(d, "ifu-security-section"); len(p) == 0 {
			missing = append(missing, "no IFU security section among the documents")
		} else {
			ev = append(ev, in.Cite(p[0], docTitle(d, p[0])))
		}
		for _, f := range interfaces(d) {
			if f.in.Kind.Network() && (f.in.Port == nil || f.in.ConnectsTo == nil) {
				missing = append(missing, f.subject()+" without its port or peers")
			}
		}
		ev = append(ev, in.Cite("documents", fmt.Sprintf("%d documents", len(d.Documents))))
		if len(missing) > 0 {
			return []catalog.Result{fail("device", strings.Join(missing, "; "), ev...)}
		}
		return []catalog.Result{pass("device", "MDS2 form, IFU security section, and the port and peers of every network interface are disclosed", ev...)}
	},
})
