package advisory

import (
	"strings"
	"testing"
)

func TestReadInventory(t *testing.T) {
	csv := "\ufeffVendor, Product ,version,site\nPhilips,IntelliVue MX450,M.00,ICU\n\n\"BD\",\"Alaris PC Unit, Model 8015\",9.33.1,\n"
	rows, err := ReadInventory("inv.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Vendor != "Philips" || rows[0].Site != "ICU" || rows[1].Product != "Alaris PC Unit, Model 8015" || rows[1].Line != 4 {
		t.Errorf("rows = %+v", rows)
	}
	js := `[{"vendor": "Philips", "product": "IntelliVue MX450", "version": "M.00", "serial": "DE1"},
  {"vendor": "BD", "product": "Alaris", "version": ""}]`
	rows, err = ReadInventory("inv.json", []byte(js))
	if err != nil || len(rows) != 2 || rows[0].Serial != "DE1" || rows[1].Line != 1 {
		t.Fatalf("JSON rows = %+v, %v", rows, err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"a.csv", "", "a.csv: empty"},
		{"a.csv", "vendor,product\nA,B\n", "a.csv:1: no version column"},
		{"a.csv", "vendor,product,version,colour\n", "a.csv:1:4: unknown column \"colour\""},
		{"a.csv", "vendor,product,version\nA,,1\n", "a.csv:2:2: product is empty"},
		{"a.csv", "vendor,product,version\nA,\"B,1\n", "a.csv:2:"},
		{"a.json", `[{"vendor": "A", "product": "B", "version": 1}]`, "a.json:1:2: /0: json: cannot unmarshal number"},
		{"a.json", "[\n {\"vendor\": \"A\", \"prodct\": \"B\"}]", "a.json:2:2: /0: json: unknown field \"prodct\""},
		{"a.json", `[{"vendor": "A"}]`, "/0/product: missing or empty"},
		{"a.json", `[{"vendor": "A", "product": "B"}] x`, "data after the array"},
		{"a.json", `[{"vendor": "A", "product": "B"}`, "a.json:1:"},
		{"a.csv", "vendor,product,version\nA," + strings.Repeat("b", maxCell+1) + ",1\n", "a.csv:2:3: product is longer"},
	} {
		if _, err := ReadInventory(tc.name, []byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadInventory(%q) = %v, want an error with %q", tc.data, err, tc.want)
		}
	}
}

// TestCSVRowBound: a row is bounded as a whole, line breaks and doubled
// quotes inside quoted cells included, and the error names its first line.
func TestCSVRowBound(t *testing.T) {
	long := strings.Repeat("x", MaxRow)
	ok := "vendor,product,version,site\n" +
		"\"Acme \"\"Medical\"\"\",\"Pump\nmodel 2\",1.0,\"" + strings.Repeat("y\"\"", 1300) + "\"\n" +
		"A,B,1," + long[:4000] + "\n"
	rows, err := ReadInventory("ok.csv", []byte(ok))
	if err != nil || len(rows) != 2 || rows[0].Vendor != `Acme "Medical"` || rows[0].Product != "Pump\nmodel 2" {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"line", "vendor,product,version\nA,B,1\nA,B," + long + "\n", "line.csv:3:1: row is longer than 65536 bytes"},
		{"last-line", "vendor,product,version\nA,B," + long, "last-line.csv:2:1: row is longer than 65536 bytes"},
		{"quoted", "vendor,product,version\nA,B,1\n\nA,B,\"" + strings.Repeat("z\n", MaxRow/2+1) + "\"\n", "quoted.csv:4:1: row is longer than 65536 bytes"},
		{"header", long + "x\n", "header.csv:1:1: row is longer than 65536 bytes"},
	} {
		_, err := ReadInventory(tc.name+".csv", []byte(tc.data))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
	}
}
