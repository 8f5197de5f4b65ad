package index

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
)

// Limits on one request, the same for the command line and the HTTP API.
const (
	// DefaultLimit is the page size when a search names none.
	DefaultLimit = 10
	// MaxLimit bounds the hits of one page.
	MaxLimit = 10000
	// MaxOffset bounds offset paging (page numbers). Deeper result lists
	// are read with the After cursor, which costs the same on every page
	// where an offset makes bleve keep and sort every skipped hit.
	MaxOffset = 10000
	// MaxQueryLength bounds a query string, in bytes.
	MaxQueryLength = 2000
	// MaxValues bounds how many submitters or languages one request names.
	MaxValues = 50
	// MaxPerDocument bounds Request.PerDocument.
	MaxPerDocument = 1000
	// APIMaxLimit is the HTTP API's page size bound (Params.MaxLimit):
	// with every field of a hit bounded it keeps a page of JSON under a
	// few megabytes, where the command line may print MaxLimit hits.
	APIMaxLimit = 100
)

// Kind says what a request is for; it decides which fields apply.
type Kind int

const (
	// KindSearch asks for one page of hits (limit, offset or cursor).
	KindSearch Kind = iota
	// KindExport asks for every matching passage; it takes no paging.
	KindExport
	// KindDocuments lists documents (normtag docs): of the filters only
	// submitter, lang, since and until apply, matched against the store.
	KindDocuments
)

// Output formats, by kind; the first is the default. An export's
// csl-json, ris and bibtex are citations (package internal/cite).
var formats = map[Kind][]string{
	KindSearch:    {"text", "json"},
	KindExport:    {"csv", "jsonl", "csl-json", "ris", "bibtex"},
	KindDocuments: {"text", "json"},
}

// Formats lists the output formats of a kind, the default first.
func Formats(k Kind) []string { return append([]string(nil), formats[k]...) }

// Request is one passage search or export, however it arrived (command
// line flags or URL parameters). Validate checks it; Search validates
// before running.
type Request struct {
	Kind Kind
	// Query is in normtag's query syntax (package querylang): words,
	// "phrases", +must -not, AND OR NOT, parentheses, field:value for the
	// fields of QueryFields. Empty matches every passage.
	Query string
	// Norms keeps passages carrying any of these norms (letters a-k).
	Norms []string
	// NormsAll keeps passages carrying every one of Norms, not any.
	NormsAll bool
	// DirectOnly restricts Norms to tags from the passage's own words.
	DirectOnly bool
	// Submitters keeps passages of documents from any of these submitters.
	Submitters []string
	// SubmitterTypes keeps passages of documents whose submitter is of
	// any of these types (state, company, NGO...), matched whole, folded.
	SubmitterTypes []string
	// Countries keeps passages of documents from any of these countries
	// (every word of one, as Submitters).
	Countries []string
	// Langs keeps passages of documents in any of these languages.
	Langs []string
	// Documents keeps passages of any of these documents (whole ids).
	Documents []string
	// Kinds keeps passages of any of these kinds (corpus.Kinds).
	Kinds []string
	// Since and Until bound the document date (inclusive; zero = open).
	Since, Until time.Time
	// Limit is the page size; 0 means DefaultLimit. Searches only.
	Limit int
	// Offset skips hits (page numbers), up to MaxOffset. Searches only.
	Offset int
	// After is a cursor from Result.Next: the page after that one.
	After string
	// Sort is SortRelevance (default), SortDate or SortDocument.
	Sort string
	// Format is the output format, one of Formats(Kind); "" is the default.
	Format string
	// Highlight marks matched words in Hit.Snippet with Mark.
	Highlight bool
	// Facets adds counts per norm, submitter, submitter type, year,
	// passage kind and language.
	Facets bool
	// AllFacets, with Facets, counts countries and documents too (the
	// search page's facets): two more columns read for every match.
	AllFacets bool
	// MaxLimit lowers the largest page size this surface allows (the HTTP
	// API's is APIMaxLimit); 0 means MaxLimit.
	MaxLimit int
	// Collapse shows passages whose text is the same (give or take case,
	// accents, spacing and punctuation) as one hit that carries their
	// count and places (Hit.Copies). Searches only; Params sets it
	// unless told not to.
	Collapse bool
	// PerDocument keeps at most this many hits per document, the best
	// ones; 0 keeps all. Searches only.
	PerDocument int

	// docs keeps passages of these documents only (Each's groups).
	docs []string
	// notNorms drops passages carrying any of these norms (SelectionCounts:
	// what ticking one more norm adds).
	notNorms []string
}

