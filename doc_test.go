package mdcheck

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// TestPackageDocs requires exactly one package comment in every package,
// so that `go doc` says what each one is for.
func TestPackageDocs(t *testing.T) {
	for _, p := range listPackages(t) {
		var docs []string
		for _, file := range p.GoFiles {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, file), nil, parser.ParseComments|parser.PackageClauseOnly)
			if err != nil {
				t.Fatal(err)
			}
			if f.Doc != nil {
				docs = append(docs, file)
			}
		}
		switch len(docs) {
		case 0:
			t.Errorf("package %s (%s) has no package comment", p.Name, rel(p.ImportPath))
		case 1:
		default:
			t.Errorf("package %s (%s) has package comments in %d files: %v; keep one", p.Name, rel(p.ImportPath), len(docs), docs)
		}
	}
}
