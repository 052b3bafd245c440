package rules

import (
	"strings"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/ifu"
)

// Rules on the security content of the instructions for use: what the
// model says the IFU states (ifu.states) against what this device needs
// stated, item by item of the checklist `mdcheck ifu` exports.

func ifuRule(id string, g ifu.Group, title string, refs []string, rationale string) catalog.Rule {
	return register(catalog.Rule{
		ID:        id,
		Title:     title,
		Severity:  catalog.Medium,
		Refs:      refs,
		Rationale: rationale,
		Remediation: "Write the missing items into the IFU security section (mdcheck ifu DEVICE drafts each from the model), then list " +
			"them in the model's ifu.states.",
		Check: func(in *catalog.Input) []catalog.Result { return ifuCheck(in, g) },
	})
}

// ifuCheck decides one theme of the checklist: unknown when the model says
// nothing of the IFU, failing when an item the device needs is not
// stated, not applicable when the device needs none of the theme's items.
func ifuCheck(in *catalog.Input, g ifu.Group) []catalog.Result {
	var need, stated, missing []string
	for _, it := range ifu.Checklist(in.Device) {
		if ifu.GroupOf(it.ID) != g || !it.Needed {
			continue
		}
		need = append(need, string(it.ID))
		if it.Stated {
			stated = append(stated, string(it.ID))
		} else {
			missing = append(missing, string(it.ID)+" ("+it.Why+")")
		}
	}
	switch {
	case len(need) == 0:
		return nil
	case in.Device.IFU == nil:
		return []catalog.Result{unknown("device", "ifu.states")}
	}
	ev := in.Cite("ifu.states", strings.Join(stated, ", "))
	if len(missing) > 0 {
		return []catalog.Result{fail("device", "the IFU does not state "+strings.Join(missing, "; "), ev)}
	}
	return []catalog.Result{pass("device", "the IFU states "+strings.Join(stated, ", "), ev)}
}

var ifuEnvironment = ifuRule("ifu/operating-environment", ifu.Environment,
	"The IFU states the minimum IT environment, the network ports and protocols, and the security settings",
	[]string{"MDR.AI.23.4ab", "MDR.AI.17.4", "MDCG1916.4.2", "MDCG1916.3.6"},
	"MDR Annex I 23.4(ab) requires the IFU to state the minimum requirements of Section 17.4: hardware, IT network characteristics and "+
		"IT-security measures. MDCG 2019-16 §4.2 adds what operators need to deploy the device securely: the ports and protocols each "+
		"interface uses (for firewall rules and segmentation) and the security settings with their secure defaults.")

var ifuUpdates = ifuRule("ifu/updates-and-support", ifu.Updates,
	"The IFU states the update and patch policy and the end of security support",
	[]string{"MDCG1916.4.2", "MDCG1916.3.8", "MDR.AI.23.4ab"},
	"MDCG 2019-16 §4.2 and §3.8: operators must know how security updates reach the device, who installs them, how fast critical "+
		"fixes come, and until when there will be any, to plan patching and replacement.")

var ifuRecovery = ifuRule("ifu/data-recovery-and-disposal", ifu.Recovery,
	"The IFU states how to back up and restore, and how to erase data before disposal",
	[]string{"MDCG1916.4.2", "GDPR.ART.32", "MDCG1916.3.3.DTBK"},
	"A device that stores patient data or configuration must let its operator recover after an incident (GDPR Article 32(1)(c)) "+
		"and erase data, credentials and keys before the device is disposed of or returned; MDCG 2019-16 §4.2 lists both for the IFU.")

var ifuDuties = ifuRule("ifu/operator-duties", ifu.Duties,
	"The IFU states what operators must do, the residual security risks, and whom to tell of an incident",
	[]string{"MDCG1916.4.2", "MDCG1916.2.6"},
	"Joint responsibility (MDCG 2019-16 §2.6) works only if operators are told what they answer for; MDR Annex I 23.4(g) requires "+
		"residual risks in the IFU, security ones included; and an operator who suspects an incident must know whom to tell.")
