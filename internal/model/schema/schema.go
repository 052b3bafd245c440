// Package schema publishes the JSON Schemas of the device model and of a
// dispositions file, generated from the model's Go types so that they
// cannot drift from what the model's loader accepts.
package schema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/mdcheck/mdcheck/internal/model"
)

// SchemaID is the $id of the published device model JSON Schema.
const SchemaID = "https://mdcheck.dev/schema/device-v1.json"

// Schema returns the JSON Schema (draft 2020-12) of the device model,
// generated from the Go types so that it cannot drift from what Load
// accepts. Editors use it to validate and complete device.yaml files.
func Schema() []byte {
	g := &schemaGen{defs: map[string]any{}}
	root := g.object(reflect.TypeFor[model.Device]())
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "mdcheck device model"
	root["description"] = "A medical device described for the mdcheck cybersecurity health check (apiVersion " + model.APIVersion + ")."
	props := root["properties"].(map[string]any)
	props["apiVersion"] = map[string]any{"const": model.APIVersion, "description": "Model format version."}
	props["kind"] = map[string]any{"const": model.KindDevice, "description": "Document kind."}
	root["$defs"] = g.defs
	return encodeSchema(root)
}

// encodeSchema writes a schema as indented JSON.
func encodeSchema(root map[string]any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		panic("model: encode schema: " + err.Error()) // maps of plain values always encode
	}
	return buf.Bytes()
}

// DispositionsSchemaID is the $id of the published dispositions file
// JSON Schema.
const DispositionsSchemaID = "https://mdcheck.dev/schema/dispositions-v1.json"

// DispositionsSchema returns the JSON Schema of a dispositions file (the
// file a model's dispositionsFile names).
func DispositionsSchema() []byte {
	g := &schemaGen{defs: map[string]any{}}
	root := g.object(reflect.TypeFor[model.DispositionsDocument]())
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = DispositionsSchemaID
	root["title"] = "mdcheck vulnerability dispositions"
	root["description"] = "What security risk management decided about each known vulnerability of a device's components (the file a device model's dispositionsFile names)."
	root["$defs"] = g.defs
	return encodeSchema(root)
}

// enum is a model type with a closed set of values.
type enum interface{ Values() []string }

var (
	enumType = reflect.TypeFor[enum]()
	dateType = reflect.TypeFor[model.Date]()
)

type schemaGen struct {
	defs map[string]any
}

// object describes a struct type inline (used for the root).
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := range t.NumField() {
		sf := t.Field(i)
		name := sf.Tag.Get("yaml")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		p := g.typ(sf.Type)
		if doc := sf.Tag.Get("doc"); doc != "" {
			p = withDesc(p, doc)
		}
		for _, b := range []string{"min", "max"} {
			if s := sf.Tag.Get(b); s != "" {
				x, _ := strconv.ParseFloat(s, 64)
				key := map[string]string{"min": "minimum", "max": "maximum"}[b]
				p = withKey(p, key, x)
			}
		}
		props[name] = p
		if sf.Tag.Get("required") == "true" {
			required = append(required, name)
		}
	}
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// typ returns the schema of t; named structs and enums go into $defs.
func (g *schemaGen) typ(t reflect.Type) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(enumType) {
		name := t.Name()
		if _, ok := g.defs[name]; !ok {
			vals := reflect.Zero(t).Interface().(enum).Values()
			g.defs[name] = map[string]any{"type": "string", "enum": vals}
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	if t == dateType {
		return map[string]any{"type": "string", "format": "date", "pattern": `^\d{4}-\d{2}-\d{2}$`}
	}
	switch t.Kind() {
	case reflect.Struct:
		name := t.Name()
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = nil // reserve against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.typ(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	}
	panic("model: no schema for " + t.String())
}

// withDesc adds a description. In draft 2020-12 a $ref may have sibling
// keywords, so the description sits next to it.
func withDesc(p map[string]any, doc string) map[string]any {
	return withKey(p, "description", doc)
}

func withKey(p map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(p)+1)
	for k, x := range p {
		out[k] = x
	}
	out[key] = v
	return out
}
