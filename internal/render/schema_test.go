package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/schematest"
)

var update = flag.Bool("update", false, "rewrite docs/schemas from the output types")

const schemaDir = "../../docs/schemas"

// versionsFile records, per output, the schemaVersion its schema was
// published under and the schema's SHA-256: a schema that changes while
// its version stays is refused, even with -update.
const versionsFile = "versions.json"

type published struct {
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// TestSchemaFiles: the published schemas are the output types' schemas;
// `go test ./internal/render -run TestSchemaFiles -update` rewrites them
// (make docs does). A change to any type that reaches an output changes
// its schema, and is refused until the output's schemaVersion changes.
func TestSchemaFiles(t *testing.T) {
	want := map[string]bool{versionsFile: true}
	var versions map[string]published
	if data, err := os.ReadFile(filepath.Join(schemaDir, versionsFile)); err != nil || json.Unmarshal(data, &versions) != nil {
		t.Fatalf("%s: %v", versionsFile, err)
	}
	for _, c := range Contracts() {
		file := filepath.Join(schemaDir, c.Name+".schema.json")
		want[filepath.Base(file)] = true
		got := c.schema()
		sum := sha256.Sum256(got)
		p := published{c.Version, hex.EncodeToString(sum[:])}
		if old, ok := versions[c.Name]; ok && old.Version == p.Version && old.SHA256 != p.SHA256 {
			t.Errorf("the %s output changed shape but kept schemaVersion %s: bump it (and say what changed in docs/output.md)", c.Name, p.Version)
			continue
		}
		versions[c.Name] = p
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
	if *update {
		data, err := json.MarshalIndent(versions, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(schemaDir, versionsFile), append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(schemaDir, "*.json"))
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
