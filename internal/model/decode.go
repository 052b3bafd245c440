package model

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Date is a calendar date written YYYY-MM-DD. The empty Date is unknown.
type Date string

// Time returns the date as midnight UTC; ok is false for an empty or
// malformed date.
func (d Date) Time() (t time.Time, ok bool) {
	t, err := time.Parse(time.DateOnly, string(d))
	return t, err == nil
}

func (d Date) check() error {
	if _, err := time.Parse(time.DateOnly, string(d)); err != nil {
		return fmt.Errorf("%q is not a date in the form YYYY-MM-DD", string(d))
	}
	return nil
}

// enum is implemented by every enumerated string type of the model.
type enum interface{ Values() []string }

var (
	enumType = reflect.TypeFor[enum]()
	dateType = reflect.TypeFor[Date]()
)

// decoder turns a YAML AST into model structs, strictly. It records the
// position of every value it decodes so that later stages can cite it, and
// it charges every node it visits (aliases included) against a budget so
// that alias bombs cannot expand without bound.
type decoder struct {
	src     *source
	errs    *ErrorList
	anchors map[string]ast.Node
	budget  int
	last    ast.Node // node being decoded, for the position of a budget error
	// root names the document in messages: "the device model".
	root string
}

// errBudget stops decoding when the node budget is spent.
type errBudget struct{}

func (d *decoder) fail(n ast.Node, path, format string, args ...any) {
	line, col := nodePos(n)
	d.errs.add(line, col, path, fmt.Sprintf(format, args...))
}

func nodePos(n ast.Node) (line, col int) {
	switch m := n.(type) {
	case nil:
		return 0, 0
	case *ast.MappingNode:
		// Point at the first key rather than the ':' the library reports.
		if len(m.Values) > 0 && !m.IsFlowStyle {
			return nodePos(m.Values[0])
		}
	case *ast.MappingValueNode:
		return nodePos(m.Key)
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 0, 0
}

// resolve follows anchors and aliases to the node that holds the value.
func (d *decoder) resolve(n ast.Node, path string) (ast.Node, bool) {
	for hops := 0; n != nil; hops++ {
		if hops > 64 {
			d.fail(n, path, "alias chain is too long")
			return nil, false
		}
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			name := v.Value.GetToken().Value
			target, ok := d.anchors[name]
			if !ok {
				d.fail(n, path, "alias *%s refers to no anchor defined before it", name)
				return nil, false
			}
			n = target
		case *ast.TagNode:
			d.fail(n, path, "YAML tags such as %s are not supported in a device model", v.Start.Value)
			return nil, false
		default:
			return n, true
		}
	}
	return nil, true
}

func (d *decoder) charge() {
	d.budget--
	if d.budget < 0 {
		panic(errBudget{})
	}
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return n == nil || ok
}

// decode stores node n into v, which must be settable.
func (d *decoder) decode(n ast.Node, v reflect.Value, path string) {
	d.last = n
	d.charge()
	n, ok := d.resolve(n, path)
	if !ok {
		return
	}
	if n != nil {
		line, col := nodePos(n)
		d.src.record(path, line, col)
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		if isNull(n) {
			return // explicit null is the same as leaving the field out: unknown
		}
		p := reflect.New(t.Elem())
		before := len(d.errs.Errs)
		d.decode(n, p.Elem(), path)
		if len(d.errs.Errs) == before {
			v.Set(p)
		}
		return
	}
	if isNull(n) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.String:
		d.decodeString(n, v, path)
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.fail(n, path, "%s must be true or false, not %s", fieldName(path), describe(n))
			return
		}
		v.SetBool(b.Value)
	case reflect.Int:
		d.decodeInt(n, v, path)
	case reflect.Float64:
		d.decodeFloat(n, v, path)
	default:
		panic("model: unsupported field type " + t.String())
	}
}

