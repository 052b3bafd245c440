package cli

import (
	"path/filepath"
	"sort"

	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// device is a device model as scan uses it: which component an SBOM
// belongs to, and each component's class.
type device struct {
	dev   *model.Device
	dir   string
	class map[string]string
}

func loadDevice(file string) (*device, error) {
	dev, err := model.Load(file)
	if err != nil {
		return nil, inputError{err}
	}
	cl, err := classify.Classify(dev)
	if err != nil {
		return nil, err
	}
	d := &device{dev: dev, dir: filepath.Dir(file), class: map[string]string{}}
	for _, r := range cl.Components {
		c := r.Class
		if !r.Decided {
			c = max(r.Class, r.UpTo)
		}
		if c != classify.None {
			d.class[r.Component] = c.String()
		}
	}
	return d, nil
}

// path is an SBOM path of the model as a file path.
func (d *device) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.dir, p)
}

// sboms lists the SBOM files the model's components name.
func (d *device) sboms() []string {
	var out []string
	for _, c := range d.dev.Components {
		if c.SBOM != "" {
			out = append(out, d.path(c.SBOM))
		}
	}
	return out
}

// weigh gives each match of the SBOM at file its severity for patients,
// by the component whose SBOM it is, and puts the most severe first. An
// SBOM no component names is left as it is.
func (d *device) weigh(file string, ms []vuln.Match) {
	var comp *model.Component
	abs, _ := filepath.Abs(file)
	for i := range d.dev.Components {
		c := &d.dev.Components[i]
		if c.SBOM == "" {
			continue
		}
		if p, _ := filepath.Abs(d.path(c.SBOM)); p == abs {
			comp = c
			break
		}
	}
	if comp == nil {
		return
	}
	for i := range ms {
		s := vuln.PatientSafety(ms[i], comp, d.class[comp.ID])
		ms[i].Safety = &s
	}
	rank := map[string]int{"critical": 0, "high": 1, "medium": 2, "low": 3}
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if ra, rb := rank[a.Safety.Level], rank[b.Safety.Level]; ra != rb {
			return ra < rb
		}
		if (a.KEV != nil) != (b.KEV != nil) {
			return a.KEV != nil
		}
		return a.Safety.Score > b.Safety.Score
	})
}
