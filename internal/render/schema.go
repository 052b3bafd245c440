package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/mds2/hn2019"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/severity"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// Contract is one published JSON output: the command that writes it, the
// Go type its JSON is, and whether the output is an array of them (one
// per input file).
type Contract struct {
	Name        string // schema file docs/schemas/<Name>.schema.json
	Command     string
	Description string
	Version     string // the schemaVersion the output carries
	Type        reflect.Type
	Array       bool
}

// Contracts lists every JSON output with its schema.
func Contracts() []Contract {
	of := func(v any) reflect.Type { return reflect.TypeOf(v) }
	return []Contract{
		{"check", "mdcheck check -f json", "The health check of one device: requirements met, missed, unproven or manual, every finding with its evidence, readiness and what to fix first.", report.SchemaVersion, of(report.Report{}), false},
		{"classify", "mdcheck classify -f json", "The MDR Annex VIII classification of a device and of each component, with every rule's trace and the obligations that follow.", classify.SchemaVersion, of(classify.Classification{}), false},
		{"sbom", "mdcheck sbom -f json", "Each SBOM read: its components, NTIA quality and the ledger of what can be matched against advisories; one object per file.", SchemaVersion, of(sbomOutput{}), true},
		{"scan", "mdcheck scan -f json", "The known vulnerabilities matched in each SBOM, how each match was made, and the ledger of what was checked.", scanVersion, of(scanOutput{}), false},
		{"inventory-match", "mdcheck inventory match -f json", "For each row of an inventory, in input order, the advisories that may concern the device.", inventoryVersion, of(inventoryOutput{}), false},
		{"mds2-import", "mdcheck mds2 import -f json", "An MDS2 form (HN 1-2019) as read: the description rows, every answer with its note and cell, and warnings.", SchemaVersion, of(mds2Output{}), false},
		{"db-status", "mdcheck db status -f json", "The vulnerability database: sources, record counts, newest record, KEV and EPSS data, content hash.", SchemaVersion, of(dbStatusOutput{}), false},
		{"catalog-list", "mdcheck catalog list -f json", "Every requirement of the catalog with the rules that decide it.", SchemaVersion, of(catalogListOutput{}), false},
		{"catalog-show", "mdcheck catalog show -f json ID", "One requirement, or one rule, in full.", SchemaVersion, of(catalogShowOutput{}), false},
		{"ifu", "mdcheck ifu -f json", "The IFU security checklist of a device: each item, whether the device needs it and the IFU states it, and what the model already knows for it.", SchemaVersion, of(ifuOutput{}), false},
		{"threats", "mdcheck threats -f json", "The threat model derived from a device model: each threat with its STRIDE categories, element, assets, clinical consequence, likelihood, risk, declared mitigations and the catalog rules that assess it; the attack surface per exposure zone.", threatsVersion, of(threatsOutput{}), false},
		{"probe", "mdcheck probe -f json", "What a probe of live units saw: each target probed or refused for lying outside the scope, each host's ports with their state, greeting and service, the limits it kept, and its transcript of every connection and every byte sent.", probeVersion, of(probeOutput{}), false},
		{"validate", "mdcheck validate -f json", "Each device model read: valid, or every problem with its file, line and column; one object per file.", SchemaVersion, of(validateOutput{}), true},
	}
}

// Schema is the JSON Schema (draft 2020-12) of the contract named name.
func Schema(name string) ([]byte, bool) {
	for _, c := range Contracts() {
		if c.Name == name {
			return c.schema(), true
		}
	}
	return nil, false
}

