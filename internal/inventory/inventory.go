// Package inventory reads the device inventories hospitals export from
// their asset-management (CMMS) and network-discovery systems: CSV in
// whatever delimiter and encoding the export used, XLSX sheets and JSON,
// with columns found by the names such exports give them, every other
// column kept, and a bad row reported and skipped rather than the file
// refused.
package inventory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/advisory"
)

// Row is one device of an inventory.
type Row struct {
	advisory.Device
	// Row is where the row is: its line in a CSV file, its row in a
	// sheet, its position (from 1) in a JSON array.
	Row int `json:"row"`
	// Model and Description are the model and description cells, where
	// the inventory has them beside a product name; Device.Product joins
	// what identifies the device.
	Model       string `json:"model,omitempty"`
	Description string `json:"description,omitempty"`
	AssetTag    string `json:"assetTag,omitempty"`
	Serial      string `json:"serial,omitempty"`
	UDI         string `json:"udi,omitempty"`
	Location    string `json:"location,omitempty"`
	// Platform is the operating system or platform column, if any.
	Platform string `json:"platform,omitempty"`
	// Columns holds every other column of the row, by its header.
	Columns map[string]string `json:"columns,omitempty"`
}

// Skipped is a row that could not be read, and why.
type Skipped struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

// Inventory is an inventory as read.
type Inventory struct {
	// Rows are the rows read, when Read collected them (Scan hands each
	// to its function instead); Count counts them either way.
	Rows    []Row
	Count   int
	Skipped []Skipped
	// Format says what was read: "CSV, UTF-8, delimiter ';'", "XLSX,
	// sheet Devices", "JSON".
	Format string
	// Mapping says which header each field was read from.
	Mapping map[Field]string
}

// Options steer the reading.
type Options struct {
	// Columns maps fields to the headers they are read from, before the
	// usual header names are looked for.
	Columns map[Field]string
	// Sheet names the XLSX sheet to read; by default the first with a
	// header row.
	Sheet string
}

// Bounds on an inventory.
const (
	// MaxFile is the largest inventory file read.
	MaxFile = 64 << 20
	// MaxRows bounds the rows read.
	MaxRows = 250_000
	// MaxCell bounds one cell, in bytes.
	MaxCell = 4096
	// MaxColumns bounds the columns of a row.
	MaxColumns = 256
	// MaxRow bounds one CSV row in bytes, quotes and line breaks inside
	// quoted cells included.
	MaxRow = 64 << 10
	// headerRows is how far down the header row is looked for: exports
	// often start with a title and a date.
	headerRows = 20
	// maxSkipped bounds the skipped rows listed one by one.
	maxSkipped = 1000
)

// ErrInvalid marks an inventory that cannot be read at all.
var ErrInvalid = errors.New("invalid inventory")

// Read reads an inventory: an XLSX workbook, a JSON array of objects (or
// an object holding one), or CSV. name is used in messages, which say
// where (line and column, sheet and cell, JSON pointer) and what.
func Read(name string, data []byte, o Options) (*Inventory, error) {
	var rows []Row
	inv, err := Scan(name, data, o, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	if inv != nil {
		inv.Rows = rows
	}
	return inv, err
}

// Scan reads an inventory as Read does, handing each row to fn as it is
// read rather than keeping them: a large inventory costs no more memory
// than its file. An error from fn stops the reading and is returned.
func Scan(name string, data []byte, o Options, fn func(Row) error) (*Inventory, error) {
	if len(data) > MaxFile {
		return nil, fmt.Errorf("%w: %s: %d bytes; an inventory may be at most %d", ErrInvalid, name, len(data), MaxFile)
	}
	if isZip(data) {
		return readXLSX(name, data, o, fn)
	}
	// JSON is UTF-8 (RFC 8259): it is read as it is, and jsonsafe names
	// the offset of any byte that is not.
	if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n"); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return readJSON(name, t, o, fn)
	}
	text, enc, err := decodeText(data, MaxFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
	}
	if bytes.IndexByte(text, 0) >= 0 {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, errNotText)
	}
	return readCSV(name, text, enc, o, fn)
}

// builder turns header-mapped cells into rows, each handed to emit.
type builder struct {
	name string
	h    header
	inv  *Inventory
	emit func(Row) error
}

func (b *builder) skip(row int, reason string) {
	if len(b.inv.Skipped) < maxSkipped {
		b.inv.Skipped = append(b.inv.Skipped, Skipped{Row: row, Reason: reason})
	}
}

// add reads one row of cells; where names a cell for messages.
func (b *builder) add(row int, cells []string, where func(col int) string) error {
	blank := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			blank = false
			break
		}
	}
	if blank {
		return nil
	}
	if b.inv.Count == MaxRows {
		return fmt.Errorf("%w: %s: more than %d rows", ErrInvalid, where(0), MaxRows)
	}
	if len(cells) > MaxColumns {
		b.skip(row, fmt.Sprintf("%d columns; a row may have at most %d", len(cells), MaxColumns))
		return nil
	}
	for i, c := range cells {
		if len(c) > MaxCell {
			b.skip(row, fmt.Sprintf("%s: a cell longer than %d bytes", where(i), MaxCell))
			return nil
		}
	}
	get := func(f Field) string {
		i, ok := b.h.col[f]
		if !ok || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	r := Row{Row: row, Model: get(Model), Description: get(Description), AssetTag: get(AssetTag), Serial: get(Serial),
		UDI: get(UDI), Location: get(Location), Platform: get(Platform)}
	r.Vendor, r.Version = get(Vendor), get(Version)
	r.Product = productOf(get(Product), r.Model, r.Description)
	switch {
	case get(Product) == "" && r.Model != "":
		r.Model = "" // the model is the product: said once
	case get(Product) == "":
		r.Description = "" // so is the description
	}
	mapped := map[int]bool{}
	for _, i := range b.h.col {
		mapped[i] = true
	}
	for i, c := range cells {
		if mapped[i] || strings.TrimSpace(c) == "" {
			continue
		}
		h := ""
		if i < len(b.h.names) {
			h = b.h.names[i]
		}
		if h == "" {
			h = fmt.Sprintf("column %d", i+1)
		}
		if r.Columns == nil {
			r.Columns = map[string]string{}
		}
		r.Columns[h] = strings.TrimSpace(c)
	}
	switch {
	case r.Vendor == "":
		b.skip(row, where(b.h.col[Vendor])+": no vendor")
		return nil
	case r.Product == "":
		b.skip(row, "no product, model or description")
		return nil
	}
	b.inv.Count++
	return b.emit(r)
}

