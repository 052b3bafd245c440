package model

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// TestSchemaPublished fails when docs/device.schema.json is stale.
// Regenerate it with: go run ./cmd/mdcheck schema > docs/device.schema.json
func TestSchemaPublished(t *testing.T) {
	want, err := os.ReadFile("../../docs/device.schema.json")
	if err != nil {
		t.Fatalf("read published schema: %v", err)
	}
	if got := Schema(); !bytes.Equal(got, want) {
		t.Errorf("docs/device.schema.json is stale; regenerate it with: go run ./cmd/mdcheck schema > docs/device.schema.json")
	}
}

// TestSchemaCoversTypes checks that the schema mirrors the decoder: every
// yaml field of every struct is a property, required fields are listed,
// and enum values match.
func TestSchemaCoversTypes(t *testing.T) {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
		Defs       map[string]struct {
			Properties           map[string]json.RawMessage `json:"properties"`
			Required             []string                   `json:"required"`
			Enum                 []string                   `json:"enum"`
			AdditionalProperties *bool                      `json:"additionalProperties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	check := func(name string, typ reflect.Type, props map[string]json.RawMessage, required []string) {
		var wantReq []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag := f.Tag.Get("yaml")
			if tag == "" || !f.IsExported() {
				continue
			}
			if _, ok := props[tag]; !ok {
				t.Errorf("schema %s lacks property %q", name, tag)
			}
			if f.Tag.Get("required") == "true" {
				wantReq = append(wantReq, tag)
			}
		}
		if len(props) != len(wantReq)+countOptional(typ) {
			t.Errorf("schema %s has %d properties, type has %d fields", name, len(props), len(wantReq)+countOptional(typ))
		}
		if !reflect.DeepEqual(wantReq, required) && !(len(wantReq) == 0 && len(required) == 0) {
			t.Errorf("schema %s required = %v, want %v", name, required, wantReq)
		}
	}
	check("Device", reflect.TypeFor[Device](), s.Properties, s.Required)
	for _, typ := range []reflect.Type{reflect.TypeFor[Component](), reflect.TypeFor[Facts](), reflect.TypeFor[Interface](), reflect.TypeFor[EmergencyAccess]()} {
		def, ok := s.Defs[typ.Name()]
		if !ok {
			t.Fatalf("schema lacks $defs/%s", typ.Name())
		}
		if def.AdditionalProperties == nil || *def.AdditionalProperties {
			t.Errorf("$defs/%s allows additional properties; the decoder refuses them", typ.Name())
		}
		check(typ.Name(), typ, def.Properties, def.Required)
	}
	if got, want := s.Defs["Invasiveness"].Enum, (Invasiveness("")).Values(); !reflect.DeepEqual(got, want) {
		t.Errorf("enum Invasiveness = %v, want %v", got, want)
	}
}

func countOptional(t reflect.Type) int {
	n := 0
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("yaml") != "" && f.IsExported() && f.Tag.Get("required") != "true" {
			n++
		}
	}
	return n
}
