// Package release describes a built mdcheck binary as a CycloneDX SBOM:
// the Go modules and the Go toolchain linked into it, read from the build
// information the Go linker embeds, so that users can scan mdcheck with
// mdcheck (or any SBOM scanner) like any other software they run.
package release

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"
	packageurl "github.com/package-url/packageurl-go"
)

// Binary is one built executable: its file name, SHA-256 and the build
// information read from it.
type Binary struct {
	Name   string
	SHA256 [sha256.Size]byte
	Info   *debug.BuildInfo
}

// GoPURL is the package URL of a Go module, as OSV and the Go
// vulnerability database name it: pkg:golang/<module path>@<version>.
func GoPURL(path, version string) string {
	ns, name := "", path
	if i := strings.LastIndex(path, "/"); i >= 0 {
		ns, name = path[:i], path[i+1:]
	}
	return packageurl.NewPackageURL(packageurl.TypeGolang, ns, name, version, nil, "").ToString()
}

// BOM is the CycloneDX 1.6 SBOM of one binary. version is the release
// version the binary reports (the main module's version in its build
// information is "(devel)" for a build from a checkout); when is the
// SBOM's timestamp, for reproducible output the release commit's time.
// The serial number is derived from the binary's hash, so the same
// binary always gets the same SBOM.
func BOM(b Binary, version string, when time.Time) (*cdx.BOM, error) {
	if b.Info == nil {
		return nil, fmt.Errorf("%s: no Go build information in the file", b.Name)
	}
	if version == "" {
		version = b.Info.Main.Version
	}
	sum := hex.EncodeToString(b.SHA256[:])
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.SerialNumber = "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:sha256:"+sum)).String()

	var props []cdx.Property
	props = append(props, cdx.Property{Name: "mdcheck:file", Value: b.Name})
	for _, s := range b.Info.Settings {
		switch s.Key {
		case "GOOS", "GOARCH", "CGO_ENABLED", "-trimpath", "vcs.revision", "vcs.time", "vcs.modified":
			props = append(props, cdx.Property{Name: "go:build:" + s.Key, Value: s.Value})
		}
	}
	mainRef := GoPURL(b.Info.Main.Path, version)
	bom.Metadata = &cdx.Metadata{
		Timestamp: when.UTC().Format(time.RFC3339),
		Component: &cdx.Component{
			BOMRef:     mainRef,
			Type:       cdx.ComponentTypeApplication,
			Name:       "mdcheck",
			Version:    version,
			PackageURL: mainRef,
			Hashes:     &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: sum}},
			Properties: &props,
		},
		Authors:  &[]cdx.OrganizationalContact{{Name: "mdcheck release build"}},
		Supplier: &cdx.OrganizationalEntity{Name: "mdcheck", URL: &[]string{"https://github.com/mdcheck/mdcheck"}},
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "mdcheck release", Version: version,
		}}},
	}

	comps := []cdx.Component{}
	var deps []string
	add := func(c cdx.Component) {
		comps = append(comps, c)
		deps = append(deps, c.BOMRef)
	}
	// The standard library and runtime are linked in like any module, and
	// vulnerability databases list them as "stdlib".
	goVersion := strings.TrimPrefix(b.Info.GoVersion, "go")
	if i := strings.IndexAny(goVersion, " +"); i >= 0 {
		goVersion = goVersion[:i]
	}
	std := GoPURL("stdlib", goVersion)
	add(cdx.Component{BOMRef: std, Type: cdx.ComponentTypeLibrary, Name: "stdlib", Version: goVersion, PackageURL: std,
		Supplier:    &cdx.OrganizationalEntity{Name: "The Go Authors", URL: &[]string{"https://go.dev"}},
		Description: "Go standard library and runtime (" + b.Info.GoVersion + ")"})
	for _, d := range b.Info.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		ref := GoPURL(m.Path, m.Version)
		c := cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeLibrary, Name: m.Path, Version: m.Version, PackageURL: ref, Supplier: Supplier(m.Path)}
		var cp []cdx.Property
		if m.Sum != "" {
			cp = append(cp, cdx.Property{Name: "go:module:sum", Value: m.Sum})
		}
		if d.Replace != nil {
			cp = append(cp, cdx.Property{Name: "go:module:replaces", Value: d.Path + "@" + d.Version})
		}
		if len(cp) > 0 {
			c.Properties = &cp
		}
		add(c)
	}
	bom.Components = &comps
	bom.Dependencies = &[]cdx.Dependency{{Ref: mainRef, Dependencies: &deps}}
	return bom, nil
}

// Supplier is who publishes a Go module, as far as its path tells: the
// owner on a code-hosting site (github.com/spf13/cobra: spf13), else the
// domain that serves the module (cel.dev, golang.org). The module path is
// the only supplier information a Go binary carries.
func Supplier(path string) *cdx.OrganizationalEntity {
	parts := strings.Split(path, "/")
	switch parts[0] {
	case "github.com", "gitlab.com", "bitbucket.org", "codeberg.org":
		if len(parts) > 1 {
			return &cdx.OrganizationalEntity{Name: parts[1], URL: &[]string{"https://" + parts[0] + "/" + parts[1]}}
		}
	case "golang.org", "go.googlesource.com":
		return &cdx.OrganizationalEntity{Name: "The Go Authors", URL: &[]string{"https://go.dev"}}
	}
	return &cdx.OrganizationalEntity{Name: parts[0], URL: &[]string{"https://" + parts[0]}}
}

// Write encodes bom as indented CycloneDX JSON.
func Write(w io.Writer, bom *cdx.BOM) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}
