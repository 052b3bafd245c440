package advisory

import (
	"slices"
	"sort"
	"strings"
)

// Confidence is how sure a device-level match is.
type Confidence string

// Rank orders confidences: high highest, an unknown one lowest.
func (c Confidence) Rank() int {
	switch c {
	case ConfidenceHigh:
		return 3
	case ConfidenceMedium:
		return 2
	case ConfidenceReview:
		return 1
	}
	return 0
}

// Confidence levels of a device-level match.
const (
	ConfidenceHigh   Confidence = "high"
	ConfidenceMedium Confidence = "medium"
	ConfidenceReview Confidence = "needs-review"
)

// Device is what is known of one device: an inventory row or a device
// model's identity.
type Device struct {
	Vendor  string `json:"vendor"`
	Product string `json:"product"`
	Version string `json:"version"`
}

// Hit is one advisory that may concern a device.
type Hit struct {
	Advisory string `json:"advisory"`
	Title    string `json:"title"`
	// Confidence is high, medium or needs-review.
	Confidence Confidence `json:"confidence"`
	Reason     string     `json:"reason"`
	// Product and Versions are the advisory's product and version text
	// the device was matched to.
	Product     string   `json:"product"`
	Versions    string   `json:"versions"`
	CVEs        []string `json:"cves"`
	Remediation string   `json:"remediation,omitempty"`
}

// Matcher matches devices against a set of advisories. It reads every
// name once and remembers, for each vendor and product an inventory
// names, which advisory products can concern it: only versions are
// checked per device.
type Matcher struct {
	advisories []*Advisory
	prods      []prodRef
	// vendors are the distinct vendor texts of the advisories' products,
	// with the products under each (indices into prods).
	vendors map[string][]int
	// byWord indexes, per vendor text, products by identifying word.
	byWord map[string]map[string][]int
	// byInitials indexes them by the initials of runs of their words.
	byInitials map[string]map[string][]int
	cache      map[string][]vendorHit
	cands      map[[2]string][]candidate
}

type prodRef struct {
	a, p int
	name name
}

type vendorHit struct {
	text string
	rank int
	why  string
}

// candidate is an advisory product whose vendor and name match a
// device's.
type candidate struct {
	prod int
	vh   vendorHit
	rank int
	why  string
}

// NewMatcher indexes advisories by vendor and product words.
func NewMatcher(advisories []*Advisory) *Matcher {
	m := &Matcher{advisories: advisories, vendors: map[string][]int{}, byWord: map[string]map[string][]int{}, byInitials: map[string]map[string][]int{}, cache: map[string][]vendorHit{}, cands: map[[2]string][]candidate{}}
	for i, a := range advisories {
		for j, p := range a.Products {
			k := len(m.prods)
			n := newName(p.Name, p.Vendor, true)
			m.prods = append(m.prods, prodRef{a: i, p: j, name: n})
			m.vendors[p.Vendor] = append(m.vendors[p.Vendor], k)
			w := m.byWord[p.Vendor]
			if w == nil {
				w = map[string][]int{}
				m.byWord[p.Vendor] = w
			}
			if len(n.words) == 0 {
				w[""] = append(w[""], k)
			}
			for _, x := range n.words {
				w[x] = append(w[x], k)
			}
			// Model numbers in parentheses and lists written short are
			// found too.
			for _, x := range n.models {
				if !slices.Contains(n.words, x) {
					w[x] = append(w[x], k)
				}
			}
			ini := m.byInitials[p.Vendor]
			if ini == nil {
				ini = map[string][]int{}
				m.byInitials[p.Vendor] = ini
			}
			for _, x := range initials(n.words) {
				ini[x] = append(ini[x], k)
			}
		}
	}
	return m
}

// vendorsOf lists the advisory vendor texts a device's vendor matches.
func (m *Matcher) vendorsOf(vendor string) []vendorHit {
	if hs, ok := m.cache[vendor]; ok {
		return hs
	}
	var hs []vendorHit
	for text := range m.vendors {
		if r, why := vendorMatch(vendor, text); r > 0 {
			hs = append(hs, vendorHit{text: text, rank: r, why: why})
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].text < hs[j].text })
	m.cache[vendor] = hs
	return hs
}

