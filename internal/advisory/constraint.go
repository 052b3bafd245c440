package advisory

import (
	"regexp"
	"strings"
	"sync"
)

// Constraint is the versions of a product an advisory names, read from
// the text as written: vers ranges (vers:all/*, vers:generic/>=1.0|<2.0),
// comparisons (< 8.2.2, <=N, <= C.00.04), ranges written as a lower and
// an upper bound joined by "|" (>= 1.1 | <= 1.3.2), lists (9.13 | 9.19,
// 2131 and 2141), wildcards (12.x, 5.x.x), "2.3.6 and below", and
// versions with letters, builds and revisions. Text that puts conditions
// beyond the version (a model, an option, a shipping window, a date, an
// operating system) is kept and answered "needs review", never dropped
// and never matched by guess.
type Constraint struct {
	Raw string
	all bool
	// alts are alternatives: a version is affected when one holds.
	alts []clause
	// review, when set, says why the text cannot be decided.
	review string
	// Note is text beside the versions that does not change them, such
	// as "(end-of-life 2011)".
	Note string
}

// clause is one alternative: an exact version, a wildcard prefix, or a
// range with optional bounds.
type clause struct {
	exact, prefix *Version
	lo, hi        *bound
}

type bound struct {
	v    Version
	incl bool
}

// Verdict is what a constraint says of one version.
type Verdict int

// Verdicts.
const (
	NotAffected Verdict = iota + 1
	Affected
	NeedsReview
)

func (v Verdict) String() string {
	switch v {
	case NotAffected:
		return "not affected"
	case Affected:
		return "affected"
	case NeedsReview:
		return "needs review"
	}
	return "unknown"
}

// Answer is a verdict with its confidence and reason.
type Answer struct {
	Verdict Verdict
	// Loose is set when the decision compared letters or wildcards, or
	// read words: medium rather than high confidence.
	Loose  bool
	Reason string
}

