package rules

import (
	"fmt"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/model"
)

var therapyInterfaceAuth = register(catalog.Rule{
	ID:       "auth/therapy-interface-authenticated",
	Title:    "Interfaces that can change therapy require authentication",
	Severity: catalog.Critical,
	Refs:     []string{"MDR.AI.18.8", "MDR.AI.14.1", "MDCG1916.3.3.PAUT", "MDCG1916.3.3.NAUT", "IEC60601-4-5.FR1"},
	Rationale: "A command that changes therapy from an unauthenticated peer is the most direct way a security gap harms a patient " +
		"(MDCG 2019-16 Annex II, examples 1, 2 and 5). The one accepted exception is an emergency path bounded by physical proximity.",
	Remediation: "Require authentication of the peer (paired keys, certificates, or a session opened by an authenticated programmer) " +
		"before any therapy command is accepted; if the interface is the emergency path, bound it to contact range and declare it under accessControl.emergencyAccess.",
	Check: checkTherapyInterfaceAuth,
})

// checkTherapyInterfaceAuth gives each interface that can change therapy a
// result. An interface whose effect on therapy is not stated is unknown on
// a component that can deliver or steer therapy.
func checkTherapyInterfaceAuth(in *catalog.Input) []catalog.Result {
	var out []catalog.Result
	for _, f := range interfaces(in.Device) {
		subj := f.subject()
		switch {
		case f.in.ChangesTherapy == nil:
			if therapyCapable(f.c) {
				out = append(out, unknown(subj, f.path+".changesTherapy"))
			}
			continue
		case !*f.in.ChangesTherapy:
			continue
		}
		ct := in.Cite(f.path+".changesTherapy", "true")
		a := f.in.Authentication
		if a == nil || a.Required == nil {
			out = append(out, unknown(subj, f.path+".authentication.required"))
			continue
		}
		req := in.Cite(f.path+".authentication.required", fmt.Sprint(*a.Required))
		if *a.Required {
			out = append(out, pass(subj, "therapy commands require an authenticated peer", ct, req))
			continue
		}
		if ev, ok := proximityEmergencyPath(in, f); ok {
			out = append(out, pass(subj, "unauthenticated by design as the emergency path, bounded to contact range", append(ev, ct, req)...))
			continue
		}
		out = append(out, fail(subj, "accepts therapy commands without authenticating the peer", ct, req))
	}
	return out
}

// contactRange is the reach, in metres, below which an unauthenticated
// emergency interface counts as bounded by physical proximity.
const contactRange = 0.1

// proximityEmergencyPath reports whether an unauthenticated interface is a
// declared emergency path that only works at contact range.
func proximityEmergencyPath(in *catalog.Input, f iface) ([]evidenceID, bool) {
	ac := f.c.AccessControl
	if f.in.Exposure != model.ExposureProximity || f.in.RangeMeters == nil || *f.in.RangeMeters > contactRange {
		return nil, false
	}
	if ac == nil || ac.EmergencyAccess == nil || !isTrue(ac.EmergencyAccess.Supported) || !isTrue(ac.EmergencyAccess.RequiresProximity) {
		return nil, false
	}
	base := f.comp.path + ".accessControl.emergencyAccess"
	return []evidenceID{
		in.Cite(f.path+".rangeMeters", fmt.Sprint(*f.in.RangeMeters)),
		in.Cite(base+".requiresProximity", "true"),
	}, true
}
