// Package extract turns a file's bytes into a corpus.Document with pages of
// plain text. The format is found by sniffing the content, not trusted
// from the file name: PDF, DOCX, HTML, Markdown and plain text.
//
// Every failure is a *corpus.Error with a stable reason, so that callers
// can report and count it.
//
// Document.Meta keys filled when the file declares them: "author",
// "language", "subject", "description", "keywords"; for PDF also
// "producer" and "creator"; for HTML other Dublin Core fields under their
// own name ("publisher" from DC.Publisher).
//
// The title, "date" (YYYY-MM-DD, or YYYY-MM / YYYY when that is all it
// says) and "submitter" are what the document itself prints where the
// file's properties are missing or wrong — a cover page's largest type,
// a dated line, a "Submission by ..." line or a letterhead, read by OCR
// from a PDF's cover when only drawn there — and each records where it
// came from under corpus.TitleSource, DateSource and SubmitterSource
// ("text", "ocr", "file" or "file_name"); "file_date" keeps a
// file date that a printed date overrode, "file_author" an author that
// names whoever made the file rather than who issues the document (an
// account, a clerk's name in a Word file), and "file_language" a
// declared language that the text contradicts.
package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/safefile"
	"github.com/normtag/normtag/internal/textcut"
	"github.com/normtag/normtag/pipeline/extract/ocr"
	"github.com/normtag/normtag/pipeline/extract/pdf"
)

// DefaultMaxFileSize is the largest file read when Options.MaxFileSize is 0.
const DefaultMaxFileSize = 200 << 20

// DefaultMaxTextSize is the most text, in bytes, one document may yield
// when Options.MaxTextSize is 0. The text is segmented, tagged, stored
// and indexed in the ingesting process, whose memory grows with it: 16
// MiB is some 8,000 pages of prose, beyond any real submission.
const DefaultMaxTextSize = 16 << 20

// Options tune extraction.
type Options struct {
	// Password opens encrypted PDFs (the empty password is always tried).
	Password string
	// MaxFileSize bounds the size of a file, in bytes (0: DefaultMaxFileSize).
	MaxFileSize int64
	// MaxTextSize bounds the text extracted from one file, in bytes (0:
	// DefaultMaxTextSize); more fails as too-large. It is checked where
	// extraction runs, so an isolated child refuses the document before
	// sending it to the parent.
	MaxTextSize int64
	// OCR says whether and how PDF pages without a text layer are read
	// by OCR; the zero value reads none.
	OCR ocr.Config
	// OnOCR, if set, is called before pages are read by OCR, with their
	// number: an isolated child tells its parent, which then allows the
	// document its OCR time. Not sent to a child (gob skips functions).
	OnOCR func(pages int)
}

func (o Options) maxText() int64 {
	if o.MaxTextSize > 0 {
		return o.MaxTextSize
	}
	return DefaultMaxTextSize
}

func (o Options) maxSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// File reads and extracts the file at path.
func File(ctx context.Context, path string, opts Options) (*corpus.Document, error) {
	return FileAs(ctx, path, path, opts)
}

// FileAs reads the file at path and extracts it as if it were at name,
// which messages and the document's file name show: a remote worker
// extracts a local copy of a file that lives elsewhere.
func FileAs(ctx context.Context, path, name string, opts Options) (*corpus.Document, error) {
	// Opened once and checked on the handle: the name may by now be a
	// named pipe or a link to a device (see safefile).
	data, info, err := safefile.ReadFile(ctx, path, opts.maxSize())
	if err != nil {
		reason, cause := corpus.ReasonTimeout, err
		var ce *corpus.Error
		if errors.As(err, &ce) {
			reason, cause = ce.Reason, ce.Err
		}
		return nil, corpus.Errorf(reason, "%s: %w", name, cause)
	}
	doc, err := Bytes(ctx, name, data, opts)
	if err != nil {
		return nil, err
	}
	doc.ModTime = info.ModTime()
	return doc, nil
}

