package advisory

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Becton, Dickinson and Company (BD)": "becton dickinson and company bd",
		"NestlÃ© Health Science":             "nestle health science", // UTF-8 read as Latin-1
		"Dräger Infinity® Delta":             "drager infinity delta",
		"B.  Braun   Melsungen AG":           "b braun melsungen ag",
		"Medtronic ":                         "medtronic",
		"Johnson & Johnson":                  "johnson and johnson",
		"SÃ¸rensen":                          "sorensen",
		"Ã":                                  "a", // not damage: left as it is, then folded
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// Vendor texts from the ICSMA advisories of the shared data collection
// and how inventories write them.
func TestVendorMatch(t *testing.T) {
	tests := []struct {
		inventory, advisory string
		want                int
		why                 string
	}{
		{"Philips", "Phillips", 2, "Philips is Phillips"},
		{"Philips Healthcare", "Philips", 2, "Philips Healthcare is Philips"},
		{"Medtronic plc", "Medtronic ", 2, ""},
		{"BD", "Becton, Dickinson and Company (BD)", 2, "BD is Becton, Dickinson and Company (BD)"},
		{"Becton Dickinson", "Becton, Dickinson and Company (BD)", 2, "BD"},
		{"GE HealthCare", "GE Healthcare", 2, ""},
		{"B. Braun Melsungen AG", "B. Braun Medical", 2, "B. Braun"},
		{"Abbott", "St. Jude Medical", 1, "St. Jude Medical is part of Abbott"},
		{"Baxter International Inc.", "Hillrom", 1, "Hillrom is part of Baxter"},
		{"Wind River", "ENEA, Green Hills Software, ITRON, IP Infusion, and Wind River", 2, ""},
		{"GE Healthcare", "Silex Technology and GE Healthcare", 2, ""},
		{"Baxter", "Hillrom and ELI, Baxter International Inc.", 2, ""},
		{"Siemens Healthineers", "Siemens", 2, "Siemens Healthineers"},
		{"Philips", "GE Healthcare", 0, ""},
		{"Braun", "B. Braun", 0, ""},
		{"", "Philips", 0, ""},
	}
	for _, tc := range tests {
		got, why := vendorMatch(tc.inventory, tc.advisory)
		if got != tc.want || !strings.Contains(why, tc.why) {
			t.Errorf("vendorMatch(%q, %q) = %d %q, want %d %q", tc.inventory, tc.advisory, got, why, tc.want, tc.why)
		}
	}
}

// Product names from the ICSMA advisories of the shared data collection.
func TestProductMatch(t *testing.T) {
	tests := []struct {
		inventory, advisory, vendor string
		want                        int
	}{
		{"CareLink 2090 Programmer", "2090 CareLink Programmer", "Medtronic", 2},                      // icsma-18-058-01: word order
		{"BD Alaris Systems Manager", "Alaris Systems Manager", "BD", 2},                              // icsma-23-194-01: vendor in front
		{"Alaris PC Unit Model 8015", "BD Alaris Point-of-Care Unit (PCU) Model 8015", "BD", 1},       // icsma-23-194-01: PC for Point-of-Care
		{"IntelliVue MX450", "IntelliVue patient monitor MX400-MX850", "Philips", 1},                  // icsma-20-254-01: model range
		{"IntelliVue MX900", "IntelliVue patient monitor MX400-MX850", "Philips", 0},                  // outside the range
		{"Voluson E10", "Voluson, not including ImageVault", "GE Healthcare", -1},                     // icsma-20-049-02: family with exclusions
		{"Welch Allyn Connex Spot Monitor", "Welch Allyn Connex Spot Monitor (CSM)", "Baxter", 2},     // icsma-24-151-02: parenthetical
		{"IntelliSpace Cardiovascular", "IntelliSpace PACS", "Philips", 0},                            // icsma-18-312-01: another product
		{"Tasy EMR", "Tasy EMR HTML5", "Philips", -1},                                                 // icsma-21-308-01: a variant
		{"MyCareLink Monitor", "24952 MyCareLink Monitor", "Medtronic", -1},                           // icsma-18-179-01: model not given
		{"Essential", "Versana Essential", "GE Healthcare", -1},                                       // icsma-20-049-02: one word
		{"Valleylab FT10 Energy Platform", "Valleylab FT10 Energy Platform software", "Medtronic", 2}, // icsma-19-311-02
		{"Sigma Spectrum Infusion System", "Sigma Spectrum", "Baxter", 1},                             // icsma-20-170-04: more words
		{"Brilliance iCT", "Brilliance 64", "Philips", 0},                                             // icsma-18-123-01
		{"OpenClinic GA", "OpenClinic GA", "OpenClinic GA", 2},                                        // icsma-20-184-01: named like its vendor
		{"Omnipod 5", "Omnipod Insulin Management System", "Insulet", 0},                              // icsma-20-079-01
	}
	for _, tc := range tests {
		got, why := productMatch(tc.inventory, tc.advisory, tc.vendor, tc.vendor)
		if got != tc.want {
			t.Errorf("productMatch(%q, %q) = %d (%s), want %d", tc.inventory, tc.advisory, got, why, tc.want)
		}
		if got != 0 && got != 2 && why == "" {
			t.Errorf("productMatch(%q, %q): no reason", tc.inventory, tc.advisory)
		}
	}
}