// productOf is what identifies the device: the product name, with the
// model where the model is not already in it; the model alone; or, with
// neither, the description.
func productOf(product, model, description string) string {
	switch {
	case product != "" && model != "" && !strings.Contains(strings.ToLower(product), strings.ToLower(model)):
		return product + " " + model
	case product != "":
		return product
	case model != "":
		return model
	}
	return description
}

// readCSV reads delimited text: the delimiter is the one of comma,
// semicolon, tab and bar the header row uses most; the header is the
// first row within the first rows that names a vendor and a product.
func readCSV(name string, text []byte, enc string, o Options, fn func(Row) error) (*Inventory, error) {
	if line, err := csvRowBound(text, MaxRow); err != nil {
		return nil, fmt.Errorf("%w: %s:%d:1: %v", ErrInvalid, name, line, err)
	}
	delim := sniffDelimiter(text)
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	inv := &Inventory{Format: fmt.Sprintf("CSV, %s, delimiter %s", enc, delimName(delim))}
	b := &builder{name: name, inv: inv, emit: fn}
	found := false
	var firstErr error
	lastLine := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if pe.Line == lastLine { // no progress: stop rather than loop
				return nil, fmt.Errorf("%w: %s:%d:%d: %v", ErrInvalid, name, pe.Line, pe.Column, pe.Err)
			}
			lastLine = pe.Line
			if !found {
				return nil, fmt.Errorf("%w: %s:%d:%d: %v", ErrInvalid, name, pe.Line, pe.Column, pe.Err)
			}
			b.skip(pe.StartLine, fmt.Sprintf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
		}
		lastLine = line
		if !found {
			if line > headerRows {
				break
			}
			h, err, ok := mapHeader(rec, o.Columns)
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("%w: %s:%d: %v", ErrInvalid, name, line, err)
			}
			if ok {
				b.h, found = h, true
				inv.Mapping = h.mapped
			}
			continue
		}
		where := func(col int) string {
			l, c := r.FieldPos(min(col, len(rec)-1))
			return fmt.Sprintf("%s:%d:%d", name, l, c)
		}
		if err := b.add(line, rec, where); err != nil {
			return nil, err
		}
	}
	if !found {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, fmt.Errorf("%w: %s: no header row naming a vendor column (vendor, manufacturer, Hersteller, …) and a product, model or description column in its first %d rows; name the columns with --columns vendor=HEADER,product=HEADER", ErrInvalid, name, headerRows)
	}
	return inv, nil
}

// sniffDelimiter picks the delimiter of comma, semicolon, tab and bar
// that one of the first lines (where the header is) uses most often,
// outside quotes; comma when none occurs. A title line above the header
// has none, so the header decides.
func sniffDelimiter(text []byte) rune {
	best, most := ',', 0
	counts := map[rune]int{}
	quoted, lines := false, 0
	end := func() {
		for _, c := range []rune{',', ';', '\t', '|'} {
			if counts[c] > most {
				best, most = c, counts[c]
			}
		}
		clear(counts)
		lines++
	}
	for _, c := range string(text[:min(len(text), 4*MaxRow)]) {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			if end(); lines == headerRows {
				return best
			}
		case !quoted && (c == ',' || c == ';' || c == '\t' || c == '|'):
			counts[c]++
		}
	}
	end()
	return best
}

func delimName(c rune) string {
	switch c {
	case '\t':
		return "tab"
	case ';':
		return "semicolon"
	case '|':
		return "bar"
	}
	return "comma"
}

// csvRowBound finds the first CSV row of data longer than max bytes and
// returns its first line, before a CSV reader buffers the row whole. A
// row ends at a line break outside quotes; quotes toggle whether a line
// break is inside a cell (a doubled quote toggles twice).
func csvRowBound(data []byte, max int) (int, error) {
	line, rowLine, start, quoted := 1, 1, 0, false
	for i, c := range data {
		if i-start > max {
			return rowLine, fmt.Errorf("row is longer than %d bytes", max)
		}
		switch c {
		case '"':
			quoted = !quoted
		case '\n':
			line++
			if !quoted {
				start, rowLine = i+1, line
			}
		}
	}
	return 0, nil
}

// MappingText says which header each field was read from, for messages.
func (inv *Inventory) MappingText() string {
	var parts []string
	for _, f := range Fields {
		if h, ok := inv.Mapping[f]; ok {
			parts = append(parts, fmt.Sprintf("%s=%s", f, h))
		}
	}
	return strings.Join(parts, ", ")
}