// Bytes extracts a file's content; name is used for messages, the file
// name and as a hint for formats that cannot be sniffed (Markdown).
func Bytes(ctx context.Context, name string, data []byte, opts Options) (doc *corpus.Document, err error) {
	// A parser bug must cost one file, not the whole run.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, corpus.Errorf(corpus.ReasonCrashed, "%s: parser panic: %v", name, r)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, corpus.Errorf(corpus.ReasonTimeout, "%s: %w", name, err)
	}
	if len(data) == 0 {
		return nil, corpus.Errorf(corpus.ReasonEmpty, "%s: empty file", name)
	}
	if int64(len(data)) > opts.maxSize() {
		return nil, corpus.Errorf(corpus.ReasonTooLarge, "%s: %d bytes, more than the limit of %d", name, len(data), opts.maxSize())
	}
	format, err := Sniff(name, data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	doc = &corpus.Document{
		ID:       hex.EncodeToString(sum[:]),
		Path:     name,
		FileName: filepath.Base(name),
		Format:   format,
		Size:     int64(len(data)),
		ModTime:  time.Now(),
		Meta:     map[string]string{},
	}
	var cover []pdf.Line
	switch format {
	case corpus.FormatPDF:
		cover, err = extractPDF(ctx, doc, data, opts)
		if err == nil {
			err = recognizePages(ctx, doc, data, opts)
		}
	case corpus.FormatDOCX:
		err = extractDOCX(ctx, doc, data, opts)
	case corpus.FormatHTML:
		err = extractHTML(doc, data)
	case corpus.FormatMarkdown:
		err = extractMarkdown(doc, data)
	default:
		err = extractText(doc, data)
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, corpus.Errorf(corpus.ReasonTimeout, "%s: %w", name, err)
		}
		var ce *corpus.Error
		if errors.As(err, &ce) {
			return nil, &corpus.Error{Reason: ce.Reason, Err: fmt.Errorf("%s: %w", name, ce.Err)}
		}
		return nil, corpus.Errorf(corpus.ReasonMalformed, "%s: %w", name, err)
	}
	doc.PageCount = max(doc.PageCount, len(doc.Pages))
	fileDate, now := doc.Meta["date"], time.Now()
	if weak := describe(doc, doc.Title, cover, fileDate, now); weak && format == corpus.FormatPDF {
		describeCover(ctx, doc, data, cover, fileDate, opts, now)
	}
	settleLanguage(doc)
	if !hasText(doc.Pages) {
		return nil, corpus.Errorf(corpus.ReasonNoText, "%s: no text in %d page(s) (scanned images?)%s", name, doc.PageCount, noTextHint(doc, opts))
	}
	if n := textSize(doc.Pages); n > opts.maxText() {
		return nil, corpus.Errorf(corpus.ReasonTooLarge, "%s: %d bytes of text extracted, more than the limit of %d per document (--max-text-size)", name, n, opts.maxText())
	}
	return doc, nil
}

// extractPDF fills doc from a PDF and returns the lines of its first
// page with text, with their type sizes.
func extractPDF(ctx context.Context, doc *corpus.Document, data []byte, opts Options) ([]pdf.Line, error) {
	pages, info, err := pdf.Extract(ctx, data, pdf.Options{Password: opts.Password})
	if err != nil {
		return nil, err
	}
	for i, p := range pages {
		doc.Pages = append(doc.Pages, corpus.Page{Number: i + 1, Text: p, Notes: info.Notes[i+1], RunsOn: info.RunsOn[i+1]})
	}
	doc.PageCount = info.Pages
	doc.Title = cleanTitle(info.Title)
	setMeta(doc, "author", info.Author)
	setMeta(doc, "date", normalizeDate(info.Created))
	if doc.Meta["date"] == "" {
		setMeta(doc, "date", normalizeDate(info.Modified))
	}
	setMeta(doc, "language", info.Lang)
	setMeta(doc, "subject", info.Subject)
	setMeta(doc, "producer", info.Producer)
	setMeta(doc, "creator", info.Creator)
	return info.CoverLines, nil
}

// setMeta records a metadata value when it is not empty.
func setMeta(doc *corpus.Document, key, value string) {
	if v := strings.TrimSpace(value); v != "" {
		doc.Meta[key] = v
	}
}

// cleanTitle rejects metadata titles that are not titles: file names and
// producer boilerplate ("Microsoft Word - draft3.docx", "untitled").
func cleanTitle(t string) string {
	t = strings.Join(strings.Fields(t), " ")
	lower := strings.ToLower(t)
	if t == "" || lower == "untitled" || strings.HasPrefix(lower, "microsoft word - ") ||
		strings.HasSuffix(lower, ".doc") || strings.HasSuffix(lower, ".docx") || strings.HasSuffix(lower, ".pdf") {
		return ""
	}
	return t
}

