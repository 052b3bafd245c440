package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/schematest"
)

var update = flag.Bool("update", false, "rewrite docs/schemas from the output types")

const schemaDir = "../../docs/schemas"

// TestSchemaFiles: the published schemas are the output types' schemas;
// `go test ./internal/render -run TestSchemaFiles -update` rewrites them
// (make docs does).
func TestSchemaFiles(t *testing.T) {
	want := map[string]bool{}
	for _, c := range Contracts() {
		file := filepath.Join(schemaDir, c.Name+".schema.json")
		want[filepath.Base(file)] = true
		got := c.schema()
		if *update {
			if err := os.WriteFile(file, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(old, got) {
			t.Errorf("%s is not the schema of the %s output; run make docs (go test ./internal/render -run TestSchemaFiles -update) and review the change", file, c.Name)
		}
	}
	files, _ := filepath.Glob(filepath.Join(schemaDir, "*.schema.json"))
	for _, f := range files {
		if !want[filepath.Base(f)] {
			t.Errorf("%s is the schema of no output", f)
		}
	}
}

// TestSchemasCompile: every schema is a valid draft 2020-12 schema, and
// one that refuses what its output does not write.
func TestSchemasCompile(t *testing.T) {
	for _, c := range Contracts() {
		data, _ := Schema(c.Name)
		s := schematest.Compile(t, c.Name, data)
		bad := map[string]any{"schemaVersion": "0"}
		var doc any = bad
		if c.Array {
			doc = []any{bad}
		}
		if schematest.Valid(s, doc) {
			t.Errorf("%s: the schema accepts a document of another version and no members", c.Name)
		}
	}
}
