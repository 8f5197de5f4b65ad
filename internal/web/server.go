// Package web serves the corpus to people and programs: a read-only JSON
// API (documented in an OpenAPI file it serves) and server-rendered pages
// for searching by norm, reading documents with their passages coloured
// by norm, and a coverage heatmap.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/cite"
	"github.com/normtag/normtag/internal/export"
	"github.com/normtag/normtag/internal/matrix"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/textcut"
)

//go:embed assets
var assets embed.FS

// RequestTimeout bounds the time one request may take. Limits on what a
// search may ask are index.MaxLimit and index.MaxOffset, the same as on
// the command line.
const RequestTimeout = 15 * time.Second

// Server answers HTTP requests from one data directory.
type Server struct {
	data  *datadir.Dir
	cache *datadir.IndexReader
	log   *slog.Logger
	pages *template.Template
	mux   *http.ServeMux
	// heavy and light admit expensive and cheap requests (limits.go).
	heavy, light *limiter
	// exportLimit is MaxExportBytes; tests lower it.
	exportLimit int64
	// review is review mode's state (review.go), nil while read-only.
	review *reviewMode
	// matrices keeps computed compare and timeline matrices (matrixcache.go).
	matrices matrixCache
}

// New returns a server for an open (read-only) data directory.
func New(d *datadir.Dir, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tmpl, err := template.New("").Funcs(funcs).Funcs(citeFuncs).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	s := &Server{data: d, cache: d.NewIndexReader(), log: log, pages: tmpl, mux: http.NewServeMux(),
		heavy: newLimiter(HeavySlots(), HeavySlots(), QueueWait), light: newLimiter(LightSlots(), LightSlots(), QueueWait), exportLimit: MaxExportBytes}
	static, _ := fs.Sub(assets, "assets")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /api/search", s.apiSearch)
	s.mux.HandleFunc("GET /api/documents", s.apiDocuments)
	s.mux.HandleFunc("GET /api/documents/{id}", s.apiDocument)
	s.mux.HandleFunc("GET /api/documents/{id}/file", s.apiFile)
	s.mux.HandleFunc("GET /api/norms", s.apiNorms)
	s.mux.HandleFunc("GET /api/stats", s.apiStats)
	s.mux.HandleFunc("GET /api/coverage", s.apiCoverage)
	s.mux.HandleFunc("GET /api/compare", s.apiMatrix(matrix.KindCompare))
	s.mux.HandleFunc("GET /api/timeline", s.apiMatrix(matrix.KindTimeline))
	s.mux.HandleFunc("GET /api/export", s.apiExport)
	s.mux.HandleFunc("GET /api/openapi.json", s.apiOpenAPI)
	s.mux.HandleFunc("GET /{$}", s.pageSearch)
	s.mux.HandleFunc("GET /documents/{id}", s.pageDocument)
	s.mux.HandleFunc("GET /coverage", s.pageMatrix(matrix.KindCoverage))
	s.mux.HandleFunc("GET /compare", s.pageMatrix(matrix.KindCompare))
	s.mux.HandleFunc("GET /timeline", s.pageMatrix(matrix.KindTimeline))
	s.routeWatches()
	s.citeRoutes()
	s.mux.HandleFunc("GET /", s.notFound)
	return s, nil
}

// ServeHTTP adds security headers, a time limit, a concurrency limit and
// a response size limit to every request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	if len(r.URL.RawQuery) > 4*index.MaxQueryLength {
		s.errorFor(w, r, http.StatusRequestURITooLong, errors.New("query string too long"))
		return
	}
	lim := s.heavy
	if light(r) {
		lim = s.light
	}
	release, err := lim.acquire(ctx)
	if err != nil {
		if !isAPI(r) {
			w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
			s.errorFor(w, r, http.StatusServiceUnavailable, errBusy)
			return
		}
		refuse(w, errBusy)
		return
	}
	defer release()
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.markStale(ctx, h)
	}
	cw := &capWriter{ResponseWriter: w, limit: MaxResponseBytes, log: s.log, path: r.URL.Path}
	switch {
	case r.URL.Path == "/api/export":
		cw.limit = s.exportLimit
	case strings.HasPrefix(r.URL.Path, "/api/documents/") && strings.HasSuffix(r.URL.Path, "/file"):
		// the original file, streamed from disk as ingested: its size is
		// the file's, known before the first byte
		cw.limit = math.MaxInt64
	}
	s.mux.ServeHTTP(cw, r.WithContext(ctx))
}