// fallbackTitle is the first heading, else the first non-empty line.
func fallbackTitle(doc *corpus.Document) string {
	for _, p := range doc.Pages {
		if len(p.Headings) > 0 {
			h := p.Headings[0]
			if h.Start >= 0 && h.End <= len(p.Text) && h.Start < h.End {
				return textcut.Abbreviate(strings.Join(strings.Fields(p.Text[h.Start:h.End]), " "), 200)
			}
		}
	}
	for _, p := range doc.Pages {
		for _, l := range strings.Split(p.Text, "\n") {
			if l = strings.Join(strings.Fields(l), " "); len(l) >= 3 {
				return textcut.Abbreviate(l, 200)
			}
		}
	}
	return doc.FileName
}

func hasText(pages []corpus.Page) bool {
	for _, p := range pages {
		for _, r := range p.Text {
			if r > ' ' && r != utf8.RuneError && r != '\u00a0' {
				return true
			}
		}
	}
	return false
}

// Sniff finds the format of a file from its content, using the name only
// to tell Markdown from plain text and as a hint for HTML fragments. Files
// it cannot read get a *corpus.Error with ReasonEmpty or ReasonUnsupported
// and a message saying what the file seems to be.
func Sniff(name string, data []byte) (corpus.Format, error) {
	if len(data) == 0 {
		return "", corpus.Errorf(corpus.ReasonEmpty, "%s: empty file", name)
	}
	// Some producers and mail gateways put junk before the header;
	// readers accept it within the first KiB, so do we.
	if bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return corpus.FormatPDF, nil
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		return sniffZip(name, data)
	}
	if bytes.HasPrefix(data, []byte(oleMagic)) && bytes.Contains(data, encryptedPackage) {
		// Password-protected .docx/.xlsx are OLE containers holding the
		// encrypted ZIP: say so instead of calling them legacy files.
		return "", corpus.Errorf(corpus.ReasonEncrypted, "%s: a password-protected Office document; save it without a password or as PDF", name)
	}
	for _, m := range binaryMagic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return "", corpus.Errorf(corpus.ReasonUnsupported, "%s: %s, not a document format normtag reads", name, m.what)
		}
	}
	text, ok := decodeText(data[:min(len(data), 64<<10)])
	if !ok {
		return "", corpus.Errorf(corpus.ReasonUnsupported, "%s: binary content, not a document format normtag reads", name)
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".md", ".markdown", ".mdown", ".mkd":
		// Markdown may open with inline HTML (<p align=...>); only a full
		// HTML document overrides the extension.
		if looksHTMLDocument(text) {
			return corpus.FormatHTML, nil
		}
		return corpus.FormatMarkdown, nil
	case ".htm", ".html", ".xhtml", ".shtml":
		return corpus.FormatHTML, nil
	}
	if looksHTML(text) {
		return corpus.FormatHTML, nil
	}
	return corpus.FormatText, nil
}

const oleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"

// encryptedPackage is the UTF-16LE name of the stream in which Office
// stores an encrypted OOXML package.
var encryptedPackage = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")

// binaryMagic names common non-document files, so that the error says
// what the file is instead of just "binary".
var binaryMagic = []struct{ prefix, what string }{
	{oleMagic, "a legacy Office file (.doc/.xls/.ppt); save it as .docx or PDF"},
	{"{\\rtf", "a Rich Text Format file; save it as .docx or PDF"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xFF\xD8\xFF", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"II*\x00", "a TIFF image"},
	{"MM\x00*", "a TIFF image"},
	{"\x1F\x8B", "a gzip archive"},
	{"Rar!\x1A\x07", "a RAR archive"},
	{"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"},
	{"\x7FELF", "an executable"},
	{"MZ\x90\x00", "a Windows executable"},
}

// sniffZip tells a Word document from the other ZIP-based formats.
func sniffZip(name string, data []byte) (corpus.Format, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", corpus.Errorf(corpus.ReasonUnsupported, "%s: a damaged or unreadable ZIP archive (%v)", name, err)
	}
	if mainPart(zr) != "" {
		return corpus.FormatDOCX, nil
	}
	what := "a ZIP archive that is not a Word document (.docx)"
	for _, f := range zr.File {
		switch f.Name {
		case "xl/workbook.xml":
			what = "an Excel workbook (.xlsx)"
		case "ppt/presentation.xml":
			what = "a PowerPoint presentation (.pptx)"
		case "mimetype":
			if mt := zipMimetype(f); strings.HasPrefix(mt, "application/vnd.oasis.opendocument.text") {
				what = "an OpenDocument text (.odt); save it as .docx or PDF"
			} else if strings.HasPrefix(mt, "application/vnd.oasis.opendocument") {
				what = "an OpenDocument file (" + mt + ")"
			} else if mt == "application/epub+zip" {
				what = "an EPUB book"
			}
		}
	}
	return "", corpus.Errorf(corpus.ReasonUnsupported, "%s: %s, not a format normtag reads", name, what)
}

