package index

import (
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// wordTokenizer splits text into words exactly as bleve's unicode
// tokenizer does (Unicode word boundaries, UAX #29, as the segment
// package implements them), in one plain pass over text made of ASCII
// and a few common non-ASCII punctuation marks: most passages of
// English, French and Spanish reports, whose analysis the segment
// package's general state machine made a third of indexing's. Text with
// any other character goes to the unicode tokenizer whole.
// TestWordTokenizerMatchesUnicode compares the two.
type wordTokenizer struct {
	fallback analysis.Tokenizer
}

// wordClass is a character's part in word boundaries.
type wordClass uint8

const (
	classOther     wordClass = iota // splits words, in no word itself
	classLetter                     // ALetter
	classDigit                      // Numeric
	classJoin                       // ExtendNumLet ('_'): joins anything
	classMidLetter                  // MidLetter: joins two letters
	classMidNum                     // MidNum: joins two digits
	classMid                        // MidNumLet or Single_Quote: joins two letters or two digits
	classUnknown                    // not handled here: the whole text goes to the fallback
)

// asciiClasses are the word-boundary classes of the ASCII characters.
var asciiClasses = func() (c [utf8.RuneSelf]wordClass) {
	for b := 'a'; b <= 'z'; b++ {
		c[b], c[b-'a'+'A'] = classLetter, classLetter
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = classDigit
	}
	c['_'] = classJoin
	c[':'] = classMidLetter
	c[','], c[';'] = classMidNum, classMidNum
	c['.'], c['\''] = classMid, classMid
	return c
}()

// punctuationClasses are the non-ASCII characters handled here: the
// quotation marks, dashes, bullets and spaces of text extracted from
// PDFs. Curly single quotes join words as an apostrophe does ("State’s");
// the others split them and are in none.
var punctuationClasses = map[rune]wordClass{
	'‘': classMid, '’': classMid,
	'“': classOther, '”': classOther, '«': classOther, '»': classOther, '„': classOther,
	'–': classOther, '—': classOther, '‐': classOther, '‑': classOther, '−': classOther,
	'•': classOther, '▪': classOther, '●': classOther, '◦': classOther, '■': classOther, '□': classOther,
	'✗': classOther, '✓': classOther, '✔': classOther, '\uf0b7': classOther, '\uf0a7': classOther,
	'…': classOther, '\u00a0': classOther, '°': classOther, '®': classOther, '©': classOther,
	'™': classOther, '§': classOther, '¶': classOther, '†': classOther, '€': classOther, '£': classOther,
}

// classAt is the class and byte length of the character at text[i].
func classAt(text []byte, i int) (wordClass, int) {
	if c := text[i]; c < utf8.RuneSelf {
		return asciiClasses[c], 1
	}
	r, size := utf8.DecodeRune(text[i:])
	if c, ok := punctuationClasses[r]; ok {
		return c, size
	}
	return classUnknown, size
}

func isWordPart(c wordClass) bool { return c == classLetter || c == classDigit || c == classJoin }

// joins says whether mid, between a character of class before and one of
// class after, keeps them in one word.
func joins(before, mid, after wordClass) bool {
	switch {
	case before == classLetter && after == classLetter:
		return mid == classMidLetter || mid == classMid
	case before == classDigit && after == classDigit:
		return mid == classMidNum || mid == classMid
	}
	return false
}

func (t wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	tokens, ok := splitWords(input)
	if !ok {
		return t.fallback.Tokenize(input)
	}
	return tokens
}

// splitWords is wordTokenizer's own pass; ok is false when input holds a
// character it does not handle.
func splitWords(input []byte) (_ analysis.TokenStream, ok bool) {
	words := make([]analysis.Token, 0, len(input)/6+1)
	for i := 0; i < len(input); {
		class, size := classAt(input, i)
		if class == classUnknown {
			return nil, false
		}
		if !isWordPart(class) {
			i += size
			continue
		}
		start := i
		letters, digits := class == classLetter, class == classDigit
		last := class
		for i += size; i < len(input); {
			next, size := classAt(input, i)
			if isWordPart(next) {
				letters = letters || next == classLetter
				digits = digits || next == classDigit
				last = next
				i += size
				continue
			}
			if next == classUnknown {
				return nil, false
			}
			if next == classOther || i+size >= len(input) {
				break
			}
			after, afterSize := classAt(input, i+size)
			if after == classUnknown {
				return nil, false
			}
			if !joins(last, next, after) {
				break
			}
			last = after
			i += size + afterSize
		}
		// The segment package's type: a word with no letter but a digit
		// is a number; one of underscores alone is a word.
		typ := analysis.AlphaNumeric
		if !letters && digits {
			typ = analysis.Numeric
		}
		words = append(words, analysis.Token{Term: input[start:i], Start: start, End: i, Position: len(words) + 1, Type: typ})
	}
	tokens := make(analysis.TokenStream, len(words))
	for i := range words {
		tokens[i] = &words[i]
	}
	return tokens, true
}

// indexingAnalyzer returns analyser a as documents are analysed with
// it: the same terms, made faster, with wordTokenizer in place of bleve's
// unicode tokenizer and the CJK bigram filter skipped for text without
// ideographs (ideographOnly). It is a itself when a has no unicode
// tokenizer.
func indexingAnalyzer(a analysis.Analyzer) analysis.Analyzer {
	d, ok := a.(*analysis.DefaultAnalyzer)
	if !ok {
		return a
	}
	if _, ok := d.Tokenizer.(*unicode.UnicodeTokenizer); !ok {
		return a
	}
	filters := slices.Clone(d.TokenFilters)
	for i, f := range filters {
		if _, ok := f.(*cjk.CJKBigramFilter); ok {
			filters[i] = ideographOnly{bigrams: f}
		}
	}
	return &analysis.DefaultAnalyzer{CharFilters: d.CharFilters, Tokenizer: wordTokenizer{fallback: d.Tokenizer}, TokenFilters: filters}
}

// stemMemo is a token filter that remembers what stemmer stem, a filter
// that rewrites each token's term on its own and keeps every token
// (Porter's), made of each term, and gives the same stem for the same
// term again without stemming it. The stems are shared between tokens,
// which is safe since bleve only reads a term once analysed (memoAnalyzer
// shares whole token streams). Analysis runs on several goroutines,
// hence the lock, taken once per stream for the lookups.
type stemMemo struct {
	stem  analysis.TokenFilter
	mu    sync.RWMutex
	stems map[string][]byte
}

// memoStems bounds a stemMemo's terms: a large corpus's vocabulary, well
// under a megabyte.
const memoStems = 1 << 15

func (m *stemMemo) Filter(input analysis.TokenStream) analysis.TokenStream {
	var missed analysis.TokenStream
	m.mu.RLock()
	for _, t := range input {
		if t.KeyWord {
			continue // the stemmer leaves it alone
		}
		if stem, ok := m.stems[string(t.Term)]; ok {
			t.Term = stem
		} else {
			missed = append(missed, t)
		}
	}
	m.mu.RUnlock()
	if len(missed) == 0 {
		return input
	}
	terms := make([]string, len(missed))
	for i, t := range missed {
		terms[i] = string(t.Term)
	}
	m.stem.Filter(missed)
	m.mu.Lock()
	if len(m.stems)+len(missed) > memoStems {
		clear(m.stems)
	}
	for i, t := range missed {
		m.stems[terms[i]] = t.Term
	}
	m.mu.Unlock()
	return input
}

// ideographOnly runs the CJK bigram filter only on streams that hold an
// ideograph: it passes any other stream on unchanged but for numbering
// positions from 1 in order, as a stream from the tokenizer already is,
// after copying the stream and making a ring buffer for it.
type ideographOnly struct {
	bigrams analysis.TokenFilter
}

func (f ideographOnly) Filter(input analysis.TokenStream) analysis.TokenStream {
	for i, t := range input {
		if t.Type == analysis.Ideographic || t.Position != i+1 {
			return f.bigrams.Filter(input)
		}
	}
	return input
}