// IndexBehindHeader, on an API response, counts the documents an
// interrupted run left unindexed (or not yet removed from the index)
// while no writer is catching up: search results then miss changes the
// store has. It is absent while the index is up to date.
const IndexBehindHeader = "X-Normtag-Index-Behind"

func (s *Server) markStale(ctx context.Context, h http.Header) {
	n, err := s.data.StaleIndex(ctx)
	if err != nil {
		s.log.Warn("cannot tell whether the index is up to date", "err", err)
		return
	}
	if n > 0 {
		h.Set(IndexBehindHeader, strconv.Itoa(n))
	}
}

// Run serves on addr until ctx ends, then shuts down gracefully.
func (s *Server) Run(ctx context.Context, addr string, ready func(addr string)) error {
	srv := &http.Server{Addr: addr, Handler: s, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: RequestTimeout + 30*time.Second, MaxHeaderBytes: 64 << 10}
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = srv.Shutdown(shut)
		cancel()
	}
	s.cache.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// withIndex runs fn with the shared index; a missing index is an empty
// corpus.
func (s *Server) withIndex(ctx context.Context, fn func(*index.Index) error) error {
	ix, release, err := s.cache.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	return fn(ix)
}

// urlParams reads request parameters from a URL query: the same names as
// the command line flags, so that both get the same checks and messages.
func urlParams(r *http.Request, kind index.Kind) index.Params {
	q := r.URL.Query()
	p := index.Params{Kind: kind, Query: q.Get("q"), Norms: q["norm"], NormOp: q.Get("norm_op"), DirectOnly: q.Get("direct_only"), Submitters: q["submitter"],
		SubmitterTypes: q["submitter_type"], Countries: q["country"], Documents: q["doc"], Kinds: q["kind"],
		Langs: q["lang"], Since: q.Get("since"), Until: q.Get("until"), Sort: q.Get("sort")}
	if kind == index.KindSearch {
		p.Limit, p.Offset, p.After, p.MaxLimit, p.Page = q.Get("limit"), q.Get("offset"), q.Get("after"), index.APIMaxLimit, q.Get("page")
		p.Collapse, p.PerDocument = q.Get("collapse"), q.Get("per_document")
	} else {
		p.Format = q.Get("format")
	}
	return p
}

// apiHit is a search hit as the API returns it.
type apiHit struct {
	index.Hit
	// SnippetHTML is the snippet, HTML-escaped, with matches in <mark>.
	SnippetHTML string `json:"snippet_html"`
	// FileURL opens the original at the passage's page.
	FileURL string `json:"file_url"`
	// Pages cites the passage's pages: "p. 6", "pp. 6–7", or "" for a
	// document without pages (a text or HTML file).
	Pages string `json:"pages"`
	// Citation is the passage cited as text, ending in Permalink, the
	// address that finds it again (/p/{document}/{passage}).
	Citation  string `json:"citation"`
	Permalink string `json:"permalink"`
}

// fileURL opens a hit's original file at its first page, if it has pages.
func fileURL(h index.Hit) string {
	if h.Page <= 0 {
		return fmt.Sprintf("/api/documents/%s/file", h.DocID)
	}
	return fmt.Sprintf("/api/documents/%s/file#page=%d", h.DocID, h.Page)
}

