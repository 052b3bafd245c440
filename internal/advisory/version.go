package advisory

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Version is a version as a vendor writes it, read into segments: runs of
// digits (compared as numbers) and runs of letters (compared without
// case). Dots, dashes, underscores and spaces separate segments; a
// leading "v", "ver", "version", "r" or "release" before a digit is
// dropped, and so are the words build, service pack and the like between
// numbers ("1.3.1 Build 13" is 1.3.1.13).
type Version struct {
	Raw  string
	segs []seg
	// wild is set when the version ends in a wildcard (12.x, 5.x.x, 8.*):
	// segs is then the prefix every matching version starts with.
	wild bool
}

type seg struct {
	num   uint64
	alpha string // "" for a number
	// digits is the number as written, leading zeros included.
	digits string
}

func (s seg) isNum() bool { return s.alpha == "" }

// words dropped between numbers.
var fillerWords = map[string]bool{"build": true, "bld": true, "service": true, "pack": true, "sp": true, "update": true, "patch": true, "rev": true, "revision": true, "mr": true}

// revisionWords introduce a revision, a number or a letter (Rev. C,
// 2.6 Rev A): dropped.
var revisionWords = map[string]bool{"rev": true, "revision": true}

// prefixes dropped before the first number.
var versionPrefixes = map[string]bool{"v": true, "ver": true, "version": true, "r": true, "rel": true, "release": true}

// maxSegments bounds a version; longer text is not a version.
const maxSegments = 16

// ParseVersion reads a version. It fails on text with no letter or digit,
// or more than 16 segments.
func ParseVersion(s string) (Version, error) {
	v := Version{Raw: s}
	var words []seg
	i := 0
	for i < len(s) {
		r := rune(s[i])
		switch {
		case r >= '0' && r <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			d := s[i:j]
			n, err := strconv.ParseUint(strings.TrimLeft(d, "0")+"0", 10, 64)
			if err != nil || len(d) > 18 {
				return v, fmt.Errorf("version %q: number %s too long", s, d)
			}
			words = append(words, seg{num: n / 10, digits: d})
			i = j
		case r < 0x80 && (unicode.IsLetter(r)):
			j := i
			for j < len(s) && s[j] < 0x80 && unicode.IsLetter(rune(s[j])) {
				j++
			}
			words = append(words, seg{alpha: strings.ToLower(s[i:j])})
			i = j
		case r == '*':
			words = append(words, seg{alpha: "*"})
			i++
		case r == '.' || r == '-' || r == '_' || r == ' ' || r == '/' || r == '+' || r == '~' || r == ':' ||
			r == '(' || r == ')' || r == '[' || r == ']' || r == ',' || r == '#':
			i++
		default:
			return v, fmt.Errorf("version %q: unexpected %q", s, s[i:i+1])
		}
	}
	// A prefix word before the first number, filler words between
	// numbers, and a trailing wildcard.
	if len(words) > 1 && !words[0].isNum() && (versionPrefixes[words[0].alpha] && words[1].isNum() || revisionWords[words[0].alpha]) {
		words = words[1:]
	}
	for k, w := range words {
		switch {
		case (w.alpha == "x" || w.alpha == "*") && k > 0 && onlyWild(words[k:]):
			v.wild = true
			return v, checkLen(v)
		case w.alpha == "*":
			return v, fmt.Errorf("version %q: a wildcard in the middle", s)
		case fillerWords[w.alpha] && fillerRun(words, k):
			continue
		case revisionWords[w.alpha] && k > 0 && k+1 < len(words) && !words[k+1].isNum():
			// A revision letter: 2.6 Rev A is 2.6A.
			continue
		}
		v.segs = append(v.segs, w)
	}
	if len(v.segs) == 0 {
		return v, fmt.Errorf("version %q: no letter or digit", s)
	}
	return v, checkLen(v)
}

// fillerRun reports whether the word at k is in a run of filler words
// between two numbers ("1.8.4 Service Pack 01").
func fillerRun(words []seg, k int) bool {
	i, j := k, k
	for i > 0 && fillerWords[words[i-1].alpha] {
		i--
	}
	for j < len(words)-1 && fillerWords[words[j+1].alpha] {
		j++
	}
	return i > 0 && j < len(words)-1 && words[i-1].isNum() && words[j+1].isNum()
}

