package app

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/report"
)

// checkInputs lists every file a health check read, in the order a reader
// meets them (the model, what it names, then what the command line
// added), each with its SHA-256: the report's appendix, and what an
// evidence bundle packs. A file that cannot be read is listed with the
// reason instead of a hash, never left out.
//
// The files in read are hashed already.
func checkInputs(dev *model.Device, o CheckOptions, read held) []report.InputFile {
	var in []report.InputFile
	add := func(role, path string) {
		i := report.InputFile{Role: role, Path: filepath.ToSlash(path)}
		if sum, size, err := read.hash(path); err != nil {
			i.Error = err.Error()
		} else {
			i.SHA256, i.Size = sum, size
		}
		in = append(in, i)
	}
	if o.Model != "" {
		add("model", o.Model)
		dir := filepath.Dir(o.Model)
		local := func(p string) string {
			if filepath.IsAbs(p) {
				return p
			}
			return filepath.Join(dir, p)
		}
		if dev.DispositionsFile != "" {
			add("dispositions", local(dev.DispositionsFile))
		}
		for _, c := range dev.Components {
			if c.SBOM != "" {
				add("sbom:"+c.ID, local(c.SBOM))
			}
		}
		for _, d := range dev.Documents {
			if d.Path != "" && !strings.Contains(d.Path, "://") {
				add("document:"+string(d.Kind), local(d.Path))
			}
		}
	}
	if o.MDS2 != "" {
		add("mds2", o.MDS2)
	}
	for _, v := range o.VEX {
		add("vex", v)
	}
	if o.Waivers != "" {
		add("waivers", o.Waivers)
	}
	if o.Reviews != "" {
		add("reviews", o.Reviews)
	}
	for _, p := range o.Policies {
		add("policy", p)
	}
	for _, p := range o.ProbeResults {
		add("probe", p)
	}
	return in
}

// SBOMFiles are the files the device model in data names as its
// components' SBOMs and not as its dispositions file, as paths relative
// to the model, cleaned and slash-separated: those a caller may hand to
// Check parsed (CheckOptions.SBOMs). None when the model cannot be read.
func SBOMFiles(data []byte) map[string]bool {
	out := map[string]bool{}
	dev, err := model.Parse("device.yaml", data)
	if err != nil {
		return out
	}
	for _, c := range dev.Components {
		if c.SBOM != "" {
			out[path.Clean(filepath.ToSlash(c.SBOM))] = true
		}
	}
	delete(out, path.Clean(filepath.ToSlash(dev.DispositionsFile)))
	return out
}
