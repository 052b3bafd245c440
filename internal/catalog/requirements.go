package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"

	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
)

// Version is the version of the embedded catalog; it changes whenever a
// requirement is added, removed or reworded.
const Version = "2026.12.0"

// Audiences of a requirement.
const (
	Manufacturer = "manufacturer"
	Hospital     = "hospital"
)

// Requirement is one expectation a device is assessed against.
type Requirement struct {
	ID        string `yaml:"id" json:"id"`
	Title     string `yaml:"title" json:"title"`
	Source    string `yaml:"source" json:"source"`
	Framework string `yaml:"-" json:"framework"`
	// Audience is manufacturer (the default) or hospital.
	Audience string `yaml:"audience" json:"audience"`
	// Applicability: when set, the requirement concerns only devices of
	// these MDR classes, with a component of these kinds, or intended for
	// these users. Empty means every device.
	Classes        []string `yaml:"classes" json:"classes,omitempty"`
	ComponentKinds []string `yaml:"componentKinds" json:"componentKinds,omitempty"`
	Users          []string `yaml:"users" json:"users,omitempty"`
	// Manual, when set, says why no rule can decide the requirement and
	// what an assessor should look for.
	Manual *Manual `yaml:"manual" json:"manual,omitempty"`

	classes []classify.Class // Classes, read
}

// Manual describes a requirement left to a human assessor.
type Manual struct {
	Reason  string `yaml:"reason" json:"reason"`
	LookFor string `yaml:"lookFor" json:"lookFor"`
}

//go:embed requirements/*.yaml
var requirementFiles embed.FS

var idPattern = regexp.MustCompile(`^[A-Z0-9][A-Za-z0-9.\-]*$`)

// Requirements returns the embedded catalog, sorted by ID. It panics if the
// embedded files are malformed: that is a build defect, which the tests
// catch.
func Requirements() []Requirement {
	reqs, err := embeddedRequirements()
	if err != nil {
		panic("catalog: " + err.Error())
	}
	return slices.Clone(reqs)
}

// embeddedRequirements reads the embedded files once: every check asks.
var embeddedRequirements = sync.OnceValues(func() ([]Requirement, error) { return loadRequirements(requirementFiles) })

func loadRequirements(fsys fs.FS) ([]Requirement, error) {
	files, err := fs.Glob(fsys, "requirements/*.yaml")
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	var out []Requirement
	for _, file := range files {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Framework    string        `yaml:"framework"`
			Requirements []Requirement `yaml:"requirements"`
		}
		if err := yaml.UnmarshalWithOptions(data, &doc, yaml.DisallowUnknownField()); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, r := range doc.Requirements {
			switch {
			case !idPattern.MatchString(r.ID):
				return nil, fmt.Errorf("%s: bad requirement id %q", file, r.ID)
			case seen[r.ID] != "":
				return nil, fmt.Errorf("%s: requirement %s already defined in %s", file, r.ID, seen[r.ID])
			case r.Title == "" || r.Source == "":
				return nil, fmt.Errorf("%s: requirement %s needs a title and a source", file, r.ID)
			case r.Manual != nil && (r.Manual.Reason == "" || r.Manual.LookFor == ""):
				return nil, fmt.Errorf("%s: manual requirement %s needs a reason and lookFor", file, r.ID)
			}
			if err := checkApplicability(&r); err != nil {
				return nil, fmt.Errorf("%s: requirement %s: %w", file, r.ID, err)
			}
			if r.Audience == "" {
				r.Audience = Manufacturer
			}
			if r.Audience != Manufacturer && r.Audience != Hospital {
				return nil, fmt.Errorf("%s: requirement %s has audience %q", file, r.ID, r.Audience)
			}
			r.Framework = doc.Framework
			seen[r.ID] = file
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// checkApplicability refuses applicability values the model cannot hold,
// and reads the classes.
func checkApplicability(r *Requirement) error {
	for _, c := range r.Classes {
		cl, ok := classify.ParseClass(c)
		if !ok {
			return fmt.Errorf("unknown class %q", c)
		}
		r.classes = append(r.classes, cl)
	}
	for _, k := range r.ComponentKinds {
		if !slices.Contains(model.ComponentKind("").Values(), k) {
			return fmt.Errorf("unknown component kind %q", k)
		}
	}
	for _, u := range r.Users {
		if !slices.Contains(model.User("").Values(), u) {
			return fmt.Errorf("unknown user %q", u)
		}
	}
	return nil
}

// Applies reports whether a requirement concerns the device, and if not,
// why. An undecided class counts as every class it may still be.
func (r Requirement) Applies(dev *model.Device, cl *classify.Classification) (bool, string) {
	if len(r.Classes) > 0 && cl != nil {
		ok := false
		for c := cl.Class; c <= max(cl.Class, cl.UpTo); c++ {
			if slices.Contains(r.classes, c) {
				ok = true
			}
		}
		if !ok {
			return false, fmt.Sprintf("concerns class %s devices; this one is %s", strings.Join(r.Classes, ", "), cl.Label)
		}
	}
	if len(r.ComponentKinds) > 0 && !slices.ContainsFunc(dev.Components, func(c model.Component) bool {
		return c.Role != "non-device" && slices.Contains(r.ComponentKinds, string(c.Kind))
	}) {
		return false, "concerns devices with a component of kind " + strings.Join(r.ComponentKinds, ", ")
	}
	if len(r.Users) > 0 {
		if dev.IntendedPurpose == nil || dev.IntendedPurpose.Users == nil {
			return true, "" // users unknown: the requirement may apply
		}
		if !slices.ContainsFunc(dev.IntendedPurpose.Users, func(u model.User) bool { return slices.Contains(r.Users, string(u)) }) {
			return false, "concerns devices used by " + strings.Join(r.Users, ", ")
		}
	}
	return true, ""
}