func (d *decoder) decodeString(n ast.Node, v reflect.Value, path string) {
	var s string
	switch x := n.(type) {
	case *ast.StringNode:
		s = x.Value
	case *ast.LiteralNode:
		s = x.Value.Value
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		// A version such as 1.10 or a code such as 0042 is text to the
		// author; keep it exactly as written.
		s = n.GetToken().Value
	default:
		d.fail(n, path, "%s must be text, not %s", fieldName(path), describe(n))
		return
	}
	t := v.Type()
	if t.Implements(enumType) {
		vals := reflect.Zero(t).Interface().(enum).Values()
		if !contains(vals, s) {
			msg := fmt.Sprintf("%s: %q is not one of %s", fieldName(path), s, strings.Join(vals, ", "))
			if near := closest(s, vals); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			d.fail(n, path, "%s", msg)
			return
		}
	}
	if t == dateType {
		if err := Date(s).check(); err != nil {
			d.fail(n, path, "%s: %v", fieldName(path), err)
			return
		}
	}
	v.SetString(s)
}

func (d *decoder) decodeInt(n ast.Node, v reflect.Value, path string) {
	in, ok := n.(*ast.IntegerNode)
	if !ok {
		d.fail(n, path, "%s must be a whole number, not %s", fieldName(path), describe(n))
		return
	}
	var i int64
	switch x := in.Value.(type) {
	case int64:
		i = x
	case uint64:
		if x > math.MaxInt32 {
			d.fail(n, path, "%s: %d is too large", fieldName(path), x)
			return
		}
		i = int64(x)
	}
	if i > math.MaxInt32 || i < math.MinInt32 {
		d.fail(n, path, "%s: %d is out of range", fieldName(path), i)
		return
	}
	v.SetInt(i)
}

func (d *decoder) decodeFloat(n ast.Node, v reflect.Value, path string) {
	switch x := n.(type) {
	case *ast.FloatNode:
		v.SetFloat(x.Value)
	case *ast.IntegerNode:
		f, err := strconv.ParseFloat(x.GetToken().Value, 64)
		if err != nil {
			d.fail(n, path, "%s: %v", fieldName(path), err)
			return
		}
		v.SetFloat(f)
	default:
		d.fail(n, path, "%s must be a number, not %s", fieldName(path), describe(n))
	}
}

