package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mdcheck/mdcheck/internal/model"
)

// TestSchemaPublished fails when docs/device.schema.json is stale.
// Regenerate it with: go run ./cmd/mdcheck schema > docs/device.schema.json
func TestSchemaPublished(t *testing.T) {
	want, err := os.ReadFile("../../../docs/device.schema.json")
	if err != nil {
		t.Fatalf("read published schema: %v", err)
	}
	if got := Schema(); !bytes.Equal(got, want) {
		t.Errorf("docs/device.schema.json is stale; regenerate it with: go run ./cmd/mdcheck schema > docs/device.schema.json")
	}
}

// TestDispositionsSchemaPublished fails when docs/dispositions.schema.json
// is stale. Regenerate it with:
// go run ./cmd/mdcheck schema dispositions > docs/dispositions.schema.json
func TestDispositionsSchemaPublished(t *testing.T) {
	want, err := os.ReadFile("../../../docs/dispositions.schema.json")
	if err != nil {
		t.Fatalf("read published schema: %v", err)
	}
	if got := DispositionsSchema(); !bytes.Equal(got, want) {
		t.Errorf("docs/dispositions.schema.json is stale; regenerate it with: go run ./cmd/mdcheck schema dispositions > docs/dispositions.schema.json")
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
	check("Device", reflect.TypeFor[model.Device](), s.Properties, s.Required)
	for _, typ := range []reflect.Type{reflect.TypeFor[model.Component](), reflect.TypeFor[model.Facts](), reflect.TypeFor[model.Interface](), reflect.TypeFor[model.EmergencyAccess]()} {
		def, ok := s.Defs[typ.Name()]
		if !ok {
			t.Fatalf("schema lacks $defs/%s", typ.Name())
		}
		if def.AdditionalProperties == nil || *def.AdditionalProperties {
			t.Errorf("$defs/%s allows additional properties; the decoder refuses them", typ.Name())
		}
		check(typ.Name(), typ, def.Properties, def.Required)
	}
	if got, want := s.Defs["Invasiveness"].Enum, (model.Invasiveness("")).Values(); !reflect.DeepEqual(got, want) {
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

// TestSchemaValidatesExamples checks the published schema with an
// independent JSON Schema validator: it accepts every example and rejects
// what Load rejects for the same reason.
func TestSchemaValidatesExamples(t *testing.T) {
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	asJSON := func(t *testing.T, src []byte) any {
		t.Helper()
		var v any
		if err := yaml.Unmarshal(src, &v); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	files, _ := filepath.Glob("../../../examples/*/device.yaml")
	if len(files) < 6 {
		t.Fatalf("%d examples found; the test would check nothing", len(files))
	}
	files = append(files, "../testdata/minimal.yaml", "../testdata/anchors.yaml", "../testdata/relations.yaml")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(asJSON(t, src)); err != nil {
			t.Errorf("schema rejects %s: %v", f, err)
		}
	}
	minimal, _ := os.ReadFile("../testdata/minimal.yaml")
	for name, src := range map[string]string{
		"unknown field": strings.Replace(string(minimal), "product:", "prodcut:", 1),
		"bad enum":      strings.Replace(string(minimal), "kind: hardware-device", "kind: robot", 1),
		"wrong type":    string(minimal) + "    classification: {active: \"yes\"}\n",
		"port range":    string(minimal) + "    interfaces: [{id: a, kind: usb, port: 70000}]\n",
		"bad date":      string(minimal) + "lifecycle: {endOfSupport: 31.12.2030}\n",
		"missing role":  strings.Replace(string(minimal), "    role: device\n", "", 1),
		"wrong version": strings.Replace(string(minimal), "mdcheck.dev/v1", "mdcheck.dev/v2", 1),
	} {
		if err := sch.Validate(asJSON(t, []byte(src))); err == nil {
			t.Errorf("schema accepts %s", name)
		}
		if _, err := model.Parse("x.yaml", []byte(src)); err == nil {
			t.Errorf("Load accepts %s", name)
		}
	}
}
