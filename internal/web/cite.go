package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/cite"
	"github.com/normtag/normtag/internal/textcut"
)

// Citations on the web: permalinks (/p/{document}/{passage}), the copy
// citation button of every passage, citation exports and Highwire
// citation_* meta tags. The citations themselves are package cite's, as
// on the command line.

// citeRoutes registers the citation routes.
func (s *Server) citeRoutes() {
	s.mux.HandleFunc("GET /p/{id}/{passage}", s.permalink)
	s.mux.HandleFunc("GET /api/documents/{id}/cite", s.apiCiteDocument)
	s.mux.HandleFunc("GET /api/documents/{id}/passages/{passage}/cite", s.apiCitePassage)
}

// citeFuncs are the templates' citation helpers.
var citeFuncs = template.FuncMap{
	// highwire lists a page's citation_* meta tags: those of a document
	// page (pageHead), none for other pages.
	"highwire": func(v any) []metaTag {
		if h, ok := v.(pageHead); ok {
			return h.Meta
		}
		return nil
	},
}

// pageHead is what a page gives the shared head template: it prints as
// the page's title, and a document page adds its meta tags.
type pageHead struct {
	Title string
	Meta  []metaTag
}

func (h pageHead) String() string { return h.Title }

// metaTag is one <meta name content>.
type metaTag struct{ Name, Content string }

// links are the addresses citations carry, on the host and scheme the
// request came by, so that a copied permalink opens where it was copied.
func links(r *http.Request) cite.Links {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return cite.Links{Base: scheme + "://" + r.Host}
}

// passageCite is what the copy-citation button of one passage shows and
// copies; its fields are named as apiHit's, which the button also takes.
type passageCite struct {
	DocID     string
	Seq       int
	Citation  string
	Permalink string
}

// docCitations are a document page's citations.
type docCitations struct {
	Head pageHead
	// Citation cites the whole document.
	Citation string
	// Passages are the passages' citations by Seq.
	Passages map[int]passageCite
}

// documentCitations cites document d (already bounded for the page) and
// each of its passages, and makes its Highwire meta tags, which Zotero's
// browser connector and Google Scholar read.
func documentCitations(r *http.Request, d *corpus.Document) docCitations {
	l := links(r)
	work := cite.WorkOf(d, l)
	out := docCitations{Citation: cite.Text(cite.Item{Work: work}), Passages: make(map[int]passageCite, len(d.Passages))}
	ocr := d.OCRPages()
	for _, p := range d.Passages {
		it := cite.Item{Work: work, Passage: cite.PassageOf(d.ID, ocr, p, l)}
		out.Passages[p.Seq] = passageCite{DocID: d.ID, Seq: p.Seq, Citation: cite.Text(it), Permalink: it.Passage.Permalink}
	}
	out.Head = pageHead{Title: d.Title, Meta: highwireTags(work)}
	return out
}

// highwireTags are the citation_* meta tags of a document page. The
// submitter is an institution, so it is also the report's institution:
// that tag makes Zotero save the page as a report.
func highwireTags(w cite.Work) []metaTag {
	tags := []metaTag{{"citation_title", w.Title}}
	add := func(name, value string) {
		if value != "" {
			tags = append(tags, metaTag{name, value})
		}
	}
	add("citation_author", w.Submitter)
	add("citation_technical_report_institution", w.Submitter)
	if parts := cite.DateParts(w.Date); parts != nil {
		// Highwire writes dates with slashes, only as precise as known.
		var ds []string
		for i, n := range parts {
			if i == 0 {
				ds = append(ds, fmt.Sprintf("%04d", n))
			} else {
				ds = append(ds, fmt.Sprintf("%02d", n))
			}
		}
		add("citation_publication_date", strings.Join(ds, "/"))
		add("citation_date", strings.Join(ds, "/"))
	}
	add("citation_publisher", w.Publisher)
	add("citation_language", w.Language)
	if w.Format == corpus.FormatPDF {
		add("citation_pdf_url", w.FileURL)
	}
	add("citation_public_url", w.URL)
	return tags
}

// citeHits gives every search hit its citation and permalink.
func citeHits(r *http.Request, hits []apiHit) {
	l := links(r)
	for i, h := range hits {
		it := cite.Item{Work: cite.Work{DocID: h.DocID, Title: h.Title, Submitter: h.Submitter, Date: h.Date, File: h.File,
			URL: l.Document(h.DocID), FileURL: l.File(h.DocID)},
			Passage: &cite.Passage{Seq: h.Seq, Page: h.Page, PageEnd: max(h.Page, h.PageEnd), HeadingPath: h.HeadingPath,
				Text: h.Text, OCR: h.OCR, OCRConfidence: h.OCRConfidence, Permalink: l.Passage(h.DocID, h.Seq, h.Text)}}
		hits[i].Citation, hits[i].Permalink = cite.Text(it), it.Passage.Permalink
	}
}

// permalink sends a passage's permalink to its place on the document
// page, where it is highlighted (its fragment is the :target). The
// passage is found by its text when the link has a text hash, so a link
// made before a re-segmentation of the same file still lands on it.
func (s *Server) permalink(w http.ResponseWriter, r *http.Request) {
	d, p, ok := s.citedPassage(w, r, true)
	if !ok {
		return
	}
	// 302, not 301: the passage's place may change with a re-ingest,
	// the permalink does not.
	http.Redirect(w, r, fmt.Sprintf("/documents/%s#p%d", d.ID, p.Seq), http.StatusFound)
}

