package policy

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"

	"github.com/mdcheck/mdcheck/internal/model"
)

// shape is what a policy variable or one of its fields holds, from the
// model's types: a map with known fields, a list, or a plain value.
// Checking expressions against it at load turns a misspelt field, which
// at run time would only ever read as absent (Unknown), into an error.
type shape struct {
	fields map[string]*shape // a model struct: its fields by YAML name
	elem   *shape            // a list: its elements
}

func (s *shape) names() []string {
	out := make([]string, 0, len(s.fields))
	for k := range s.fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// shapeOf describes a model type as Facts renders it.
func shapeOf(t reflect.Type) *shape {
	switch t.Kind() {
	case reflect.Pointer:
		return shapeOf(t.Elem())
	case reflect.Struct:
		s := &shape{fields: map[string]*shape{}}
		for i := range t.NumField() {
			f := t.Field(i)
			name := f.Tag.Get("yaml")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			s.fields[name] = shapeOf(f.Type)
		}
		return s
	case reflect.Slice:
		return &shape{elem: shapeOf(t.Elem())}
	}
	return &shape{}
}

// variables are the shapes of the policy variables, with the fields the
// classification adds (see Facts).
func variables() map[string]*shape {
	dev := shapeOf(reflect.TypeFor[model.Device]())
	dev.fields["class"] = &shape{}
	dev.fields["classDecided"] = &shape{}
	comp := dev.fields["components"].elem
	comp.fields["class"] = &shape{}
	return map[string]*shape{
		"device":    dev,
		"component": comp,
		"interface": comp.fields["interfaces"].elem,
	}
}

// vars is computed once; the shapes are never changed after.
var vars = variables()

// fieldError is a field an expression reads that the model does not have.
type fieldError struct {
	line, col int
	msg       string
}

// checkFields walks a checked expression and reports the first field it
// reads that the model cannot hold, with the nearest real field. each
// says which variables hold a subject: component is empty unless each is
// component or interface, interface unless each is interface.
func checkFields(a *cel.Ast, each string) *fieldError {
	native := a.NativeRep()
	c := &fieldChecker{info: native.SourceInfo(), each: each}
	c.walk(native.Expr(), map[string]*shape{})
	return c.err
}

type fieldChecker struct {
	info *celast.SourceInfo
	each string
	err  *fieldError
}

func (c *fieldChecker) fail(e celast.Expr, msg string) {
	if c.err != nil {
		return
	}
	loc := c.info.GetStartLocation(e.ID())
	col := loc.Column() + 1 // CEL counts columns from 0
	if e.Kind() == celast.SelectKind {
		col++ // a selection is placed at its dot; point at the field
	}
	c.err = &fieldError{line: loc.Line(), col: col, msg: msg}
}

// walk visits e and returns its shape where it is known (a variable, a
// field of one, an element of a list of them), nil otherwise. scope holds
// comprehension variables bound to elements of known lists.
func (c *fieldChecker) walk(e celast.Expr, scope map[string]*shape) *shape {
	switch e.Kind() {
	case celast.IdentKind:
		name := e.AsIdent()
		if s, ok := scope[name]; ok {
			return s
		}
		if s, ok := vars[name]; ok {
			if name == "component" && c.each == "device" || name == "interface" && c.each != "interface" {
				c.fail(e, fmt.Sprintf("%s is only set for rules with each: %s", name, map[string]string{"component": "component or interface", "interface": "interface"}[name]))
			}
			return s
		}
		return nil
	case celast.SelectKind:
		sel := e.AsSelect()
		s := c.walk(sel.Operand(), scope)
		if s == nil || s.fields == nil {
			return nil
		}
		f, ok := s.fields[sel.FieldName()]
		if !ok {
			msg := fmt.Sprintf("the model has no field %q here", sel.FieldName())
			if near := model.Closest(sel.FieldName(), s.names()); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			c.fail(e, msg+"; docs/device-model.md lists the fields")
			return nil
		}
		return f
	case celast.CallKind:
		call := e.AsCall()
		if call.IsMemberFunction() {
			c.walk(call.Target(), scope)
		}
		var args []*shape
		for _, a := range call.Args() {
			args = append(args, c.walk(a, scope))
		}
		if call.FunctionName() == "_[_]" && len(args) == 2 && args[0] != nil && args[0].elem != nil {
			return args[0].elem
		}
		return nil
	case celast.ComprehensionKind:
		comp := e.AsComprehension()
		r := c.walk(comp.IterRange(), scope)
		inner := make(map[string]*shape, len(scope)+2)
		for k, v := range scope {
			inner[k] = v
		}
		// A variable bound here hides an outer one of the same name.
		delete(inner, comp.IterVar())
		delete(inner, comp.AccuVar())
		if comp.HasIterVar2() {
			delete(inner, comp.IterVar2())
			if r != nil && r.elem != nil {
				inner[comp.IterVar2()] = r.elem
			}
		} else if r != nil && r.elem != nil {
			inner[comp.IterVar()] = r.elem
		}
		c.walk(comp.AccuInit(), scope)
		c.walk(comp.LoopCondition(), inner)
		c.walk(comp.LoopStep(), inner)
		c.walk(comp.Result(), inner)
		return nil
	case celast.ListKind:
		for _, el := range e.AsList().Elements() {
			c.walk(el, scope)
		}
	case celast.MapKind:
		for _, en := range e.AsMap().Entries() {
			m := en.AsMapEntry()
			c.walk(m.Key(), scope)
			c.walk(m.Value(), scope)
		}
	case celast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			c.walk(f.AsStructField().Value(), scope)
		}
	}
	return nil
}

// checkCite checks a cite path (relative to the rule's subject, such as
// lifecycle.endOfSupport or interfaces[0].authentication) against the
// model.
func checkCite(each, p string) error {
	s := vars["device"]
	switch each {
	case "component":
		s = vars["component"]
	case "interface":
		s = vars["interface"]
	}
	for _, part := range strings.Split(p, ".") {
		name, idx, indexed := strings.Cut(part, "[")
		if s.fields == nil {
			return fmt.Errorf("cite %q: %q is not a field: what precedes it has no fields", p, name)
		}
		f, ok := s.fields[name]
		if !ok {
			msg := fmt.Sprintf("cite %q: the model has no field %q here", p, name)
			if near := model.Closest(name, s.names()); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			return fmt.Errorf("%s", msg)
		}
		s = f
		if indexed {
			if s.elem == nil || !strings.HasSuffix(idx, "]") {
				return fmt.Errorf("cite %q: %s is not a list to index", p, name)
			}
			s = s.elem
		}
	}
	return nil
}
