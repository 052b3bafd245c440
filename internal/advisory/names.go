package advisory

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Normalize puts a vendor or product name in the form names are compared
// in: text-encoding damage repaired (UTF-8 read as Latin-1, "NestlÃ©"),
// diacritics folded, lower case, punctuation as spaces, single spaces.
func Normalize(s string) string {
	s = repairMojibake(s)
	var b strings.Builder
	space := true
	for _, r := range s {
		r = Fold(r)
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case r == '&':
			if !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// repairMojibake undoes UTF-8 that was read as Latin-1 (or Windows-1252)
// and written again as UTF-8: when every rune of s fits in a byte and
// those bytes are valid UTF-8 with a multi-byte sequence, they are what
// was meant.
func repairMojibake(s string) string {
	if !strings.ContainsAny(s, "ÃÂÅÄ") {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			if c, ok := cp1252[r]; ok {
				b = append(b, c)
				continue
			}
			return s
		}
		b = append(b, byte(r))
	}
	if !utf8.Valid(b) || utf8.RuneCount(b) == len(b) {
		return s
	}
	return string(b)
}

// cp1252 maps the Windows-1252 characters above 0x7F that are not
// Latin-1 back to their bytes (mojibake often went through it).
var cp1252 = map[rune]byte{'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F}

// Fold maps a Latin letter with a diacritic to its base letter; any
// other rune is returned as it is.
func Fold(r rune) rune {
	if r < 0xC0 {
		return r
	}
	if f, ok := folds[r]; ok {
		return f
	}
	return r
}

var folds = func() map[rune]rune {
	m := map[rune]rune{}
	for base, variants := range map[rune]string{
		'a': "àáâãäåāăą", 'A': "ÀÁÂÃÄÅĀĂĄ", 'c': "çćĉċč", 'C': "ÇĆĈĊČ", 'd': "ďđ", 'D': "ĎĐ",
		'e': "èéêëēĕėęě", 'E': "ÈÉÊËĒĔĖĘĚ", 'g': "ĝğġģ", 'G': "ĜĞĠĢ", 'i': "ìíîïĩīĭįı", 'I': "ÌÍÎÏĨĪĬĮİ",
		'l': "ĺļľŀł", 'L': "ĹĻĽĿŁ", 'n': "ñńņňŉ", 'N': "ÑŃŅŇ", 'o': "òóôõöøōŏő", 'O': "ÒÓÔÕÖØŌŎŐ",
		'r': "ŕŗř", 'R': "ŔŖŘ", 's': "śŝşšß", 'S': "ŚŜŞŠ", 't': "ţťŧ", 'T': "ŢŤŦ", 'u': "ùúûüũūŭůűų",
		'U': "ÙÚÛÜŨŪŬŮŰŲ", 'y': "ýÿŷ", 'Y': "ÝŶŸ", 'z': "źżž", 'Z': "ŹŻŽ",
	} {
		for _, v := range variants {
			m[v] = base
		}
	}
	return m
}()

// legalSuffixes are words of a company's legal form, dropped from vendor
// names.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true, "company": true, "ltd": true, "limited": true,
	"llc": true, "plc": true, "gmbh": true, "ag": true, "se": true, "sa": true, "nv": true, "bv": true, "kg": true, "spa": true,
	"oy": true, "ab": true, "kk": true, "pty": true, "sarl": true, "srl": true, "lp": true, "llp": true, "int": true, "intl": true,
	"international": true, "group": true, "holding": true, "holdings": true, "the": true, "and": true,
	"kgaa": true, "ohg": true, "ug": true, "sas": true, "oyj": true, "asa": true, "aps": true, "as": true, "pte": true, "pvt": true,
	"sl": true, "sro": true, "zoo": true, "spzoo": true, "cv": true, "sapi": true, "ltda": true, "kft": true, "bhd": true, "sdn": true,
}

// vendorKey is a vendor name without its legal form.
func vendorKey(name string) string {
	if k, ok := vendorKeys.Load(name); ok {
		return k.(string)
	}
	k := readVendorKey(name)
	if len(name) < 256 && vendorKeyCount.Add(1) <= maxVendorKeys {
		vendorKeys.Store(name, k)
	}
	return k
}

// vendorKeys remembers the keys of the vendor texts seen, a bounded
// number of them: an inventory repeats a few dozen vendors, and every
// advisory vendor is compared with each.
var (
	vendorKeys     sync.Map
	vendorKeyCount atomic.Int64
)

const maxVendorKeys = 20_000

func readVendorKey(name string) string {
	words := joinLetters(strings.Fields(Normalize(name)))
	out := words[:0]
	for _, w := range words {
		if !legalSuffixes[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// joinLetters joins runs of two or more single letters into one word:
// legal forms written with dots (B.V., S.p.A., N.V.) read as bv, spa, nv.
// A single initial stays (B. Braun).
func joinLetters(words []string) []string {
	out := words[:0:0]
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && len(words[j]) == 1 {
			j++
		}
		if j-i >= 2 {
			out = append(out, strings.Join(words[i:j], ""))
			i = j
			continue
		}
		out = append(out, words[i])
		i++
	}
	return out
}

// Vendor is a company as advisories and inventories name it.
type Vendor struct {
	// Name is how mdcheck names it; Names every other name it goes by,
	// misspellings that occur in advisories included.
	Name  string
	Names []string
	// PartOf is the company that acquired it, when one did: a device of
	// the acquired company may be listed under either name.
	PartOf string
	// Source says where the names and the acquisition come from.
	Source string
}

//go:embed vendors.csv
var vendorsCSV string

// Vendors is the maintained alias table of medical-device makers and the
// suppliers their advisories name (internal/advisory/vendors.csv), sorted
// by Name.
var Vendors = func() []Vendor {
	rows, err := csv.NewReader(strings.NewReader(vendorsCSV)).ReadAll()
	if err != nil || len(rows) < 2 {
		panic("advisory: vendors.csv: " + fmt.Sprint(err)) // a build defect the tests catch
	}
	var out []Vendor
	for _, r := range rows[1:] {
		v := Vendor{Name: r[0], PartOf: r[2], Source: r[3]}
		for _, n := range strings.Split(r[1], ";") {
			if n = strings.TrimSpace(n); n != "" {
				v.Names = append(v.Names, n)
			}
		}
		out = append(out, v)
	}
	return out
}()

// vendorIndex maps every vendor key, and every core key (business words
// aside), of every name in the table to its entry.
var vendorIndex = func() map[string]*Vendor {
	m := map[string]*Vendor{}
	for i := range Vendors {
		v := &Vendors[i]
		for _, n := range append([]string{v.Name}, v.Names...) {
			for _, k := range []string{vendorKey(n), coreKey(vendorKey(n)), vendorKey(transliterate(n))} {
				if k != "" && m[k] == nil {
					m[k] = v
				}
			}
		}
	}
	return m
}()

// lookupVendor finds a vendor's entry in the table by any of its forms.
func lookupVendor(name string) *Vendor {
	for _, k := range []string{vendorKey(name), vendorKey(transliterate(name)), coreKey(vendorKey(name))} {
		if v := vendorIndex[k]; v != nil && k != "" {
			return v
		}
	}
	return nil
}

// businessWords say what a company does, not which company it is: a
// vendor written with or without them is the same company.
var businessWords = map[string]bool{
	"health": true, "healthcare": true, "medical": true, "medicals": true, "medizintechnik": true, "medizin": true, "medtech": true,
	"systems": true, "system": true, "solutions": true, "technologies": true, "technology": true, "tech": true, "devices": true,
	"diagnostics": true, "laboratories": true, "labs": true, "electronics": true, "products": true, "industries": true,
	"life": true, "sciences": true, "usa": true, "us": true, "america": true, "americas": true, "europe": true, "deutschland": true,
	"germany": true, "nederland": true, "netherlands": true, "france": true, "italia": true, "italy": true, "espana": true, "spain": true,
	"uk": true, "schweiz": true, "suisse": true, "austria": true, "osterreich": true, "nordic": true, "benelux": true, "japan": true, "china": true,
}

// coreKey is a vendor key without business words; empty when nothing
// else is left.
func coreKey(key string) string {
	words := strings.Fields(key)
	out := words[:0:0]
	for _, w := range words {
		if !businessWords[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// transliterate writes the letters German, the Nordic languages and
// French write with diacritics the way they are written in ASCII (Dräger,
// Draeger), before diacritics are folded (Drager).
func transliterate(s string) string {
	if !strings.ContainsAny(s, "äöüÄÖÜßæÆøØåÅœŒ") {
		return s
	}
	return translit.Replace(s)
}

var translit = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss",
	"æ", "ae", "Æ", "Ae", "ø", "oe", "Ø", "Oe", "å", "aa", "Å", "Aa", "œ", "oe", "Œ", "Oe")

// parenAlias splits "Becton, Dickinson and Company (BD)" into the name
// and the abbreviation in parentheses.
func parenAlias(s string) []string {
	open := strings.LastIndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(strings.TrimSpace(s), ")") {
		return []string{s}
	}
	name := strings.TrimSpace(s[:open])
	abbr := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s[open+1:]), ")"))
	if name == "" || abbr == "" {
		return []string{s}
	}
	return []string{name, abbr}
}

// sameVendor says whether two single vendor names name the same company,
// and how: 2 by name (written alike, with or without legal forms and
// business words, diacritics or spaces), 1 by a weaker reading (an
// initial left out, initials for the name). why is empty when the names
// are written alike.
func sameVendor(a, b string) (int, string) {
	ka, kb := vendorKey(a), vendorKey(b)
	if ka == "" || kb == "" {
		return 0, ""
	}
	quoted := strings.TrimSpace(a) + " is " + strings.TrimSpace(b)
	switch {
	case ka == kb:
		return 2, ""
	case vendorKey(transliterate(a)) == vendorKey(transliterate(b)) || vendorKey(transliterate(a)) == kb || ka == vendorKey(transliterate(b)):
		return 2, quoted + " (written with or without diacritics)"
	case strings.ReplaceAll(ka, " ", "") == strings.ReplaceAll(kb, " ", ""):
		return 2, quoted + " (written with or without spaces)"
	}
	ca, cb := coreKey(ka), coreKey(kb)
	if ca != "" && ca == cb {
		return 2, quoted + " (business words aside)"
	}
	if ca == "" || cb == "" {
		return 0, ""
	}
	if sa, sb := dropInitials(ca), dropInitials(cb); (sa != ca || sb != cb) && (sa == cb || ca == sb) && len(strings.ReplaceAll(min(sa, sb), " ", "")) >= 4 {
		return 1, quoted + " without its initials"
	}
	if initialsOf(ca) == cb || initialsOf(cb) == ca {
		return 1, quoted + " (initials)"
	}
	return 0, ""
}

// dropInitials drops single letters from a key (b braun: braun).
func dropInitials(key string) string {
	words := strings.Fields(key)
	out := words[:0:0]
	for _, w := range words {
		if len(w) > 1 {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// initialsOf is the initials of a key of two to five words, each of
// three letters or more (becton dickinson: bd); "" otherwise.
func initialsOf(key string) string {
	words := strings.Fields(key)
	if len(words) < 2 || len(words) > 5 {
		return ""
	}
	var b strings.Builder
	for _, w := range words {
		if len(w) < 3 || model(w) {
			return ""
		}
		b.WriteByte(w[0])
	}
	return b.String()
}

// splitVendors splits a vendor text that names several companies
// ("Silex Technology and GE Healthcare", "ENEA, Green Hills Software,
// ITRON, IP Infusion, and Wind River"), unless the whole text is one
// known name ("Becton, Dickinson and Company").
func splitVendors(s string) []string {
	if lookupVendor(s) != nil || lookupVendor(parenAlias(s)[0]) != nil {
		return []string{s}
	}
	s = strings.ReplaceAll(s, ", and ", ", ")
	var out []string
	for _, p := range strings.Split(s, ",") {
		for _, q := range strings.Split(p, " and ") {
			if q = strings.TrimSpace(q); q != "" && vendorKey(q) != "" {
				out = append(out, q)
			}
		}
	}
	if len(out) == 0 {
		return []string{s}
	}
	return out
}

// vendorMatch says how an inventory's vendor relates to an advisory's:
// 2 the same company (by name or alias), 1 one acquired the other, 0 no
// relation. why explains a match that is not by the same name.
func vendorMatch(inventory, advisory string) (int, string) {
	best, why := 0, ""
	for _, inv := range splitVendors(inventory) {
		r, w := oneVendorMatch(inv, advisory)
		if r > best {
			best, why = r, w
		}
	}
	return best, why
}

func oneVendorMatch(inventory, advisory string) (int, string) {
	if vendorKey(inventory) == "" {
		return 0, ""
	}
	best, why := 0, ""
	for _, a := range splitVendors(advisory) {
		for _, an := range parenAlias(a) {
			for _, in := range parenAlias(inventory) {
				r, w := sameVendor(in, an)
				if r > 0 && w == "" && (in != inventory || an != a) {
					// By the abbreviation in parentheses.
					w = strings.TrimSpace(inventory) + " is " + strings.TrimSpace(a)
				}
				if r > best {
					best, why = r, w
				}
			}
		}
		if best == 2 {
			return best, why
		}
		iv, av := lookupVendor(inventory), lookupVendor(a)
		if iv == nil {
			for _, in := range parenAlias(inventory) {
				if iv = lookupVendor(in); iv != nil {
					break
				}
			}
		}
		if av == nil {
			for _, an := range parenAlias(a) {
				if av = lookupVendor(an); av != nil {
					break
				}
			}
		}
		switch {
		case iv != nil && iv == av:
			return 2, strings.TrimSpace(inventory) + " is " + strings.TrimSpace(a) + " (" + iv.Name + ": " + iv.Source + ")"
		case av != nil && av.PartOf != "" && lookupVendor(av.PartOf) == iv && iv != nil:
			best, why = max(best, 1), av.Name+" is part of "+iv.Name+" ("+av.Source+")"
		case iv != nil && iv.PartOf != "" && lookupVendor(iv.PartOf) == av && av != nil:
			best, why = max(best, 1), iv.Name+" is part of "+av.Name+" ("+iv.Source+")"
		case av != nil && av.PartOf != "" && vendorKey(av.PartOf) == vendorKey(inventory):
			best, why = max(best, 1), av.Name+" is part of "+inventory+" ("+av.Source+")"
		}
	}
	return best, why
}

// stopWords carry no identity in a product name.
var stopWords = map[string]bool{
	"the": true, "a": true, "an": true, "and": true, "of": true, "for": true, "with": true, "model": true, "models": true,
	"system": true, "systems": true, "software": true, "series": true, "device": true, "devices": true, "product": true,
	"version": true, "family": true,
}

// tokens are a name's identifying words; vendor words are dropped.
func tokens(name string, vendor string) []string {
	vw := vendorWords(vendor)
	var out []string
	for _, w := range strings.Fields(Normalize(name)) {
		if stopWords[w] || vw[w] || slices.Contains(out, w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// vendorWordCache remembers vendorWords, which every name of a vendor
// needs.
var vendorWordCache sync.Map

// vendorWords are the words of a vendor's names (all of them, aliases
// included), which a product name need not repeat.
func vendorWords(vendor string) map[string]bool {
	if v, ok := vendorWordCache.Load(vendor); ok {
		return v.(map[string]bool)
	}
	vw := map[string]bool{}
	for _, v := range splitVendors(vendor) {
		// Every word of the name as written, legal form included: a
		// product cell that repeats "Baxter International Inc." names
		// nothing more than PrismaFlex.
		for _, w := range joinLetters(strings.Fields(Normalize(v))) {
			vw[w] = true
		}
		if e := lookupVendor(v); e != nil {
			for _, n := range append([]string{e.Name}, e.Names...) {
				for _, w := range strings.Fields(vendorKey(n)) {
					vw[w] = true
				}
			}
		}
	}
	if len(vendor) < 256 {
		vendorWordCache.Store(vendor, vw)
	}
	return vw
}

// model reports whether a word looks like a model number (it has a
// digit).
func model(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			return true
		}
	}
	return false
}

// modelRange matches "MX400-MX850" or "MX400 to MX850" in a product name.
var modelRange = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b([a-z]*)(\d+)[a-z]*\s*(?:-|to|through)\s*([a-z]*)(\d+)[a-z]*\b`)
})

// modelWord reads a model number word: letters, then digits.
var modelWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([a-z]*)(\d+)[a-z]*$`) })

// exclusion matches "not including ...", "except ...", "excluding ...".
var exclusion = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(not including|except|excluding|other than)\b`)
})

// productMatch says how an inventory's product name relates to an
// advisory's: 2 the same product (the same identifying words, in any
// order), 1 likely (every model number and most words agree, or a model
// inside a range the advisory names), -1 related but uncertain (needs
// review: a family name with exclusions, shared words only), 0 unrelated.
func productMatch(inventory, advisory, invVendor, advVendor string) (int, string) {
	return matchNames(newName(inventory, invVendor, false), newName(advisory, advVendor, true))
}

// name is a product name read for matching: its identifying words
// (parentheticals, which hold part numbers and abbreviations, left out;
// vendor words dropped), and its plain normalized form.
type name struct {
	raw   string
	words []string
	plain string
	rng   []string // a model range it names, if any
	excl  bool     // it names a family with exclusions
	// models are the model and part numbers it names anywhere,
	// parentheses included, with lists written short expanded
	// (M8001A/2A/3A: M8001A, M8002A, M8003A).
	models []string
}

// newName reads a product name; an advisory's is also searched for a
// model range and exclusions.
func newName(product, vendor string, advisory bool) name {
	n := name{raw: product, words: tokens(stripParens(product), vendor), plain: Normalize(stripParens(product)), models: modelNumbers(product)}
	if advisory {
		n.rng, n.excl = modelRange().FindStringSubmatch(product), exclusion().MatchString(product)
	}
	return n
}

// matchNames is productMatch on names read once.
func matchNames(in, an name) (int, string) {
	inventory, advisory := in.raw, an.raw
	it, at := in.words, an.words
	if len(it) == 0 || len(at) == 0 {
		// The product is named like its vendor (OpenClinic GA).
		if len(it) == 0 && len(at) == 0 && in.plain == an.plain && in.plain != "" {
			return 2, ""
		}
		return 0, ""
	}
	if sameSet(it, at) && !otherModel(in, an) {
		return 2, ""
	}
	it, at = acronyms(it, at), acronyms(at, it)
	if sameSet(it, at) && !otherModel(in, an) {
		return 1, "abbreviations of " + quote(advisory)
	}
	// Model numbers: each one the advisory names must be in the
	// inventory's name, or the inventory's model inside a named range.
	var advModels, invModels []string
	for _, w := range at {
		if model(w) {
			advModels = append(advModels, w)
		}
	}
	for _, w := range it {
		if model(w) {
			invModels = append(invModels, w)
		}
	}
	shared := 0
	for _, w := range it {
		if slices.Contains(at, w) {
			shared++
		}
	}
	words := func(ws []string) int {
		n := 0
		for _, w := range ws {
			if !model(w) {
				n++
			}
		}
		return n
	}
	sharedWords := 0
	for _, w := range it {
		if !model(w) && slices.Contains(at, w) {
			sharedWords++
		}
	}
	// A distinctive model or part number both names give identifies the
	// product, whatever brand and family words stand around it
	// (Merlin@home EX1150; SpaceStation 8713140U), unless the inventory
	// names another distinctive number the advisory does not, or both
	// names share a word and each has one the other lacks: then the number
	// names a device both run on, and the names two products of it
	// (NextSeq 550Dx Control Software, NextSeq 550Dx Operating Software).
	if m := sharedStrong(in.models, an.models); m != "" && !extraStrong(in.models, an.models) && !twoProducts(it, at) {
		return 1, "model number " + strings.ToUpper(m) + " of " + quote(advisory)
	}
	if r := an.rng; r != nil && len(invModels) > 0 {
		for _, m := range invModels {
			if inModelRange(m, r) && sharedWords > 0 {
				return 1, inventory + " is inside the model range " + r[0] + " of " + quote(advisory)
			}
		}
	}
	if otherModel(in, an) {
		// Distinctive model numbers on both sides, none shared: another
		// model of the family the advisory enumerates, or, where it names
		// one number only, a number to compare by hand (a catalogue
		// number beside a model number).
		if enumerated(in.models, an.models) || an.rng != nil && sameRangeLetters(in.models, an.rng) {
			return 0, ""
		}
		if sharedWords > 0 {
			return -1, "names another model number than " + quote(advisory)
		}
		return 0, ""
	}
	allModels := len(advModels) > 0
	for _, m := range advModels {
		if !slices.Contains(it, m) {
			allModels = false
		}
	}
	extraModels := false
	for _, m := range invModels {
		if !slices.Contains(at, m) {
			extraModels = true
		}
	}
	// Words only one side has: when both sides have some, they name
	// different products (IntelliSpace PACS, IntelliSpace Perinatal).
	onlyInv, onlyAdv := 0, 0
	for _, w := range it {
		if !slices.Contains(at, w) {
			onlyInv++
		}
	}
	for _, w := range at {
		if !slices.Contains(it, w) {
			onlyAdv++
		}
	}
	switch {
	case an.excl && sharedWords > 0 && len(advModels) == 0 && onlyAdv > 0:
		return -1, quote(advisory) + " names a family with exclusions"
	case allModels && !extraModels && sharedWords*2 >= min(words(it), words(at)) && (onlyInv == 0 || onlyAdv == 0):
		return 1, "same model number and name words as " + quote(advisory)
	case onlyInv > 0 && onlyAdv > 0 || shared == 0:
		return 0, ""
	case sharedWords > 1 && !extraModels && onlyInv == 0 && (len(advModels) == 0 || allModels):
		// The inventory names a part of the advisory's name.
		return 1, "a shortened form of " + quote(advisory)
	case sharedWords > 1 && !extraModels && len(advModels) == 0:
		// Every word of the advisory's name is in the inventory's: the
		// inventory names more (a family member, an option).
		return 1, quote(advisory) + " in full, with more words"
	}
	// One shared word, or a model the advisory's name does not give.
	return -1, "shares words with " + quote(advisory)
}

// splitModel reads a model or part number as written, in lower case:
// letters, digits, letters, with at least one digit (m8001a: m, 8001, a).
func splitModel(s string) (letters, digits, suffix string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	k := j
	for k < len(s) && s[k] >= 'a' && s[k] <= 'z' {
		k++
	}
	if j == i || k != len(s) {
		return "", "", "", false
	}
	return s[:i], s[i:j], s[j:], true
}

// modelNumbers lists the model and part numbers a product text names,
// parentheses included, each once and in lower case. A list written
// short is expanded: after a full number, an item that starts with a
// digit replaces the number's last digits and suffix (M8001A/2A/10A is
// M8001A, M8002A, M8010A; MP5/5SC is MP5, MP5SC; 865240/41 is 865240,
// 865241); an item that starts with a letter is a number of its own
// (MP2/X2).
func modelNumbers(text string) []string {
	var out []string
	add := func(m string) {
		if m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	for _, field := range strings.FieldsFunc(strings.ToLower(repairMojibake(text)), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '/' || r == '-' || r >= 0x80)
	}) {
		for _, part := range strings.Split(field, "-") {
			items := strings.Split(part, "/")
			var baseLetters, baseDigits string
			haveBase := false
			for i, it := range items {
				letters, digits, suffix, ok := splitModel(it)
				if !ok {
					haveBase = false
					continue
				}
				if i > 0 && letters == "" && haveBase {
					if len(digits) < len(baseDigits) {
						digits = baseDigits[:len(baseDigits)-len(digits)] + digits
					}
					add(baseLetters + digits + suffix)
					continue
				}
				add(it)
				baseLetters, baseDigits, haveBase = letters, digits, true
			}
		}
	}
	return out
}

// strongModel reports whether a model number is distinctive enough to
// identify a product on its own: letters and at least three digits
// (EX1150, MX450, 8713140U), or five digits or more (24952). "64", "5",
// "v2" or "mp5" are not.
func strongModel(m string) bool {
	digits, letters := 0, 0
	for i := 0; i < len(m); i++ {
		switch c := m[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z':
			letters++
		}
	}
	return letters > 0 && digits >= 3 || digits >= 5
}

// twoProducts reports whether two word lists share a name word and each
// has a name word the other lacks (model numbers aside).
func twoProducts(a, b []string) bool {
	shared, onlyA, onlyB := false, false, false
	for _, w := range a {
		if model(w) {
			continue
		}
		if slices.Contains(b, w) {
			shared = true
		} else {
			onlyA = true
		}
	}
	for _, w := range b {
		if !model(w) && !slices.Contains(a, w) {
			onlyB = true
		}
	}
	return shared && onlyA && onlyB
}

// otherModel reports whether both names give distinctive model numbers
// and share none.
func otherModel(in, an name) bool {
	return sharedStrong(in.models, an.models) == "" && hasStrong(in.models) && hasStrong(an.models)
}

// enumerated reports whether the advisory lists two or more distinctive
// model numbers written like one of the inventory's (same letters before
// the digits, as many digits): a family it enumerates, which the
// inventory's model is not in.
func enumerated(inv, adv []string) bool {
	for _, m := range inv {
		ml, md, _, ok := splitModel(m)
		if !ok || !strongModel(m) {
			continue
		}
		n := 0
		for _, a := range adv {
			al, ad, _, ok := splitModel(a)
			if ok && al == ml && len(ad) == len(md) && strongModel(a) {
				n++
			}
		}
		if n >= 2 {
			return true
		}
	}
	return false
}

// sameRangeLetters reports whether one of the inventory's models is
// written with the letters of a model range the advisory names (MX900
// beside MX400-MX850): the range then decides.
func sameRangeLetters(inv []string, r []string) bool {
	for _, m := range inv {
		if mm := modelWord().FindStringSubmatch(m); mm != nil && strings.EqualFold(mm[1], r[1]) && (r[3] == "" || strings.EqualFold(r[1], r[3])) {
			return true
		}
	}
	return false
}

// hasStrong reports whether a list holds a distinctive model number.
func hasStrong(ms []string) bool { return slices.ContainsFunc(ms, strongModel) }

// sharedStrong is a distinctive model number both lists hold.
func sharedStrong(inv, adv []string) string {
	for _, m := range inv {
		if strongModel(m) && slices.Contains(adv, m) {
			return m
		}
	}
	return ""
}

// extraStrong reports whether the inventory names a distinctive model
// number the advisory does not: another product.
func extraStrong(inv, adv []string) bool {
	for _, m := range inv {
		if strongModel(m) && !slices.Contains(adv, m) {
			return true
		}
	}
	return false
}

// stripParens drops parenthetical text.
func stripParens(s string) string {
	return strings.TrimSpace(parenthetical().ReplaceAllString(s, " "))
}

// acronyms replaces in a each word that is the initials of consecutive
// words of b (PC for Point-of-Care, PCU for Point-of-Care Unit) by those
// words, so that both names compare word by word.
func acronyms(a, b []string) []string {
	var out []string
	for _, w := range a {
		if slices.Contains(b, w) || len(w) < 2 || len(w) > 5 || model(w) {
			out = append(out, w)
			continue
		}
		found := false
		for i := 0; i+len(w) <= len(b) && !found; i++ {
			run := b[i : i+len(w)]
			ok := true
			for k, x := range run {
				if x[0] != w[k] || model(x) || len(x) < 3 {
					ok = false
					break
				}
			}
			if ok {
				for _, x := range run {
					if !slices.Contains(out, x) {
						out = append(out, x)
					}
				}
				found = true
			}
		}
		if !found {
			out = append(out, w)
		}
	}
	return out
}

// inModelRange reports whether model m is inside range r, written
// "MX400-MX850" (both ends with their letters) or "R1-3" (the upper end
// without them).
func inModelRange(m string, r []string) bool {
	mm := modelWord().FindStringSubmatch(m)
	hiLetters := r[3]
	if hiLetters == "" {
		hiLetters = r[1]
	}
	if mm == nil || !strings.EqualFold(mm[1], r[1]) || !strings.EqualFold(r[1], hiLetters) {
		return false
	}
	n, lo, hi := atoi(mm[2]), atoi(r[2]), atoi(r[4])
	return lo <= n && n <= hi
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if n > 1e9 {
			return n
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, w := range a {
		if !slices.Contains(b, w) {
			return false
		}
	}
	return true
}
