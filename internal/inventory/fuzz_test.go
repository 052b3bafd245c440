package inventory

import (
	"strings"
	"testing"
)

// FuzzRead feeds arbitrary files to the inventory reader: it must not
// panic, an error names the file, every row it keeps has a vendor and a
// product and its row number, and a skipped row says why.
func FuzzRead(f *testing.F) {
	f.Add([]byte("vendor,product,version,site\nPhilips,IntelliVue MX450,M.00,ICU\n"))
	f.Add([]byte("Titel\nHersteller;Gerät;Modell;SW-Version\nB. Braun;Perfusor Space;8713030;695D\n;x;;\n"))
	f.Add([]byte("\xff\xfeM\x00a\x00k\x00e\x00,\x00M\x00o\x00d\x00e\x00l\x00\n\x00"))
	f.Add([]byte(`[{"vendor": "BD", "product": "Alaris PC Unit", "version": "9.33.1", "id": 7}]`))
	f.Add([]byte(`{"devices": [{"Manufacturer": "GE", "Model": "B450"}, {"x": 1}]}`))
	f.Add([]byte("vendor|product\n\"a\"\"|b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Read("inv", data, Options{})
		if err != nil {
			if !strings.Contains(err.Error(), "inv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, r := range inv.Rows {
			if strings.TrimSpace(r.Vendor) == "" || strings.TrimSpace(r.Product) == "" || r.Row < 1 {
				t.Fatalf("row without vendor, product or number: %+v", r)
			}
		}
		for _, s := range inv.Skipped {
			if s.Reason == "" {
				t.Fatalf("skipped row %d without a reason", s.Row)
			}
		}
	})
}
