package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
	"github.com/mdcheck/mdcheck/internal/render"
)

// documentFormats are the check's formats an assessment renders as
// documents: every one but the terminal's table.
func documentFormats() []string {
	return slices.DeleteFunc(render.Names(func(f *render.Format) bool { return f.Check != nil }), func(n string) bool { return n == "table" })
}

// renderer renders a check's result as mdcheck check -f FORMAT writes
// it to a file of the format's first ending.
func renderer(build app.BuildInfo) fleetapp.Renderer {
	return func(ctx context.Context, format string, res *app.CheckResult) ([]byte, string, error) {
		f, err := render.For(format, func(f *render.Format) bool { return f.Check != nil })
		if err != nil {
			return nil, "", err
		}
		ext := f.Extensions[0]
		var b bytes.Buffer
		if err := f.Check(&b, res, render.Options{Context: ctx, Build: build, Path: "document" + ext}); err != nil {
			return nil, "", err
		}
		return b.Bytes(), contentType(ext), nil
	}
}

// contentType is the media type of a file ending: its last part's
// (.gspr.csv is CSV).
func contentType(ext string) string {
	switch e := filepath.Ext(ext); e {
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	default:
		if t := mime.TypeByExtension(e); t != "" {
			return t
		}
	}
	return "application/octet-stream"
}

func queueDocuments(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	var in struct {
		Formats []string `json:"formats"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return app.InputError{Err: fmt.Errorf(`the body: JSON {"formats": ["html", "pdf"]}: %v`, err)}
	}
	a, docs, err := s.cfg.Fleet.QueueDocuments(r.Context(), by, chi.URLParam(r, "id"), in.Formats)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/assessments/"+a.ID+"/documents")
	writeJSON(w, http.StatusAccepted, map[string]any{"assessment": a, "documents": docs})
	s.kick()
	return nil
}

func listDocuments(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	docs, err := s.cfg.Fleet.Documents(r.Context(), by, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.writeGet(w, r, list[fleetapp.Document]{docs, ""})
}

func getDocument(s *Server, w http.ResponseWriter, r *http.Request, by fleetapp.Actor) error {
	d, err := s.cfg.Fleet.Document(r.Context(), by, chi.URLParam(r, "id"), chi.URLParam(r, "format"))
	if err != nil {
		return err
	}
	switch d.Status {
	case "done":
	case "failed":
		problem(w, r, http.StatusConflict, "Not rendered", "the document could not be made: "+d.Error)
		return nil
	default:
		w.Header().Set("Retry-After", "5")
		problem(w, r, http.StatusConflict, "Not rendered yet", "the document is made when its assessment runs: "+d.Status)
		return nil
	}
	if d.Body == nil {
		return errors.New("a done document without its bytes")
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(d.Body)))
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="assessment-%s.%s"`, d.Assessment, d.Format))
	w.Write(d.Body)
	return nil
}
