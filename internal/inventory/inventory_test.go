package inventory

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func read(t *testing.T, name string, data []byte, o Options) *Inventory {
	t.Helper()
	inv, err := Read(name, data, o)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return inv
}

// TestExports: the same rows as exports write them; every one reads to
// the same devices with their identifiers and other columns kept.
func TestExports(t *testing.T) {
	const rows = "Inventar-Nr.;Hersteller;Gerätebezeichnung;Modell;SW-Version;Standort;Seriennummer;Wartung\n" +
		"INV-0042;B. Braun Melsungen AG;Perfusor Space;8713030;695D;Station 3B;SN-77;2026-03-01\n" +
		"INV-0043;Dräger;Infinity Delta;;VF10.1;Intensivstation;;\n"
	utf16 := func(s string, le bool) []byte {
		e := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
		if le {
			e = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
		}
		b, err := e.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	latin1, err := charmap.Windows1252.NewEncoder().Bytes([]byte(rows))
	if err != nil {
		t.Fatal(err)
	}
	title := "Medizingeräte-Export\nErstellt am 01.12.2026\n\n"
	tests := []struct {
		name   string
		data   []byte
		format string
	}{
		{"utf8.csv", []byte(rows), "CSV, UTF-8, delimiter semicolon"},
		{"bom.csv", append([]byte("\xef\xbb\xbf"), rows...), "CSV, UTF-8 with BOM, delimiter semicolon"},
		{"utf16le.csv", utf16(rows, true), "CSV, UTF-16LE, delimiter semicolon"},
		{"utf16be.csv", utf16(rows, false), "CSV, UTF-16BE, delimiter semicolon"},
		{"utf16le-nobom.csv", utf16(rows, true)[2:], "CSV, UTF-16LE, delimiter semicolon"},
		{"latin1.csv", latin1, "CSV, Windows-1252, delimiter semicolon"},
		{"tab.tsv", []byte(strings.ReplaceAll(rows, ";", "\t")), "CSV, UTF-8, delimiter tab"},
		{"comma.csv", []byte(strings.ReplaceAll(rows, ";", ",")), "CSV, UTF-8, delimiter comma"},
		{"titled.csv", []byte(title + rows), "CSV, UTF-8, delimiter semicolon"},
		{"crlf.csv", []byte(strings.ReplaceAll(rows, "\n", "\r\n")), "CSV, UTF-8, delimiter semicolon"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := read(t, tc.name, tc.data, Options{})
			if inv.Format != tc.format {
				t.Errorf("format %q, want %q", inv.Format, tc.format)
			}
			if len(inv.Rows) != 2 || len(inv.Skipped) != 0 {
				t.Fatalf("rows %+v, skipped %+v", inv.Rows, inv.Skipped)
			}
			a, b := inv.Rows[0], inv.Rows[1]
			if a.Vendor != "B. Braun Melsungen AG" || a.Product != "Perfusor Space 8713030" || a.Model != "8713030" || a.Version != "695D" ||
				a.AssetTag != "INV-0042" || a.Location != "Station 3B" || a.Serial != "SN-77" || a.Columns["Wartung"] != "2026-03-01" {
				t.Errorf("first row %+v", a)
			}
			if b.Vendor != "Dräger" || b.Product != "Infinity Delta" || b.Location != "Intensivstation" || len(b.Columns) != 0 {
				t.Errorf("second row %+v", b)
			}
			if inv.Mapping[Vendor] != "Hersteller" || inv.Mapping[Version] != "SW-Version" {
				t.Errorf("mapping %v", inv.Mapping)
			}
		})
	}
}

// TestColumns: an explicit mapping wins over the header names; a mapping
// to a header that is not there is an error naming it.
func TestColumns(t *testing.T) {
	data := []byte("Make,Device Type,Model Name,Firmware Build\nPhilips,Patient monitor,IntelliVue MX450,M.00.03\n")
	inv := read(t, "a.csv", data, Options{})
	if r := inv.Rows[0]; r.Product != "IntelliVue MX450" || r.Version != "M.00.03" && r.Version != "" || r.Columns["Device Type"] != "Patient monitor" {
		t.Errorf("by header names: %+v", r)
	}
	cols, err := ParseColumns("vendor=make, product = Model Name, version=Firmware Build")
	if err != nil {
		t.Fatal(err)
	}
	inv = read(t, "a.csv", data, Options{Columns: cols})
	if r := inv.Rows[0]; r.Vendor != "Philips" || r.Product != "IntelliVue MX450" || r.Version != "M.00.03" {
		t.Errorf("by mapping: %+v", r)
	}
	for _, tc := range []struct{ spec, want string }{
		{"vendor", "each entry is FIELD=HEADER"},
		{"colour=Farbe", `"colour" is not a field`},
		{"vendor=A,vendor=B", "vendor is mapped twice"},
	} {
		if _, err := ParseColumns(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseColumns(%q) = %v, want %q", tc.spec, err, tc.want)
		}
	}
	cols, _ = ParseColumns("version=SW Version")
	if _, err := Read("a.csv", data, Options{Columns: cols}); err == nil || !strings.Contains(err.Error(), "a.csv:1: no column version=SW Version in the header") {
		t.Errorf("a mapping to a missing header: %v", err)
	}
}

