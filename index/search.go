package index

import (
	"context"
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	hlhtml "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/normtag/normtag/internal/textcut"
	"github.com/normtag/normtag/internal/textfold"
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date"     // newest documents first, then document order
	SortDocument  = "document" // document, then passage order
)

// Hit is one passage found, with what a citation needs.
type Hit struct {
	ID      string `json:"id"`
	DocID   string `json:"doc"`
	Title   string `json:"title"`
	File    string `json:"file"`
	Path    string `json:"path"`
	Page    int    `json:"page"`
	Seq     int    `json:"passage"`
	Heading bool   `json:"heading,omitempty"`
	// Kind is the passage's kind: body, heading, note, reference, toc or
	// furniture (corpus.Kind).
	Kind string `json:"kind"`
	// PageEnd is the last page the passage runs onto, when it runs over
	// a page break (a citation says pp. Page–PageEnd); 0 otherwise.
	PageEnd int `json:"page_end,omitempty"`
	// HeadingPath holds the titles of the headings the passage lies
	// under, outermost first.
	HeadingPath   []string `json:"heading_path,omitempty"`
	Norms         []string `json:"norms"`
	DirectNorms   []string `json:"direct_norms"`
	Submitter     string   `json:"submitter,omitempty"`
	SubmitterType string   `json:"submitter_type,omitempty"`
	Country       string   `json:"country,omitempty"`
	Lang          string   `json:"lang,omitempty"`
	// Date is the document's date as precise as it is known: YYYY-MM-DD,
	// YYYY-MM ("November 2021") or YYYY.
	Date string `json:"date,omitempty"`
	// TitleSource, DateSource and SubmitterSource say where the title,
	// date and submitter came from (corpus.Source*): what to check.
	TitleSource     string `json:"title_source,omitempty"`
	DateSource      string `json:"date_source,omitempty"`
	SubmitterSource string `json:"submitter_source,omitempty"`
	// OCR is set when the passage was read by OCR from page images, with
	// OCRConfidence its pages' mean word confidence (0-100): a citation
	// of it should be checked against the page.
	OCR           bool    `json:"ocr,omitempty"`
	OCRConfidence float64 `json:"ocr_confidence,omitempty"`
	Score         float64 `json:"score"`
	// Snippet is the best fragment of the passage, plain text: it holds
	// no markers or control characters of normtag's own.
	Snippet string `json:"snippet"`
	// Highlights are the matched words of Snippet (when highlighting), as
	// [start, end) byte offsets into Snippet's UTF-8, in order and not
	// overlapping. Offsets rather than markers in the text keep JSON
	// output free of control characters; each surface draws them its own
	// way (bold on a terminal, <mark> in HTML).
	Highlights [][2]int `json:"highlights"`
	Text       string   `json:"text"`
	// Dup is the passage's copy key: the query dup:KEY with collapsing
	// off lists every passage with the same text.
	Dup string `json:"dup,omitempty"`
	// Copies are the other matching passages with the same text, which
	// a collapsing search folded into this hit; nil when there are none.
	Copies *Copies `json:"copies,omitempty"`
}

// Copies are the passages a hit stands for: their text is the hit's,
// give or take case, accents, spacing and punctuation.
type Copies struct {
	// Count is how many other passages matching the search have the text.
	Count int `json:"count"`
	// Documents is how many documents hold them (the hit's own counts
	// when it holds the text twice).
	Documents int `json:"documents"`
	// Passages are up to MaxListedCopies of them, those among the best
	// hits the search read, by document and passage; dup:KEY with
	// collapsing off lists them all.
	Passages []CopyRef `json:"passages"`
}

// CopyRef is where a copy of a hit's text is.
type CopyRef struct {
	ID    string `json:"id"`
	DocID string `json:"doc"`
	File  string `json:"file"`
	Page  int    `json:"page"`
	Seq   int    `json:"passage"`
}

// Markers bleve's fragment is rewritten with while its partial words are
// trimmed; splitMarks turns them into Hit.Highlights.
const (
	markStart = "\x02"
	markEnd   = "\x03"
)

