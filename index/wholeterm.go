package index

import (
	"reflect"

	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
)

// wholeTermField is a field indexed as one whole term: what bleve's
// TextField with a single-token analyser ("keyword", or lowerKeyword)
// makes of a value, without running the analyser. The analyser's
// token stream, the copy of a stored value it analyses and the term
// vector nobody reads cost a tenth of indexing, for some twenty such
// fields per passage. TestDirectDocumentsMatchMapping checks that it
// indexes the terms the mapping's analyser makes.
type wholeTermField struct {
	name           string
	arrayPositions []uint64
	options        bindex.FieldIndexingOptions
	value          []byte
	term           []byte
	frequencies    bindex.TokenFrequencies
}

var _ document.Field = (*wholeTermField)(nil)

var wholeTermFieldSize = int(reflect.TypeFor[wholeTermField]().Size())

func (f *wholeTermField) Name() string                                      { return f.name }
func (f *wholeTermField) ArrayPositions() []uint64                          { return f.arrayPositions }
func (f *wholeTermField) Options() bindex.FieldIndexingOptions              { return f.options }
func (f *wholeTermField) Value() []byte                                     { return f.value }
func (f *wholeTermField) NumPlainTextBytes() uint64                         { return uint64(len(f.value)) }
func (f *wholeTermField) EncodedFieldType() byte                            { return 't' } // stored as text, as a TextField is
func (f *wholeTermField) AnalyzedLength() int                               { return 1 }
func (f *wholeTermField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.frequencies }
func (f *wholeTermField) Text() string                                      { return string(f.value) }

func (f *wholeTermField) Size() int {
	return wholeTermFieldSize + len(f.name) + 8*len(f.arrayPositions) + len(f.value) + len(f.term)
}

// Analyze makes the field's one term, at position 1 over the whole
// value, as analysis.TokenFrequency does for a one-token stream, unless
// the field was made with them (recentTerms).
func (f *wholeTermField) Analyze() {
	if f.frequencies != nil {
		return
	}
	tf := &bindex.TokenFreq{Term: f.term}
	if f.options.IncludeTermVectors() {
		tf.Locations = []*bindex.TokenLocation{{ArrayPositions: f.arrayPositions, Start: 0, End: len(f.value), Position: 1}}
	}
	if !f.options.SkipFreqNorm() {
		tf.SetFrequency(1)
	}
	f.frequencies = bindex.TokenFrequencies{string(f.term): tf}
}
