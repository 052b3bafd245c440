// Package hostile builds hostile inputs for tests (files meant to exhaust
// memory or time in a naive reader) and holds the Minimal valid device
// model that they, and other tests, extend.
package hostile

import (
	"fmt"
	"strings"
)

// Minimal is the smallest valid device model; tests extend it.
const Minimal = `apiVersion: mdcheck.dev/v1
kind: Device
identity:
  manufacturer: Acme
  product: Widget
components:
  - id: main
    name: Widget
    kind: hardware-device
    role: device
`

// Models returns device model files built to exhaust a naive YAML reader,
// by name. Each stays under the model size limit so that the other limits
// (alias expansion, nesting depth) are what stops it.
func Models() map[string][]byte {
	in := map[string][]byte{}
	// Billion laughs through merge keys: each level merges nine copies of
	// the level below, 9^8 entries in all if nothing stops it.
	var b strings.Builder
	b.WriteString("l0: &l0 {id: x, name: y, kind: usb}\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "l%d: &l%d {<<: [", i, i)
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]}\n")
	}
	b.WriteString(Minimal + "    interfaces: [*l8]\n")
	in["billion-laughs"] = []byte(b.String())

	// Laughs through whole structs: a component with a thousand aliased
	// interfaces, listed a thousand times.
	b.Reset()
	b.WriteString(Minimal)
	b.WriteString("    interfaces: [&i {id: a, kind: usb, protocols: [http, https, ftp]}" + strings.Repeat(", *i", 999) + "]\n")
	b.WriteString("  - &c {id: b, name: b, kind: gateway, role: non-device, interfaces: [" + strings.Repeat("*i, ", 999) + "*i]}\n")
	b.WriteString(strings.Repeat("  - *c\n", 1000))
	in["struct-laughs"] = []byte(b.String())

	in["deep-flow-sequence"] = []byte("apiVersion: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n")
	in["deep-flow-mapping"] = []byte("apiVersion: " + strings.Repeat("{a: ", 100_000) + "1" + strings.Repeat("}", 100_000) + "\n")
	in["deep-block-sequence"] = []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity:\n" + strings.Repeat("- ", 200_000) + "x\n")
	in["deep-block-keys"] = []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity:\n" + strings.Repeat("? ", 200_000) + "x\n")
	var deep strings.Builder
	for i := 0; i < 1000; i++ {
		deep.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	in["deep-block-mapping"] = []byte(deep.String())
	in["many-tokens-multiline"] = []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [\n" + strings.Repeat(strings.Repeat("a,", 30_000)+"\n", 16) + "a]\n")
	in["flow-at-comma-limit"] = []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [\n" + strings.Repeat(strings.Repeat("{a: b},", 1_000)+"\n", 49) + "a]\n")
	in["block-many-entries"] = []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents:\n" + strings.Repeat("- a\n", 130_000))
	in["block-empty-entries"] = []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents:\n" + strings.Repeat("-\n", 260_000))
	in["many-keys"] = []byte("apiVersion: mdcheck.dev/v1\n" + strings.Repeat("k:\n", 170_000))
	in["many-flow-tokens"] = []byte("apiVersion: mdcheck.dev/v1\nkind: Device\nidentity: {manufacturer: A, product: B}\ncomponents: [" + strings.Repeat("a,", 500_000) + "a]\n")
	return in
}

// SBOMs returns SBOM files built to exhaust a naive reader, by name. The
// 1 GB case is made by the caller as a sparse file.
func SBOMs() map[string][]byte {
	in := map[string][]byte{}
	comp := `{"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0","supplier":{"name":"npm"},"hashes":[{"alg":"SHA-256","content":"` + strings.Repeat("a", 64) + `"}]}`
	var b strings.Builder
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[`)
	for i := 0; b.Len() < 30<<20; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(comp)
	}
	b.WriteString("]}")
	in["cdx-30MB-components"] = []byte(b.String())
	full := b.String()
	in["cdx-truncated"] = []byte(full[:len(full)/2])
	in["cdx-unknown-version"] = []byte(`{"bomFormat":"CycloneDX","specVersion":"7.0","version":1,"components":[` + comp + `]}`)
	in["json-deep-nesting"] = []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","x":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "}")
	in["xml-deep-nesting"] = []byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.5">` + strings.Repeat("<a>", 100_000) + strings.Repeat("</a>", 100_000) + "</bom>")
	var x strings.Builder
	x.WriteString(`<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY l0 "lol">`)
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&x, `<!ENTITY l%d "%s">`, i, strings.Repeat(fmt.Sprintf("&l%d;", i-1), 10))
	}
	x.WriteString(`]><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>&l9;</name></component></components></bom>`)
	in["xml-entity-bomb"] = []byte(x.String())
	return in
}
