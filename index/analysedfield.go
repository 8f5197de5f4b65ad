package index

import (
	"reflect"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
)

// analysedTextField is a field whose value an analyser splits into terms:
// what bleve's TextField makes of it, with the terms' frequencies and
// locations laid out in a few slabs rather than two allocations per
// distinct term (bleve's analysis.TokenFrequency: a fifth of indexing's
// allocations), and, for a value every passage of a document repeats
// (documentLevel), analysed once for all of them (frequencyMemo).
// TestDirectDocumentsMatchMapping checks it indexes what the mapping's
// TextField does.
type analysedTextField struct {
	name           string
	arrayPositions []uint64
	options        bindex.FieldIndexingOptions
	value          []byte
	analyzer       analysis.Analyzer
	memo           *frequencyMemo // nil but for document-level values

	analysed analysedValue
}

// analysedValue is what analysis makes of a value.
type analysedValue struct {
	length      int // tokens
	frequencies bindex.TokenFrequencies
	size        int // bytes of frequencies, as TokenFrequencies.Size counts them
}

var _ document.Field = (*analysedTextField)(nil)

var analysedTextFieldSize = int(reflect.TypeFor[analysedTextField]().Size())

func (f *analysedTextField) Name() string                         { return f.name }
func (f *analysedTextField) ArrayPositions() []uint64             { return f.arrayPositions }
func (f *analysedTextField) Options() bindex.FieldIndexingOptions { return f.options }
func (f *analysedTextField) Value() []byte                        { return f.value }
func (f *analysedTextField) NumPlainTextBytes() uint64            { return uint64(len(f.value)) }
func (f *analysedTextField) EncodedFieldType() byte               { return 't' } // stored as text, as a TextField is
func (f *analysedTextField) AnalyzedLength() int                  { return f.analysed.length }
func (f *analysedTextField) AnalyzedTokenFrequencies() bindex.TokenFrequencies {
	return f.analysed.frequencies
}
func (f *analysedTextField) Text() string { return string(f.value) }

func (f *analysedTextField) Size() int {
	return analysedTextFieldSize + len(f.name) + 8*len(f.arrayPositions) + len(f.value) + f.analysed.size
}

func (f *analysedTextField) Analyze() {
	// A value of an array has its positions in its locations: only a
	// single value is the same in every passage.
	if f.memo != nil && len(f.arrayPositions) == 0 {
		f.analysed = f.memo.analyse(f.value, f.analyse)
		return
	}
	f.analysed = f.analyse(f.value)
}

// analyse analyses value as bleve's TextField does: a copy of it when it
// is stored, since analysis may fold it in place.
func (f *analysedTextField) analyse(value []byte) analysedValue {
	if f.options.IsStored() {
		value = append([]byte(nil), value...)
	}
	tokens := f.analyzer.Analyze(value)
	freqs, size := tokenFrequencies(tokens, f.arrayPositions, f.options)
	return analysedValue{length: len(tokens), frequencies: freqs, size: size}
}

// Sizes TokenFrequencies.Size counts with.
var (
	tokenFreqSize     = int(reflect.TypeFor[bindex.TokenFreq]().Size())
	tokenLocationSize = int(reflect.TypeFor[bindex.TokenLocation]().Size())
)

// tokenFrequencies makes of tokens what analysis.TokenFrequency does: each
// distinct term with its count (unless options skip it) and, with term
// vectors, its locations in order. The TokenFreqs, the locations and the
// location lists each share one allocation. size is what
// TokenFrequencies.Size would count.
func tokenFrequencies(tokens analysis.TokenStream, arrayPositions []uint64, options bindex.FieldIndexingOptions) (_ bindex.TokenFrequencies, size int) {
	rv := make(bindex.TokenFrequencies, len(tokens))
	freqs := make([]bindex.TokenFreq, len(tokens))
	// of[i] is the index in freqs of token i's term, which its
	// frequency holds until the counts are set; count[k] is how many
	// tokens have term k.
	of := make([]int32, 2*len(tokens))
	of, count := of[:len(tokens)], of[len(tokens):]
	n := 0
	for i, t := range tokens {
		tf, ok := rv[string(t.Term)]
		if !ok {
			tf = &freqs[n]
			tf.Term = t.Term
			tf.SetFrequency(n)
			rv[string(t.Term)] = tf
			n++
		}
		k := tf.Frequency()
		of[i] = int32(k)
		count[k]++
	}
	size = 8 + n*(16+8) + n*tokenFreqSize // map, keys and pointers, TokenFreqs
	if options.IncludeTermVectors() {
		locations := make([]bindex.TokenLocation, len(tokens))
		pointers := make([]*bindex.TokenLocation, len(tokens))
		// Each term's list is its run of pointers, capped so that an
		// append (TokenFrequencies.MergeAll) copies it out.
		start := 0
		for k := range n {
			end := start + int(count[k])
			freqs[k].Locations = pointers[start:start:end]
			start = end
		}
		for i, t := range tokens {
			locations[i] = bindex.TokenLocation{ArrayPositions: arrayPositions, Start: t.Start, End: t.End, Position: t.Position}
			tf := &freqs[of[i]]
			tf.Locations = append(tf.Locations, &locations[i])
		}
		size += len(tokens) * (tokenLocationSize + 8*len(arrayPositions))
	}
	for k := range n {
		size += 2 * len(freqs[k].Term) // the key and the term
		if options.SkipFreqNorm() {
			freqs[k].SetFrequency(0)
		} else {
			freqs[k].SetFrequency(int(count[k]))
		}
	}
	return rv, size
}

// frequencyMemo remembers the analysis of recent values of a field and
// gives the same for the same value again. The frequencies are shared
// between passages, which is safe since bleve only reads them but to
// merge the frequencies of an array's values (TokenFrequencies.MergeAll
// on the first value's), and no remembered value is in an array;
// analysis runs on several goroutines, hence the lock.
type frequencyMemo struct {
	mu   sync.Mutex
	seen map[string]analysedValue
}

// memoSize bounds a frequencyMemo's values: the documents of a few batches.
const memoSize = 1024

func newFrequencyMemo() *frequencyMemo { return &frequencyMemo{seen: map[string]analysedValue{}} }

// analyse returns what analyse made of value, running it when value is
// not remembered.
func (m *frequencyMemo) analyse(value []byte, analyse func([]byte) analysedValue) analysedValue {
	m.mu.Lock()
	a, ok := m.seen[string(value)]
	m.mu.Unlock()
	if ok {
		return a
	}
	// The key is taken before analysis, which may fold value in place.
	key := string(value)
	a = analyse(value)
	m.mu.Lock()
	if len(m.seen) >= memoSize {
		clear(m.seen)
	}
	m.seen[key] = a
	m.mu.Unlock()
	return a
}
