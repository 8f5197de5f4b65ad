// Package export writes search results as rows a researcher can cite and
// analyse elsewhere — one row per passage, as CSV (opens cleanly in
// Excel and NVivo) or JSON lines — and the corpus-level coverage and
// co-occurrence matrices.
package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
)

// Row is one exported passage.
type Row struct {
	DocID         string `json:"doc"`
	Title         string `json:"title"`
	Submitter     string `json:"submitter"`
	SubmitterType string `json:"submitter_type"`
	Country       string `json:"country"`
	Date          string `json:"date"`
	// TitleSource, DateSource and SubmitterSource say where the title,
	// date and submitter came from: sidecar, text, ocr, file or file_name.
	TitleSource     string `json:"title_source"`
	DateSource      string `json:"date_source"`
	SubmitterSource string `json:"submitter_source"`
	File            string `json:"file"`
	// Page is the first page of the passage, 0 for a document without
	// pages; PageEnd the last it runs onto.
	Page    int `json:"page"`
	PageEnd int `json:"page_end"`
	// Kind is the passage's kind (body, heading, note, reference, toc,
	// furniture); HeadingPath the headings above it, outermost first.
	Kind           corpus.Kind `json:"kind"`
	HeadingPath    []string    `json:"heading_path"`
	Passage        int         `json:"passage"`
	DirectNorms    []string    `json:"norms_direct"`
	InheritedNorms []string    `json:"norms_inherited"`
	// Evidence is compact: "g.protect-ci: protect critical infrastructure; …".
	Evidence string `json:"evidence"`
	Text     string `json:"text"`
	// OCR marks a passage read by OCR from page images, with its pages'
	// mean word confidence (0-100): check it against the page.
	OCR           bool    `json:"ocr"`
	OCRConfidence float64 `json:"ocr_confidence,omitempty"`
}

// Columns of the CSV export, in order.
var Columns = []string{"doc", "title", "submitter", "submitter_type", "country", "date", "file", "page", "passage", "norms_direct", "norms_inherited", "evidence", "text",
	"title_source", "date_source", "submitter_source", "page_end", "kind", "heading_path", "ocr", "ocr_confidence"}

// Searcher is what export needs of the index.
type Searcher interface {
	Each(ctx context.Context, r index.Request, pageSize int, emit func(index.Hit) error) error
}

// pageSize is how many hits Rows asks the index for at a time; tests
// lower it to page through a small corpus.
var pageSize = index.MaxLimit

// Rows streams every passage matching req (an index.KindExport request)
// to emit, with evidence read from the store. The index visits each
// matching passage once (index.Each), so an export of N passages costs
// O(N), where the former growing offset made every page cost all the
// pages before it.
func Rows(ctx context.Context, ix Searcher, st *sqlite.Store, req index.Request, emit func(Row) error) error {
	return RowsPaged(ctx, ix, st, req, pageSize, emit)
}

// RowsPaged is Rows asking the index for at most size hits at a time: the
// server holds fewer at once than the command line.
func RowsPaged(ctx context.Context, ix Searcher, st *sqlite.Store, req index.Request, size int, emit func(Row) error) error {
	if err := req.Validate(); err != nil {
		return err
	}
	if req.Kind != index.KindExport {
		return &index.RequestError{Field: "kind", Err: fmt.Errorf("export needs an export request")}
	}
	var cacheID string
	var cache []corpus.Passage
	return ix.Each(ctx, req, size, func(h index.Hit) error {
		if h.DocID != cacheID {
			var err error
			if cache, err = st.Passages(ctx, h.DocID); err != nil {
				return err
			}
			cacheID = h.DocID
		}
		row := Row{DocID: h.DocID, Title: h.Title, Submitter: h.Submitter, SubmitterType: h.SubmitterType, Country: h.Country,
			Date: h.Date, TitleSource: h.TitleSource, DateSource: h.DateSource, SubmitterSource: h.SubmitterSource, File: h.File, Page: h.Page, PageEnd: max(h.Page, h.PageEnd), Passage: h.Seq, Text: h.Text, DirectNorms: []string{}, InheritedNorms: []string{},
			HeadingPath: []string{}, OCR: h.OCR, OCRConfidence: h.OCRConfidence}
		if h.Seq >= 0 && h.Seq < len(cache) {
			p := cache[h.Seq]
			fillTags(&row, p.Tags)
			row.Kind, row.PageEnd = p.KindOf(), p.LastPage()
			if p.HeadingPath != nil {
				row.HeadingPath = p.HeadingPath
			}
		}
		return emit(row)
	})
}

func fillTags(row *Row, tags []corpus.Tag) {
	var ev []string
	for _, t := range tags {
		if t.Inherited {
			row.InheritedNorms = append(row.InheritedNorms, t.Norm)
		} else {
			row.DirectNorms = append(row.DirectNorms, t.Norm)
		}
		for _, e := range t.Evidence {
			ev = append(ev, fmt.Sprintf("%s: %s", e.Rule, e.Match))
		}
	}
	row.Evidence = strings.Join(ev, "; ")
}

