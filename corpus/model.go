// Package corpus holds normtag's data model (Document, Page, Passage, Tag),
// failure reasons and the plain types a store answers with. It imports
// nothing beyond the standard library, so every stage can speak it without
// linking storage.
//
// Extract produces a Document with Pages, segment adds Passages, tag adds
// Tags, a store (package corpus/sqlite) persists them and the index is
// derived from what the store holds.
package corpus

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Format is the detected file format of a document, found by content
// sniffing rather than by file extension alone.
type Format string

// Formats normtag can read.
const (
	FormatPDF      Format = "pdf"
	FormatDOCX     Format = "docx"
	FormatHTML     Format = "html"
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
)

// MaxFieldRunes bounds a document's title, file name and each metadata
// value as stored and indexed: they come from the file (or a sidecar) and
// are repeated in every passage of the index and every search hit, so a
// megabyte <title> must not stay a megabyte. Longer values are cut, ending
// in an ellipsis, when a document is prepared for storing.
const MaxFieldRunes = 1000

// Document is one submission: one file's bytes, identified by their SHA-256.
type Document struct {
	// ID is the lowercase hex SHA-256 of the file's bytes.
	ID string `json:"id"`
	// Path is the path the file was ingested from.
	Path string `json:"path"`
	// FileName is the base name of Path.
	FileName string `json:"file_name"`
	// Title comes from the file's metadata or, failing that, its first heading.
	Title  string `json:"title"`
	Format Format `json:"format"`
	// Size is the file size in bytes.
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
	// Meta holds further descriptive metadata (author, submitter, date,
	// language...) keyed by lowercase field name.
	Meta map[string]string `json:"meta,omitempty"`
	// PageCount is the number of pages the source file has (1 for formats
	// without pages).
	PageCount int    `json:"page_count"`
	Pages     []Page `json:"pages,omitempty"`
	// Passages are filled in by the segment stage and tagged by the tag stage.
	Passages []Passage `json:"passages,omitempty"`
	// RulesVersion identifies the rule set that produced the passages' tags.
	RulesVersion string `json:"rules_version,omitempty"`
	// IngestedAt is when the ingest run that stored the document began;
	// a run resumed after an interruption keeps the time of the run it
	// resumes.
	IngestedAt time.Time `json:"ingested_at"`
	// Signature is a MinHash of the document's text, used to flag
	// near-duplicates (the same text in different bytes).
	Signature []uint64 `json:"-"`
	// NearDuplicateOf is the id of an earlier document with nearly the
	// same text, if any.
	NearDuplicateOf string `json:"near_duplicate_of,omitempty"`
}

// Submitter is who submitted the document: the submitter an analyst gave
// in metadata.csv or one the document prints ("Submission by ...", a
// letterhead), else the author or creator the file itself declares (PDF
// Info or XMP, DOCX core properties, HTML meta). Meta[SubmitterSource]
// says which.
func (d *Document) Submitter() string {
	if s := d.Meta["submitter"]; s != "" {
		return s
	}
	return d.Meta["author"]
}

// Meta keys that say where a document's title, date and submitter came
// from, so that an analyst knows which to check: one of the Source values.
const (
	TitleSource     = "title_source"
	DateSource      = "date_source"
	SubmitterSource = "submitter_source"
)

// Sources of a title, date or submitter.
const (
	SourceSidecar  = "sidecar"   // an analyst's metadata.csv
	SourceText     = "text"      // printed in the document (cover, dateline, letterhead)
	SourceFile     = "file"      // the file's own properties (PDF Info, DOCX core, HTML meta)
	SourceFileName = "file_name" // the file's name, when nothing better was found
	SourceOCR      = "ocr"       // printed on the cover but only as a picture, read by OCR
)

// Page is the extracted text of one page. Number is 1-based.
type Page struct {
	Number int    `json:"number"`
	Text   string `json:"text"`
	// Headings are byte ranges of Text that the extractor knows to be
	// headings from the file's structure (DOCX styles, HTML h1-h6). Segment
	// trusts them and falls back to heuristics where they are absent.
	Headings []Span `json:"headings,omitempty"`
	// Notes are byte ranges of Text that the extractor knows to be
	// footnotes or endnotes (DOCX footnotes.xml, small type at a PDF page's
	// foot), one span per note. Segment makes each a note passage, never a
	// heading.
	Notes []Span `json:"notes,omitempty"`
	// RunsOn says the extractor saw the page's last paragraph run on to
	// the next page (its last line reaches the right margin of justified
	// text), so segment joins it with the next page's first even after a
	// full stop. Used while segmenting; not stored.
	RunsOn bool `json:"runs_on,omitempty"`
}

