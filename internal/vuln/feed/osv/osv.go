// Package osv reads OSV records (https://ossf.github.io/osv-schema/).
package osv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Parse reads one OSV record; name is used in messages.
func Parse(name string, data []byte) (*vuln.Record, error) {
	if len(data) > vuln.MaxRecord {
		return nil, fmt.Errorf("%w: %s: record is %d bytes; at most %d", vuln.ErrInvalid, name, len(data), vuln.MaxRecord)
	}
	if err := vuln.CheckJSON(name, data); err != nil {
		return nil, err
	}
	var r vuln.Record
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", vuln.ErrInvalid, name, err)
	}
	switch {
	case r.ID == "":
		return nil, fmt.Errorf("%w: %s: an OSV record needs an id", vuln.ErrInvalid, name)
	case strings.ContainsAny(r.ID, " \t\n/"):
		return nil, fmt.Errorf("%w: %s: bad id %q", vuln.ErrInvalid, name, r.ID)
	}
	return &r, nil
}

// Feed reads OSV records; it takes any JSON the other feeds do not.
var Feed vuln.Feed = feed{}

type feed struct{}

func (feed) Name() string         { return "osv" }
func (feed) Detect(_ []byte) bool { return true }

func (feed) Read(name string, data []byte, y vuln.Yield) error {
	r, err := Parse(name, data)
	if err != nil || y.Record == nil {
		return err
	}
	return y.Record(r, nil)
}