// RequestError is a request field with a bad value: the caller's mistake
// (command line exit 2, HTTP 400). Its message starts with the field's
// name as a URL parameter, which is also the flag's name.
type RequestError struct {
	Field string
	Err   error
}

func (e *RequestError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

func fieldErr(field, format string, args ...any) error {
	return &RequestError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Validate checks every field against the limits above and reports the
// first bad one as a *RequestError.
func (r *Request) Validate() error {
	fs, ok := formats[r.Kind]
	if !ok {
		return fieldErr("kind", "unknown request kind %d", r.Kind)
	}
	if _, err := compileQuery(r.Query); err != nil {
		return &RequestError{Field: "query", Err: err}
	}
	for _, l := range r.Norms {
		if _, ok := norms.ByLetter(l); !ok || l != strings.ToLower(l) {
			return fieldErr("norm", "%v", &norms.UnknownNormError{Value: l})
		}
	}
	for field, values := range map[string][]string{"submitter": r.Submitters, "lang": r.Langs, "submitter_type": r.SubmitterTypes,
		"country": r.Countries, "doc": r.Documents, "kind": r.Kinds} {
		if len(values) > MaxValues {
			return fieldErr(field, "at most %d values, got %d", MaxValues, len(values))
		}
		for _, v := range values {
			if strings.TrimSpace(v) == "" {
				return fieldErr(field, "empty value")
			}
		}
	}
	for _, id := range r.Documents {
		if !DocumentID(id) {
			return fieldErr("doc", "a document id is 64 hexadecimal characters, got %q", id)
		}
	}
	for _, k := range r.Kinds {
		if _, err := corpus.ParseKind(k); err != nil || k != strings.ToLower(k) {
			return fieldErr("kind", "unknown passage kind %q (known: %s)", k, kindNames())
		}
	}
	if !r.Since.IsZero() && !r.Until.IsZero() && r.Since.After(r.Until) {
		return fieldErr("since", "%s is after until %s", r.Since.Format("2006-01-02"), r.Until.Format("2006-01-02"))
	}
	if r.Kind == KindExport {
		switch {
		case r.Limit != 0:
			return fieldErr("limit", "an export writes every match; it takes no limit")
		case r.Offset != 0:
			return fieldErr("offset", "an export writes every match; it takes no offset")
		case r.After != "":
			return fieldErr("after", "an export writes every match; it takes no cursor")
		}
	}
	if r.Kind != KindSearch && (r.Collapse || r.PerDocument != 0) {
		field := "collapse"
		if r.PerDocument != 0 {
			field = "per_document"
		}
		return fieldErr(field, "applies to a search's pages only")
	}
	if r.PerDocument < 0 || r.PerDocument > MaxPerDocument {
		return fieldErr("per_document", "must be between 1 and %d, got %d", MaxPerDocument, r.PerDocument)
	}
	if r.Limit < 0 || r.Limit > r.maxLimit() {
		return limitErr(r.Limit)
	}
	if r.Offset < 0 || r.Offset > MaxOffset {
		return fieldErr("offset", "must be between 0 and %d, got %d (page deeper with the after cursor)", MaxOffset, r.Offset)
	}
	order, err := sortOrder(r.Sort, r.Query)
	if err != nil {
		return err
	}
	if r.After != "" {
		if r.Offset != 0 {
			return fieldErr("after", "use either offset or after, not both")
		}
		if _, _, err := decodeCursor(r.After, order); err != nil {
			return err
		}
	}
	if r.Format != "" && !contains(fs, r.Format) {
		return fieldErr("format", "must be one of %s, got %q", strings.Join(fs, ", "), r.Format)
	}
	return nil
}

// Params is a request as text, field by field, as command line flags and
// URL parameters carry it. Both the CLI and the API fill one and call
// Request, so that the same mistake gets the same message from either.
type Params struct {
	Kind  Kind
	Query string
	Norms []string // each a list: "f,g", "6 7"
	// NormOp is "or" (a passage with any of the norms, the default) or
	// "and" (with all of them).
	NormOp         string
	DirectOnly     string // "", true/false, 1/0
	Submitters     []string
	SubmitterTypes []string
	Countries      []string
	Langs          []string
	Documents      []string
	Kinds          []string
	Since          string // YYYY[-MM[-DD]]
	Until          string
	Limit          string
	Offset         string
	// Page is a page number from 1, the same as an offset of (Page-1)
	// pages of Limit hits; give either, not both.
	Page   string
	After  string
	Sort   string
	Format string
	// MaxLimit is the surface's largest page size (Request.MaxLimit).
	MaxLimit int
	// Collapse is true/false/1/0; "" collapses a search (the default).
	Collapse string
	// PerDocument is a whole number of hits per document; "" is no bound.
	PerDocument string
}

// Request parses the parameters and validates the result. Errors are
// *RequestError.
func (p Params) Request() (Request, error) {
	r := Request{Kind: p.Kind, Query: p.Query, Submitters: nonEmpty(p.Submitters), Countries: nonEmpty(p.Countries), After: p.After, Sort: p.Sort, Format: p.Format, MaxLimit: p.MaxLimit}
	for _, v := range nonEmpty(p.SubmitterTypes) {
		r.SubmitterTypes = appendNew(r.SubmitterTypes, strings.TrimSpace(v))
	}
	for _, v := range nonEmpty(p.Documents) {
		r.Documents = appendNew(r.Documents, strings.ToLower(strings.TrimSpace(v)))
	}
	for _, v := range nonEmpty(p.Kinds) {
		r.Kinds = appendNew(r.Kinds, strings.ToLower(strings.TrimSpace(v)))
	}
	switch strings.ToLower(strings.TrimSpace(p.NormOp)) {
	case "", "or":
	case "and":
		r.NormsAll = true
	default:
		return r, fieldErr("norm_op", "want or (any of the norms) or and (all of them), got %q", p.NormOp)
	}
	for _, v := range p.Norms {
		letters, err := norms.ParseList(v)
		if err != nil {
			return r, &RequestError{Field: "norm", Err: err}
		}
		r.Norms = appendNew(r.Norms, letters...)
	}
	for _, v := range nonEmpty(p.Langs) {
		r.Langs = append(r.Langs, strings.ToLower(strings.TrimSpace(v)))
	}
	if p.DirectOnly != "" {
		b, err := strconv.ParseBool(p.DirectOnly)
		if err != nil {
			return r, fieldErr("direct_only", "want true or false, got %q", p.DirectOnly)
		}
		r.DirectOnly = b
	}
	for _, f := range []struct {
		name string
		text string
		dst  *time.Time
	}{{"since", p.Since, &r.Since}, {"until", p.Until, &r.Until}} {
		if f.text == "" {
			continue
		}
		t, err := ParseDate(f.text, f.name == "until")
		if err != nil {
			return r, &RequestError{Field: f.name, Err: err}
		}
		*f.dst = t
	}
	r.Collapse = r.Kind == KindSearch
	if p.Collapse != "" {
		b, err := strconv.ParseBool(p.Collapse)
		if err != nil {
			return r, fieldErr("collapse", "want true or false, got %q", p.Collapse)
		}
		r.Collapse = b
	}
	for _, f := range []struct {
		name string
		text string
		dst  *int
	}{{"limit", p.Limit, &r.Limit}, {"offset", p.Offset, &r.Offset}, {"per_document", p.PerDocument, &r.PerDocument}} {
		if f.text == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f.text))
		if err != nil {
			return r, fieldErr(f.name, "not a whole number: %q", f.text)
		}
		*f.dst = n
	}
	if r.Limit == 0 && p.Limit != "" && r.Kind == KindSearch {
		return r, limitErr(0)
	}
	if p.Page != "" {
		page, err := strconv.Atoi(strings.TrimSpace(p.Page))
		switch {
		case err != nil:
			return r, fieldErr("page", "not a whole number: %q", p.Page)
		case r.Kind != KindSearch:
			return r, fieldErr("page", "applies to a search's pages only")
		case p.Offset != "":
			return r, fieldErr("page", "use either page or offset, not both")
		case page < 1:
			return r, fieldErr("page", "pages count from 1, got %d", page)
		}
		size := r.Limit
		if size == 0 {
			size = DefaultLimit
		}
		if (page - 1) > MaxOffset/size {
			return r, fieldErr("page", "page %d starts past the %d hits pages reach (page deeper with the after cursor)", page, MaxOffset)
		}
		r.Offset = (page - 1) * size
	}
	if r.PerDocument == 0 && p.PerDocument != "" {
		return r, fieldErr("per_document", "must be between 1 and %d, got 0", MaxPerDocument)
	}
	return r, r.Validate()
}

