// Package platform tells, from the words an inventory or a device model
// uses for an operating system ("Windows 7", "Win XP Embedded", "CentOS
// 7"), which platform it is and when its vendor's support ended, from a
// dated table kept as data (platforms.csv) with a source per entry.
package platform

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Platform is an operating system with its vendor's end of support.
type Platform struct {
	Name string `json:"platform"`
	// EndOfSupport is the last day the vendor supported it (YYYY-MM-DD).
	EndOfSupport string `json:"endOfSupport"`
	Source       string `json:"source"`
	aliases      []string
}

// Ended reports whether support ended before day.
func (p Platform) Ended(day time.Time) bool {
	end, err := time.Parse(time.DateOnly, p.EndOfSupport)
	return err == nil && day.After(end)
}

//go:embed platforms.csv
var table string

// Platforms is the table, in its file's order.
var Platforms = func() []Platform {
	rows, err := csv.NewReader(strings.NewReader(table)).ReadAll()
	if err != nil || len(rows) < 2 {
		panic("platform: platforms.csv: " + fmt.Sprint(err)) // a build defect the tests catch
	}
	var out []Platform
	for _, r := range rows[1:] {
		p := Platform{Name: r[0], EndOfSupport: r[2], Source: r[3]}
		for _, a := range strings.Split(r[1], ";") {
			if a = words(a); a != "" {
				p.aliases = append(p.aliases, a)
			}
		}
		out = append(out, p)
	}
	return out
}()

// words normalizes text for matching: lower case, letters and digits,
// single spaces; a letter run glued to digits is split from them except
// in the aliases' own forms (win7, winxp stay as written).
func words(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// Find returns the platform text names: the one whose longest alias
// occurs in it as whole words (Windows XP Embedded before Windows XP,
// Windows Server 2008 R2 before Windows Server 2008); false when none.
func Find(text string) (Platform, bool) {
	t := " " + words(text) + " "
	best, bestLen := -1, 0
	for i, p := range Platforms {
		for _, a := range p.aliases {
			if len(a) > bestLen && strings.Contains(t, " "+a+" ") {
				best, bestLen = i, len(a)
			}
		}
	}
	if best < 0 {
		return Platform{}, false
	}
	return Platforms[best], true
}
