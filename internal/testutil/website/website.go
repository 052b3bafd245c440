// Package website is a web server for tests, on loopback: it serves
// files from memory as a real server does (ETags, conditional and range
// requests), can drop the connection midway through a file, and logs
// what it was asked.
package website

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Site is the server; URL is its base.
type Site struct {
	*httptest.Server
	mu     sync.Mutex
	files  map[string][]byte
	die    map[string]int
	header map[string]http.Header
	gets   map[string]int
	ranges []string
	// trickle sends a path's body one byte per interval; redirect sends
	// a path elsewhere.
	trickle  map[string]time.Duration
	redirect map[string]string
}

// New starts a site that the test's cleanup stops.
func New(t testing.TB) *Site {
	t.Helper()
	s := &Site{files: map[string][]byte{}, die: map[string]int{}, header: map[string]http.Header{}, gets: map[string]int{}, trickle: map[string]time.Duration{}, redirect: map[string]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data, ok := s.files[r.URL.Path]
	cut, dies := s.die[r.URL.Path]
	delete(s.die, r.URL.Path)
	s.gets[r.URL.Path]++
	if rg := r.Header.Get("Range"); rg != "" {
		s.ranges = append(s.ranges, r.URL.Path+" "+rg)
	}
	extra := s.header[r.URL.Path]
	every, trickles := s.trickle[r.URL.Path]
	to, redirects := s.redirect[r.URL.Path]
	s.mu.Unlock()
	if redirects {
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if trickles {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.WriteHeader(http.StatusOK)
		for i := range data {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(every):
			}
			w.Write(data[i : i+1])
			w.(http.Flusher).Flush()
		}
		return
	}
	sum := sha256.Sum256(data)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	for k, v := range extra {
		w.Header()[k] = v
	}
	if dies {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.WriteHeader(http.StatusOK)
		w.Write(data[:cut])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection drops
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// Put serves data at path.
func (s *Site) Put(path string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = data
}

// Remove stops serving path.
func (s *Site) Remove(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.files, path)
}

// Header adds response headers for path.
func (s *Site) Header(path string, h http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.header[path] = h
}

// Trickle makes GETs of path send its body one byte every interval, as
// a hostile or broken server does, until the client goes away.
func (s *Site) Trickle(path string, every time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trickle[path] = every
}

// Redirect makes GETs of path answer 302 Found to to.
func (s *Site) Redirect(path, to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redirect[path] = to
}

// DieAfter makes the next GET of path send n bytes, then drop the
// connection.
func (s *Site) DieAfter(path string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.die[path] = n
}

// Gets counts the GETs of path.
func (s *Site) Gets(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[path]
}

// Ranges lists the range requests received, as "path Range".
func (s *Site) Ranges() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges...)
}
