package classify

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Outcome is what one rule concluded for one component.
type Outcome string

// Outcomes of a rule.
const (
	Applies       Outcome = "applies"
	DoesNotApply  Outcome = "does-not-apply"
	NeedsDecision Outcome = "needs-decision"
)

// Fact is one fact a rule read, with where it came from.
type Fact struct {
	// Component is set when the fact belongs to another component than the
	// one being classified (the device it controls, say).
	Component string `json:"component,omitempty"`
	Path      string `json:"path"`
	Value     string `json:"value"`
	// Source is the position in the model file, or "inferred: <why>".
	Source string `json:"source"`
}

// Step is the trace of one rule for one component.
type Step struct {
	Rule    string  `json:"rule"`
	Section string  `json:"section"`
	Outcome Outcome `json:"outcome"`
	// Class is the class the rule gives; for a rule that needs a decision,
	// the lowest class it can still give (none if it may not apply).
	Class Class `json:"class"`
	// UpTo is, for a rule that needs a decision, the highest class it can
	// still give.
	UpTo      Class    `json:"upTo,omitempty"`
	Reason    string   `json:"reason"`
	Facts     []Fact   `json:"facts,omitempty"`
	Missing   []string `json:"missing,omitempty"`
	Component string   `json:"component,omitempty"`
}

// indent is one sub-rule: when its condition holds the rule gives class.
type indent struct {
	when  lazy
	class Class
	text  string
}

// eval applies a rule of the common shape "devices that ... (applies) are
// class base unless (indents)". A base of None means the rule applies only
// through one of its indents. Indents are weighed strictest first; once one
// holds, weaker ones cannot change the result (implementing rule 3.5) and
// are not read.
func (x *ctx) eval(s *Step, applies lazy, base Class, baseText, notText string, indents []indent) {
	a := applies()
	if a == no {
		s.Outcome, s.Reason = DoesNotApply, notText
		return
	}
	sorted := slices.Clone(indents)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].class > sorted[j].class })
	cur, curText := None, ""
	var unsure []indent
	for i, in := range sorted {
		if cur != None && in.class <= cur {
			break
		}
		switch in.when() {
		case yes:
			cur, curText = in.class, in.text
			curText += x.alsoTrue(sorted[i+1:], cur)
		case unknown:
			unsure = append(unsure, in)
		}
	}
	var lo, hi Class
	switch {
	case cur != None:
		lo, hi = cur, cur
		for _, u := range unsure {
			hi = max(hi, u.class)
		}
	default:
		lo, hi = base, base
		for _, u := range unsure {
			hi = max(hi, u.class)
			if base != None {
				lo = min(lo, u.class)
			}
		}
		if base == None && len(unsure) > 0 {
			lo = None
		}
		curText = baseText
	}
	if a == unknown {
		lo = None
	}
	switch {
	case lo == None && hi == None:
		s.Outcome, s.Reason = DoesNotApply, notText
	case lo == hi:
		s.Outcome, s.Class, s.Reason = Applies, lo, curText
	default:
		s.Outcome, s.Class, s.UpTo = NeedsDecision, lo, hi
		s.Reason = undecidedReason(a, lo, hi, curText)
	}
}

// alsoTrue names the other indents of the same class that hold, for a
// complete reason. Facts they lack cannot change the class, so they are
// not reported missing.
func (x *ctx) alsoTrue(rest []indent, class Class) string {
	var also []string
	var keep []string
	if x.cur != nil {
		keep = slices.Clone(x.cur.Missing)
	}
	for _, in := range rest {
		if in.class != class {
			break
		}
		if in.when() == yes {
			also = append(also, in.text)
		}
	}
	if x.cur != nil {
		x.cur.Missing = keep
	}
	if len(also) == 0 {
		return ""
	}
	return "; also: " + strings.Join(also, "; ")
}

func undecidedReason(a tri, lo, hi Class, known string) string {
	var b strings.Builder
	if a == unknown {
		b.WriteString("may not apply; ")
	}
	switch {
	case lo == None:
		fmt.Fprintf(&b, "would give at most class %s", hi)
	default:
		fmt.Fprintf(&b, "gives class %s to %s", lo, hi)
	}
	b.WriteString(" depending on the missing facts")
	if known != "" && lo != None {
		b.WriteString("; known so far: " + known)
	}
	return b.String()
}

// fact records that the current rule read name = value.
func (x *ctx) fact(name, value string) {
	f := Fact{Path: "classification." + name, Value: value}
	if src, ok := x.sources[name]; ok {
		f.Source = src
	} else {
		f.Source = x.dev.Pos(fmt.Sprintf("components[%d].classification.%s", x.idx, name)).String()
	}
	x.addFact(f)
}

// addFact records f in the current step. A view of another component
// records into the context that asked, naming the component.
func (x *ctx) addFact(f Fact) {
	if x.rec != nil {
		if f.Component == "" {
			f.Component = x.c.ID
		}
		x.rec.addFact(f)
		return
	}
	if x.cur == nil {
		return
	}
	for _, g := range x.cur.Facts {
		if g == f {
			return
		}
	}
	x.cur.Facts = append(x.cur.Facts, f)
}

func (x *ctx) missing(what string) {
	if x.rec != nil {
		x.rec.missing(x.c.ID + ": " + what)
		return
	}
	if x.cur == nil || slices.Contains(x.cur.Missing, what) {
		return
	}
	x.cur.Missing = append(x.cur.Missing, what)
}

// is tests an enumerated fact against the values that make it true.
func (x *ctx) is(name, value string, targets ...string) lazy {
	return func() tri {
		if value == "" {
			x.missing("classification." + name)
			return unknown
		}
		x.fact(name, value)
		if slices.Contains(targets, value) {
			return yes
		}
		return no
	}
}

// flag tests a yes/no fact.
func (x *ctx) flag(name string, p *bool) lazy {
	return func() tri {
		if p == nil {
			x.missing("classification." + name)
			return unknown
		}
		x.fact(name, fmt.Sprint(*p))
		if *p {
			return yes
		}
		return no
	}
}

// hasSite tests the contactSites list; an absent list is unknown, an empty
// one means no such contact.
func (x *ctx) hasSite(sites ...string) lazy {
	return func() tri {
		list := x.f.ContactSites
		if list == nil {
			x.missing("classification.contactSites")
			return unknown
		}
		vals := make([]string, len(list))
		for i, s := range list {
			vals[i] = string(s)
		}
		x.fact("contactSites", "["+strings.Join(vals, ", ")+"]")
		for _, s := range vals {
			if slices.Contains(sites, s) {
				return yes
			}
		}
		return no
	}
}
