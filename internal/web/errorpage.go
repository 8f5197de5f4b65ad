package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
)

// isAPI reports whether a request is for the JSON API, whose errors are
// JSON; every other route answers people, with HTML pages.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// errorPage answers an error as an HTML page with its status.
type errorPage struct {
	Status  int
	Title   string
	Message string
}

// errorFor answers status and err as JSON on the API and as an HTML page
// elsewhere.
func (s *Server) errorFor(w http.ResponseWriter, r *http.Request, status int, err error) {
	if isAPI(r) {
		writeError(w, status, err)
		return
	}
	title := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		title = "Not found"
	case http.StatusBadRequest:
		title = "Bad request"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages.ExecuteTemplate(w, "error.html", errorPage{Status: status, Title: title, Message: err.Error()}); err != nil {
		s.log.Error("render", "page", "error.html", "err", err)
	}
}

// failPage is fail for any route: JSON on the API, an HTML page
// elsewhere, with the same status and message.
func (s *Server) failPage(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.fail(w, err)
		return
	}
	var qe *index.QueryError
	var re *index.RequestError
	switch {
	case errors.As(err, &re) || errors.As(err, &qe):
		s.errorFor(w, r, http.StatusBadRequest, err)
	case errors.Is(err, corpus.ErrNotFound):
		s.errorFor(w, r, http.StatusNotFound, err)
	case errors.Is(err, context.DeadlineExceeded):
		s.errorFor(w, r, http.StatusServiceUnavailable, errors.New("the request took too long"))
	default:
		s.log.Error("request failed", "err", err)
		s.errorFor(w, r, http.StatusInternalServerError, errors.New("internal error: the server's log says more"))
	}
}

// notFound answers a path no route serves.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorFor(w, r, http.StatusNotFound, errors.New("nothing here: "+r.URL.Path))
}