// onlyWild reports whether every word is a wildcard (x or *).
func onlyWild(words []seg) bool {
	for _, w := range words {
		if w.alpha != "x" && w.alpha != "*" {
			return false
		}
	}
	return true
}

func checkLen(v Version) error {
	if len(v.segs) > maxSegments {
		return fmt.Errorf("version %q: more than %d parts", v.Raw, maxSegments)
	}
	return nil
}

// comparison is the outcome of comparing two versions.
type comparison struct {
	cmp int
	// decided is false when the versions are not written alike enough to
	// compare (a number where the other has letters).
	decided bool
	// loose is set when letters took part: a decision of medium
	// confidence.
	loose bool
}

// compare compares a with b. Numbers compare as numbers, letters without
// case; a missing numeric segment counts as 0 (1.0 = 1.0.0); a missing
// segment against letters counts as less (2.6 < 2.6A).
func compare(a, b Version) comparison {
	c := comparison{decided: true}
	// Versions written alike: numbers and letters in the same places, as
	// far as both go. 2.1 and 012U000040 are not.
	for i := 0; i < min(len(a.segs), len(b.segs)); i++ {
		if a.segs[i].isNum() != b.segs[i].isNum() {
			c.decided = false
			return c
		}
	}
	n := max(len(a.segs), len(b.segs))
	for i := 0; i < n; i++ {
		var x, y *seg
		if i < len(a.segs) {
			x = &a.segs[i]
		}
		if i < len(b.segs) {
			y = &b.segs[i]
		}
		switch {
		case x != nil && y != nil && x.isNum() && y.isNum():
			if x.num != y.num {
				c.cmp = cmpU(x.num, y.num)
				return c
			}
		case x != nil && y != nil && !x.isNum() && !y.isNum():
			c.loose = true
			if x.alpha != y.alpha {
				// Letters of the same length are revisions (A < B, BT05 <
				// BT06 at the number); of different lengths, other words.
				if len(x.alpha) != len(y.alpha) {
					c.decided = false
					return c
				}
				c.cmp = strings.Compare(x.alpha, y.alpha)
				return c
			}
		case x != nil && y != nil:
			c.decided = false
			return c
		case x == nil:
			if !y.isNum() {
				c.loose = true
				c.cmp = -1
				return c
			}
			if y.num != 0 {
				c.cmp = -1
				return c
			}
		default:
			if !x.isNum() {
				c.loose = true
				c.cmp = 1
				return c
			}
			if x.num != 0 {
				c.cmp = 1
				return c
			}
		}
	}
	return c
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hasPrefix reports whether v starts with the segments of p (a wildcard
// version's prefix), and whether that was decided.
func hasPrefix(v, p Version) comparison {
	c := comparison{decided: true}
	for i, ps := range p.segs {
		if i >= len(v.segs) {
			// 12 against 12.x: 12 is 12.0, inside.
			if ps.isNum() && ps.num == 0 {
				continue
			}
			c.cmp = -1
			return c
		}
		vs := v.segs[i]
		switch {
		case ps.isNum() && vs.isNum():
			if ps.num != vs.num {
				c.cmp = cmpU(vs.num, ps.num)
				return c
			}
		case !ps.isNum() && !vs.isNum():
			c.loose = true
			if ps.alpha != vs.alpha {
				c.decided = false
				return c
			}
		default:
			c.decided = false
			return c
		}
	}
	return c
}

// next is the smallest version above every version with prefix p: 12.x
// -> 13.
func (v Version) next() (Version, bool) {
	if len(v.segs) == 0 || !v.segs[len(v.segs)-1].isNum() {
		return Version{}, false
	}
	n := Version{Raw: v.Raw, segs: append([]seg(nil), v.segs...)}
	last := &n.segs[len(n.segs)-1]
	last.num++
	last.digits = strconv.FormatUint(last.num, 10)
	return n, true
}

func (v Version) String() string { return v.Raw }
