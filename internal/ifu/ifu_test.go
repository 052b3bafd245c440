package ifu

import (
	"slices"
	"strings"
	"testing"

	"github.com/mdcheck/mdcheck/internal/model"
)

const dev = `apiVersion: mdcheck.dev/v1
kind: Device
identity: {manufacturer: Acme, product: Widget}
components:
  - id: pump
    name: Pump
    kind: infusion-pump
    role: device
    platform: {os: Linux, version: "6.1", endOfSupport: 2030-01-01}
    interfaces:
      - {id: lan, kind: wired-network, exposure: hospital-network, port: 443, protocols: [https], connectsTo: [his]}
      - {id: usb, kind: usb, exposure: physical}
    security: {update: {supported: true, channels: [network], triggeredBy: [it-administrator]}}
externalDevices:
  - {id: his, name: Hospital information system}
lifecycle: {endOfSupport: 2034-12-31, criticalPatchDays: 30}
responsibilities:
  - {party: operator, area: network, expectation: Allow only port 443 to the pump VLAN}
ifu: {states: [ports-and-protocols]}
`

func TestChecklist(t *testing.T) {
	d, err := model.Parse("d.yaml", []byte(dev))
	if err != nil {
		t.Fatal(err)
	}
	items := Checklist(d)
	if len(items) != len(model.IFUItem("").Values()) {
		t.Fatalf("%d items, want one per IFU item", len(items))
	}
	by := map[model.IFUItem]Item{}
	for _, it := range items {
		by[it.ID] = it
		if !it.Known {
			t.Errorf("%s: not known although the model states ifu", it.ID)
		}
	}
	tests := []struct {
		id            model.IFUItem
		needed, state bool
		draft         string
	}{
		{model.IFUPorts, true, true, "pump/lan: wired-network, port 443, https, to his"},
		{model.IFUMinimumIT, true, false, "pump/lan is reachable from the hospital network"},
		{model.IFUUpdatePolicy, true, false, "pump is updated over network, started by it-administrator"},
		{model.IFUEndOfSupport, true, false, "security support until 2034-12-31"},
		{model.IFUOperatorDuties, true, false, "operator (network): Allow only port 443 to the pump VLAN"},
		{model.IFUBackupRestore, false, false, ""},
		{model.IFUDecommissioning, false, false, ""},
	}
	for _, tc := range tests {
		it := by[tc.id]
		if it.Needed != tc.needed || it.Stated != tc.state {
			t.Errorf("%s: needed %v stated %v, want %v %v (%s)", tc.id, it.Needed, it.Stated, tc.needed, tc.state, it.Why)
		}
		if tc.draft != "" && !slices.Contains(it.Draft, tc.draft) {
			t.Errorf("%s: draft %q lacks %q", tc.id, it.Draft, tc.draft)
		}
		if it.Why == "" || it.Title == "" || it.Source == "" {
			t.Errorf("%s: without title, source or why: %+v", tc.id, it)
		}
	}
	if !strings.Contains(by[model.IFUBackupRestore].Why, "no data stored") {
		t.Errorf("backup why = %q", by[model.IFUBackupRestore].Why)
	}

	d.IFU = nil
	for _, it := range Checklist(d) {
		if it.Known || it.Stated {
			t.Errorf("%s: known or stated without ifu in the model", it.ID)
		}
	}
}