func (d *decoder) decodeSlice(n ast.Node, v reflect.Value, path string) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.fail(n, path, "%s must be a list, not %s", fieldName(path), describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
	for i, item := range seq.Values {
		d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

// field is one decodable struct field.
type field struct {
	name     string
	index    int
	required bool
	min, max *float64
}

func fieldsOf(t reflect.Type) []field {
	var fs []field
	for i := range t.NumField() {
		sf := t.Field(i)
		name := sf.Tag.Get("yaml")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		f := field{name: name, index: i, required: sf.Tag.Get("required") == "true"}
		if s := sf.Tag.Get("min"); s != "" {
			x, _ := strconv.ParseFloat(s, 64)
			f.min = &x
		}
		if s := sf.Tag.Get("max"); s != "" {
			x, _ := strconv.ParseFloat(s, 64)
			f.max = &x
		}
		fs = append(fs, f)
	}
	return fs
}

// mappingEntries returns the entries of a mapping, with merge keys (<<)
// expanded: merged entries come first so that the mapping's own keys win.
func (d *decoder) mappingEntries(m *ast.MappingNode, path string, depth int) (entries []*ast.MappingValueNode, ownStart int) {
	var merged, own []*ast.MappingValueNode
	for _, mv := range m.Values {
		if _, ok := mv.Key.(*ast.MergeKeyNode); !ok {
			own = append(own, mv)
			continue
		}
		if depth > 8 {
			d.fail(mv, path, "merge keys nested too deeply")
			continue
		}
		src, ok := d.resolve(mv.Value, path)
		if !ok {
			continue
		}
		var sources []ast.Node
		if seq, ok := src.(*ast.SequenceNode); ok {
			sources = seq.Values
		} else {
			sources = []ast.Node{src}
		}
		for _, s := range sources {
			s, ok := d.resolve(s, path)
			if !ok {
				continue
			}
			sm, ok := s.(*ast.MappingNode)
			if !ok {
				d.fail(mv, path, "merge key << needs a mapping, not %s", describe(s))
				continue
			}
			sub, _ := d.mappingEntries(sm, path, depth+1)
			for _, e := range sub {
				d.charge()
				merged = append(merged, e)
			}
		}
	}
	return append(merged, own...), len(merged)
}

func (d *decoder) decodeStruct(n ast.Node, v reflect.Value, path string) {
	var m *ast.MappingNode
	switch x := n.(type) {
	case *ast.MappingNode:
		m = x
	case *ast.MappingValueNode:
		// goccy represents a one-entry block mapping as a bare entry.
		m = &ast.MappingNode{Values: []*ast.MappingValueNode{x}}
	default:
		d.fail(n, path, "%s must be a mapping of fields, not %s", fieldName(path), describe(n))
		return
	}
	t := v.Type()
	fs := fieldsOf(t)
	byName := make(map[string]field, len(fs))
	names := make([]string, 0, len(fs))
	for _, f := range fs {
		byName[f.name] = f
		names = append(names, f.name)
	}
	entries, ownStart := d.mappingEntries(m, path, 0)
	seen := map[string]bool{}
	for i, mv := range entries {
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			continue
		}
		key := keyText(mv.Key)
		sub := join(path, key)
		f, ok := byName[key]
		if !ok {
			msg := fmt.Sprintf("unknown field %q in %s", key, d.where(path))
			if near := closest(key, names); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			d.fail(mv.Key, sub, "%s", msg)
			continue
		}
		if i >= ownStart && ownDup(entries[ownStart:i], key) {
			d.fail(mv.Key, sub, "duplicate field %q in %s", key, d.where(path))
			continue
		}
		seen[key] = true
		// Entries merged with << come first, so a key of the mapping's own
		// overwrites a merged one.
		fv := v.Field(f.index)
		fv.Set(reflect.Zero(fv.Type()))
		before := len(d.errs.Errs)
		d.decode(mv.Value, fv, sub)
		d.checkRange(mv.Value, fv, f, sub)
		if f.required && fv.IsZero() && len(d.errs.Errs) == before {
			d.fail(mv.Key, sub, "required field %q in %s is empty", key, d.where(path))
		}
	}
	for _, f := range fs {
		if f.required && !seen[f.name] {
			line, col := nodePos(n)
			d.errs.add(line, col, join(path, f.name), fmt.Sprintf("missing required field %q in %s", f.name, d.where(path)))
		}
	}
}

func ownDup(prev []*ast.MappingValueNode, key string) bool {
	for _, p := range prev {
		if keyText(p.Key) == key {
			return true
		}
	}
	return false
}

func (d *decoder) checkRange(n ast.Node, v reflect.Value, f field, path string) {
	if f.min == nil && f.max == nil {
		return
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	var x float64
	switch v.Kind() {
	case reflect.Int:
		x = float64(v.Int())
	case reflect.Float64:
		x = v.Float()
	default:
		return
	}
	if f.min != nil && x < *f.min {
		d.fail(n, path, "%s: %v is below the minimum %v", path, x, *f.min)
	}
	if f.max != nil && x > *f.max {
		d.fail(n, path, "%s: %v is above the maximum %v", path, x, *f.max)
	}
}

func keyText(k ast.MapKeyNode) string {
	if tk := k.GetToken(); tk != nil {
		return tk.Value
	}
	return k.String()
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) where(path string) string {
	if path == "" {
		return d.root
	}
	return path
}

// fieldName is the last element of a path, for messages.
func fieldName(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.IntegerNode:
		return "a whole number"
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.StringNode, *ast.LiteralNode:
		return fmt.Sprintf("the text %q", truncate(n.GetToken().Value, 40))
	case *ast.NullNode:
		return "null"
	}
	return "a " + strings.ToLower(n.Type().String())
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Closest returns the candidate nearest to s, if it is near enough to be
// a plausible typo, else "": the did-you-mean of every message that
// names an unknown value.
func Closest(s string, candidates []string) string { return closest(s, candidates) }

func closest(s string, candidates []string) string {
	best, bestDist := "", math.MaxInt
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == ls {
			return c // differs only in case
		}
		dist := levenshtein(ls, lc)
		if dist < bestDist || (dist == bestDist && c < best) {
			best, bestDist = c, dist
		}
	}
	limit := max(2, len(s)/3)
	if bestDist <= limit {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return math.MaxInt / 2
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
