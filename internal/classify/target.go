package classify

import (
	"fmt"
	"strings"

	"github.com/mdcheck/mdcheck/internal/model"
)

// target is a device another component relates to: a component of the same
// model or an external device.
type target struct {
	id   string
	view *ctx                  // for a component: its facts, recording into the caller
	ext  *model.ExternalDevice // for an external device
	ei   int
	from *ctx
}

func (x *ctx) target(id string) *target {
	t := &target{id: id, from: x}
	if j, ok := x.cl.index[id]; ok {
		v := newCtx(x.cl, j)
		v.rec = x
		t.view = v
		return t
	}
	for i := range x.dev.ExternalDevices {
		if x.dev.ExternalDevices[i].ID == id {
			t.ext, t.ei = &x.dev.ExternalDevices[i], i
			return t
		}
	}
	return t // validation rejects dangling references; treat as unknown
}

// extFlag reads a yes/no fact of an external device.
func (t *target) extFlag(name string, p *bool) tri {
	path := fmt.Sprintf("externalDevices[%d].%s", t.ei, name)
	if p == nil {
		t.from.missing(path)
		return unknown
	}
	t.from.addFact(Fact{Component: t.id, Path: name, Value: fmt.Sprint(*p), Source: t.from.dev.Pos(path).String()})
	if *p {
		return yes
	}
	return no
}

func (t *target) activeImplantable() tri {
	switch {
	case t.view != nil:
		return and(t.view.active(), t.view.invasiveness("implantable"))()
	case t.ext != nil:
		return t.extFlag("activeImplantable", t.ext.ActiveImplantable)
	}
	return unknown
}

// activeTherapeutic tells whether the target is an active therapeutic
// device (Annex VIII 2.4): active, and treating by energy, substances,
// therapeutic radiation or closed-loop therapy.
func (t *target) activeTherapeutic() lazy {
	switch {
	case t.view != nil:
		v := t.view
		return and(v.active(), or(
			v.is("therapeuticEnergy", string(v.f.TherapeuticEnergy), "non-hazardous", "hazardous"),
			v.is("administersSubstances", string(v.f.Substances), "non-hazardous", "hazardous"),
			v.flag("therapeuticIonisingRadiation", v.f.TherapeuticIonising),
			v.flag("closedLoop", v.f.ClosedLoop),
		))
	case t.ext != nil:
		return func() tri { return t.extFlag("activeTherapeutic", t.ext.ActiveTherapeutic) }
	}
	return always(unknown)
}

// activeTherapeuticIIb: Rule 9 second paragraph. A controlled device of a
// higher class than IIb is covered too: the paragraph sets a floor.
func (t *target) activeTherapeuticIIb() tri {
	return and(t.activeTherapeutic(), func() tri {
		lo, hi := t.class()
		switch {
		case lo >= IIb:
			return yes
		case hi < IIb && hi != None:
			return no
		}
		t.from.missing(t.id + ": class")
		return unknown
	})()
}

func (t *target) therapeuticIonising() tri {
	switch {
	case t.view != nil:
		return t.view.flag("therapeuticIonisingRadiation", t.view.f.TherapeuticIonising)()
	case t.ext != nil:
		return t.extFlag("therapeuticIonisingRadiation", t.ext.TherapeuticIonising)
	}
	return unknown
}

func (t *target) diagnosticRadiology() tri {
	switch {
	case t.view != nil:
		return t.view.flag("diagnostic.diagnosticRadiology", t.view.f.Diagnostic.Radiology)()
	case t.ext != nil:
		return t.extFlag("diagnosticRadiology", t.ext.DiagnosticRadiology)
	}
	return unknown
}

// class returns the range of classes the target can have.
func (t *target) class() (lo, hi Class) {
	switch {
	case t.view != nil:
		r := t.view.cl.component(t.view.idx)
		if r.Decided {
			return r.Class, r.Class
		}
		return r.Class, max(r.Class, r.UpTo)
	case t.ext != nil:
		path := fmt.Sprintf("externalDevices[%d].class", t.ei)
		c, ok := ParseClass(string(t.ext.Class))
		if !ok {
			t.from.missing(path)
			return None, III
		}
		t.from.addFact(Fact{Component: t.id, Path: "class", Value: c.String(), Source: t.from.dev.Pos(path).String()})
		return c, c
	}
	return None, III
}

func (t *target) classText() string {
	lo, hi := t.class()
	switch {
	case lo == hi && lo != None:
		return "class " + lo.String()
	case lo == None:
		return fmt.Sprintf("class undecided, up to %s", hi)
	}
	return fmt.Sprintf("class %s to %s, undecided", lo, hi)
}

// related tests whether any device in a relation list has a property. An
// absent or empty list means the component declares no such relation.
func (x *ctx) related(list string, ids []string, desc string, prop func(*target) tri) lazy {
	return func() tri {
		path := fmt.Sprintf("components[%d].classification.%s", x.idx, list)
		if len(ids) == 0 {
			x.addFact(Fact{Path: "classification." + list, Value: "[] (none declared)", Source: x.dev.Pos(path).String()})
			return no
		}
		x.addFact(Fact{Path: "classification." + list, Value: "[" + strings.Join(ids, ", ") + "]", Source: x.dev.Pos(path).String()})
		out := no
		for _, id := range ids {
			switch prop(x.target(id)) {
			case yes:
				return yes
			case unknown:
				out = unknown
			}
		}
		return out
	}
}