// citedPassage finds the passage a request's {id} and {passage} name.
// A person following a permalink (page) is answered in plain text, a
// program in JSON.
func (s *Server) citedPassage(w http.ResponseWriter, r *http.Request, page bool) (*corpus.Document, corpus.Passage, bool) {
	fail := func(status int, err error) {
		if page {
			http.Error(w, err.Error(), status)
			return
		}
		writeError(w, status, err)
	}
	id := r.PathValue("id")
	if !index.DocumentID(id) {
		fail(http.StatusBadRequest, errors.New("a document id is 64 hexadecimal characters"))
		return nil, corpus.Passage{}, false
	}
	seq, hash, err := cite.ParseRef(r.PathValue("passage"))
	if err != nil {
		fail(http.StatusBadRequest, err)
		return nil, corpus.Passage{}, false
	}
	d, err := s.data.Store.Document(r.Context(), id, corpus.WithPassages)
	if errors.Is(err, corpus.ErrNotFound) {
		fail(http.StatusNotFound, fmt.Errorf("no document %s in this corpus", id))
		return nil, corpus.Passage{}, false
	}
	if err != nil {
		s.fail(w, err)
		return nil, corpus.Passage{}, false
	}
	i, _ := cite.Resolve(d.Passages, seq, hash)
	if i < 0 {
		fail(http.StatusNotFound, fmt.Errorf("document %s has no passage %d", id, seq))
		return nil, corpus.Passage{}, false
	}
	return d, d.Passages[i], true
}

// citeFormat reads the format parameter of a citation request: text or
// a citation format, csl-json when none is given.
func citeFormat(w http.ResponseWriter, r *http.Request) (string, bool) {
	f := r.URL.Query().Get("format")
	switch {
	case f == "":
		return cite.FormatCSLJSON, true
	case f == "text" || cite.IsFormat(f):
		return f, true
	}
	writeError(w, http.StatusBadRequest, fmt.Errorf("format: must be one of text, %s, got %q", strings.Join(cite.Formats, ", "), f))
	return "", false
}

func (s *Server) apiCiteDocument(w http.ResponseWriter, r *http.Request) {
	format, ok := citeFormat(w, r)
	if !ok {
		return
	}
	d, ok := s.document(w, r)
	if !ok {
		return
	}
	writeCitation(w, format, cite.OfDocument(d, links(r)))
}

func (s *Server) apiCitePassage(w http.ResponseWriter, r *http.Request) {
	format, ok := citeFormat(w, r)
	if !ok {
		return
	}
	d, p, ok := s.citedPassage(w, r, false)
	if !ok {
		return
	}
	writeCitation(w, format, boundItem(cite.OfPassage(d, d.OCRPages(), p, links(r))))
}

// writeCitation answers one citation in format.
func writeCitation(w http.ResponseWriter, format string, it cite.Item) {
	if format == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, cite.Text(it))
		return
	}
	w.Header().Set("Content-Type", cite.ContentType(format))
	cw, err := cite.NewWriter(w, format)
	if err == nil {
		err = cw.Write(it)
	}
	if err == nil {
		err = cw.Close()
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, errors.New("internal error"))
	}
}

// boundItem bounds every file-derived field of a citation, as boundRow
// does for the other export formats; the permalink was made from the
// whole text before.
func boundItem(it cite.Item) cite.Item {
	it.Title, it.Submitter, it.SubmitterType, it.Country = cut(it.Title), cut(it.Submitter), cut(it.SubmitterType), cut(it.Country)
	it.Date, it.Language, it.Publisher, it.File = cut(it.Date), cut(it.Language), cut(it.Publisher), cut(it.File)
	if it.Passage != nil {
		p := *it.Passage
		p.Text = textcut.Runes(p.Text, TextRunes)
		hp := make([]string, len(p.HeadingPath))
		for i, h := range p.HeadingPath {
			hp[i] = cut(h)
		}
		p.HeadingPath = hp
		it.Passage = &p
	}
	return it
}

// exportCitations streams every passage (or, with unit=document, every
// document) matching an export request as citations in format, held
// like apiExport's rows so that an early failure is still a clean error.
func (s *Server) exportCitations(w http.ResponseWriter, r *http.Request, req index.Request, format string) {
	unit, err := cite.CheckUnit(r.URL.Query().Get("unit"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	capped := capOf(w)
	w.Header().Set("Content-Type", cite.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="normtag-citations`+cite.Extension(format)+`"`)
	hold := &heldWriter{w: w}
	cw, err := cite.NewWriter(hold, format)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	err = s.withIndex(r.Context(), func(ix *index.Index) error {
		return cite.Items(r.Context(), ix, s.data.Store, req, exportPageSize, unit, links(r), func(it cite.Item) error {
			// Stop on a whole record while one more surely fits.
			if capped != nil && capped.written+int64(hold.buf.Len()) > capped.limit-exportRowReserve {
				return errExportCap
			}
			return cw.Write(boundItem(it))
		})
	})
	if errors.Is(err, errExportCap) {
		// The records so far are whole and the file is closed properly
		// (a CSL-JSON array gets its bracket); the log says it is cut.
		s.log.Warn("citation export stopped at its size limit", "limit", capped.limit)
		err = nil
	}
	if errors.Is(err, index.ErrMissing) {
		err = nil // nothing indexed yet: an empty file
	}
	if err == nil {
		if err := cw.Close(); err != nil {
			s.log.Warn("citation export not sent", "err", err)
			return
		}
		if err := hold.flush(); err != nil {
			s.log.Warn("citation export not sent", "err", err)
		}
		return
	}
	s.failHeld(w, hold, "citation export failed after records were sent; response aborted", err, nil)
}
