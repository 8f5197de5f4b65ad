// Package index is normtag's full-text search index: one bleve (scorch)
// document per passage, with the passage text analysed for English, the
// norms it carries as a faceted keyword field, and the citation fields
// (document, title, file, page, passage) stored for display.
//
// The index is derived data. Everything in it comes from the corpus store,
// and Rebuild recreates it from the store alone.
package index

import (
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
// with term vectors): a fifth less indexing time.
const MappingVersion = "4"

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
	text.IncludeTermVectors = true // highlighting
	text.IncludeInAll = false      // queries default to FieldText, not _all
	dm.AddFieldMappingsAt(FieldText, text)

	title := bleve.NewTextFieldMapping()
	title.Analyzer = en.AnalyzerName
	title.Store = true
	title.IncludeInAll = false
	dm.AddFieldMappingsAt(FieldTitle, title)

	keyword := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = analyzer
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = true // facets and sorting
		return f
	}
	for _, name := range []string{FieldNorm, FieldDirect, FieldDoc, FieldFile, FieldPath, FieldYear} {
		dm.AddFieldMappingsAt(name, keyword("keyword"))
	}
	for _, name := range []string{FieldSubmitter, FieldSubmitterType, FieldCountry, FieldLang} {
		dm.AddFieldMappingsAt(name, keyword(lowerKeyword))
	}
	name := keyword("keyword")
	name.Store = false
	dm.AddFieldMappingsAt(FieldSubmitterName, name)
	for _, name := range []string{FieldPage, FieldSeq} {
		f := bleve.NewNumericFieldMapping()
		f.Store = true
		f.IncludeInAll = false
		dm.AddFieldMappingsAt(name, f)
	}
	heading := bleve.NewBooleanFieldMapping()
	heading.Store = true
	heading.IncludeInAll = false
	dm.AddFieldMappingsAt(FieldHeading, heading)
	date := bleve.NewDateTimeFieldMapping()
	date.Store = true
	date.IncludeInAll = false
	dm.AddFieldMappingsAt(FieldDate, date)

	// No composite _all field: no query reads it, and building even an
	// empty one for every passage cost a fifth of indexing time.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im.DefaultMapping = dm
	im.DefaultField = FieldText
	return im, nil
}
