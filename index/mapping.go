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

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/mapping"
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
const MappingVersion = "6"

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
	// submitter field is lower-cased for matching.
	FieldSubmitterName = "submitter_name"
	FieldSubmitterType = "submitter_type"
	FieldCountry       = "country"
	FieldLang          = "lang"
	FieldYear          = "year"
	FieldDate          = "date"
	// Where the document's title, date and submitter came from
	// (corpus.Source*): stored for citations, not searchable.
	FieldTitleSource     = "title_source"
	FieldDateSource      = "date_source"
	FieldSubmitterSource = "submitter_source"
)

// lowerKeyword is an analyser that keeps a whole value as one lower-cased
// term, so "submitter:examplia" matches "Examplia".
const lowerKeyword = "normtag_lower_keyword"

func newMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer(lowerKeyword, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = en.AnalyzerName
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	dm := bleve.NewDocumentStaticMapping()

	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.Store = true
	text.IncludeTermVectors = true // highlighting and phrases
	text.DocValues = false         // never sorted or faceted
	text.IncludeInAll = false      // queries default to FieldText, not _all
	dm.AddFieldMappingsAt(FieldText, text)

	title := bleve.NewTextFieldMapping()
	title.Analyzer = en.AnalyzerName
	title.Store = true
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
		return f
	}
	for _, name := range []string{FieldNorm, FieldDoc, FieldYear} {
		dm.AddFieldMappingsAt(name, keyword("keyword", true))
	}
	for _, name := range []string{FieldDirect, FieldFile, FieldPath} {
		dm.AddFieldMappingsAt(name, keyword("keyword", false))
	}
	dm.AddFieldMappingsAt(FieldSubmitterType, keyword(lowerKeyword, true))
	for _, name := range []string{FieldSubmitter, FieldCountry, FieldLang} {
		dm.AddFieldMappingsAt(name, keyword(lowerKeyword, false))
	}
	name := keyword("keyword", true)
	name.Store = false
	dm.AddFieldMappingsAt(FieldSubmitterName, name)
	// seq sorts and finds first passages, as one keyword term that sorts
	// as the number does (seqKey); a numeric field would index 16
	// prefix-coded terms for it. page is only shown.
	dm.AddFieldMappingsAt(FieldSeq, keyword("keyword", true))
	page := bleve.NewNumericFieldMapping()
	page.Index = false
	page.Store = true
	page.IncludeInAll = false
	page.DocValues = false
	dm.AddFieldMappingsAt(FieldPage, page)
	heading := bleve.NewBooleanFieldMapping()
	heading.Store = true
	heading.IncludeInAll = false
	heading.DocValues = false
	dm.AddFieldMappingsAt(FieldHeading, heading)
	date := bleve.NewDateTimeFieldMapping()
	date.Store = true
	date.IncludeInAll = false
	dm.AddFieldMappingsAt(FieldDate, date)

	for _, name := range []string{FieldTitleSource, FieldDateSource, FieldSubmitterSource} {
		f := bleve.NewKeywordFieldMapping()
		f.Store = true
		f.Index = false
		f.IncludeInAll = false
		f.DocValues = false
		dm.AddFieldMappingsAt(name, f)
	}

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
