// Package index is normtag's full-text search index: one bleve (scorch)
// document per passage, with the passage text analysed for English, the
// norms it carries as a faceted keyword field, and the citation fields
// (document, title, file, page, passage) stored for display.
//
// The index is derived data. Everything in it comes from the corpus store,
// and Rebuild recreates it from the store alone.
package index

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/normtag/normtag/internal/textfold"
)

// MappingVersion changes whenever the mapping below does; an index built
// with another version must be rebuilt (normtag reindex; the next writer
// does it on its own). 3: passage text no longer copied into bleve's
// composite _all field, which no query uses (the default field is text):
// a fifth less index and a third less memory while indexing. 4: no _all
// composite field at all (version 3 still built an empty one per passage,
// with term vectors): a fifth less indexing time. 5: page is stored only
// and seq is one zero-padded keyword term (a number was 16 prefix-coded
// terms with doc values); doc values only where a sort or facet reads
// them (the text field's were a column of every analysed word). 6: the
// sources of the title, date and submitter are stored for citations.
// 7: accents fold in text, titles, submitters, countries, types, files
// and languages ("cybersecurite" finds "cybersécurité"); submitters and
// countries are words ("submitter:paris" finds "Paris Call for Trust and
// Security"); titles, submitters and countries keep term vectors so
// phrases match. 8: date is one keyword term "YYYY-MM-DD" (dayKey),
// found by a term range: as a date-time number it was 16 prefix-coded
// terms per passage, a tenth of indexing time. 9: each passage carries
// its copy key (dup), for collapsing copies, and a passage shorter than
// a paragraph its length class (length), for ranking; each passage its
// kind (body, heading, note, reference, toc, furniture), searched,
// counted and ranked by, its heading path and the last page it runs
// onto, for citations. 10: text and titles are analysed per script
// (scriptStems): Arabic and Russian words stemmed, Chinese as bigrams of
// characters, Latin as before; each passage's language is detected (lang,
// a facet) and the document's metadata language kept apart (doc_lang). 11: passages read by OCR
// carry ocr "true" (searchable, ocr:true) and their pages' mean OCR
// confidence (stored). 12: the country as written (country_name), a
// facet, as submitter_name is. 13: the copy key has doc values, so that
// collapsing counts a page's copies by their keys and documents without
// reading a stored passage; the date is also stored as precise as it is
// known (date_shown), so that a month is shown as the month. 14: whole-
// value (keyword) fields but doc keep no term vectors, which only phrases
// and highlighting read (phrases are matched and highlights made in
// analysed fields only); year, length and doc_lang are no longer stored, since no
// hit shows them.
const MappingVersion = "14"

// Field names, usable in query strings ("norm:g", "country:examplia").
const (
	FieldText      = "text"
	FieldTitle     = "title"
	FieldNorm      = "norm"   // every norm of the passage, direct or inherited
	FieldDirect    = "direct" // norms from the passage's own words
	FieldDoc       = "doc"
	FieldFile      = "file"
	FieldPath      = "path"
	FieldPage      = "page"
	FieldSeq       = "seq"
	FieldHeading   = "heading"
	FieldSubmitter = "submitter"
	// FieldSubmitterName is the submitter as written, for facets; the
	// submitter field holds its folded words for matching.
	FieldSubmitterName = "submitter_name"
	FieldSubmitterType = "submitter_type"
	FieldCountry       = "country"
	// FieldCountryName is the country as written, for facets; the
	// country field holds its folded words for matching.
	FieldCountryName = "country_name"
	// FieldLang is the passage's language as detected (lang.Detect: en,
	// fr, es, ar, ru, zh), the document's metadata language helping
	// short passages; FieldDocLang that metadata as read ("fr-CA").
	// "lang:fr" matches either.
	FieldLang    = "lang"
	FieldDocLang = "doc_lang"
	FieldYear    = "year"
	FieldDate    = "date"
	// FieldDateShown is the document's date as precise as it is known
	// ("2021-11" for "November 2021"; FieldDate says "2021-11-01" to
	// filter and sort): stored for citations, not searchable.
	FieldDateShown = "date_shown"
	// Where the document's title, date and submitter came from
	// (corpus.Source*): stored for citations, not searchable.
	FieldTitleSource     = "title_source"
	FieldDateSource      = "date_source"
	FieldSubmitterSource = "submitter_source"
	// FieldDup is the passage's copy key (copyKey): passages with the
	// same text, give or take case, accents, spacing and punctuation,
	// share it, and search collapses them into one hit.
	FieldDup = "dup"
	// FieldKind is the passage's kind (corpus.Kind): body, heading,
	// note, reference, toc or furniture.
	FieldKind = "kind"
	// FieldHeadingPath holds the titles of the headings the passage lies
	// under, outermost first: stored for citations.
	FieldHeadingPath = "heading_path"
	// FieldPageEnd is the last page a passage runs onto: stored only.
	FieldPageEnd = "page_end"
	// FieldLength holds the length class of a passage of fewer than
	// pivotWords words (lengthClass), and nothing otherwise: ranking
	// reads it.
	FieldLength = "length"
	// FieldOCR is "true" on passages read by OCR from page images (query
	// ocr:true, or -ocr:true for the others); FieldOCRConfidence, stored
	// only, is their pages' mean word confidence, 0-100.
	FieldOCR           = "ocr"
	FieldOCRConfidence = "ocr_confidence"
)

