package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/normtag/normtag/corpus"
)

// fieldBuilder makes the bleve field of one value the way the mapping's
// field of that name would: same type, indexing options and analyser.
type fieldBuilder struct {
	kind     string // the field mapping's type: "text", "number" or "boolean"
	options  bindex.FieldIndexingOptions
	analyzer analysis.Analyzer
	// whole says the analyser keeps a value as one term (wholeTermField),
	// folded when fold is set.
	whole, fold bool
	// memo remembers the analysis of a document-level value.
	memo *frequencyMemo
}

// documentBuilder makes bleve documents of passages without bleve's
// mapping walk, which finds each value's field mapping by reflection and
// cost an eighth of indexing time. Options and analysers are read from
// the index's own mapping, so they cannot drift from it;
// TestDirectDocumentsMatchMapping compares the two ways field by field.
type documentBuilder struct {
	fields map[string]fieldBuilder
}

// builder returns the index's document builder, made once from its mapping.
func (ix *Index) builder() (*documentBuilder, error) {
	ix.buildOnce.Do(func() { ix.docs, ix.docsErr = newDocumentBuilder(ix.bi.Mapping()) })
	return ix.docs, ix.docsErr
}

func newDocumentBuilder(m mapping.IndexMapping) (*documentBuilder, error) {
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok {
		return nil, fmt.Errorf("index mapping is a %T, not bleve's own", m)
	}
	b := &documentBuilder{fields: map[string]fieldBuilder{}}
	for name, sub := range im.DefaultMapping.Properties {
		if len(sub.Fields) != 1 {
			continue // _all (disabled), or a mapping this builder does not know
		}
		fm := sub.Fields[0]
		f := fieldBuilder{kind: fm.Type, options: fm.Options()}
		switch fm.Type {
		case "text":
			analyzer := fm.Analyzer
			if analyzer == "" {
				analyzer = im.DefaultAnalyzer
			}
			if f.analyzer = im.AnalyzerNamed(analyzer); f.analyzer == nil {
				return nil, fmt.Errorf("field %s: no analyser %q", name, analyzer)
			}
			// The same terms, made faster (indexingAnalyzer); queries
			// keep the mapping's own analyser.
			f.analyzer = indexingAnalyzer(f.analyzer)
			// The single-token analysers are not run: their one term
			// is made directly (wholeTermField).
			switch {
			case !fm.Index:
				// stored only: never analysed
			case analyzer == keyword.Name:
				f.whole = true
			case analyzer == lowerKeyword:
				f.whole, f.fold = true, true
			}
			if documentLevel[name] {
				f.memo = newFrequencyMemo()
			}
		case "number", "boolean":
		default:
			return nil, fmt.Errorf("field %s: type %q not built directly", name, fm.Type)
		}
		b.fields[name] = f
	}
	return b, nil
}

// document is the bleve document of passage p of d: the values
// passageValues gives, as the mapping would index them. recent, when not
// nil, is the builder's memory of the passage before (recentTerms).
func (b *documentBuilder) document(d *corpus.Document, dl docLanguage, p corpus.Passage, recent recentTerms) (*document.Document, error) {
	doc := document.NewDocument(passageID(d.ID, p.Seq))
	var err error
	passageValues(d, dl, p, func(field string, value any) {
		f, ok := b.fields[field]
		if !ok {
			if err == nil {
				err = fmt.Errorf("no mapping for field %s", field)
			}
			return
		}
		switch v := value.(type) {
		case string:
			if f.whole && recent != nil {
				doc.AddField(recent.field(field, f, v))
			} else {
				b.add(doc, field, f, nil, v)
			}
		case []string:
			for i, s := range v {
				b.add(doc, field, f, []uint64{uint64(i)}, s)
			}
		case float64:
			if f.kind == "number" {
				doc.AddField(document.NewNumericFieldWithIndexingOptions(field, nil, v, f.options))
			}
		case bool:
			if f.kind == "boolean" {
				doc.AddField(document.NewBooleanFieldWithIndexingOptions(field, nil, v, f.options))
			}
		default:
			if err == nil {
				err = fmt.Errorf("field %s: value of type %T", field, value)
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("passage %d of %s: %w", p.Seq, d.ID, err)
	}
	doc.SetIndexed()
	return doc, nil
}

func (b *documentBuilder) add(doc *document.Document, field string, f fieldBuilder, positions []uint64, v string) {
	if f.whole {
		doc.AddField(newWholeTermField(field, f, positions, v))
		return
	}
	if f.kind == "text" {
		doc.AddField(&analysedTextField{name: field, arrayPositions: positions, options: f.options, value: []byte(v), analyzer: f.analyzer, memo: f.memo})
	}
}

// newWholeTermField makes the field of whole-term value v.
func newWholeTermField(field string, f fieldBuilder, positions []uint64, v string) *wholeTermField {
	value := []byte(v)
	term := value // the keyword analyser's term is the value itself
	switch {
	case f.fold && f.options.IsStored():
		term = foldTerm([]byte(v)) // folds in place: not the stored value
	case f.fold:
		term = foldTerm(value) // as bleve folds an unstored value, in place
	}
	return &wholeTermField{name: field, arrayPositions: positions, options: f.options, value: value, term: term}
}

// recentTerms remembers, for each whole-term field, the single value the
// passage before had and the field made of it, so that the next passage
// with the same value (a document's id, file, submitter, date, ...: half
// the fields of a passage are its document's) shares its value, term and
// token frequencies instead of making them again. Frequencies are only
// read once made, but for merging an array's values (which appends to
// the first's): only single values are shared. One goroutine uses it: a
// batch's.
type recentTerms map[string]*wholeTermField

// field returns the field of single whole-term value v of field, sharing
// value, term and frequencies with the passage before's when it had the
// same value.
func (r recentTerms) field(field string, f fieldBuilder, v string) *wholeTermField {
	if last := r[field]; last != nil && string(last.value) == v {
		shared := *last
		return &shared
	}
	wf := newWholeTermField(field, f, nil, v)
	wf.Analyze()
	r[field] = wf
	return wf
}

// documentLevel are the analysed fields whose value is the document's,
// the same in each of its passages: their analysis is remembered
// (frequencyMemo) rather than repeated per passage.
var documentLevel = map[string]bool{FieldTitle: true, FieldSubmitter: true, FieldCountry: true}
