package main

import (
	"bytes"
	"os"
	"testing"
)

// TestRulesDocFresh fails when docs/rules.md no longer matches the
// catalog and rule metadata. Regenerate with `make docs`.
func TestRulesDocFresh(t *testing.T) {
	want, err := os.ReadFile("../../../docs/rules.md")
	if err != nil {
		t.Fatalf("read docs/rules.md: %v", err)
	}
	if !bytes.Equal(want, render()) {
		t.Error("docs/rules.md is stale; run `make docs`")
	}
}