// zipMimetype reads the short mimetype entry of OpenDocument and EPUB files.
func zipMimetype(f *zip.File) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 128))
	return strings.TrimSpace(string(b))
}

// htmlStarts are the tags an HTML document or fragment can open with.
var htmlStarts = []string{
	"!doctype html", "html", "head", "body", "title", "meta", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6",
	"table", "section", "article", "main", "header", "ul", "ol", "br", "span", "a", "b", "i", "em", "strong",
	"blockquote", "pre", "link", "style", "script", "nav", "center", "font",
}

// looksHTML reports whether a text opens with HTML markup (after a BOM,
// white space, comments and an XML declaration).
func looksHTML(text string) bool {
	head := skipPrologue(text)
	if !strings.HasPrefix(head, "<") {
		return false
	}
	head = strings.ToLower(head[1:min(len(head), 64)])
	for _, tag := range htmlStarts {
		if strings.HasPrefix(head, tag) {
			if len(head) == len(tag) {
				return true
			}
			switch head[len(tag)] {
			case ' ', '>', '/', '\t', '\n', '\r':
				return true
			}
		}
	}
	return false
}

// looksHTMLDocument is looksHTML restricted to a complete document.
func looksHTMLDocument(text string) bool {
	head := strings.ToLower(skipPrologue(text))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// skipPrologue drops what may precede the first tag: a BOM, white space,
// comments and an XML declaration.
func skipPrologue(text string) string {
	head := text[:min(len(text), 4096)]
	for {
		head = strings.TrimLeft(strings.TrimPrefix(head, "\ufeff"), " \t\r\n")
		switch {
		case strings.HasPrefix(head, "<!--"):
			end := strings.Index(head, "-->")
			if end < 0 {
				return ""
			}
			head = head[end+3:]
		case strings.HasPrefix(head, "<?"):
			end := strings.Index(head, "?>")
			if end < 0 {
				return ""
			}
			head = head[end+2:]
		default:
			return head
		}
	}
}

// dateLayouts are the date forms found in document metadata, most
// specific first.
var dateLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02",
	"2006/01/02", "02.01.2006", "2 January 2006", "January 2, 2006", "2 Jan 2006", "Jan 2, 2006",
	time.RFC1123, time.RFC1123Z,
}

// normalizeDate returns a metadata date as YYYY-MM-DD (or YYYY-MM, YYYY
// when that is all it says), or "" when it is not a date.
func normalizeDate(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	// Dates with a time zone or fraction we do not list, and PDF-style
	// "D:20230314...": the leading digits carry the day.
	digits := strings.TrimPrefix(s, "D:")
	if len(digits) >= 10 && digits[4] == '-' && digits[7] == '-' {
		if t, err := time.Parse("2006-01-02", digits[:10]); err == nil {
			return t.Format("2006-01-02")
		}
	}
	if len(digits) >= 8 {
		if t, err := time.Parse("20060102", digits[:8]); err == nil {
			return t.Format("2006-01-02")
		}
	}
	for _, l := range []struct{ in, out string }{{"2006-01", "2006-01"}, {"January 2006", "2006-01"}, {"2006", "2006"}} {
		if t, err := time.Parse(l.in, s); err == nil {
			return t.Format(l.out)
		}
	}
	return ""
}

// textSize is the bytes of text in pages.
func textSize(pages []corpus.Page) int64 {
	var n int64
	for _, p := range pages {
		n += int64(len(p.Text))
	}
	return n
}
