package model

import (
	"os"
	"strings"
	"testing"
)

// TestKindsDocumented: every component kind has its row in the table
// of docs/device-model.md.
func TestKindsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/device-model.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range ComponentKind("").Values() {
		if !strings.Contains(string(doc), "| `"+k+"` |") {
			t.Errorf("component kind %q has no row in docs/device-model.md", k)
		}
	}
}
