package snmpwire

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/seed"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRequests: what the probe sends reads back as it was meant: a v3
// discovery request with no user and no variable, and GetRequests of
// the system group under the community, in the version asked for.
func TestRequests(t *testing.T) {
	b, err := Discovery(0x8000_0001) // the top bit is no part of an ID
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != "3" || a.PDU != "GetRequest" || a.ID != 1 || len(a.Values) != 0 || a.Community != "" {
		t.Errorf("discovery reads back as %+v", a)
	}
	for _, v := range []string{"1", "2c"} {
		b, err := Get(v, "public", 42)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != v || a.PDU != "GetRequest" || a.ID != 42 || a.Community != "public" || len(a.Values) != 3 {
			t.Errorf("v%s GetRequest reads back as %+v", v, a)
		}
		for _, o := range []string{SysDescr, SysObjectID, SysName} {
			if _, ok := a.Values[o]; !ok {
				t.Errorf("v%s GetRequest lacks %s", v, o)
			}
		}
	}
	if _, err := Get("3", "public", 1); err == nil {
		t.Error("a v3 GetRequest under a community was written")
	}
}

// TestRealAnswers: Net-SNMP's answers read as it sent them.
func TestRealAnswers(t *testing.T) {
	r, err := Parse(read(t, "snmpd-v3-report.ber"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "3" || r.PDU != "Report" || r.ID != 1001 || r.Engine == nil {
		t.Fatalf("report: %+v", r)
	}
	if e := r.Engine; e.ID != "80001f8880e2cc34250b1f176b00000000" || e.Enterprise != 8072 || e.Format != "enterprise-specific" || e.Boots != 1 || e.Time != 288 {
		t.Errorf("engine: %+v", e)
	}
	if r.Values[".1.3.6.1.6.3.15.1.1.4.0"] == "" {
		t.Errorf("report lacks usmStatsUnknownEngineIDs: %v", r.Values)
	}
	for name, want := range map[string]struct {
		version, community string
		id                 uint32
	}{"snmpd-v2c-response.ber": {"2c", "public", 1002}, "snmpd-v1-response.ber": {"1", "private", 1003}} {
		a, err := Parse(read(t, name))
		if err != nil {
			t.Fatal(name, err)
		}
		if a.Version != want.version || a.Community != want.community || a.ID != want.id || a.PDU != "GetResponse" || a.ErrorStatus != "" {
			t.Errorf("%s: %+v", name, a)
		}
		if a.Values[SysDescr] != "TestInfusionPump fw 1.2.3" || a.Values[SysObjectID] != ".1.3.6.1.4.1.8072.3.2.10" || a.Values[SysName] == "" {
			t.Errorf("%s: values %v", name, a.Values)
		}
	}
}

// TestEngineID: the RFC 3411 forms of an engine ID.
func TestEngineID(t *testing.T) {
	for _, c := range []struct {
		id             []byte
		enterprise     uint32
		format, detail string
	}{
		{[]byte{0x80, 0, 0, 9, 1, 10, 0, 0, 5}, 9, "IPv4 address", "10.0.0.5"},
		{[]byte{0x80, 0, 0x1f, 0x88, 3, 0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc}, 8072, "MAC address", "00:1b:21:aa:bb:cc"},
		{[]byte{0x80, 0, 0x1f, 0x88, 4, 'p', 'u', 'm', 'p'}, 8072, "text", "pump"},
		{[]byte{0x80, 0, 0x1f, 0x88, 2, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 8072, "IPv6 address", "2001:db8::1"},
		{[]byte{0x80, 0, 0x1f, 0x88, 1, 1, 2}, 8072, "reserved format 1", ""}, // an IPv4 format of the wrong length
		{[]byte{0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8}, 9, "enterprise-specific (RFC 1910)", ""},
		{[]byte{1, 2}, 0, "", ""},
	} {
		e := engine(c.id, 0, 0)
		if e.Enterprise != c.enterprise || e.Format != c.format || e.Detail != c.detail {
			t.Errorf("%x: %+v", c.id, e)
		}
	}
	if engine(nil, 1, 1) != nil {
		t.Error("an empty engine ID is an engine")
	}
}

// TestNotSNMP: what is no SNMP message says so.
func TestNotSNMP(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("HTTP/1.1 400 Bad Request\r\n"), {0x30}, {0x30, 0x03, 0x02, 0x01, 0x07}, read(t, "snmpd-v2c-response.ber")[:40]} {
		if a, err := Parse(b); err == nil {
			t.Errorf("%q read as %+v", b, a)
		}
	}
}

// FuzzSNMP: no answer makes the reader panic.
func FuzzSNMP(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.ber"))
	if err != nil || len(seeds) == 0 {
		f.Fatal("no seeds", err)
	}
	seed.Files(f, seeds...)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(data)
		if err == nil && a.Values == nil {
			t.Fatal("an answer without its values map")
		}
	})
}