// TestBadRows: a bad row is skipped with its row number and why; the
// rest of the file is read.
func TestBadRows(t *testing.T) {
	data := "vendor,product,version\n" +
		"Philips,IntelliVue MX450,M.00\n" +
		",Alaris 8015,9.33\n" +
		"BD,,9.33\n" +
		"BD,\"Alaris " + strings.Repeat("x", MaxCell) + "\",1\n" +
		"BD,Alaris \"PC\" Unit,9.33\n" +
		"\n" +
		"GE,CARESCAPE B450,2.0\n"
	inv := read(t, "a.csv", []byte(data), Options{})
	var got []int
	for _, r := range inv.Rows {
		got = append(got, r.Row)
	}
	if len(inv.Rows) != 3 || got[0] != 2 || got[1] != 6 || got[2] != 8 {
		t.Errorf("rows %v (%+v)", got, inv.Rows)
	}
	want := []Skipped{{3, "a.csv:3:1: no vendor"}, {4, "no product, model or description"}, {5, "a.csv:5:4: a cell longer than 4096 bytes"}}
	if len(inv.Skipped) != len(want) {
		t.Fatalf("skipped %+v", inv.Skipped)
	}
	for i, s := range inv.Skipped {
		if s != want[i] {
			t.Errorf("skipped %d = %+v, want %+v", i, s, want[i])
		}
	}
}

func TestNoHeader(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"empty.csv", "", "no header row naming a vendor column"},
		{"nohead.csv", "Philips,IntelliVue,1\n", "no header row naming a vendor column"},
		{"vendoronly.csv", "Vendor,Colour\nA,red\n", "no header row"},
		{"binary.csv", "\x00\x01\x02\x03\x00\x05\x00\xff", "not a text file"},
		{"bad.json", `[{"vendor": "A", "product": "B"}] x`, "data after the inventory"},
		{"obj.json", `{"count": 2}`, "no array of devices"},
	} {
		if _, err := Read(tc.name, []byte(tc.data), Options{}); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: %v, want an error naming the file and saying %q", tc.name, err, tc.want)
		}
	}
}

func TestJSON(t *testing.T) {
	data := `{"exported": "2026-12-01", "devices": [
  {"Manufacturer": "Philips", "Model": "IntelliVue MX450", "Software Version": "M.00", "Asset ID": 1042, "Location": {"ward": "ICU"}},
  {"Manufacturer": "BD", "Product": "Alaris PC Unit", "Model": "8015", "Software Version": null},
  {"Colour": "red"},
  [1, 2]
], "more": true}`
	inv := read(t, "a.json", []byte(data), Options{})
	if len(inv.Rows) != 2 || len(inv.Skipped) != 2 {
		t.Fatalf("rows %+v skipped %+v", inv.Rows, inv.Skipped)
	}
	a, b := inv.Rows[0], inv.Rows[1]
	if a.Product != "IntelliVue MX450" || a.AssetTag != "1042" || a.Location != `{"ward":"ICU"}` || a.Row != 1 {
		t.Errorf("first %+v", a)
	}
	if b.Product != "Alaris PC Unit 8015" || b.Model != "8015" || b.Version != "" || b.Row != 2 {
		t.Errorf("second %+v", b)
	}
	if !strings.Contains(inv.Skipped[0].Reason, "/devices/2") || !strings.Contains(inv.Skipped[1].Reason, "/devices/3: not an object") {
		t.Errorf("skipped %+v", inv.Skipped)
	}
}

func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Notes")
	f.SetCellValue("Notes", "A1", "nothing here")
	if _, err := f.NewSheet("Devices"); err != nil {
		t.Fatal(err)
	}
	for cell, v := range map[string]any{
		"A1": "Medical device list", "A3": "Asset Tag", "B3": "Manufacturer", "C3": "Model", "D3": "Firmware", "E3": "Room",
		"A4": 7001, "B4": "Medtronic", "C4": "MiniMed 600", "D4": "4.1", "E4": "3.12",
		"A5": 7002, "B5": "", "C5": "CareLink", "D5": "1.0",
	} {
		f.SetCellValue("Devices", cell, v)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	inv := read(t, "a.xlsx", buf.Bytes(), Options{})
	if inv.Format != "XLSX, sheet Devices" || len(inv.Rows) != 1 || inv.Rows[0].AssetTag != "7001" || inv.Rows[0].Row != 4 || inv.Rows[0].Location != "3.12" {
		t.Fatalf("%s: rows %+v", inv.Format, inv.Rows)
	}
	if len(inv.Skipped) != 1 || inv.Skipped[0].Reason != "a.xlsx: sheet Devices cell B5: no vendor" {
		t.Errorf("skipped %+v", inv.Skipped)
	}
	if _, err := Read("a.xlsx", buf.Bytes(), Options{Sheet: "Assets"}); err == nil || !strings.Contains(err.Error(), `no sheet "Assets"; the sheets are Notes, Devices`) {
		t.Errorf("unknown sheet: %v", err)
	}
}

// TestCSVRowBound: a row is bounded as a whole, line breaks and doubled
// quotes inside quoted cells included, and the error names its first line.
func TestCSVRowBound(t *testing.T) {
	long := strings.Repeat("x", MaxRow)
	ok := "vendor,product,version,site\n" +
		"\"Acme \"\"Medical\"\"\",\"Pump\nmodel 2\",1.0,\"" + strings.Repeat("y\"\"", 1300) + "\"\n" +
		"A,B,1," + long[:4000] + "\n"
	inv, err := Read("ok.csv", []byte(ok), Options{})
	if err != nil || len(inv.Rows) != 2 || inv.Rows[0].Vendor != `Acme "Medical"` || inv.Rows[0].Product != "Pump\nmodel 2" {
		t.Fatalf("rows %+v, %v", inv, err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"line", "vendor,product,version\nA,B,1\nA,B," + long + "\n", "invalid inventory: line.csv:3:1: row is longer than 65536 bytes"},
		{"quoted", "vendor,product,version\nA,B,1\n\nA,B,\"" + strings.Repeat("z\n", MaxRow/2+1) + "\"\n", "invalid inventory: quoted.csv:4:1: row is longer than 65536 bytes"},
	} {
		_, err := Read(tc.name+".csv", []byte(tc.data), Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
	}
}
