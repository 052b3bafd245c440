package platform

import (
	"strings"
	"testing"
	"time"
)

func TestFind(t *testing.T) {
	for text, want := range map[string]string{
		"Windows 7 Professional SP1":          "Windows 7",
		"Win7 x64":                            "Windows 7",
		"Windows XP Embedded":                 "Windows XP Embedded",
		"Central station (Windows XP)":        "Windows XP",
		"WinXP Pro":                           "Windows XP",
		"Windows Server 2008 R2 SP1":          "Windows Server 2008",
		"Windows Embedded Standard 7":         "Windows Embedded Standard 7",
		"Windows 10 Enterprise LTSC 2019":     "Windows 10 Enterprise LTSC 2019",
		"Windows 10 IoT Enterprise LTSB 2016": "Windows 10 Enterprise LTSB 2016",
		"Windows 10":                          "Windows 10",
		"Windows 8.1":                         "Windows 8.1",
		"CentOS 7.9":                          "CentOS 7",
		"Debian GNU/Linux 11 (bullseye)":      "Debian 11",
		"RHEL7":                               "Red Hat Enterprise Linux 7",
		"Ubuntu 18.04.6 LTS":                  "Ubuntu 18.04",
		"Windows 11 Enterprise":               "",
		"Windows 70 Ultra":                    "",
		"Vista Infusion Pump":                 "",
		"IntelliVue MX450":                    "",
	} {
		p, ok := Find(text)
		if p.Name != want || ok != (want != "") {
			t.Errorf("Find(%q) = %q %v, want %q", text, p.Name, ok, want)
		}
	}
}

func TestEnded(t *testing.T) {
	p, _ := Find("Windows 10 LTSB 2016")
	if p.Ended(time.Date(2026, 10, 13, 0, 0, 0, 0, time.UTC)) || !p.Ended(time.Date(2026, 10, 14, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%s ends %s: ended on its last day, or not the day after", p.Name, p.EndOfSupport)
	}
}

// TestTable: every entry is dated, sourced and named by its aliases.
func TestTable(t *testing.T) {
	for _, p := range Platforms {
		if _, err := time.Parse(time.DateOnly, p.EndOfSupport); err != nil || p.Source == "" || len(p.aliases) == 0 {
			t.Errorf("%s: date %q, source %q, %d aliases", p.Name, p.EndOfSupport, p.Source, len(p.aliases))
		}
		for _, a := range p.aliases {
			if q, _ := Find(a); q.Name != p.Name && !strings.Contains(q.Name, p.Name) {
				t.Errorf("alias %q of %s finds %s", a, p.Name, q.Name)
			}
		}
	}
}