var (
	parenthetical = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(([^()]*)\)`) })
	// A parenthetical that only comments.
	notePattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^\s*(end[- ]of[- ](life|support)|eol\b|integrated into|formerly|also known as|aka\b)`)
	})
	// Words that put conditions beyond the version.
	conditionWords = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(with|without|model|models|option|options|shipped|shipping|between|running|edition|firmware|part|product id|reorder|udi|ndc|operating system|windows|linux|hardware|serial|lot|except|excluding|not including|only)\b|#`)
	})
	months = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)\b`)
	})
	// "2.3.6 and below", "prior to 3.0", "up to 2.1", "3.0 and later".
	andBelow = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^(.+?)\s+(and|or)\s+(below|earlier|prior|lower|older|before)$`)
	})
	andAbove = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^(.+?)\s+(and|or)\s+(above|later|newer|higher|after)$`)
	})
	priorTo = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^(prior to|before|earlier than|older than|lower than|below)\s+(.+)$`)
	})
	upTo = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^(up to( and including)?|through|until)\s+(.+)$`)
	})
	fromTo = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^(?:from\s+)?(\S+)\s+(?:to|through|thru|-)\s+(\S+)$`)
	})
	andList = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\s+(?:and|or|&)\s+`) })
)

// ParseConstraint reads the version text of a product. It never fails:
// text it cannot read becomes a constraint that answers "needs review"
// with the reason.
func ParseConstraint(raw string) Constraint {
	c := Constraint{Raw: raw}
	s := strings.Join(strings.Fields(raw), " ")
	if s == "" {
		c.review = "no version text"
		return c
	}
	if len(s) > 512 {
		c.review = "version text longer than 512 characters"
		return c
	}
	if strings.HasPrefix(strings.ToLower(s), "vers:") {
		return parseVers(c, s)
	}
	// Parentheticals: a comment is kept as a note; any other is a
	// condition.
	for _, m := range parenthetical().FindAllStringSubmatch(s, -1) {
		if notePattern().MatchString(m[1]) {
			c.Note = strings.TrimSpace(c.Note + " " + m[0])
			s = strings.TrimSpace(strings.Replace(s, m[0], "", 1))
			continue
		}
		c.review = "a condition beside the version: " + m[0]
		return c
	}
	if strings.ContainsAny(s, "()") {
		c.review = "unbalanced parentheses"
		return c
	}
	if m := conditionWords().FindString(s); m != "" {
		c.review = "a condition beside the version (" + strings.ToLower(m) + ")"
		return c
	}
	if months().MatchString(s) {
		c.review = "a date rather than a version"
		return c
	}
	if s == "*" {
		c.all = true
		return c
	}
	var parts []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 1 && !strings.ContainsAny(parts[0], "<>=") {
		// 2131 and 2141; 1.0 to 2.0
		if m := fromTo().FindStringSubmatch(parts[0]); m != nil {
			parts = []string{">= " + m[1], "<= " + m[2]}
		} else if andList().MatchString(parts[0]) && !andBelow().MatchString(parts[0]) && !andAbove().MatchString(parts[0]) {
			parts = andList().Split(parts[0], -1)
		}
	}
	var items []item
	for _, p := range parts {
		it, why := parseItem(p)
		if why != "" {
			c.review = why
			return c
		}
		items = append(items, it)
	}
	c.alts = pair(items)
	return c
}

// item is one "|"-separated part: an operator and a version.
type item struct {
	op string // "", "<", "<=", ">", ">=", "="
	v  Version
}

func parseItem(p string) (item, string) {
	switch {
	case andBelow().MatchString(p):
		p = "<= " + andBelow().FindStringSubmatch(p)[1]
	case andAbove().MatchString(p):
		p = ">= " + andAbove().FindStringSubmatch(p)[1]
	case priorTo().MatchString(p):
		p = "< " + priorTo().FindStringSubmatch(p)[2]
	case upTo().MatchString(p):
		p = "<= " + upTo().FindStringSubmatch(p)[3]
	}
	var it item
	for _, op := range []string{"<=", ">=", "==", "<", ">", "="} {
		if rest, ok := strings.CutPrefix(p, op); ok {
			it.op = strings.TrimPrefix(op, "=")
			if op == "==" || op == "=" {
				it.op = ""
			}
			p = strings.TrimSpace(rest)
			break
		}
	}
	if p == "" || strings.ContainsAny(p, "<>=") {
		return it, "a comparison that cannot be read: " + p
	}
	v, err := ParseVersion(p)
	if err != nil {
		return it, "not a version: " + p
	}
	it.v = v
	return it, ""
}

// pair joins a lower bound followed by an upper bound into one range
// (CISA writes ">= 1.1 | <= 1.3.2" for a range, and vers does the same);
// every other item is an alternative of its own.
func pair(items []item) []clause {
	var out []clause
	for i := 0; i < len(items); i++ {
		it := items[i]
		switch it.op {
		case ">", ">=":
			lo := boundOf(it, true)
			if i+1 < len(items) && (items[i+1].op == "<" || items[i+1].op == "<=") {
				out = append(out, clause{lo: lo, hi: boundOf(items[i+1], false)})
				i++
				continue
			}
			out = append(out, clause{lo: lo})
		case "<", "<=":
			out = append(out, clause{hi: boundOf(it, false)})
		default:
			v := it.v
			if v.wild {
				out = append(out, clause{prefix: &v})
			} else {
				out = append(out, clause{exact: &v})
			}
		}
	}
	return out
}

// boundOf is the bound of a comparison: the lower bound of ">= v" or
// "> v", the upper bound of "<= v" or "< v". On a wildcard the bound
// moves past the family where the comparison takes in or leaves out all
// of it from the other side: ">= 3.x" is ">= 3" but "> 3.x" is ">= 4";
// "< 3.x" is "< 3" but "<= 11.x" is "< 12".
func boundOf(it item, lower bool) *bound {
	incl := it.op == ">=" || it.op == "<="
	if !it.v.wild {
		return &bound{v: it.v, incl: incl}
	}
	base := Version{Raw: it.v.Raw, segs: it.v.segs}
	if incl != lower { // "> 3.x" or "<= 11.x"
		if n, ok := base.next(); ok {
			return &bound{v: n, incl: lower}
		}
	}
	return &bound{v: base, incl: lower}
}

// parseVers reads a vers URI (https://github.com/package-url/vers-spec):
// vers:<scheme>/<constraint>|<constraint>...
func parseVers(c Constraint, s string) Constraint {
	rest := s[len("vers:"):]
	_, cons, ok := strings.Cut(rest, "/")
	if !ok {
		c.review = "a vers range without constraints"
		return c
	}
	cons = strings.TrimSpace(cons)
	if cons == "*" {
		c.all = true
		return c
	}
	var items []item
	for _, p := range strings.Split(cons, "|") {
		p = strings.TrimSpace(p)
		if strings.HasPrefix(p, "!=") {
			c.review = "a vers exclusion (!=)"
			return c
		}
		it, why := parseItem(p)
		if why != "" {
			c.review = why
			return c
		}
		items = append(items, it)
	}
	c.alts = pair(items)
	return c
}

// All reports whether every version is named.
func (c Constraint) All() bool { return c.all }

// Review is why the text cannot be decided, or "".
func (c Constraint) Review() string { return c.review }

// Check answers whether version (as the inventory writes it; "" when
// unknown) is among those the constraint names.
func (c Constraint) Check(version string) Answer {
	if c.all {
		return Answer{Verdict: Affected, Reason: "every version (" + c.Raw + ")"}
	}
	if c.review != "" {
		return Answer{Verdict: NeedsReview, Reason: c.review + ": " + quote(c.Raw)}
	}
	if strings.TrimSpace(version) == "" {
		return Answer{Verdict: NeedsReview, Reason: "no version given; the advisory names " + quote(c.Raw)}
	}
	v, err := ParseVersion(version)
	if err != nil || v.wild {
		return Answer{Verdict: NeedsReview, Reason: "version " + quote(version) + " cannot be read"}
	}
	a := c.check(version, v)
	// A build number an inventory adds to a release (2.3.6 (build 1234),
	// 8.2.1 b33) does not take the release out of "2.3.6 and below": the
	// release is compared too, and a hit is a medium one that says so.
	if a.Verdict == NotAffected {
		if rel, ok := releaseOf(version); ok {
			if r, err := ParseVersion(rel); err == nil && !r.wild {
				if b := c.check(rel, r); b.Verdict == Affected {
					b.Loose = true
					b.Reason = "release " + rel + " of " + version + " is within " + quote(c.Raw) + " (the build number aside)"
					return b
				}
			}
		}
	}
	return a
}

// buildSuffix is a build number an inventory writes after a release: in
// parentheses or brackets, or after the word build or b.
var buildSuffix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^\s*(.*?\d[^()\[\]]*?)\s*(?:[(\[]\s*(?:build|bld|b)?\s*[.:#]?\s*\w+\s*[)\]]|[\s_.-]+(?:build|bld|b)\s*[.:#]?\s*\d+)\s*$`)
})

