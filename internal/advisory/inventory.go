package advisory

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mdcheck/mdcheck/internal/jsonsafe"
)

// Row is one device of an inventory.
type Row struct {
	Device
	Site   string `json:"site,omitempty"`
	Serial string `json:"serial,omitempty"`
	ID     string `json:"id,omitempty"`
	// Line is the row's line in a CSV file, its index in a JSON array.
	Line int `json:"-"`
}

// Bounds on an inventory.
const (
	MaxInventory = 64 << 20
	maxRows      = 250_000
	maxCell      = 4096
	// MaxRow bounds one CSV row in bytes, quotes and line breaks inside
	// quoted cells included: room for every column at its longest cell
	// with every character quoted.
	MaxRow = 64 << 10
)

var inventoryColumns = []string{"vendor", "product", "version", "site", "serial", "id"}

// ReadInventory reads an inventory: CSV with a header row naming the
// columns vendor, product and version (and optionally site, serial, id),
// or a JSON array of objects with those members. name is used in
// messages, which say where (line and column, or JSON pointer) and what.
func ReadInventory(name string, data []byte) ([]Row, error) {
	if len(data) > MaxInventory {
		return nil, fmt.Errorf("%s: %d bytes; an inventory may be at most %d", name, len(data), MaxInventory)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf"))
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return readJSONInventory(name, trimmed)
	}
	return readCSVInventory(name, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
}

func readCSVInventory(name string, data []byte) ([]Row, error) {
	if line, err := csvRowBound(data, MaxRow); err != nil {
		return nil, fmt.Errorf("%s:%d:1: %w", name, line, err)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty; an inventory starts with a header row: vendor,product,version", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(inventoryColumns, h) {
			return nil, fmt.Errorf("%s:1:%d: unknown column %q; the columns are %s", name, i+1, clipWords(h, 80), strings.Join(inventoryColumns, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("%s:1:%d: column %q twice", name, i+1, h)
		}
		col[h] = i
	}
	for _, need := range []string{"vendor", "product", "version"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s:1: no %s column; the header must name vendor, product and version", name, need)
		}
	}
	var rows []Row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rows) == maxRows {
			return nil, fmt.Errorf("%s:%d: more than %d rows", name, line, maxRows)
		}
		cell := func(c string) (string, error) {
			i, ok := col[c]
			if !ok || i >= len(rec) {
				return "", nil
			}
			v := strings.TrimSpace(rec[i])
			if len(v) > maxCell {
				_, cn := r.FieldPos(i)
				return "", fmt.Errorf("%s:%d:%d: %s is longer than %d bytes", name, line, cn, c, maxCell)
			}
			return v, nil
		}
		var row Row
		row.Line = line
		for _, f := range []struct {
			c string
			p *string
		}{{"vendor", &row.Vendor}, {"product", &row.Product}, {"version", &row.Version}, {"site", &row.Site}, {"serial", &row.Serial}, {"id", &row.ID}} {
			v, err := cell(f.c)
			if err != nil {
				return nil, err
			}
			*f.p = v
		}
		for _, need := range []string{"vendor", "product"} {
			if v, _ := cell(need); v == "" {
				return nil, fmt.Errorf("%s:%d:%d: %s is empty", name, line, col[need]+1, need)
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// csvRowBound finds the first CSV row of data longer than max bytes and
// returns its first line, before a CSV reader buffers the row whole. A
// row ends at a line break outside quotes; quotes toggle whether a line
// break is inside a cell (a doubled quote toggles twice), which follows
// the quoting of every file a strict CSV reader accepts.
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

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %v", name, err)
}

func readJSONInventory(name string, data []byte) ([]Row, error) {
	if err := jsonsafe.Check(data, 32); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	where := func(off int64) string {
		l, c := jsonsafe.LineCol(data, off)
		return fmt.Sprintf("%s:%d:%d", name, l, c)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: %v", where(dec.InputOffset()), err)
	}
	var rows []Row
	for i := 0; dec.More(); i++ {
		if i == maxRows {
			return nil, fmt.Errorf("%s: /%d: more than %d rows", where(dec.InputOffset()), i, maxRows)
		}
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s: /%d: %v", where(start), i, err)
		}
		var row Row
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&row); err != nil {
			return nil, fmt.Errorf("%s: /%d: %v", where(start), i, err)
		}
		for _, f := range []struct {
			c, v string
		}{{"vendor", row.Vendor}, {"product", row.Product}, {"version", row.Version}, {"site", row.Site}, {"serial", row.Serial}, {"id", row.ID}} {
			if len(f.v) > maxCell {
				return nil, fmt.Errorf("%s: /%d/%s: longer than %d bytes", where(start), i, f.c, maxCell)
			}
			if (f.c == "vendor" || f.c == "product") && strings.TrimSpace(f.v) == "" {
				return nil, fmt.Errorf("%s: /%d/%s: missing or empty", where(start), i, f.c)
			}
		}
		row.Line = i
		rows = append(rows, row)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: %v", where(dec.InputOffset()), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: data after the array", where(dec.InputOffset()))
	}
	return rows, nil
}