// Span is a byte range [Start, End) of a text, with a heading Level (1 = top).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
	Level int `json:"level"`
}

// Kind says what part of a document a passage is. Only body text and
// headings carry a section's norms and are counted by default; notes,
// reference lists, contents lines and page furniture are kept (they are
// searchable and can be tagged from their own words) but stand aside.
type Kind string

// Passage kinds.
const (
	KindBody      Kind = "body"      // running text: paragraphs, list items
	KindHeading   Kind = "heading"   // a section title
	KindNote      Kind = "note"      // a footnote or endnote
	KindReference Kind = "reference" // an item of a reference or URL list, a "See ..." pointer
	KindTOC       Kind = "toc"       // a table-of-contents line
	KindFurniture Kind = "furniture" // running header or footer, page number, copyright line
)

// Kinds lists every passage kind, for validating a kind a user names.
var Kinds = []Kind{KindBody, KindHeading, KindNote, KindReference, KindTOC, KindFurniture}

// CountedKinds are the kinds that report, coverage and norm counts count
// unless asked for all: the document's own argument, not its apparatus.
var CountedKinds = []Kind{KindBody, KindHeading}

// ParseKind returns the Kind named s, or an error listing the kinds.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown passage kind %q (kinds: body, heading, note, reference, toc, furniture)", s)
}