// Analysers of the mapping. Every one folds case and accents (package
// textfold, which lower-cases too) after tokenising, so the offsets of terms stay those of the
// original text: highlights and snippets show it as written.
const (
	// textAnalyzer is for passage text and titles, in any of the six
	// languages: bleve's English analyser with accents folded before stop
	// words and stemming for Latin words, Chinese characters paired in
	// bigrams, and Arabic and Cyrillic words stemmed for their language
	// (scriptStems).
	textAnalyzer = "normtag_text"
	// foldedWords splits a name into folded words, without stemming or
	// stop words: submitters, countries.
	foldedWords = "normtag_words_folded"
	// lowerKeyword keeps a whole value as one folded term, so that
	// "submitter_type:state" matches "State".
	lowerKeyword = "normtag_lower_keyword"
	// foldFilter is the token filter that folds.
	foldFilter = "normtag_fold"
)

func init() {
	err := registry.RegisterTokenFilter(foldFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldTokens{}, nil
	})
	if err != nil {
		panic(err) // only a second filter of the same name fails
	}
}

// foldTokens is a token filter applying textfold.Fold to each term.
type foldTokens struct{}

func (foldTokens) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = foldTerm(t.Term)
	}
	return in
}

// foldTerm folds a term as the fold filter does: in place when it is
// ASCII.
func foldTerm(b []byte) []byte {
	if lowerASCII(b) {
		return b
	}
	return []byte(textfold.Fold(string(b)))
}

// lowerASCII lower-cases b in place when it is ASCII, the common case,
// and reports whether it was; other text is left for textfold.
func lowerASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return true
}

func newMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	for name, def := range map[string]map[string]any{
		textAnalyzer: {"type": custom.Name, "tokenizer": unicode.Name,
			"token_filters": []string{en.PossessiveName, foldFilter, cjk.BigramName, scriptFilter}},
		foldedWords:  {"type": custom.Name, "tokenizer": unicode.Name, "token_filters": []string{foldFilter}},
		lowerKeyword: {"type": custom.Name, "tokenizer": single.Name, "token_filters": []string{foldFilter}},
	} {
		if err := im.AddCustomAnalyzer(name, def); err != nil {
			return nil, err
		}
	}
	im.DefaultAnalyzer = textAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	dm := bleve.NewDocumentStaticMapping()

	text := bleve.NewTextFieldMapping()
	text.Analyzer = textAnalyzer
	text.Store = true
	text.IncludeTermVectors = true // highlighting and phrases
	text.DocValues = false         // never sorted or faceted
	text.IncludeInAll = false      // queries default to FieldText, not _all
	dm.AddFieldMappingsAt(FieldText, text)

	title := bleve.NewTextFieldMapping()
	title.Analyzer = textAnalyzer
	title.Store = true
	title.IncludeTermVectors = true // phrases
	title.IncludeInAll = false
	dm.AddFieldMappingsAt(FieldTitle, title)

	// Doc values (a per-passage column of a field's terms) are kept only
	// for the fields a sort (sortOrder) or a facet (facets) reads.
	keyword := func(analyzer string, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = analyzer
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = docValues
		// A whole value is one term: no phrase to match in it, and
		// only the text is highlighted.
		f.IncludeTermVectors = false
		return f
	}
	// Stored values are the ones a hit shows (Search's req.Fields); the
	// year, the length class and the metadata language are only
	// searched, counted or ranked by, so they are not stored.
	unstored := func(f *mapping.FieldMapping) *mapping.FieldMapping {
		f.Store = false
		return f
	}
	for _, name := range []string{FieldNorm, FieldKind} {
		dm.AddFieldMappingsAt(name, keyword("keyword", true))
	}
	// The document id keeps its term vectors: documentOrder reads how
	// many passages each document has from the term dictionary, and
	// zapx's dictionary iterator misreads a term's count after a term
	// stored in its "1-hit" form (one passage, no term vectors) once
	// segments are merged.
	doc := keyword("keyword", true)
	doc.IncludeTermVectors = true
	dm.AddFieldMappingsAt(FieldDoc, doc)
	dm.AddFieldMappingsAt(FieldYear, unstored(keyword("keyword", true)))
	for _, name := range []string{FieldDirect, FieldPath} {
		dm.AddFieldMappingsAt(name, keyword("keyword", false))
	}
	dm.AddFieldMappingsAt(FieldLength, unstored(keyword("keyword", false)))
	dm.AddFieldMappingsAt(FieldSubmitterType, keyword(lowerKeyword, true))
	dm.AddFieldMappingsAt(FieldFile, keyword(lowerKeyword, false))
	dm.AddFieldMappingsAt(FieldDocLang, unstored(keyword(lowerKeyword, false)))
	dm.AddFieldMappingsAt(FieldLang, keyword(lowerKeyword, true)) // a facet
	for _, name := range []string{FieldSubmitter, FieldCountry} {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = foldedWords
		f.Store = true
		f.IncludeTermVectors = true // phrases: submitter:"republic of examplia"
		f.IncludeInAll = false
		f.DocValues = false // facets read submitter_name
		dm.AddFieldMappingsAt(name, f)
	}
	for _, field := range []string{FieldSubmitterName, FieldCountryName} {
		dm.AddFieldMappingsAt(field, unstored(keyword("keyword", true)))
	}
	// seq sorts and finds first passages, as one keyword term that sorts
	// as the number does (seqKey); a numeric field would index 16
	// prefix-coded terms for it. page is only shown.
	dm.AddFieldMappingsAt(FieldSeq, keyword("keyword", true))
	dm.AddFieldMappingsAt(FieldPage, shownNumber())
	dm.AddFieldMappingsAt(FieldPageEnd, shownNumber())
	heading := bleve.NewBooleanFieldMapping()
	heading.Store = true
	heading.IncludeInAll = false
	heading.DocValues = false
	dm.AddFieldMappingsAt(FieldHeading, heading)
	// date filters (a term range) and sorts (doc values) as one
	// keyword term that sorts as the day does (dayKey).
	dm.AddFieldMappingsAt(FieldDate, keyword("keyword", true))

	// The copy key is stored (a hit carries it, to find its copies) and
	// has doc values: counting copies sorts by it (copiesBeyond).
	dm.AddFieldMappingsAt(FieldDup, keyword("keyword", true))

	for _, name := range []string{FieldTitleSource, FieldDateSource, FieldSubmitterSource, FieldHeadingPath, FieldDateShown} {
		f := bleve.NewKeywordFieldMapping()
		f.Store = true
		f.Index = false
		f.IncludeInAll = false
		f.DocValues = false
		dm.AddFieldMappingsAt(name, f)
	}

	dm.AddFieldMappingsAt(FieldOCR, keyword("keyword", false))
	dm.AddFieldMappingsAt(FieldOCRConfidence, shownNumber())

	// No composite _all field: no query reads it, and building even an
	// empty one for every passage cost a fifth of indexing time.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im.DefaultMapping = dm
	im.DefaultField = FieldText
	return im, nil
}

// seqKey is the index term of a passage number: zero-padded to a fixed
// width, so that terms sort as the numbers do.
func seqKey(seq int) string { return fmt.Sprintf("%010d", seq) }

// dayKey is the index term of a date: its day in UTC as YYYY-MM-DD,
// which sorts as the days do for years 0-9999. Document dates are days;
// the time of day of an RFC 3339 date is not kept.
func dayKey(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// shownNumber maps a number that is only stored for showing: not
// searched, sorted or in _all.
func shownNumber() *mapping.FieldMapping {
	m := bleve.NewNumericFieldMapping()
	m.Index = false
	m.Store = true
	m.IncludeInAll = false
	m.DocValues = false
	return m
}