// splitMarks removes the markers from a snippet and returns the plain
// text with the byte ranges they enclosed. An unclosed mark ends at the
// end of the text; an empty range is dropped.
func splitMarks(marked string) (string, [][2]int) {
	var b strings.Builder
	spans := [][2]int{}
	start := -1
	for _, r := range marked {
		switch string(r) {
		case markStart:
			if start < 0 {
				start = b.Len()
			}
		case markEnd:
			if start >= 0 && b.Len() > start {
				spans = append(spans, [2]int{start, b.Len()})
			}
			start = -1
		default:
			b.WriteRune(r)
		}
	}
	if start >= 0 && b.Len() > start {
		spans = append(spans, [2]int{start, b.Len()})
	}
	return b.String(), spans
}

// FacetCount is one value of a facet and how many passages have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is a page of hits with facets.
type Result struct {
	Total  uint64                  `json:"total"`
	Took   time.Duration           `json:"took_ns"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets,omitempty"`
	// Next is the cursor for the page after this one (Request.After);
	// empty on the last page.
	Next string `json:"next,omitempty"`
}

// QueryError is a query string that does not parse, names a field or
// norm that does not exist, or asks for a pattern too costly to run. Its
// message is the reason alone: a RequestError for the "query" field
// carries it, and the user knows what they typed.
type QueryError struct {
	Query string
	Err   error
}

