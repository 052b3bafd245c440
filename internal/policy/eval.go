package policy

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mdcheck/mdcheck/internal/catalog"
	"github.com/mdcheck/mdcheck/internal/evidence"
	"github.com/mdcheck/mdcheck/internal/model"
)

// CatalogRules turns the policy's rules into catalog rules.
func (p *Policy) CatalogRules() []catalog.Rule {
	out := make([]catalog.Rule, 0, len(p.Rules))
	for _, r := range p.Rules {
		r := r
		remedy := r.Remediation
		if remedy == "" {
			remedy = "See the policy " + p.Name + " (" + p.File + ")."
		}
		rationale := r.Rationale
		if rationale == "" {
			rationale = "Policy rule from " + p.File + "."
		}
		out = append(out, catalog.Rule{
			ID: r.ID, Title: r.Title, Severity: r.Severity, Refs: r.Requirements,
			Rationale: rationale, Remediation: remedy,
			Check: func(in *catalog.Input) []catalog.Result { return r.evaluate(in) },
		})
	}
	return out
}

// subject is one thing a rule is evaluated on.
type subject struct {
	name string
	path string // model path of the subject, for citations
	vars map[string]any
}

func (r *Rule) subjects(in *catalog.Input) []subject {
	dev := Facts(in.Device, in)
	base := map[string]any{"device": dev, "component": map[string]any{}, "interface": map[string]any{}, "now": in.Now.Format(time.DateOnly)}
	with := func(k string, v map[string]any, k2 string, v2 map[string]any) map[string]any {
		m := map[string]any{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		if k2 != "" {
			m[k2] = v2
		}
		return m
	}
	var out []subject
	switch r.Each {
	case "device":
		out = append(out, subject{name: "device", path: "", vars: base})
	case "component":
		comps, _ := dev["components"].([]any)
		for i, c := range comps {
			cm := c.(map[string]any)
			out = append(out, subject{name: cm["id"].(string), path: fmt.Sprintf("components[%d]", i), vars: with("component", cm, "", nil)})
		}
	case "interface":
		comps, _ := dev["components"].([]any)
		for i, c := range comps {
			cm := c.(map[string]any)
			ifs, _ := cm["interfaces"].([]any)
			for k, it := range ifs {
				im := it.(map[string]any)
				out = append(out, subject{name: cm["id"].(string) + "/" + im["id"].(string), path: fmt.Sprintf("components[%d].interfaces[%d]", i, k), vars: with("component", cm, "interface", im)})
			}
		}
	}
	return out
}

var noSuchKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`no such key: (\S+)`) })

// evaluate runs the rule on each subject. A missing fact is Unknown; a
// type error or an exceeded cost limit is an Error for that subject.
func (r *Rule) evaluate(in *catalog.Input) []catalog.Result {
	var out []catalog.Result
	for _, s := range r.subjects(in) {
		if r.where != nil {
			v, _, err := r.where.Eval(s.vars)
			if err != nil {
				out = append(out, r.failed(s, err))
				continue
			}
			if b, ok := v.Value().(bool); ok && !b {
				continue
			}
		}
		v, _, err := r.check.Eval(s.vars)
		if err != nil {
			out = append(out, r.failed(s, err))
			continue
		}
		b, ok := v.Value().(bool)
		if !ok {
			out = append(out, catalog.Result{Subject: s.name, Status: catalog.Error, Detail: fmt.Sprintf("%s: the check gave %v, not a bool", r.pos, v.Value())})
			continue
		}
		ev := r.cite(in, s)
		if b {
			out = append(out, catalog.Result{Subject: s.name, Status: catalog.Pass, Detail: "policy check holds", Evidence: ev})
		} else {
			out = append(out, catalog.Result{Subject: s.name, Status: catalog.Fail, Detail: "policy check fails: " + r.Title, Evidence: ev})
		}
	}
	return out
}

func (r *Rule) failed(s subject, err error) catalog.Result {
	msg := err.Error()
	if m := noSuchKey().FindStringSubmatch(msg); m != nil {
		under := ""
		if s.path != "" {
			under = " under " + s.path
		}
		return catalog.Result{Subject: s.name, Status: catalog.Unknown, Detail: "not stated in the model: " + m[1] + under + " (read by the policy check at " + r.pos + ")"}
	}
	if strings.Contains(msg, "cost limit exceeded") {
		return catalog.Result{Subject: s.name, Status: catalog.Error, Detail: fmt.Sprintf("%s: the check exceeded the cost limit of %d", r.pos, CostLimit)}
	}
	return catalog.Result{Subject: s.name, Status: catalog.Error, Detail: r.pos + ": CEL: " + msg}
}

// cite records the facts the rule names in cite (paths relative to the
// subject), or the subject itself.
func (r *Rule) cite(in *catalog.Input, s subject) []evidence.ID {
	join := func(p string) string {
		switch {
		case s.path == "":
			return p
		case p == "":
			return s.path
		}
		return s.path + "." + p
	}
	if len(r.Cite) == 0 {
		p := join("")
		if p == "" {
			p = "identity"
		}
		return []evidence.ID{in.Cite(p, s.name)}
	}
	var ids []evidence.ID
	for _, c := range r.Cite {
		ids = append(ids, in.Cite(join(c), "read by policy rule "+r.ID))
	}
	return ids
}

// Facts renders the device model as the policy variable schema: every
// field under its YAML name, facts the author left out absent (so that an
// expression reading them yields Unknown), dates as YYYY-MM-DD strings.
// The classification adds "class" to the device and to each classified
// component.
func Facts(dev *model.Device, in *catalog.Input) map[string]any {
	m := toMap(reflect.ValueOf(dev).Elem()).(map[string]any)
	if in != nil && in.Classification != nil {
		m["class"] = in.Classification.Label
		m["classDecided"] = in.Classification.Decided
		labels := map[string]string{}
		for _, c := range in.Classification.Components {
			labels[c.Component] = c.Label
		}
		if comps, ok := m["components"].([]any); ok {
			for _, c := range comps {
				cm := c.(map[string]any)
				if l, ok := labels[cm["id"].(string)]; ok {
					cm["class"] = l
				}
			}
		}
	}
	return m
}

// toMap converts a model value; it returns nil for a value left out.
func toMap(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return toMap(v.Elem())
	case reflect.Struct:
		m := map[string]any{}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name := f.Tag.Get("yaml")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			if x := toMap(v.Field(i)); x != nil {
				m[name] = x
			}
		}
		return m
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range v.Len() {
			x := toMap(v.Index(i))
			if x == nil {
				x = ""
			}
			out[i] = x
		}
		return out
	case reflect.String:
		if v.String() == "" {
			return nil
		}
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int:
		return v.Int()
	case reflect.Float64:
		return v.Float()
	}
	return nil
}