// candidates lists the advisory products whose vendor and name match,
// read once per vendor and product.
func (m *Matcher) candidates(vendor, product string) []candidate {
	key := [2]string{vendor, product}
	if cs, ok := m.cands[key]; ok {
		return cs
	}
	in := newName(product, vendor, false)
	var cs []candidate
	for _, vh := range m.vendorsOf(vendor) {
		idx := m.byWord[vh.text]
		seen := map[int]bool{}
		look := append(slices.Clone(in.words), in.models...)
		if len(look) == 0 {
			look = []string{""}
		}
		for _, w := range look {
			for _, k := range idx[w] {
				if seen[k] {
					continue
				}
				seen[k] = true
				if r, why := matchNames(in, m.prods[k].name); r != 0 {
					cs = append(cs, candidate{prod: k, vh: vh, rank: r, why: why})
				}
			}
		}
		// Abbreviations share no word: PC for Point-of-Care, either way.
		var more []int
		for _, w := range in.words {
			more = append(more, m.byInitials[vh.text][w]...)
		}
		for _, ini := range initials(in.words) {
			more = append(more, idx[ini]...)
		}
		for _, k := range more {
			if seen[k] {
				continue
			}
			seen[k] = true
			if r, why := matchNames(in, m.prods[k].name); r != 0 {
				cs = append(cs, candidate{prod: k, vh: vh, rank: r, why: why})
			}
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].prod < cs[j].prod })
	m.cands[key] = cs
	return cs
}

// Match answers which advisories may concern the device: every advisory
// with a product of a matching vendor whose name matches and whose
// versions include the device's (high or medium), or cannot be told
// apart from it (needs-review). One hit per advisory, the most confident;
// hits are sorted by confidence, then advisory.
func (m *Matcher) Match(d Device) []Hit {
	best := map[int]Hit{}
	for _, c := range m.candidates(d.Vendor, d.Product) {
		pr := m.prods[c.prod]
		a := m.advisories[pr.a]
		h, ok := judge(d, &a.Products[pr.p], c)
		if !ok {
			continue
		}
		h.Advisory, h.Title = a.ID, a.Title
		if old, seen := best[pr.a]; !seen || h.Confidence.Rank() > old.Confidence.Rank() {
			best[pr.a] = h
		}
	}
	out := make([]Hit, 0, len(best))
	for _, h := range best {
		out = append(out, h)
	}
	SortHits(out)
	return out
}

// SortHits orders hits as Match does: the most confident first, then by
// advisory; hits of several matchers merged read as one matcher's.
func SortHits(hits []Hit) {
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Confidence != hits[j].Confidence {
			return hits[i].Confidence.Rank() > hits[j].Confidence.Rank()
		}
		return hits[i].Advisory < hits[j].Advisory
	})
}

// initials lists the initials of every run of two to five consecutive
// name words (not model numbers, three letters or more): the
// abbreviations the name could be written with.
func initials(words []string) []string {
	var out []string
	for i := range words {
		var b []byte
		for j := i; j < len(words) && j-i < 5; j++ {
			w := words[j]
			if model(w) || len(w) < 3 {
				break
			}
			b = append(b, w[0])
			if len(b) >= 2 {
				out = append(out, string(b))
			}
		}
	}
	return out
}

// judge weighs one advisory product for a device.
func judge(d Device, p *Product, c candidate) (Hit, bool) {
	ans := p.constraint.Check(d.Version)
	if ans.Verdict == NotAffected && c.rank > 0 {
		return Hit{}, false
	}
	h := Hit{Product: p.Name, Versions: p.Version, CVEs: p.CVEs, Remediation: p.Remediation}
	var why []string
	if c.vh.why != "" {
		why = append(why, c.vh.why)
	}
	if c.why != "" {
		why = append(why, c.why)
	} else {
		why = append(why, "product "+quote(p.Name))
	}
	why = append(why, ans.Reason)
	if p.constraint.Note != "" {
		why = append(why, p.constraint.Note)
	}
	h.Reason = strings.Join(why, "; ")
	switch {
	case c.rank < 0 || ans.Verdict == NeedsReview:
		h.Confidence = ConfidenceReview
	case ans.Verdict == NotAffected:
		return Hit{}, false
	case c.vh.rank == 2 && c.rank == 2 && !ans.Loose:
		h.Confidence = ConfidenceHigh
	default:
		h.Confidence = ConfidenceMedium
	}
	return h, true
}
