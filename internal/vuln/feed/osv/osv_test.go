package osv

import (
	"os"
	"testing"
)

func FuzzParseOSV(f *testing.F) {
	data, _ := os.ReadFile("../../testdata/osv/GHSA-xvch-5gv4-984h.json")
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("f.json", data)
		if err != nil {
			return
		}
		if r.ID == "" {
			t.Fatal("accepted a record without id")
		}
		for i := range r.Affected {
			_, _, _ = r.Affected[i].Affects(r.Affected[i].Package.Ecosystem, "1.0.0")
		}
	})
}