// DocumentID reports whether id is a whole document id: 64 lower-case
// hexadecimal digits.
func DocumentID(id string) bool {
	if len(id) != 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func kindNames() string {
	names := make([]string, len(corpus.Kinds))
	for i, k := range corpus.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// limitErr is the one message for a page size out of bounds, naming both
// surfaces' bounds so that the command line and the API say the same.
func limitErr(got int) error {
	return fieldErr("limit", "must be between 1 and %d (%d over HTTP), got %d", MaxLimit, APIMaxLimit, got)
}

// maxLimit is the largest page size the request's surface allows.
func (r *Request) maxLimit() int {
	if r.MaxLimit > 0 && r.MaxLimit < MaxLimit {
		return r.MaxLimit
	}
	return MaxLimit
}

// FormatOrDefault is the request's format, or its kind's default.
func (r *Request) FormatOrDefault() string {
	if r.Format != "" {
		return r.Format
	}
	return formats[r.Kind][0]
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if !contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sortOrder is the bleve sort of a request. The field orders end in a
// key unique to a passage (document, then passage number) so that a
// cursor names one position and paging neither repeats nor skips a hit.
// Relevance with a query sorts by score alone: a unique tie-break (_id or
// doc+seq) makes bleve load it for every match, which made such searches
// about three times slower; its cursor is a position instead (see
// MaxCursorPosition).
func sortOrder(sort, q string) ([]string, error) {
	switch sort {
	case "", SortRelevance:
		if strings.TrimSpace(q) == "" {
			return []string{FieldDoc, FieldSeq}, nil
		}
		return []string{"-_score"}, nil
	case SortDate:
		return []string{"-" + FieldDate, FieldDoc, FieldSeq}, nil
	case SortDocument:
		return []string{FieldTitle, FieldDoc, FieldSeq}, nil
	}
	return nil, fieldErr("sort", "must be one of %s, %s or %s, got %q", SortRelevance, SortDate, SortDocument, sort)
}

// MaxCursorPosition bounds how deep a relevance-ordered result list can
// be paged with the cursor: there the cursor is a position, and bleve
// keeps every hit before it while searching. Date and document order
// have no bound (their cursor is the last hit's sort keys, for bleve's
// SearchAfter).
const MaxCursorPosition = 100000

// byPosition reports whether cursors of an order are positions.
func byPosition(order []string) bool { return len(order) == 1 && order[0] == "-_score" }

// cursor is the position after a hit: the sort order it belongs to and
// either the hit's sort keys as bleve gave them (raw bytes: numbers and
// dates are prefix-coded) or, for relevance, the number of hits before
// the next page.
type cursor struct {
	Order string   `json:"o"`
	Keys  [][]byte `json:"k,omitempty"`
	Pos   int      `json:"p,omitempty"`
}

var errBadCursor = errors.New("not a cursor from a previous page of this search (use the next value as given)")

func encodeCursor(c cursor) string {
	data, _ := json.Marshal(c) // a struct of strings, bytes and a number always encodes
	return base64.RawURLEncoding.EncodeToString(data)
}

func keysCursor(order []string, keys []string) string {
	c := cursor{Order: strings.Join(order, ","), Keys: make([][]byte, len(keys))}
	for i, k := range keys {
		c.Keys[i] = []byte(k)
	}
	return encodeCursor(c)
}

func positionCursor(order []string, pos int) string {
	return encodeCursor(cursor{Order: strings.Join(order, ","), Pos: pos})
}

// decodeCursor reads a cursor made for order: sort keys for SearchAfter,
// or a position (keys nil).
func decodeCursor(token string, order []string) (keys []string, pos int, err error) {
	data, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, 0, &RequestError{Field: "after", Err: errBadCursor}
	}
	var c cursor
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, 0, &RequestError{Field: "after", Err: errBadCursor}
	}
	if c.Order != strings.Join(order, ",") {
		return nil, 0, fieldErr("after", "the cursor belongs to another sort order or query")
	}
	if byPosition(order) {
		if len(c.Keys) != 0 || c.Pos < 1 || c.Pos > MaxCursorPosition {
			return nil, 0, fieldErr("after", "a relevance-ordered list pages with the cursor up to %d hits", MaxCursorPosition)
		}
		return nil, c.Pos, nil
	}
	if len(c.Keys) != len(order) || c.Pos != 0 {
		return nil, 0, &RequestError{Field: "after", Err: errBadCursor}
	}
	keys = make([]string, len(c.Keys))
	for i, k := range c.Keys {
		keys[i] = string(k)
	}
	return keys, 0, nil
}
