// Package app is mdcheck's assessment core: every use case (check,
// classify, read SBOMs, scan, inventory match, MDS2 import and export,
// the catalog, and the vulnerability database's import, update and
// status) as a plain, context-aware function with typed options and a
// typed result. The command line and the server call it the same way and
// hand its results to a renderer; neither holds a domain rule of its own.
//
// An App is safe for concurrent use. It opens the vulnerability database
// once, on first use, and shares it between calls; Close releases it.
// Nothing here prints: what a use case has to tell along the way (a
// warning about an input, a note on which database is used, progress)
// goes to the Events of the call.
package app

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/mdcheck/mdcheck/internal/boundedio"
	"github.com/mdcheck/mdcheck/internal/classify"
	"github.com/mdcheck/mdcheck/internal/model"
	"github.com/mdcheck/mdcheck/internal/report"
	"github.com/mdcheck/mdcheck/internal/sbom"
	"github.com/mdcheck/mdcheck/internal/vuln"
	"github.com/mdcheck/mdcheck/internal/vuln/store"
)

// Config configures an App.
type Config struct {
	// DB is the vulnerability database file.
	DB string
	// Snapshot, when set, makes the built-in snapshot of real advisories
	// stand in for DB when that file does not exist (the default
	// database of a user who never ran db import or db update).
	Snapshot bool
	// Build is mdcheck's version, commit and build date, stamped on
	// reports.
	Build BuildInfo
	// SBOMCache bounds the parsed SBOMs kept between checks, by their
	// estimated size in memory: 0 for the default (32 MiB), less for
	// none.
	SBOMCache int64
}

// BuildInfo identifies an mdcheck binary: version, commit, build date.
type BuildInfo = report.BuildInfo

// App is the core. The zero value is not usable: call New.
type App struct {
	cfg Config

	mu sync.Mutex
	db *Database
	// sboms keeps the SBOMs parsed, by content, for the App's life.
	sboms *sbom.Cache
}

// sbomCache is the default bound of the parsed SBOMs an App keeps (an
// estimate of their size in memory).
const sbomCache = 32 << 20

// Parsed is an SBOM file held parsed: its document, SHA-256 and size.
type Parsed = sbom.Read

// ParsedSBOM is the SBOM file named file whose bytes have the SHA-256
// hash (hex) and size, when this App parsed the same bytes before and
// keeps them still: a caller that holds files by hash (the fleet's
// store) then hands it to Check (CheckOptions.SBOMs) instead of the
// bytes.
func (a *App) ParsedSBOM(hash string, size int64, file string) (Parsed, bool) {
	doc := a.sboms.Lookup(hash, file)
	return Parsed{Doc: doc, SHA256: hash, Size: size}, doc != nil
}

// ParseSBOM parses data, the bytes of the SBOM file named file, whose
// SHA-256 (hex) the caller knows to be hash, for Check
// (CheckOptions.SBOMs); ParsedSBOM finds it afterwards.
func (a *App) ParseSBOM(hash string, data []byte, file string) (Parsed, error) {
	doc, err := a.sboms.Parse(hash, file, data)
	return Parsed{Doc: doc, SHA256: hash, Size: int64(len(data))}, err
}

// New returns an App; it opens nothing until a use case needs it.
func New(cfg Config) *App {
	a := &App{cfg: cfg}
	switch {
	case cfg.SBOMCache == 0:
		a.sboms = sbom.NewCache(sbomCache)
	case cfg.SBOMCache > 0:
		a.sboms = sbom.NewCache(cfg.SBOMCache)
	}
	return a
}

// Close releases the vulnerability database if one was opened.
func (a *App) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil
	}
	err := a.db.db.Close()
	a.db = nil
	return err
}

// Level says how much a message matters.
type Level int

// Levels of a Message.
const (
	Note Level = iota
	Warning
)

func (l Level) String() string {
	if l == Warning {
		return "warning"
	}
	return "note"
}

// Message is something a use case tells its caller along the way.
type Message struct {
	Level Level
	Text  string
}

// Progress is how far a long step has come: Done of Total units (files
// scanned, bytes downloaded) of the step named What.
type Progress struct {
	What        string
	Done, Total int64
	Bytes       bool // units are bytes
}

// Events receives what a use case tells along the way; either may be nil.
type Events struct {
	Message  func(Message)
	Progress func(Progress)
}

func (e Events) note(format string, args ...any) {
	if e.Message != nil {
		e.Message(Message{Note, fmt.Sprintf(format, args...)})
	}
}

func (e Events) warn(format string, args ...any) {
	if e.Message != nil {
		e.Message(Message{Warning, fmt.Sprintf(format, args...)})
	}
}

// InputError marks a problem with what the caller gave (a file that does
// not exist or cannot be read as what it should be), as opposed to a
// failure of the run itself.
type InputError struct{ Err error }

func (e InputError) Error() string { return e.Err.Error() }
func (e InputError) Unwrap() error { return e.Err }

// IsInput reports whether err is the caller's input's fault: an
// InputError, an invalid model, SBOM or vulnerability record, a device
// outside the MDR's scope, or a file that is missing or not readable.
func IsInput(err error) bool {
	var ie InputError
	return errors.As(err, &ie) ||
		errors.Is(err, model.ErrInvalid) ||
		errors.Is(err, classify.ErrOutOfScope) ||
		errors.Is(err, sbom.ErrInvalid) ||
		errors.Is(err, vuln.ErrInvalid) ||
		errors.Is(err, fs.ErrNotExist) ||
		errors.Is(err, fs.ErrPermission) ||
		errors.Is(err, boundedio.ErrDirectory) ||
		errors.Is(err, ErrNoSBOM) ||
		errors.Is(err, ErrNothingToImport) ||
		errors.Is(err, store.ErrShrink) ||
		errors.Is(err, store.ErrEmpty) ||
		errors.Is(err, store.ErrBusy) ||
		errors.Is(err, ErrDamaged)
}

// Problems lists each problem of a device model that failed to load, one
// per line with its file, line and column; nil when err is not such a
// list.
func Problems(err error) []string {
	var list *model.ErrorList
	if !errors.As(err, &list) {
		return nil
	}
	out := make([]string, 0, len(list.Errs))
	for _, e := range list.Errs {
		out = append(out, e.Error())
	}
	return out
}