// CSVWriter writes rows as CSV with CRLF line ends and, optionally, a
// UTF-8 byte order mark so that Excel reads accents right.
type CSVWriter struct {
	w *sheetWriter
}

// NewCSV starts a CSV export with its header row.
func NewCSV(w io.Writer, bom bool) (*CSVWriter, error) {
	if bom {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
	}
	sw := newSheetWriter(w)
	if err := sw.Write(Columns); err != nil {
		return nil, err
	}
	return &CSVWriter{w: sw}, nil
}

// Write writes one row.
func (c *CSVWriter) Write(r Row) error {
	return c.w.Write([]string{r.DocID, r.Title, r.Submitter, r.SubmitterType, r.Country, r.Date, r.File,
		strconv.Itoa(r.Page), strconv.Itoa(r.Passage), strings.Join(r.DirectNorms, ","), strings.Join(r.InheritedNorms, ","),
		oneLine(r.Evidence), oneLine(r.Text), r.TitleSource, r.DateSource, r.SubmitterSource,
		strconv.Itoa(r.PageEnd), string(r.Kind), oneLine(strings.Join(r.HeadingPath, " › ")), strconv.FormatBool(r.OCR), ocrConfidence(r)})
}

// ocrConfidence is the CSV cell of a row's OCR confidence: empty when
// the passage was not read by OCR.
func ocrConfidence(r Row) string {
	if !r.OCR {
		return ""
	}
	return strconv.FormatFloat(r.OCRConfidence, 'f', 1, 64)
}

// Flush ends the export.
func (c *CSVWriter) Flush() error {
	return c.w.Flush()
}

// sheetWriter is the one CSV writer of every export: it passes each cell
// through SafeCell, because titles, submitters, countries and file names
// come from the submitted files and must never reach a spreadsheet as a
// formula.
type sheetWriter struct{ w *csv.Writer }

func newSheetWriter(w io.Writer) *sheetWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &sheetWriter{w: cw}
}

// Write writes one record, every cell made safe.
func (s *sheetWriter) Write(rec []string) error {
	safe := make([]string, len(rec))
	for i, c := range rec {
		safe[i] = SafeCell(c)
	}
	return s.w.Write(safe)
}

// Flush writes buffered records and reports the first write error.
func (s *sheetWriter) Flush() error {
	s.w.Flush()
	return s.w.Error()
}

// formulaStarts are the characters with which Excel, LibreOffice and
// Google Sheets begin a formula or a command (tab and CR too, since some
// of them strip those and read what follows).
const formulaStarts = "=+-@\t\r"

// SafeCell stops a spreadsheet program from reading a cell as a formula:
// a cell whose first character, or first character after leading
// whitespace, starts a formula gets a leading apostrophe, which
// spreadsheets show as text. Other cells are returned unchanged.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	trimmed := strings.TrimLeftFunc(s, unicode.IsSpace)
	if trimmed != "" && trimmed != s && strings.ContainsRune(formulaStarts, rune(trimmed[0])) {
		return "'" + s
	}
	return s
}

// oneLine keeps a cell on one line, so that a row is a passage even in
// tools that read CSV line by line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// JSONLWriter writes rows as JSON lines.
type JSONLWriter struct{ enc *json.Encoder }

// NewJSONL starts a JSON-lines export.
func NewJSONL(w io.Writer) *JSONLWriter { return &JSONLWriter{enc: json.NewEncoder(w)} }

// Write writes one row.
func (j *JSONLWriter) Write(r Row) error { return j.enc.Encode(r) }

// CoverageCSV writes the document × norm matrix: one row per document
// (id, title, file) with the number of passages carrying each norm,
// counting passages of the given kinds (body text and headings when none
// are given).
func CoverageCSV(ctx context.Context, w io.Writer, st *sqlite.Store, kinds ...corpus.Kind) error {
	cov, err := st.Coverage(ctx, kinds...)
	if err != nil {
		return err
	}
	docs, err := st.Documents(ctx)
	if err != nil {
		return err
	}
	cw := newSheetWriter(w)
	header := []string{"doc", "title", "file", "submitter"}
	header = append(header, norms.Letters()...)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, d := range docs {
		rec := []string{d.ID, oneLine(d.Title), d.FileName, oneLine(d.Submitter())}
		for _, l := range norms.Letters() {
			rec = append(rec, strconv.Itoa(cov[d.ID][l]))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// CooccurrenceCSV writes the norm × norm matrix of passages carrying both,
// counting passages of the given kinds (body text and headings when none
// are given).
func CooccurrenceCSV(ctx context.Context, w io.Writer, st *sqlite.Store, kinds ...corpus.Kind) error {
	co, err := st.Cooccurrence(ctx, kinds...)
	if err != nil {
		return err
	}
	cw := newSheetWriter(w)
	if err := cw.Write(append([]string{"norm"}, norms.Letters()...)); err != nil {
		return err
	}
	for _, a := range norms.Letters() {
		rec := []string{a}
		for _, b := range norms.Letters() {
			rec = append(rec, strconv.Itoa(co[a][b]))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}
