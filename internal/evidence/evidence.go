// Package evidence holds facts with their provenance: what is known about a
// device, where it was stated or seen, and how strong that is.
//
// A fact is claimed when the manufacturer states it (the device model, an
// MDS2 form), documented when a referenced document backs it and its hash
// was verified, and observed when a machine-made artefact shows it (an SBOM,
// a probe of a live unit). Findings cite evidence by ID, so a report can say
// what each result rests on; no auditor accepts `encrypted: true` alone as
// proof, and a Pass that rests only on claims says so.
package evidence

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Strength is how well a fact is established.
type Strength int

// Strengths, weakest first.
const (
	Claimed Strength = iota + 1
	Documented
	Observed
)

func (s Strength) String() string {
	switch s {
	case Claimed:
		return "claimed"
	case Documented:
		return "documented"
	case Observed:
		return "observed"
	}
	return "unknown"
}

// MarshalJSON writes the strength as its name.
func (s Strength) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// ID identifies one piece of evidence within a run.
type ID string

// Source says where a fact comes from.
type Source struct {
	// Kind is model, document, sbom, advisory, vex, mds2 or probe.
	Kind string `json:"kind"`
	// File and position, where the fact was read from a file.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Detail adds what a position cannot say: a document's title and hash.
	Detail string `json:"detail,omitempty"`
	// Transcript lists, for a probe's observation, the events of the
	// probe's transcript (their seq) that show it.
	Transcript []int `json:"transcript,omitempty"`
}

func (s Source) String() string {
	switch {
	case s.File != "" && s.Line > 0:
		return fmt.Sprintf("%s:%d:%d", s.File, s.Line, s.Column)
	case s.File != "":
		return s.File
	}
	return s.Kind
}

// Evidence is one fact with its provenance.
type Evidence struct {
	ID ID `json:"id"`
	// Path names the fact, for a model fact its path in the model
	// (components[0].security.update.signed).
	Path     string   `json:"path"`
	Value    string   `json:"value"`
	Strength Strength `json:"strength"`
	Source   Source   `json:"source"`
}

// Set is the evidence of one run, addressable by ID and by path.
type Set struct {
	byID   map[ID]*Evidence
	byPath map[string]ID
	sboms  []SBOM
	vulnDB *VulnDatabase
	vulns  []Vulnerabilities
	// devAdv is device-level advisory matching, when it ran.
	devAdv    []DeviceAdvisories
	devAdvRan bool
	mds2      *MDS2
	live      []Live
}

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{byID: map[ID]*Evidence{}, byPath: map[string]ID{}}
}

// Add records e and returns its ID. IDs are assigned from the path, so the
// same fact gets the same ID in every run; adding a fact again keeps the
// stronger of the two.
func (s *Set) Add(e Evidence) ID {
	if id, ok := s.byPath[e.Path]; ok {
		if old := s.byID[id]; e.Strength > old.Strength {
			e.ID = id
			*old = e
		}
		return id
	}
	e.ID = ID("ev:" + e.Path)
	s.byID[e.ID] = &e
	s.byPath[e.Path] = e.ID
	return e.ID
}

// Get returns the evidence with id.
func (s *Set) Get(id ID) (Evidence, bool) {
	e, ok := s.byID[id]
	if !ok {
		return Evidence{}, false
	}
	return *e, true
}

// Lookup returns the evidence recorded for path.
func (s *Set) Lookup(path string) (Evidence, bool) {
	id, ok := s.byPath[path]
	if !ok {
		return Evidence{}, false
	}
	return s.Get(id)
}

// All returns every piece of evidence, sorted by ID.
func (s *Set) All() []Evidence {
	out := make([]Evidence, 0, len(s.byID))
	for _, e := range s.byID {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Weakest returns the weakest strength among ids; 0 when ids is empty or
// none is known.
func (s *Set) Weakest(ids []ID) Strength {
	var w Strength
	for _, id := range ids {
		e, ok := s.byID[id]
		if !ok {
			continue
		}
		if w == 0 || e.Strength < w {
			w = e.Strength
		}
	}
	return w
}

// SBOM is what reading a component's SBOM showed: observed evidence for the
// rules on SBOM quality and coverage.
type SBOM struct {
	// Component is the model component the SBOM belongs to; Path is its
	// model path (components[i].sbom).
	Component string `json:"component"`
	Path      string `json:"path"`
	File      string `json:"file"`
	// Err is set when the SBOM could not be read; the rest is then empty.
	Err         string `json:"error,omitempty"`
	Format      string `json:"format,omitempty"`
	SpecVersion string `json:"specVersion,omitempty"`
	Components  int    `json:"components"`
	// Coverage is the share, in percent, of components carrying each NTIA
	// minimum element; Author and Timestamp are the document-level ones.
	Coverage  map[string]float64 `json:"coverage,omitempty"`
	Author    bool               `json:"author"`
	Timestamp bool               `json:"timestamp"`
	Score     float64            `json:"score"`
	// Checkable counts components that vulnerability matching can find.
	Checkable int `json:"checkable"`
	Warnings  int `json:"warnings"`
	// WithSupport counts components with both a level of support and an
	// end-of-support date; Unsupported those declared unsupported.
	WithSupport          int    `json:"withSupport"`
	Unsupported          int    `json:"unsupported"`
	EarliestEndOfSupport string `json:"earliestEndOfSupport,omitempty"`
}

// AddSBOM records what a component's SBOM showed, and the SBOM itself as
// observed evidence at the component's sbom path.
func (s *Set) AddSBOM(b SBOM) ID {
	s.sboms = append(s.sboms, b)
	value := b.Format + " " + b.SpecVersion + ", " + itoa(b.Components) + " component"
	if b.Components != 1 {
		value += "s"
	}
	if b.Err != "" {
		value = "unreadable: " + b.Err
	}
	return s.Add(Evidence{Path: b.Path, Value: value, Strength: Observed, Source: Source{Kind: "sbom", File: b.File}})
}

// SBOM returns what the SBOM of component showed, if it was read.
func (s *Set) SBOM(component string) (SBOM, bool) {
	for _, b := range s.sboms {
		if b.Component == component {
			return b, true
		}
	}
	return SBOM{}, false
}

func itoa(i int) string { return strconv.Itoa(i) }