// releaseOf is a version without the build number written after it.
func releaseOf(version string) (string, bool) {
	m := buildSuffix().FindStringSubmatch(version)
	if m == nil || strings.TrimSpace(m[1]) == "" {
		return "", false
	}
	return strings.TrimSpace(m[1]), true
}

// check is Check on a version read.
func (c Constraint) check(version string, v Version) Answer {
	undecided := false
	loose := false
	for _, cl := range c.alts {
		in, cmp := cl.holds(v)
		loose = loose || cmp.loose
		if !cmp.decided {
			undecided = true
			continue
		}
		if in {
			return Answer{Verdict: Affected, Loose: cmp.loose, Reason: version + " is within " + quote(c.Raw)}
		}
	}
	if undecided {
		return Answer{Verdict: NeedsReview, Reason: version + " is not written like " + quote(c.Raw) + ": compare by hand"}
	}
	return Answer{Verdict: NotAffected, Loose: loose, Reason: version + " is outside " + quote(c.Raw)}
}

// holds says whether v satisfies the clause.
func (cl clause) holds(v Version) (bool, comparison) {
	switch {
	case cl.exact != nil:
		c := compare(v, *cl.exact)
		return c.decided && c.cmp == 0, c
	case cl.prefix != nil:
		c := hasPrefix(v, *cl.prefix)
		return c.decided && c.cmp == 0, c
	}
	out := comparison{decided: true}
	in := true
	if cl.lo != nil {
		c := compare(v, cl.lo.v)
		out.loose = out.loose || c.loose
		if !c.decided {
			return false, c
		}
		in = in && (c.cmp > 0 || c.cmp == 0 && cl.lo.incl)
	}
	if cl.hi != nil {
		c := compare(v, cl.hi.v)
		out.loose = out.loose || c.loose
		if !c.decided {
			return false, c
		}
		in = in && (c.cmp < 0 || c.cmp == 0 && cl.hi.incl)
	}
	return in, out
}

func quote(s string) string { return "\"" + s + "\"" }
