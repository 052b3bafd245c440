package csaf

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/mdcheck/mdcheck/internal/advisory"
	"github.com/mdcheck/mdcheck/internal/vuln"
)

// The CSAF 2.0 schema's rules for the members mdcheck reads: required
// members, enumerations and patterns, each reported with its JSON
// pointer. The full schema (gocsaf's validation) is the reference in
// tests, which hold these rules to it: every real advisory it accepts is
// accepted here, and every fault reported here it reports too. It is not
// linked into the program because its schema library compiles every JSON
// metaschema when the program starts, which doubled the start of every
// command.
var (
	csafCategoryPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^\s\-_\.](.*[^\s\-_\.])?$`) })
	csafTrackingID      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\S](.*[\S])?$`) })
	csafVersionPattern  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(0|[1-9][0-9]*)$|^((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?)$`)
	})
	cvss3Vector = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^CVSS:3[.][01]/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$`)
	})
)

var (
	csafPublisherCategories    = []string{"coordinator", "discoverer", "other", "translator", "user", "vendor"}
	csafTrackingStatuses       = []string{"draft", "final", "interim"}
	csafBranchCategories       = []string{"architecture", "host_name", "language", "legacy", "patch_level", "product_family", "product_name", "product_version", "product_version_range", "service_pack", "specification", "vendor"}
	csafRelationshipCategories = []string{"default_component_of", "external_component_of", "installed_on", "installed_with", "optional_component_of"}
	csafRemediationCategories  = []string{"mitigation", "no_fix_planned", "none_available", "vendor_fix", "workaround"}
	cvssSeverities             = []string{"NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
)

// check returns the document's faults against those rules.
func check(d *advisory.CSAF) []string {
	var p []string
	fail := func(ptr, format string, a ...any) { p = append(p, ptr+": "+fmt.Sprintf(format, a...)) }
	required := func(ptr string, v *string) bool {
		if v == nil {
			fail(ptr, "missing")
			return false
		}
		if *v == "" {
			fail(ptr, "empty")
			return false
		}
		return true
	}
	date := func(ptr string, v *string) {
		if required(ptr, v) {
			if _, err := time.Parse(time.RFC3339, *v); err != nil {
				fail(ptr, "%q is not a date-time", *v)
			}
		}
	}
	oneOf := func(ptr, v string, allowed []string) {
		if !slices.Contains(allowed, v) {
			fail(ptr, "%q is not one of %v", v, allowed)
		}
	}
	doc := &d.Document
	if required("/document/csaf_version", doc.CSAFVersion) && *doc.CSAFVersion != "2.0" {
		fail("/document/csaf_version", "%q is not 2.0", *doc.CSAFVersion)
	}
	if required("/document/category", doc.Category) && !csafCategoryPattern().MatchString(*doc.Category) {
		fail("/document/category", "%q does not match the category pattern", *doc.Category)
	}
	required("/document/title", doc.Title)
	if pub := doc.Publisher; pub == nil {
		fail("/document/publisher", "missing")
	} else {
		if required("/document/publisher/category", pub.Category) {
			oneOf("/document/publisher/category", *pub.Category, csafPublisherCategories)
		}
		required("/document/publisher/name", pub.Name)
		required("/document/publisher/namespace", pub.Namespace)
	}
	if t := doc.Tracking; t == nil {
		fail("/document/tracking", "missing")
	} else {
		if required("/document/tracking/id", t.ID) && !csafTrackingID().MatchString(*t.ID) {
			fail("/document/tracking/id", "%q has leading or trailing white space", *t.ID)
		}
		date("/document/tracking/current_release_date", t.CurrentReleaseDate)
		date("/document/tracking/initial_release_date", t.InitialReleaseDate)
		if required("/document/tracking/status", t.Status) {
			oneOf("/document/tracking/status", *t.Status, csafTrackingStatuses)
		}
		if required("/document/tracking/version", t.Version) && !csafVersionPattern().MatchString(*t.Version) {
			fail("/document/tracking/version", "%q is neither an integer nor a semantic version", *t.Version)
		}
		if len(t.RevisionHistory) == 0 {
			fail("/document/tracking/revision_history", "at least one revision is required")
		}
		for i, r := range t.RevisionHistory {
			ptr := fmt.Sprintf("/document/tracking/revision_history/%d", i)
			date(ptr+"/date", r.Date)
			if required(ptr+"/number", r.Number) && !csafVersionPattern().MatchString(*r.Number) {
				fail(ptr+"/number", "%q is neither an integer nor a semantic version", *r.Number)
			}
			required(ptr+"/summary", r.Summary)
		}
	}
	product := func(ptr string, pr advisory.CSAFProduct) {
		if pr.ID == "" {
			fail(ptr+"/product_id", "missing or empty")
		}
		if pr.Name == "" {
			fail(ptr+"/name", "missing or empty")
		}
	}
	var branches func(ptr string, bs []advisory.CSAFBranch)
	branches = func(ptr string, bs []advisory.CSAFBranch) {
		for i, b := range bs {
			bp := fmt.Sprintf("%s/%d", ptr, i)
			oneOf(bp+"/category", b.Category, csafBranchCategories)
			if b.Name == "" {
				fail(bp+"/name", "missing or empty")
			}
			if b.Product != nil {
				product(bp+"/product", *b.Product)
			}
			branches(bp+"/branches", b.Branches)
		}
	}
	branches("/product_tree/branches", d.ProductTree.Branches)
	for i, pr := range d.ProductTree.FullProductNames {
		product(fmt.Sprintf("/product_tree/full_product_names/%d", i), pr)
	}
	for i, r := range d.ProductTree.Relationships {
		ptr := fmt.Sprintf("/product_tree/relationships/%d", i)
		oneOf(ptr+"/category", r.Category, csafRelationshipCategories)
		product(ptr+"/full_product_name", r.FullProductName)
		if r.ProductReference == "" {
			fail(ptr+"/product_reference", "missing or empty")
		}
		if r.RelatesToProductReference == "" {
			fail(ptr+"/relates_to_product_reference", "missing or empty")
		}
	}
	for i, v := range d.Vulnerabilities {
		ptr := fmt.Sprintf("/vulnerabilities/%d", i)
		if v.CVE != "" && !vuln.CVEID.MatchString(v.CVE) {
			fail(ptr+"/cve", "%q is not a CVE ID", v.CVE)
		}
		for j, s := range v.Scores {
			sp := fmt.Sprintf("%s/scores/%d", ptr, j)
			if len(s.Products) == 0 {
				fail(sp+"/products", "at least one product is required")
			}
			if c := s.CVSSv3; c != nil {
				if c.Version != "3.0" && c.Version != "3.1" {
					fail(sp+"/cvss_v3/version", "%q is not 3.0 or 3.1", c.Version)
				}
				if !cvss3Vector().MatchString(c.Vector) {
					fail(sp+"/cvss_v3/vectorString", "%q is not a CVSS 3 vector", c.Vector)
				}
				if c.BaseScore < 0 || c.BaseScore > 10 {
					fail(sp+"/cvss_v3/baseScore", "%v is not from 0 to 10", c.BaseScore)
				}
				oneOf(sp+"/cvss_v3/baseSeverity", c.BaseSeverity, cvssSeverities)
			}
		}
		for j, r := range v.Remediations {
			rp := fmt.Sprintf("%s/remediations/%d", ptr, j)
			oneOf(rp+"/category", r.Category, csafRemediationCategories)
			if r.Details == "" {
				fail(rp+"/details", "missing or empty")
			}
		}
	}
	return p
}
