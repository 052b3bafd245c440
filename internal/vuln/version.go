package vuln

import (
	"regexp"
	"strings"
)

type vtoken struct {
	num      bool
	text     string // digits without leading zeros, or lower-case letters
	afterSep bool
}

func tokenize(v string) []vtoken {
	v = strings.ToLower(v)
	var toks []vtoken
	sep := false
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(v) && v[j] >= '0' && v[j] <= '9' {
				j++
			}
			d := strings.TrimLeft(v[i:j], "0")
			if d == "" {
				d = "0"
			}
			toks = append(toks, vtoken{num: true, text: d, afterSep: sep})
			i, sep = j, false
		case c >= 'a' && c <= 'z':
			j := i
			for j < len(v) && v[j] >= 'a' && v[j] <= 'z' {
				j++
			}
			toks = append(toks, vtoken{text: v[i:j], afterSep: sep})
			i, sep = j, false
		default:
			i, sep = i+1, true
		}
	}
	return toks
}

var preRelease = map[string]bool{"alpha": true, "beta": true, "rc": true, "pre": true, "preview": true, "dev": true, "snapshot": true, "milestone": true}

// CompareGeneric returns -1, 0 or 1.
func CompareGeneric(a, b string) int {
	ta, tb := tokenize(trimV(a)), tokenize(trimV(b))
	for i := 0; i < len(ta) && i < len(tb); i++ {
		x, y := ta[i], tb[i]
		switch {
		case x.num && y.num:
			if len(x.text) != len(y.text) {
				return sign(len(x.text) - len(y.text))
			}
			if c := strings.Compare(x.text, y.text); c != 0 {
				return c
			}
		case x.num != y.num:
			// 1.0.1 against 1.0rc1: the number is the later release unless
			// the letters are a pre-release word, which is earlier still.
			if x.num {
				return 1
			}
			return -1
		default:
			if c := compareWords(x.text, y.text); c != 0 {
				return c
			}
		}
	}
	switch {
	case len(ta) == len(tb):
		return 0
	case len(ta) > len(tb):
		return tailSign(ta[len(tb)])
	default:
		return -tailSign(tb[len(ta)])
	}
}

// tailSign is the order of a version with the extra token t against the
// same version without it.
func tailSign(t vtoken) int {
	if !t.num && preRelease[t.text] {
		return -1
	}
	return 1
}

func compareWords(a, b string) int {
	pa, pb := preRelease[a], preRelease[b]
	if pa != pb {
		if pa {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// trimV drops a leading "v" or "V" before a digit (V11.2.0).
func trimV(v string) string {
	if len(v) > 1 && (v[0] == 'v' || v[0] == 'V') && v[1] >= '0' && v[1] <= '9' {
		return v[1:]
	}
	return v
}

var (
	epochRe    = regexp.MustCompile(`^[0-9]+:`)
	distroRe   = regexp.MustCompile(`(-[0-9][0-9A-Za-z.+~]*|[+~](deb|ubuntu|el|fc|esm)[0-9A-Za-z.+~]*)$`)
	repackedRe = regexp.MustCompile(`[.+~](dfsg|ds|repack)[0-9]*$`)
)

// UpstreamVersion strips what a Linux distribution adds to an upstream
// version: the epoch (1:), the package revision (-0+deb11u3, -1ubuntu2) and
// repack markers (.dfsg). CVE records name upstream versions; a distribution
// may have backported the fix, so a match on a stripped version is only
// medium confidence.
func UpstreamVersion(v string) string {
	u := epochRe.ReplaceAllString(v, "")
	u = distroRe.ReplaceAllString(u, "")
	u = repackedRe.ReplaceAllString(u, "")
	if u == "" {
		return v
	}
	return u
}