// schema writes the contract's JSON Schema, every named struct a
// definition.
func (c Contract) schema() []byte {
	g := &schemaGen{defs: map[string]any{}, names: map[reflect.Type]string{}, version: c.Version}
	g.names[c.Type] = c.Name // the output itself is defined under its own name
	g.build(c.Type, c.Name)
	root := map[string]any{"$ref": "#/$defs/" + c.Name}
	doc := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://mdcheck.dev/schemas/" + c.Name + ".schema.json",
		"title":       "mdcheck " + c.Name + " output (schemaVersion " + c.Version + ")",
		"description": c.Description + " Written by `" + c.Command + "`.",
		"$defs":       g.defs,
	}
	if c.Array {
		doc["type"] = "array"
		doc["items"] = root
	} else {
		doc["$ref"] = root["$ref"]
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		panic(err) // the schema is built of maps, strings and slices only
	}
	return buf.Bytes()
}

// schemaGen reflects Go types into JSON Schema as encoding/json writes
// them: fields by their json tags, embedded structs inline, omitempty
// fields optional, and nil slices, maps and pointers (without omitempty)
// written as null.
type schemaGen struct {
	defs    map[string]any
	names   map[reflect.Type]string
	version string
}

// enums are the named types whose JSON is one of a fixed set of words.
var enums = map[reflect.Type][]any{
	reflect.TypeFor[severity.Level]():           {"", "info", "low", "medium", "high", "critical"},
	reflect.TypeFor[classify.Class]():           {"I", "IIa", "IIb", "III", nil},
	reflect.TypeFor[evidence.Strength]():        {"claimed", "documented", "observed"},
	reflect.TypeFor[catalog.Status]():           {"pass", "fail", "not-applicable", "unknown", "error"},
	reflect.TypeFor[catalog.SuppressedBy]():     {"waiver", "vex", "disposition"},
	reflect.TypeFor[report.RequirementStatus](): {"met", "missed", "unproven", "manual", "not-applicable"},
	reflect.TypeFor[vuln.Confidence]():          {"high", "medium", "low"},
	reflect.TypeFor[advisory.Confidence]():      {"high", "medium", "needs-review"},
	reflect.TypeFor[hn2019.Answer]():            {"yes", "no", "n/a", "see-note", "other", "blank", ""},
}

// valuer is a model enumeration, which lists its values.
type valuer interface{ Values() []string }

func (g *schemaGen) of(t reflect.Type) map[string]any {
	if vs, ok := enums[t]; ok {
		return map[string]any{"enum": vs}
	}
	if t.Kind() == reflect.String && t.Implements(reflect.TypeFor[valuer]()) {
		var vs []any
		for _, v := range reflect.Zero(t).Interface().(valuer).Values() {
			vs = append(vs, v)
		}
		return map[string]any{"enum": append(vs, "")}
	}
	if t == reflect.TypeFor[time.Time]() {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		return g.structRef(t)
	}
	panic(fmt.Sprintf("render: no JSON Schema for %s", t))
}

// structRef is a reference to the struct's definition, made on first use.
func (g *schemaGen) structRef(t reflect.Type) map[string]any {
	name, ok := g.names[t]
	if !ok {
		name = defName(t)
		for taken := g.defs[name] != nil; taken; taken = g.defs[name] != nil {
			name += "_"
		}
		g.names[t] = name
		g.build(t, name)
	}
	return map[string]any{"$ref": "#/$defs/" + name}
}

// build defines the struct under name.
func (g *schemaGen) build(t reflect.Type, name string) {
	g.defs[name] = map[string]any{} // placeholder: types may refer to themselves
	props, required := map[string]any{}, []string{}
	g.fields(t, props, &required)
	sort.Strings(required)
	g.defs[name] = map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

func defName(t reflect.Type) string {
	if t.Name() == "" {
		return "anonymous"
	}
	pkg := t.PkgPath()
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
}

// fields adds the struct's JSON members: an embedded struct without a
// name of its own adds its members in place.
func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				g.fields(et, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitempty := strings.Contains(opts, "omitempty")
		s := g.of(f.Type)
		if name == "schemaVersion" {
			s = map[string]any{"const": g.version}
		}
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			if !omitempty {
				s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
			}
		}
		props[name] = s
		if !omitempty {
			*required = append(*required, name)
		}
	}
}
