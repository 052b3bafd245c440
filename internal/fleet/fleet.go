// Package fleet is the server's store: organisations, API tokens,
// devices with every uploaded version of their models, assessments, and
// an append-only audit trail whose records are hash-chained and whose
// head is checkpointed under an Ed25519 signature kept outside the
// database. One implementation serves SQLite (the default, no set-up)
// and PostgreSQL, through database/sql with the differences of dialect
// kept in one place.
package fleet

import (
	"errors"
	"time"
)

// Role is what a token may do in its organisation.
type Role string

// Roles, least to most.
const (
	Viewer   Role = "viewer"   // reads
	Assessor Role = "assessor" // reads, uploads devices and runs assessments
	Admin    Role = "admin"    // everything in its organisation, tokens included
)

// ParseRole reads a role's name.
func ParseRole(s string) (Role, bool) {
	switch r := Role(s); r {
	case Viewer, Assessor, Admin:
		return r, true
	}
	return "", false
}

// rank orders roles.
func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Assessor:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// AtLeast reports whether r has every right of min.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && min.rank() > 0 }

// Org is an organisation: a hospital or a manufacturer. Nothing of one
// organisation is visible to another.
type Org struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// Token is an API token; its secret is kept only as a SHA-256 hash.
type Token struct {
	ID      string     `json:"id"`
	Org     string     `json:"org"`
	Role    Role       `json:"role"`
	Created time.Time  `json:"created"`
	Revoked *time.Time `json:"revoked,omitempty"`
}

// Device is one device of an organisation, described by its model.
type Device struct {
	ID      string    `json:"id"`
	Org     string    `json:"org"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Model is the number of its newest model version.
	Model int `json:"modelVersion"`
	// Site is where it is ("" when not said): a hospital, a ward, a
	// customer.
	Site string `json:"site"`
}

// Version is one uploaded version of a device's file.
type Version struct {
	Device  string    `json:"device,omitempty"`
	Kind    string    `json:"kind"`
	Version int       `json:"version"`
	SHA256  string    `json:"sha256"`
	Size    int       `json:"size"`
	Created time.Time `json:"created"`
	Body    []byte    `json:"-"`
}

// Assessment statuses.
const (
	Queued  = "queued"
	Done    = "done"
	Failed  = "failed"
	Running = "running"
	// Superseded is an assessment that never ran: a newer upload to the
	// same device queued one after it, which assesses what it would.
	Superseded = "superseded"
)

// Assessment is one health check of a device's model version.
type Assessment struct {
	ID           string     `json:"id"`
	Org          string     `json:"org"`
	Device       string     `json:"device"`
	ModelVersion int        `json:"modelVersion"`
	Status       string     `json:"status"`
	Created      time.Time  `json:"created"`
	Finished     *time.Time `json:"finished,omitempty"`
	Readiness    *float64   `json:"readiness,omitempty"`
	Error        string     `json:"error,omitempty"`
	// Report is the check's JSON report, as mdcheck check -f json writes
	// it; absent until done.
	Report []byte `json:"-"`
}

// Advisory is a vulnerability advisory an organisation imported: an OSV
// record, a CSAF document (a CISA ICSMA advisory among them) or a CVE
// record.
type Advisory struct {
	ID  string `json:"id"`
	Org string `json:"org"`
	// SourceID is the document's own ID (GHSA-..., ICSMA-24-..., CVE-...).
	SourceID string    `json:"sourceId"`
	Title    string    `json:"title"`
	Records  int       `json:"records"`
	Created  time.Time `json:"created"`
	SHA256   string    `json:"sha256"`
	Size     int       `json:"size"`
	Body     []byte    `json:"-"`
}

// Actor is who makes a change: a token, or the server itself.
type Actor struct {
	Token string
	Org   string
	Role  Role
}

// System is the server acting on its own (finishing an assessment).
var System = Actor{Token: "system"}

// Errors the store returns.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	// ErrInvalid wraps a request the store refuses as it is.
	ErrInvalid = errors.New("invalid")
)
