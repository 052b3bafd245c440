package cli

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestInventoryMatch matches a small hospital inventory against the
// built-in snapshot (CISA's ICSMA advisories and KEV).
func TestInventoryMatch(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(dir, "inventory.csv")
	if err := os.WriteFile(inv, []byte(`vendor,product,version,site,serial,id
Phillips,IntelliSpace Portal 8.0.x,8.0,Radiology,,IT-7
BD,Alaris PC Unit Model 8015,9.33.1,Ward 5,A17,
Philips Healthcare,IntelliVue MX450,M.00,ICU-3,DE1234,
Acme Medical,Widget,1.0,,,
`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "inventory", "match", "-f", "json", inv)
	if code != ExitOK || !strings.Contains(errs, "built-in snapshot") {
		t.Fatalf("inventory match: exit %d\n%s", code, errs)
	}
	var doc struct {
		SchemaVersion string
		Rows          []struct {
			Row                                                  int
			Vendor, Product, Version, Location, Serial, AssetTag string
			Matches                                              []struct {
				Advisory, Confidence, Reason string
				CVEs, KEV                    []string
			}
		}
		Summary struct {
			Source  string
			Columns map[string]string
			Rows    int
			Matched map[string]int
		}
		Database struct{ Path string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	res := doc.Rows
	if doc.SchemaVersion != "3" || doc.Database.Path != "built-in snapshot" {
		t.Errorf("schemaVersion %q, database %q", doc.SchemaVersion, doc.Database.Path)
	}
	if len(res) != 4 || res[0].Product != "IntelliSpace Portal 8.0.x" || res[0].AssetTag != "IT-7" || res[0].Location != "Radiology" || res[0].Row != 2 || res[3].Vendor != "Acme Medical" {
		t.Fatalf("rows out of order or lost: %+v", res)
	}
	if s := doc.Summary; s.Rows != 4 || s.Source != "CSV, UTF-8, delimiter comma" || s.Columns["assetTag"] != "id" || s.Matched["high"] != 2 || s.Matched["medium"] != 1 {
		t.Errorf("summary %+v", s)
	}
	find := func(i int, id string) (string, []string, []string) {
		for _, m := range res[i].Matches {
			if m.Advisory == id {
				return m.Confidence, m.CVEs, m.KEV
			}
		}
		return "", nil, nil
	}
	// EternalBlue, in CISA's KEV catalog, is among ICSMA-18-058-02's CVEs.
	if conf, cves, kev := find(0, "ICSMA-18-058-02"); conf != "high" || !slices.Contains(cves, "CVE-2017-0143") || !slices.Contains(kev, "CVE-2017-0143") {
		t.Errorf("IntelliSpace Portal: %s %v KEV %v, want high (the advisory also writes Phillips) with CVE-2017-0143 known exploited", conf, cves, kev)
	}
	if conf, _, _ := find(1, "ICSMA-20-317-01"); conf != "high" {
		t.Errorf("Alaris PC Unit 8015: %s on ICSMA-20-317-01, want high", conf)
	}
	if conf, _, _ := find(2, "ICSMA-20-254-01"); conf != "medium" {
		t.Errorf("IntelliVue MX450: %s on ICSMA-20-254-01, want medium (model range)", conf)
	}
	if len(res[3].Matches) != 0 {
		t.Errorf("an unknown vendor matched: %+v", res[3].Matches)
	}
	_, out, _ = run(t, "inventory", "match", inv)
	for _, want := range []string{"row 2: Phillips IntelliSpace Portal 8.0.x 8.0 (asset IT-7, at Radiology)", "HIGH         ICSMA-18-058-02", "known exploited: ", "4 devices:", "1 devices with none", "Read CSV, UTF-8, delimiter comma; columns vendor=vendor, product=product, version=version, assetTag=id, serial=serial, location=site"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("vendor,product,version\nPhilips,,1\nBD,Alaris PC Unit Model 8015,9.33.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run(t, "inventory", "match", bad); code != ExitOK || !strings.Contains(errs, "bad.csv: row 2 skipped: no product, model or description") || !strings.Contains(out, "1 rows skipped") {
		t.Errorf("a bad row: exit %d, %q", code, errs)
	}
	// A platform past its vendor's end of support is flagged, whether a
	// column names it or the product's words.
	plat := filepath.Join(dir, "platform.csv")
	if err := os.WriteFile(plat, []byte("Manufacturer;Device;OS\nAcme Medical;Central station Windows XP Embedded;\nAcme Medical;Gateway;Windows Server 2019\nAcme Medical;Viewer;CentOS 7.9\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "inventory", "match", "-f", "json", plat)
	var pd struct {
		Rows []struct {
			PlatformSupport *struct {
				Platform, EndOfSupport, Source, From string
				Ended                                bool
			}
		}
		Summary struct{ UnsupportedPlatforms int }
	}
	if err := json.Unmarshal([]byte(out), &pd); code != ExitOK || err != nil || len(pd.Rows) != 3 {
		t.Fatalf("platforms: exit %d, %v\n%s", code, err, errs)
	}
	if p := pd.Rows[0].PlatformSupport; p == nil || p.Platform != "Windows XP Embedded" || p.EndOfSupport != "2016-01-12" || !p.Ended || p.From != "product" || p.Source == "" {
		t.Errorf("XP Embedded in the product: %+v", p)
	}
	if p := pd.Rows[1].PlatformSupport; p == nil || p.Platform != "Windows Server 2019" || p.Ended || p.From != "platform column" {
		t.Errorf("Windows Server 2019 in the OS column: %+v", p)
	}
	if p := pd.Rows[2].PlatformSupport; p == nil || p.Platform != "CentOS 7" || !p.Ended {
		t.Errorf("CentOS 7: %+v", p)
	}
	if pd.Summary.UnsupportedPlatforms != 2 {
		t.Errorf("summary counts %d unsupported platforms, want 2", pd.Summary.UnsupportedPlatforms)
	}
	if _, out, _ := run(t, "inventory", "match", plat); !strings.Contains(out, "PLATFORM     Windows XP Embedded: vendor support ended 2016-01-12") || !strings.Contains(out, "2 devices on a platform past its vendor's end of support") {
		t.Errorf("table:\n%s", out)
	}
	cols := filepath.Join(dir, "cols.csv")
	if err := os.WriteFile(cols, []byte("Firma;Gerät;Stand\nBD;Alaris PC Unit Model 8015;9.33.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "inventory", "match", cols); code != ExitInput || !strings.Contains(errs, "no header row naming a vendor column") {
		t.Errorf("unknown headers: exit %d, %q", code, errs)
	}
	if code, out, errs := run(t, "inventory", "match", "--columns", "vendor=Firma,version=Stand", cols); code != ExitOK || !strings.Contains(out, "ICSMA-20-317-01") {
		t.Errorf("--columns: exit %d, %q\n%s", code, errs, out)
	}
	if code, _, errs := run(t, "inventory", "match", "--columns", "colour=Farbe", cols); code != ExitInput || !strings.Contains(errs, `"colour" is not a field`) {
		t.Errorf("bad --columns: exit %d, %q", code, errs)
	}
	if code, _, errs := run(t, "inventory", "match", "-f", "xml", inv); code != ExitInput || !strings.Contains(errs, "--format") {
		t.Errorf("bad format: exit %d, %q", code, errs)
	}
}

// TestHostileInventoryMemory matches the largest inventories accepted, in
// a child process whose peak memory is measured: 250,000 rows of one
// device that matches, and a 64 MiB file of short rows (refused past the
// row bound).
func TestHostileInventoryMemory(t *testing.T) {
	t.Parallel() // a child process of its own: it overlaps the others
	bin, dir := buildBinary(t)
	write := func(name, head, row string, n int) string {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; i < n && b.Len()+len(row) <= 64<<20; i++ {
			b.WriteString(row)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	many := write("many.csv", "vendor,product,version,site\n", "BD,Alaris PC Unit Model 8015,9.33.1,Ward 5\n", 250_000)
	measure(t, ExitOK, bin, "inventory", "match", "-f", "json", many)
	short := write("short.csv", "vendor,product,version\n", "a,b,1\n", 1<<30)
	if errs := measure(t, ExitInput, bin, "inventory", "match", short); !strings.Contains(errs, "more than 250000 rows") {
		t.Errorf("stderr %q", errs)
	}
	// One 60 MB line, and one 60 MB quoted cell over many short lines: each
	// is refused while it is read, before the CSV reader buffers it.
	long := write("long-line.csv", "vendor,product,version\nBD,Alaris,", "x", 60<<20)
	if errs := measure(t, ExitInput, bin, "inventory", "match", long); !strings.Contains(errs, "long-line.csv:2:1: row is longer than") {
		t.Errorf("stderr %q", errs)
	}
	quoted := write("long-cell.csv", "vendor,product,version\nBD,Alaris,\"", "xxxxxxxxxxxxxxx\n", 4<<20)
	if errs := measure(t, ExitInput, bin, "inventory", "match", quoted); !strings.Contains(errs, "long-cell.csv:2:1: row is longer than") {
		t.Errorf("stderr %q", errs)
	}
	// UTF-16 at the size bound: decoded, bounded, and read.
	var u strings.Builder
	u.WriteString("\ufeffvendor;product;version\n")
	for u.Len() < 30<<20 {
		u.WriteString("BD;Alaris PC Unit Model 8015;9.33.1\n")
	}
	u16 := utf16.Encode([]rune(u.String()))
	b := make([]byte, 2*len(u16))
	for i, c := range u16 {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	wide := filepath.Join(dir, "wide.csv")
	if err := os.WriteFile(wide, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if errs := measure(t, ExitInput, bin, "inventory", "match", wide); !strings.Contains(errs, "more than 250000 rows") {
		t.Errorf("stderr %q", errs)
	}
	// A workbook of 100,000 rows of 8 columns: rows are streamed, so
	// memory does not grow with them (250,000 took 263 MiB when they were
	// kept; reading a workbook twice costs some 6 s per 100,000 rows, so
	// the CSV case above stands for the row bound).
	book := filepath.Join(dir, "many.xlsx")
	writeWorkbook(t, book, []string{"Manufacturer", "Model", "Software version", "Asset tag", "Location", "Serial", "Notes", "Extra"},
		[]string{"BD", "Alaris PC Unit Model 8015", "9.33.1", "A-7", "Ward 5", "SN", "checked", "x"}, 100_000)
	measure(t, ExitOK, bin, "inventory", "match", "-f", "json", "-o", filepath.Join(dir, "many.json"), book)
}

// writeWorkbook writes a minimal .xlsx whose one sheet holds header and
// then n copies of row, as inline strings: quicker than a spreadsheet
// library for a quarter of a million rows.
func writeWorkbook(t *testing.T, path string, header, row []string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			t.Fatal(err)
		}
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Devices" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	line := func(r int, cells []string) {
		fmt.Fprintf(bw, `<row r="%d">`, r)
		for i, c := range cells {
			fmt.Fprintf(bw, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, r, c)
		}
		bw.WriteString(`</row>`)
	}
	line(1, header)
	for i := 0; i < n; i++ {
		line(i+2, row)
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
}