func (s *Server) search(r *http.Request) (*index.Result, []apiHit, error) {
	req, err := urlParams(r, index.KindSearch).Request()
	if err != nil {
		return nil, nil, err
	}
	req.Highlight, req.Facets = true, true
	var res *index.Result
	err = s.withIndex(r.Context(), func(ix *index.Index) error {
		var err error
		res, err = ix.Search(r.Context(), req)
		return err
	})
	if errors.Is(err, index.ErrMissing) {
		res, err = &index.Result{Hits: []index.Hit{}}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, counts := range res.Facets {
		for i := range counts {
			counts[i].Value = cut(counts[i].Value)
		}
	}
	hits := make([]apiHit, len(res.Hits))
	for i, h := range res.Hits {
		h = boundHit(h)
		hits[i] = apiHit{Hit: h, SnippetHTML: markHTML(h.Snippet, h.Highlights), FileURL: fileURL(h), Pages: corpus.PageCite(h.Page, h.PageEnd)}
	}
	citeHits(r, hits)
	return res, hits, nil
}

// markHTML escapes a snippet and puts its highlights (byte offsets, see
// index.Hit) in <mark>; offsets that do not fit the snippet are ignored.
func markHTML(s string, highlights [][2]int) string {
	var b strings.Builder
	at := 0
	for _, h := range highlights {
		if h[0] < at || h[1] <= h[0] || h[1] > len(s) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(s[at:h[0]]))
		b.WriteString("<mark>" + template.HTMLEscapeString(s[h[0]:h[1]]) + "</mark>")
		at = h[1]
	}
	b.WriteString(template.HTMLEscapeString(s[at:]))
	return b.String()
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	res, hits, err := s.search(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := map[string]any{"total": res.Total, "took_ms": res.Took.Milliseconds(), "hits": hits, "facets": res.Facets}
	if res.Next != "" {
		out["next"] = res.Next
	}
	writeJSON(w, out)
}

// docSummary is a document in listings.
type docSummary struct {
	ID              string            `json:"id"`
	Title           string            `json:"title"`
	File            string            `json:"file"`
	Format          corpus.Format     `json:"format"`
	Pages           int               `json:"pages"`
	Meta            map[string]string `json:"meta"`
	NearDuplicateOf string            `json:"near_duplicate_of,omitempty"`
	Norms           map[string]int    `json:"norms"`
}

// summaries lists the documents with their norm counts in passages of
// the given kinds (body text and headings when none are given).
func (s *Server) summaries(ctx context.Context, kinds ...corpus.Kind) ([]docSummary, error) {
	docs, err := s.data.Store.Documents(ctx)
	if err != nil {
		return nil, err
	}
	cov, err := s.data.Store.Coverage(ctx, kinds...)
	if err != nil {
		return nil, err
	}
	out := make([]docSummary, 0, len(docs))
	for _, d := range docs {
		n := cov[d.ID]
		if n == nil {
			n = map[string]int{}
		}
		out = append(out, docSummary{ID: d.ID, Title: cut(d.Title), File: cut(d.FileName), Format: d.Format, Pages: d.PageCount, Meta: boundMeta(d.Meta), NearDuplicateOf: d.NearDuplicateOf, Norms: n})
	}
	return out, nil
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) {
	docs, err := s.summaries(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, map[string]any{"documents": docs})
}

func (s *Server) document(w http.ResponseWriter, r *http.Request) (*corpus.Document, bool) {
	id := r.PathValue("id")
	if !index.DocumentID(id) {
		status := http.StatusBadRequest
		if !isAPI(r) {
			status = http.StatusNotFound // a page with that address cannot exist
		}
		s.errorFor(w, r, status, errors.New("a document id is 64 hexadecimal characters"))
		return nil, false
	}
	d, err := s.data.Store.Document(r.Context(), id, corpus.WithPassages)
	if errors.Is(err, corpus.ErrNotFound) {
		s.errorFor(w, r, http.StatusNotFound, err)
		return nil, false
	}
	if err != nil {
		s.failPage(w, r, err)
		return nil, false
	}
	d.Title, d.FileName, d.Meta = cut(d.Title), cut(d.FileName), boundMeta(d.Meta)
	for i := range d.Passages {
		d.Passages[i].Text = textcut.Runes(d.Passages[i].Text, TextRunes)
	}
	return d, true
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.document(w, r); ok {
		d.Path = "" // the server's file system is nobody's business
		writeJSON(w, d)
	}
}

var contentTypes = map[corpus.Format]string{
	corpus.FormatPDF:      "application/pdf",
	corpus.FormatDOCX:     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	corpus.FormatHTML:     "text/plain; charset=utf-8", // never render stored HTML in our origin
	corpus.FormatText:     "text/plain; charset=utf-8",
	corpus.FormatMarkdown: "text/plain; charset=utf-8",
}

// apiFile serves a document's original bytes, found by id: the path comes
// from the store, never from the request, and the bytes must still hash
// to the id.
func (s *Server) apiFile(w http.ResponseWriter, r *http.Request) {
	d, ok := s.document(w, r)
	if !ok {
		return
	}
	paths, err := s.data.Store.Paths(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	for _, p := range paths {
		if p.DocID != d.ID {
			continue
		}
		f, err := os.Open(p.Path)
		if err != nil {
			continue
		}
		info, err := f.Stat()
		if err != nil || info.Size() != d.Size {
			f.Close()
			continue
		}
		w.Header().Set("Content-Type", contentTypes[d.Format])
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", d.FileName))
		w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
		http.ServeContent(w, r, d.FileName, info.ModTime(), f)
		f.Close()
		return
	}
	writeError(w, http.StatusGone, errors.New("the original file is no longer where it was ingested from"))
}

func (s *Server) apiNorms(w http.ResponseWriter, r *http.Request) {
	type norm struct {
		Letter    string `json:"letter"`
		Number    int    `json:"number"`
		Paragraph string `json:"paragraph"`
		Short     string `json:"short"`
		Text      string `json:"text"`
	}
	out := make([]norm, 0, len(norms.All))
	for _, n := range norms.All {
		out = append(out, norm{n.Letter, n.Number, n.Paragraph, n.Short, n.Text})
	}
	writeJSON(w, map[string]any{"source": norms.Source, "norms": out})
}

// kindsParam reads the kinds parameter (see corpus.ParseKinds), answering
// 400 when it names no kind.
func kindsParam(w http.ResponseWriter, r *http.Request) ([]corpus.Kind, bool) {
	kinds, err := corpus.ParseKinds(r.URL.Query().Get("kinds"))
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("kinds: %w", err))
		return nil, false
	}
	return kinds, true
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) {
	kinds, ok := kindsParam(w, r)
	if !ok {
		return
	}
	st, err := s.data.Stats(r.Context(), kinds...)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, st)
}

