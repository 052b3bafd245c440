package catalog

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// citationPattern finds the clauses a text cites, in the forms the
// catalog uses: MDR Annex I sections, MDR articles, MDCG 2019-16
// sections, tables and Annex II examples, NIS2 and GDPR articles, IEC
// 81001-5-1 clauses and IEC TR 60601-4-5 foundational requirements.
var citationPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`MDR Annex I(?: Section)? \d+(?:\.\d+)?(?:\([a-z]+\))?` +
		`|(?:MDR |GDPR |NIS2 |Cybersecurity Act )?Art(?:icle|\.) \d+(?:\(\d+[a-z]?\))*(?:\([a-z]+\))?` +
		`|MDCG 2019-16(?: rev\.1)?(?: §\d+(?:\.\d+)*| Table \d+| Annex II,? examples? \d+(?:(?:,| and) \d+)*)` +
		`|Annex II,? examples? \d+(?:(?:,| and) \d+)*` +
		`|IEC 81001-5-1(?::2021)? clause \d+(?:\.\d+)*` +
		`|IEC 62443 FR \d` +
		`|IEC 80001-1(?::2021)?`)
})

// Citations lists the clauses text cites, each once, in order.
func Citations(text string) []string {
	var out []string
	for _, m := range citationPattern().FindAllString(text, -1) {
		m = strings.TrimSpace(m)
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// annexISections is the structure of MDR Annex I: Sections 1 to 9 of
// Chapter I, and the numbered subsections of Chapters II and III
// (Regulation (EU) 2017/745, Annex I, as published in OJ L 117,
// 5.5.2017).
var annexISections = map[int]int{
	10: 6, 11: 8, 12: 2, 13: 3, 14: 7, 15: 2, 16: 4, 17: 4, 18: 8,
	19: 4, 20: 6, 21: 3, 22: 3, 23: 4,
}

// mdcgSections are the numbered sections of MDCG 2019-16 (rev. 1):
// chapters 2 to 6 and their subsections, 2.6 with three of its own.
var mdcgSections = []string{
	"2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.6.1", "2.6.2", "2.6.3",
	"3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8",
	"4", "4.1", "4.2", "4.3", "5", "5.1", "5.2", "6", "6.1", "6.2",
}

var mdcgRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^MDCG 2019-16(?: rev\.1)? §(\d+(?:\.\d+)*)`) })

// MDCGSectionExists reports whether a citation of MDCG 2019-16 names a
// section the guidance has; ok is false when cite names no section of it.
func MDCGSectionExists(cite string) (exists, ok bool) {
	m := mdcgRef().FindStringSubmatch(cite)
	if m == nil {
		return false, false
	}
	return slices.Contains(mdcgSections, m[1]), true
}

var annexIRef = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^MDR Annex I(?: Section)? (\d+)(?:\.(\d+))?(?:\([a-z]+\))?$`)
})

// AnnexISectionExists reports whether a citation of MDR Annex I names a
// section the Annex has; ok is false when cite is not such a citation.
func AnnexISectionExists(cite string) (exists, ok bool) {
	m := annexIRef().FindStringSubmatch(cite)
	if m == nil {
		return false, false
	}
	sec, _ := strconv.Atoi(m[1])
	if m[2] == "" {
		return sec >= 1 && sec <= 23, true
	}
	sub, _ := strconv.Atoi(m[2])
	n, has := annexISections[sec]
	return has && sub >= 1 && sub <= n, true
}