// ParseKinds reads which passage kinds to count, as a user writes them:
// "" for CountedKinds (body and headings), "all" for every kind, or a
// comma-separated list of kinds ("body,note").
func ParseKinds(s string) ([]Kind, error) {
	switch s = strings.TrimSpace(s); s {
	case "":
		return CountedKinds, nil
	case "all":
		return Kinds, nil
	}
	var out []Kind
	for _, f := range strings.Split(s, ",") {
		k, err := ParseKind(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%w, or all", err)
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// Sectional reports whether passages of kind k take part in sections:
// a heading passes its norms on, body text inherits them. Notes,
// references, contents lines and furniture do neither: an endnote under
// "Norm 11" is not about norm (k) because of where the notes were put.
func (k Kind) Sectional() bool { return k == KindBody || k == KindHeading || k == "" }

// Piece is one page's part of a passage: bytes [Start, End) of page
// Page's text.
type Piece struct {
	Page  int `json:"page"`
	Start int `json:"start"`
	End   int `json:"end"`
}

// Passage is a paragraph or heading: the unit that is tagged, stored,
// indexed and cited.
type Passage struct {
	// Seq is the passage's 0-based position in the document.
	Seq int `json:"passage"`
	// Page is the 1-based page the passage starts on; 0 for a document
	// without pages (a text file without form feeds), which is cited
	// without a page.
	Page int `json:"page"`
	// PageEnd is the last page the passage runs onto; Page when it lies
	// on one page.
	PageEnd int `json:"page_end"`
	// Start and End are byte offsets of the passage in its page's text
	// (before normalisation); End is exclusive. segment.Normalize of that
	// range is Text, except where a line-end hyphen was removed or page
	// furniture inside was dropped; a passage that runs onto the next
	// page ends, here, at the end of its part on page Page (its first
	// piece).
	Start int `json:"start"`
	End   int `json:"end"`
	// Pieces are the passage's parts on each page, in order, when it runs
	// over more than one page; nil when it lies on one page (Start and End
	// say it all). See Spans.
	Pieces []Piece `json:"pieces,omitempty"`
	// Kind is what the passage is; empty is read as body, or heading when
	// Heading is set (passages made before kinds existed).
	Kind Kind `json:"kind"`
	// Heading marks a heading (always Kind == KindHeading); Level is its
	// level (1 = top), 0 for other passages.
	Heading bool `json:"heading,omitempty"`
	Level   int  `json:"level,omitempty"`
	// HeadingPath holds the titles of the headings the passage lies
	// under, outermost first (a heading's own path excludes itself).
	HeadingPath []string `json:"heading_path,omitempty"`
	// Text is the normalised text (NFKC, de-hyphenated, whitespace folded).
	Text string `json:"text"`
	// Tags are sorted by score, best first.
	Tags []Tag `json:"norms"`
}

// KindOf is the passage's kind, reading an empty Kind as body or heading.
func (p Passage) KindOf() Kind {
	switch {
	case p.Kind != "":
		return p.Kind
	case p.Heading:
		return KindHeading
	}
	return KindBody
}

// LastPage is the last page the passage runs onto (PageEnd, or Page when
// PageEnd is not set).
func (p Passage) LastPage() int { return max(p.Page, p.PageEnd) }

// Spans returns the passage's parts on each page: Pieces, or the one
// piece Page, Start, End.
func (p Passage) Spans() []Piece {
	if len(p.Pieces) > 0 {
		return p.Pieces
	}
	return []Piece{{Page: p.Page, Start: p.Start, End: p.End}}
}

// PageCite is how a citation names the passage's pages (see PageCite).
func (p Passage) PageCite() string { return PageCite(p.Page, p.PageEnd) }

// PageCite names the pages a passage runs over in a citation: "p. 6",
// "pp. 6–7", or "" for a document without pages (page 0).
func PageCite(page, pageEnd int) string {
	switch {
	case page <= 0:
		return ""
	case pageEnd > page:
		return fmt.Sprintf("pp. %d–%d", page, pageEnd)
	default:
		return fmt.Sprintf("p. %d", page)
	}
}

// Norms returns the letters of the passage's tags, in tag order.
func (p Passage) Norms() []string {
	out := make([]string, 0, len(p.Tags))
	for _, t := range p.Tags {
		out = append(out, t.Norm)
	}
	return out
}

// Tag says that a passage addresses one GGE norm.
type Tag struct {
	// Norm is the norm's letter, "a" to "k".
	Norm string `json:"norm"`
	// Score is the tagger's confidence in [0,1].
	Score float64 `json:"score"`
	// Inherited is true when the tag comes from the enclosing section's
	// heading rather than from the passage's own words.
	Inherited bool       `json:"inherited,omitempty"`
	Evidence  []Evidence `json:"evidence"`
}

// Evidence is one reason for a tag: which rule fired on which words.
type Evidence struct {
	// Rule is the rule's name, e.g. "g.critical-infrastructure" or
	// "reference"; for inherited tags, "section".
	Rule string `json:"rule"`
	// Match is the matched text.
	Match string `json:"match"`
	// Start and End are byte offsets of Match in the passage text; for
	// inherited tags they point into the heading passage HeadingSeq.
	Start int `json:"start"`
	End   int `json:"end"`
	// HeadingSeq is the Seq of the heading an inherited tag comes from.
	HeadingSeq int `json:"heading,omitempty"`
}

// Reason is a stable code for why a file could not be stored. Scripts and
// stats group failures by it, so values never change meaning.
type Reason string

// Failure reasons.
const (
	ReasonEncrypted   Reason = "encrypted"   // needs a password we do not have
	ReasonMalformed   Reason = "malformed"   // broken beyond repair
	ReasonTimeout     Reason = "timeout"     // extraction exceeded its time limit
	ReasonTooLarge    Reason = "too-large"   // file or its expansion exceeds limits
	ReasonNoText      Reason = "no-text"     // parsed, but no text (e.g. scanned images)
	ReasonUnsupported Reason = "unsupported" // not a format normtag reads (binary, images...)
	ReasonEmpty       Reason = "empty"       // zero-byte file
	ReasonUnreadable  Reason = "unreadable"  // missing path, permission denied, I/O error
	ReasonCrashed     Reason = "crashed"     // the parser panicked or its process died
)

// Reasons lists every failure reason, for validating a reason a user names.
var Reasons = []Reason{ReasonEncrypted, ReasonMalformed, ReasonTimeout, ReasonTooLarge, ReasonNoText,
	ReasonUnsupported, ReasonEmpty, ReasonUnreadable, ReasonCrashed}

// Error is an ingest failure with a stable Reason. Stages return it (wrapped
// or not) so that callers can classify failures with errors.As.
type Error struct {
	Reason Reason
	Err    error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return string(e.Reason)
	}
	return fmt.Sprintf("%s: %v", e.Reason, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given reason and a formatted cause.
func Errorf(reason Reason, format string, args ...any) error {
	return &Error{Reason: reason, Err: fmt.Errorf(format, args...)}
}

// ReasonOf classifies err: the Reason of the first *Error in its chain, or
// ReasonMalformed when there is none.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ReasonMalformed
}

// Failure records a file that could not be stored, so nothing silently
// disappears from a run.
type Failure struct {
	Path string `json:"path"`
	// DocID is the SHA-256 of the file's bytes when they could be read.
	DocID  string    `json:"doc_id,omitempty"`
	Reason Reason    `json:"reason"`
	Detail string    `json:"detail"`
	At     time.Time `json:"at"`
	// Size and ModTime are the file's when it failed, so that an unchanged
	// file is not retried on every run.
	Size    int64     `json:"size,omitempty"`
	ModTime time.Time `json:"mod_time,omitempty"`
}