// apiExport streams every passage matching the search parameters.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	req, err := urlParams(r, index.KindExport).Request()
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	format := req.FormatOrDefault()
	if cite.IsFormat(format) {
		s.exportCitations(w, r, req, format)
		return
	}
	capped := capOf(w)
	// Nothing reaches the client until the first rows are ready (or the
	// export is over), so that a failure found early — a damaged or
	// missing index, found when it opens — is a 500 with a JSON error.
	// A failure after rows went out cannot change the status: the JSON
	// lines stream then ends with an {"error": ...} line, and the
	// response is aborted so that the client sees a broken transfer, not
	// a complete export.
	w.Header().Set("Content-Type", "application/x-ndjson")
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="normtag-export.csv"`)
	}
	hold := &heldWriter{w: w}
	out := http.ResponseWriter(hold)
	err = s.withIndex(r.Context(), func(ix *index.Index) error {
		w := out
		var write func(export.Row) error
		var flush func() error
		if format == "csv" {
			cw, err := export.NewCSV(w, r.URL.Query().Get("bom") != "false")
			if err != nil {
				return err
			}
			write, flush = cw.Write, cw.Flush
		} else {
			jw := export.NewJSONL(w)
			write, flush = jw.Write, func() error { return nil }
		}
		err := export.RowsPaged(r.Context(), ix, s.data.Store, req, exportPageSize, func(row export.Row) error {
			// Stop on a whole row while one more surely fits under the cap.
			if capped != nil && capped.written+int64(hold.buf.Len()) > capped.limit-exportRowReserve {
				return errExportCap
			}
			return write(boundRow(row))
		})
		if errors.Is(err, errExportCap) {
			s.log.Warn("export stopped at its size limit", "limit", capped.limit)
			if err := flush(); err != nil {
				return err
			}
			if format == "jsonl" {
				json.NewEncoder(w).Encode(map[string]string{"error": errExportCap.Error()})
			}
			return nil
		}
		if err != nil {
			return err
		}
		return flush()
	})
	if errors.Is(err, index.ErrMissing) {
		err = nil // nothing indexed yet: an empty export
	}
	if err == nil {
		if err := hold.flush(); err != nil {
			s.log.Warn("export not sent", "err", err)
		}
		return
	}
	s.failHeld(w, hold, "export failed after rows were sent; response aborted", err, func() {
		if format != "csv" {
			json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		}
	})
}

// failHeld answers err for an export whose first bytes hold keeps back:
// with an error status while none were sent; else it logs msg, lets last
// write what the format allows after the records (nil: nothing), and
// aborts the response so that the client sees it cut.
func (s *Server) failHeld(w http.ResponseWriter, hold *heldWriter, msg string, err error, last func()) {
	if !hold.sent {
		hold.buf.Reset()
		w.Header().Del("Content-Disposition")
		s.fail(w, err)
		return
	}
	s.log.Error(msg, "err", err)
	if last != nil {
		last()
	}
	panic(http.ErrAbortHandler)
}

// heldWriter keeps the first bytes of a response (up to heldBytes) so
// that an error found before then can still be answered with a status.
type heldWriter struct {
	w    http.ResponseWriter
	buf  bytes.Buffer
	sent bool
}

const heldBytes = 64 << 10

func (h *heldWriter) Header() http.Header { return h.w.Header() }
func (h *heldWriter) WriteHeader(int)     {}

func (h *heldWriter) Write(p []byte) (int, error) {
	if h.sent {
		return h.w.Write(p)
	}
	h.buf.Write(p)
	if h.buf.Len() >= heldBytes {
		return len(p), h.flush()
	}
	return len(p), nil
}

// flush sends what is held and passes later writes straight through.
func (h *heldWriter) flush() error {
	h.sent = true
	_, err := h.w.Write(h.buf.Bytes())
	h.buf.Reset()
	return err
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	data, err := assets.ReadFile("assets/openapi.json")
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(data)
}

// fail maps an error to a status: bad requests are the client's (400).
func (s *Server) fail(w http.ResponseWriter, err error) {
	var qe *index.QueryError
	var re *index.RequestError
	switch {
	case errors.As(err, &re) || errors.As(err, &qe):
		writeError(w, http.StatusBadRequest, err)
	case errors.Is(err, index.ErrDamaged) || errors.Is(err, datadir.ErrIndexMissing) || errors.Is(err, datadir.ErrForeignIndex) ||
		errors.Is(err, index.ErrOutdated) || errors.Is(err, sqlite.ErrDamaged):
		// The operator's to fix; the message says how.
		s.log.Error("request failed", "err", err)
		writeError(w, http.StatusInternalServerError, err)
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, errors.New("request took too long"))
	default:
		s.log.Error("request failed", "err", err)
		writeError(w, http.StatusInternalServerError, errors.New("internal error"))
	}
}

// writeJSON answers v as JSON, or 500 if that would exceed
// MaxResponseBytes: a cut JSON document would not parse.
func writeJSON(w http.ResponseWriter, v any) {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		writeError(w, http.StatusInternalServerError, errors.New("internal error"))
		return
	}
	if len(data) >= MaxResponseBytes {
		writeError(w, http.StatusInternalServerError, fmt.Errorf("the response would exceed %d MiB; ask for less", MaxResponseBytes>>20))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(append(data, '\n'))
}

func writeError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}