func (e *QueryError) Error() string { return e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

// facets are the facets of every search, by name, and the field each
// counts: submitters as written, not lower-cased.
var facets = []struct{ name, field string }{
	{FieldNorm, FieldNorm}, {FieldSubmitter, FieldSubmitterName}, {FieldSubmitterType, FieldSubmitterType}, {FieldYear, FieldYear},
	{FieldKind, FieldKind}, {FieldLang, FieldLang},
}

// pageFacets are the facets Request.AllFacets adds.
var pageFacets = []struct{ name, field string }{{FieldCountry, FieldCountryName}, {FieldDoc, FieldDoc}}

// BuildQuery turns a validated request into a bleve query, reporting
// query-string errors as *QueryError.
func BuildQuery(r Request) (query.Query, error) {
	var must []query.Query
	parsed, err := compileQuery(r.Query)
	if err != nil {
		return nil, err
	}
	if parsed != nil {
		must = append(must, parsed)
	}
	filtersFrom := len(must) // must[filtersFrom:] are the filters
	normField := FieldNorm
	if r.DirectOnly {
		normField = FieldDirect
	}
	switch {
	case len(r.Norms) > 0 && r.NormsAll:
		for _, n := range r.Norms {
			must = append(must, anyTerm(normField, []string{n}))
		}
	case len(r.Norms) > 0:
		must = append(must, anyTerm(normField, r.Norms))
	}
	if len(r.Submitters) > 0 {
		must = append(must, allWordsQuery(FieldSubmitter, r.Submitters))
	}
	if len(r.SubmitterTypes) > 0 {
		types := make([]string, len(r.SubmitterTypes))
		for i, t := range r.SubmitterTypes {
			types[i] = textfold.Fold(strings.TrimSpace(t))
		}
		must = append(must, anyTerm(FieldSubmitterType, types))
	}
	if len(r.Countries) > 0 {
		must = append(must, allWordsQuery(FieldCountry, r.Countries))
	}
	if len(r.docs) > 0 {
		must = append(must, anyTerm(FieldDoc, r.docs))
	}
	if len(r.Documents) > 0 {
		must = append(must, anyTerm(FieldDoc, r.Documents))
	}
	if len(r.Kinds) > 0 {
		must = append(must, anyTerm(FieldKind, r.Kinds))
	}
	if len(r.Langs) > 0 {
		must = append(must, langQuery(r.Langs))
	}
	if !r.Since.IsZero() || !r.Until.IsZero() {
		must = append(must, dateRange(r.Since, r.Until))
	}
	if len(r.notNorms) > 0 {
		// A boolean query with only must-not clauses matches nothing:
		// it needs something to subtract from.
		if len(must) == 0 {
			must = append(must, bleve.NewMatchAllQuery())
		}
		b := bleve.NewBooleanQuery()
		b.AddMust(must...)
		b.AddMustNot(anyTerm(normField, r.notNorms))
		return b, nil
	}
	switch len(must) {
	case 0:
		return bleve.NewMatchAllQuery(), nil
	case 1:
		return must[0], nil
	}
	return conjunction(must, must[filtersFrom:]), nil
}

// gateFilters turns gatedConjunction on; tests turn it off to compare.
var gateFilters = true

// conjunction is the conjunction of must, of which filters (the last
// ones) are the request's filters: gated by them (gatedConjunction)
// unless the only filter is one term, which costs a scored search no
// more than the gate would.
func conjunction(must, filters []query.Query) query.Query {
	if len(filters) == 0 || !gateFilters {
		return bleve.NewConjunctionQuery(must...)
	}
	if len(filters) == 1 {
		if _, ok := filters[0].(*query.TermQuery); ok {
			return bleve.NewConjunctionQuery(must...)
		}
		return &gatedConjunction{conjuncts: must, filter: filters[0]}
	}
	return &gatedConjunction{conjuncts: must, filter: bleve.NewConjunctionQuery(filters...)}
}

// dateRange matches the passages whose document date (a day, dayKey) is
// within since and until, either of which may be zero (open). A bound
// inside a day counts only the days wholly within the range, as the
// date-time field this replaced did for dates at midnight: since rounds
// up to the next day, until down to its own.
func dateRange(since, until time.Time) query.Query {
	var lo, hi string
	if !since.IsZero() {
		day := since.UTC().Truncate(24 * time.Hour)
		if day.Before(since) {
			day = day.AddDate(0, 0, 1)
		}
		lo = dayKey(day)
	}
	if !until.IsZero() {
		hi = dayKey(until)
	}
	incl := true
	q := bleve.NewTermRangeInclusiveQuery(lo, hi, &incl, &incl)
	q.SetField(FieldDate)
	return q
}

func anyTerm(field string, values []string) query.Query {
	var qs []query.Query
	for _, v := range values {
		t := bleve.NewTermQuery(v)
		t.SetField(field)
		qs = append(qs, t)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// Search validates and runs a request, returning one page of hits and,
// when more follow, the cursor to the next page. Bad requests are
// *RequestError. An export request runs as one page of MaxLimit hits
// (export.Rows pages through every match).
func (ix *Index) Search(ctx context.Context, r Request) (_ *Result, err error) {
	defer recoverDamage("search", &err)
	if err := r.Validate(); err != nil {
		return nil, err
	}
	req, err := NewSearchRequest(r)
	if err != nil {
		return nil, err
	}
	if r.Collapse || r.PerDocument > 0 {
		return ix.searchGrouped(ctx, r, req)
	}
	limit := req.Size
	req.Size++ // one more tells whether a next page exists
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	more := len(res.Hits) > limit
	if more {
		res.Hits = res.Hits[:limit]
	}
	out := ConvertResult(res)
	if more && len(res.Hits) > 0 {
		order, _ := sortOrder(r.Sort, r.Query) // validated above
		if byPosition(order) {
			if next := req.From + limit; next <= MaxCursorPosition {
				out.Next = positionCursor(order, next)
			}
		} else {
			out.Next = keysCursor(order, res.Hits[len(res.Hits)-1].Sort)
		}
	}
	return out, nil
}

// ParseDate reads a date bound written YYYY, YYYY-MM or YYYY-MM-DD. With
// end, it returns the last instant of that period (for "until").
func ParseDate(s string, end bool) (time.Time, error) {
	for _, l := range []struct {
		layout  string
		y, m, d int
	}{{"2006-01-02", 0, 0, 1}, {"2006-01", 0, 1, 0}, {"2006", 1, 0, 0}} {
		if t, err := time.Parse(l.layout, s); err == nil {
			if end {
				t = t.AddDate(l.y, l.m, l.d).Add(-time.Nanosecond)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("want YYYY, YYYY-MM or YYYY-MM-DD, got %q", s)
}

// SearchBleve runs a bleve request as is, for benchmarks that compare our
// layers with the bare library.
func (ix *Index) SearchBleve(ctx context.Context, req *bleve.SearchRequest) (_ *bleve.SearchResult, err error) {
	defer recoverDamage("search", &err)
	return ix.bi.SearchInContext(ctx, req)
}

// NewSearchRequest builds the bleve request Search runs for r. It is
// exported so that benchmarks can run the same query straight on bleve.
func NewSearchRequest(r Request) (*bleve.SearchRequest, error) {
	q, err := BuildQuery(r)
	if err != nil {
		return nil, err
	}
	limit := min(r.Limit, MaxLimit)
	switch {
	case r.Kind == KindExport:
		limit = MaxLimit
	case limit <= 0:
		limit = DefaultLimit
	}
	offset := max(r.Offset, 0)
	order, err := sortOrder(r.Sort, r.Query)
	if err != nil {
		return nil, err
	}
	if byPosition(order) {
		q = ranked(q)
	}
	req := bleve.NewSearchRequestOptions(q, limit, offset, false)
	req.Fields = []string{FieldText, FieldTitle, FieldNorm, FieldDirect, FieldDoc, FieldFile, FieldPath, FieldPage, FieldSeq, FieldHeading,
		FieldSubmitter, FieldSubmitterType, FieldCountry, FieldLang, FieldDate, FieldTitleSource, FieldDateSource, FieldSubmitterSource, FieldDup, FieldKind, FieldPageEnd, FieldHeadingPath, FieldOCR, FieldOCRConfidence, FieldDateShown}
	req.SortBy(order)
	if r.After != "" {
		keys, pos, err := decodeCursor(r.After, order)
		if err != nil {
			return nil, err
		}
		if keys == nil {
			req.From = pos
		} else {
			req.From = 0
			req.SetSearchAfter(keys)
		}
	}
	if r.Highlight && strings.TrimSpace(r.Query) != "" {
		req.Highlight = bleve.NewHighlightWithStyle(hlhtml.Name)
		req.Highlight.AddField(FieldText)
	}
	if r.Facets {
		for _, f := range facets {
			req.AddFacet(f.name, bleve.NewFacetRequest(f.field, facetSize(f.field)))
		}
		if r.AllFacets {
			for _, f := range pageFacets {
				req.AddFacet(f.name, bleve.NewFacetRequest(f.field, facetSize(f.field)))
			}
		}
	}
	return req, nil
}

// facetSize is how many values a facet lists: every norm, every year of
// a histogram, the 20 commonest of the others.
func facetSize(field string) int {
	switch field {
	case FieldNorm:
		return 11
	case FieldYear:
		return 100
	}
	return 20
}

// ConvertResult turns a bleve result into ours.
func ConvertResult(res *bleve.SearchResult) *Result {
	out := &Result{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		hit := Hit{
			ID:              h.ID,
			DocID:           str(h.Fields[FieldDoc]),
			Title:           str(h.Fields[FieldTitle]),
			File:            str(h.Fields[FieldFile]),
			Path:            str(h.Fields[FieldPath]),
			Page:            num(h.Fields[FieldPage]),
			Seq:             num(h.Fields[FieldSeq]),
			Heading:         h.Fields[FieldHeading] == true,
			Norms:           strs(h.Fields[FieldNorm]),
			DirectNorms:     strs(h.Fields[FieldDirect]),
			Submitter:       str(h.Fields[FieldSubmitter]),
			SubmitterType:   str(h.Fields[FieldSubmitterType]),
			Country:         str(h.Fields[FieldCountry]),
			Lang:            str(h.Fields[FieldLang]),
			TitleSource:     str(h.Fields[FieldTitleSource]),
			DateSource:      str(h.Fields[FieldDateSource]),
			SubmitterSource: str(h.Fields[FieldSubmitterSource]),
			Score:           h.Score,
			Text:            str(h.Fields[FieldText]),
			Dup:             str(h.Fields[FieldDup]),
			Kind:            str(h.Fields[FieldKind]),
			PageEnd:         num(h.Fields[FieldPageEnd]),
			OCR:             h.Fields[FieldOCR] == "true",
		}
		if c, ok := h.Fields[FieldOCRConfidence].(float64); ok {
			hit.OCRConfidence = c
		}
		if path := h.Fields[FieldHeadingPath]; path != nil {
			hit.HeadingPath = strs(path)
		}
		if d := str(h.Fields[FieldDateShown]); d != "" {
			hit.Date = d
		} else if d := str(h.Fields[FieldDate]); len(d) >= 10 {
			hit.Date = d[:10]
		}
		if frags := h.Fragments[FieldText]; len(frags) > 0 {
			hit.Snippet, hit.Highlights = splitMarks(wholeWords(fromHTML(frags[0]), hit.Text))
		} else {
			hit.Snippet, hit.Highlights = textcut.Abbreviate(hit.Text, 240), [][2]int{}
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(res.Facets) > 0 {
		out.Facets = map[string][]FacetCount{}
		for name, f := range res.Facets {
			var counts []FacetCount
			if f.Terms != nil {
				for _, t := range f.Terms.Terms() {
					counts = append(counts, FacetCount{Value: t.Term, Count: t.Count})
				}
			}
			sort.SliceStable(counts, func(i, j int) bool {
				if counts[i].Count != counts[j].Count {
					return counts[i].Count > counts[j].Count
				}
				return counts[i].Value < counts[j].Value
			})
			out.Facets[name] = counts
		}
	}
	return out
}

// fromHTML turns bleve's HTML fragment into plain text with our markers.
// ellipsis is what bleve's fragmenter puts where it cut the text.
const ellipsis = "…"

// wholeWords drops the partial words that a fragment cut at a fixed
// length begins or ends with ("…uct or knowingly support …"), keeping the
// ellipsis; text is the passage the fragment comes from.
func wholeWords(snippet, text string) string {
	plain := strings.NewReplacer(markStart, "", markEnd, "").Replace(snippet)
	body := strings.TrimSuffix(strings.TrimPrefix(plain, ellipsis), ellipsis)
	at := strings.Index(text, body)
	if at < 0 || body == "" {
		return snippet
	}
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	if strings.HasPrefix(snippet, ellipsis) && at > 0 {
		before, _ := utf8.DecodeLastRuneInString(text[:at])
		first, _ := utf8.DecodeRuneInString(body)
		if isWord(before) && isWord(first) {
			rest := snippet[len(ellipsis):]
			if i := strings.IndexAny(rest, " \n"); i >= 0 && !strings.ContainsAny(rest[:i], markStart+markEnd) {
				snippet = ellipsis + rest[i+1:]
			}
		}
	}
	if end := at + len(body); strings.HasSuffix(snippet, ellipsis) && end < len(text) {
		after, _ := utf8.DecodeRuneInString(text[end:])
		last, _ := utf8.DecodeLastRuneInString(body)
		if isWord(after) && isWord(last) {
			rest := snippet[:len(snippet)-len(ellipsis)]
			if i := strings.LastIndexAny(rest, " \n"); i >= 0 && !strings.ContainsAny(rest[i:], markStart+markEnd) {
				snippet = strings.TrimRight(rest[:i], " ,;:") + ellipsis
			}
		}
	}
	return snippet
}

func fromHTML(s string) string {
	s = strings.ReplaceAll(s, "<mark>", markStart)
	s = strings.ReplaceAll(s, "</mark>", markEnd)
	return html.UnescapeString(s)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) int {
	switch t := v.(type) {
	case float64:
		return int(t)
	case string: // seq, a keyword (seqKey)
		n, _ := strconv.Atoi(t)
		return n
	}
	return 0
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}
