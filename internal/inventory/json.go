package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mdcheck/mdcheck/internal/jsonsafe"
)

// readJSON reads a JSON array of objects, or an object with one member
// holding such an array (as exports wrap them: {"devices": [...]}). Each
// object's members are mapped like a header row; members that are not
// text are kept as their JSON.
func readJSON(name string, data []byte, o Options, fn func(Row) error) (*Inventory, error) {
	if err := jsonsafe.Check(data, 32); err != nil {
		return nil, fmt.Errorf("%w: %s:%v", ErrInvalid, name, err)
	}
	where := func(off int64) string {
		l, c := jsonsafe.LineCol(data, off)
		return fmt.Sprintf("%s:%d:%d", name, l, c)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, where(dec.InputOffset()), err)
	}
	prefix := ""
	if tok == json.Delim('{') {
		// An object: its one member whose value is an array holds the rows.
		for {
			if !dec.More() {
				return nil, fmt.Errorf("%w: %s: an object with no array of devices in it; an inventory is an array of objects", ErrInvalid, where(dec.InputOffset()))
			}
			k, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, where(dec.InputOffset()), err)
			}
			if b, _ := peek(data, dec.InputOffset()); b == '[' {
				prefix = "/" + fmt.Sprint(k)
				if _, err := dec.Token(); err != nil {
					return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, where(dec.InputOffset()), err)
				}
				break
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, where(dec.InputOffset()), err)
			}
		}
	} else if tok != json.Delim('[') {
		return nil, fmt.Errorf("%w: %s: an inventory is an array of objects", ErrInvalid, where(0))
	}
	inv := &Inventory{Format: "JSON", Mapping: map[Field]string{}}
	b := &builder{name: name, inv: inv, emit: fn}
	headers := map[string]header{}
	for i := 0; dec.More(); i++ {
		start := dec.InputOffset()
		pointer := fmt.Sprintf("%s/%d", prefix, i)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: %s: %s: %v", ErrInvalid, where(start), pointer, err)
		}
		names, cells, err := members(raw)
		if err != nil {
			b.skip(i+1, fmt.Sprintf("%s: %s: %v", where(start), pointer, err))
			continue
		}
		key := strings.Join(names, "\x00")
		h, ok := headers[key]
		if !ok {
			var herr error
			var mapped bool
			h, herr, mapped = mapHeader(names, o.Columns)
			if !mapped {
				msg := "no vendor member, or no product, model or description member"
				if herr != nil {
					msg = herr.Error()
				}
				b.skip(i+1, fmt.Sprintf("%s: %s: %s", where(start), pointer, msg))
				continue
			}
			headers[key] = h
			for f, n := range h.mapped {
				inv.Mapping[f] = n
			}
		}
		b.h = h
		at := func(int) string { return fmt.Sprintf("%s: %s", where(start), pointer) }
		if err := b.add(i+1, cells, at); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, where(dec.InputOffset()), err)
	}
	if prefix != "" {
		for dec.More() { // the rest of the wrapping object
			var skip json.RawMessage
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, where(dec.InputOffset()), err)
			}
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, where(dec.InputOffset()), err)
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, where(dec.InputOffset()), err)
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: %s: data after the inventory", ErrInvalid, where(dec.InputOffset()))
	}
	return inv, nil
}

// members reads one object's members in order, each value as text.
func members(raw json.RawMessage) (names, cells []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, fmt.Errorf("not an object")
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if len(names) == MaxColumns {
			return nil, nil, fmt.Errorf("more than %d members", MaxColumns)
		}
		names = append(names, fmt.Sprint(k))
		cells = append(cells, text(v))
	}
	return names, cells, nil
}

// text is a JSON value as a cell: a string's text, null as nothing,
// anything else as its JSON.
func text(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return ""
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) == nil {
		return buf.String()
	}
	return string(v)
}

// peek returns the first byte that is not white space at or after off.
func peek(data []byte, off int64) (byte, bool) {
	for i := int(off); i < len(data); i++ {
		switch data[i] {
		case ' ', '\t', '\r', '\n', ':':
			continue
		}
		return data[i], true
	}
	return 0, false
}
