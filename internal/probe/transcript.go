package probe

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Event is one line of a probe's transcript: a connection opened,
// refused or timed out, a message sent or received, a target refused
// for lying outside the scope. Every byte the probe sends is in one.
type Event struct {
	Seq   int       `json:"seq"`
	Time  time.Time `json:"time"`
	Kind  string    `json:"event"`
	Proto string    `json:"proto,omitempty"`
	Host  string    `json:"host,omitempty"`
	Port  int       `json:"port,omitempty"`
	// Bytes is how many bytes a send or receive carried; Data holds
	// them (base64), all of a send's, at most maxRecorded of a
	// receive's, and Text their printable start.
	Bytes int    `json:"bytes,omitempty"`
	Data  string `json:"data,omitempty"`
	Text  string `json:"text,omitempty"`
	Note  string `json:"note,omitempty"`
	// Packet is the packet of a capture an event of the passive
	// profile cites (from 1).
	Packet int `json:"packet,omitempty"`
}

// Kinds of Event.
const (
	EvOutOfScope = "refused-out-of-scope"
	EvConnect    = "connect"
	EvOpen       = "open"
	EvClosed     = "closed"
	EvTimeout    = "timeout"
	EvError      = "error"
	EvSend       = "send"
	EvRecv       = "recv"
	EvClose      = "close"
	EvSeen       = "seen" // a packet of a capture (passive profile)
)

// maxRecorded bounds what of one receive the transcript keeps.
const maxRecorded = 1024

// Transcript records a probe's events in order, in memory and, when a
// writer is given, as JSON lines as they happen (so that an interrupted
// probe leaves its transcript whole up to that moment).
type Transcript struct {
	mu     sync.Mutex
	now    func() time.Time
	w      io.Writer
	err    error
	events []Event
}

// NewTranscript returns a transcript stamped by now, written to w (nil
// for none).
func NewTranscript(w io.Writer, now func() time.Time) *Transcript {
	if now == nil {
		now = time.Now
	}
	return &Transcript{w: w, now: now}
}

// Add records e, numbering and stamping it; it returns its number.
func (t *Transcript) Add(e Event) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	e.Seq = len(t.events) + 1
	e.Time = t.now().UTC()
	t.events = append(t.events, e)
	if t.w != nil && t.err == nil {
		b, err := json.Marshal(e)
		if err == nil {
			_, err = t.w.Write(append(b, '\n'))
		}
		t.err = err
	}
	return e.Seq
}

// data fills e's Bytes, Data and Text from b, keeping at most max bytes
// (all when max < 0).
func data(e Event, b []byte, max int) Event {
	e.Bytes = len(b)
	if max >= 0 && len(b) > max {
		b = b[:max]
	}
	e.Data = base64.StdEncoding.EncodeToString(b)
	e.Text = printable(b, 120)
	return e
}

// printable is the start of b as text, with what is not printable
// written as \xNN, at most n runes.
func printable(b []byte, n int) string {
	var sb strings.Builder
	for i := 0; i < len(b) && n > 0; n-- {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == utf8.RuneError || r < 0x20 || r == 0x7f:
			const hex = "0123456789abcdef"
			sb.WriteString(`\x`)
			sb.WriteByte(hex[b[i]>>4])
			sb.WriteByte(hex[b[i]&15])
			size = 1
		default:
			sb.WriteRune(r)
		}
		i += size
	}
	return sb.String()
}

// Events are the events recorded so far.
func (t *Transcript) Events() []Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Event(nil), t.events...)
}

// Err is the first error writing the transcript out, if any.
func (t *Transcript) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}
