package tag

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/internal/norms"
)

// Submissions often quote a norm's official wording ("to increase
// stability and security in the use of ICTs") instead of naming it. The
// automaton holds three-word seeds taken every third word of each official
// text; a seed hit is extended word by word in both directions against the
// text it came from, and every window of quoteWords words of the verbatim
// run that is distinctive (it belongs to that norm alone and has two
// content words that are not UN boilerplate) counts as independent
// evidence of weight File.QuoteWeight. A long quote is near-certain, a
// stock phrase ("the purposes of the United Nations") counts for nothing,
// and the automaton stays small.
const (
	quoteWords = 6
	seedWords  = 3
)

// boilerplate are words too common in UN documents to make a window of a
// norm's text distinctive.
var boilerplate = map[string]bool{
	"states": true, "state": true, "united": true, "nations": true, "general": true, "assembly": true,
	"council": true, "resolution": true, "resolutions": true, "including": true, "consistent": true,
	"purposes": true, "international": true, "maintain": true, "peace": true, "security": true,
	"should": true, "other": true, "taking": true, "into": true, "account": true, "relevant": true,
	"also": true, "well": true, "such": true, "their": true, "another": true, "that": true, "with": true,
	"this": true, "these": true, "from": true, "have": true, "under": true, "whether": true,
}

// quoteModel is the official texts, folded and split into words, with the
// distinctive windows marked.
type quoteModel struct {
	words [11][]string
	// text[n] is norm n's words joined by single spaces; starts[n][w] is
	// where word w begins in it, and after[n][i], for a space at byte i,
	// is the index of the word that follows. extend compares bytes
	// against text and converts back to words only at its ends.
	text   [11][]byte
	starts [11][]int
	after  [11][]int16
	// good[n][i] says the window of quoteWords words starting at i of
	// norm n's text is distinctive.
	good [11][]bool
}

// seedRef says where a seed comes from.
type seedRef struct {
	norm int8
	pos  int16 // word index in the norm's text
}

func newQuoteModel() *quoteModel {
	m := &quoteModel{}
	fw := lang.FunctionWords()
	owner := map[string]int{}
	for i, n := range norms.All {
		m.words[i] = strings.Fields(foldString(n.Text))
		m.text[i] = []byte(strings.Join(m.words[i], " "))
		m.after[i] = make([]int16, len(m.text[i]))
		at := 0
		for w, word := range m.words[i] {
			m.starts[i] = append(m.starts[i], at)
			at += len(word)
			if at < len(m.text[i]) {
				m.after[i][at] = int16(w + 1)
			}
			at++
		}
		for s := 0; s+quoteWords <= len(m.words[i]); s++ {
			w := strings.Join(m.words[i][s:s+quoteWords], " ")
			if o, ok := owner[w]; ok && o != i {
				owner[w] = -1
			} else if !ok {
				owner[w] = i
			}
		}
	}
	for i := range m.words {
		ws := m.words[i]
		m.good[i] = make([]bool, len(ws))
		for s := 0; s+quoteWords <= len(ws); s++ {
			content := 0
			for _, w := range ws[s : s+quoteWords] {
				if _, ok := fw[w]; !ok && len(w) >= 4 && !boilerplate[w] {
					content++
				}
			}
			m.good[i][s] = content >= 2 && owner[strings.Join(ws[s:s+quoteWords], " ")] == i
		}
	}
	return m
}

// seeds lists the automaton patterns for quotes.
func (m *quoteModel) seeds() map[string][]seedRef {
	out := map[string][]seedRef{}
	for n, ws := range m.words {
		for s := 0; s+seedWords <= len(ws); s += seedWords {
			k := strings.Join(ws[s:s+seedWords], " ")
			out[k] = append(out[k], seedRef{norm: int8(n), pos: int16(s)})
		}
		// The last words too, so that a quote ending the text is seeded
		// as densely as the rest.
		if len(ws) >= seedWords && len(ws)%seedWords != 0 {
			s := len(ws) - seedWords
			k := strings.Join(ws[s:], " ")
			out[k] = append(out[k], seedRef{norm: int8(n), pos: int16(s)})
		}
	}
	return out
}

// quoteHit is a verbatim run of a norm's text, in folded offsets, with the
// number of distinctive windows it covers.
type quoteHit struct {
	norm       int8
	start, end int
	windows    int
}

// extend grows a seed hit at folded [start, end) into the longest verbatim
// run of norm n's text and returns it; windows is 0 when the run has no
// distinctive window. Both texts are folded to single spaces, so a run
// is their longest common stretch of bytes cut back to the last word
// boundary both share.
func (m *quoteModel) extend(ft []byte, start, end int, ref seedRef) quoteHit {
	n := ref.norm
	ws, nt, after := m.words[n], m.text[n], m.after[n]
	// Forward: ft[end] is the space after the seed; j is the next word.
	j, q := int(ref.pos)+seedWords, end
	if j < len(ws) && q+1 < len(ft) {
		a, b := ft[q+1:], nt[m.starts[n][j]:]
		k := commonPrefix(a, b)
		switch {
		case k == len(b) && k < len(a) && a[k] == ' ':
			j, q = len(ws), q+1+k // the rest of the norm's text
		default:
			if x := bytes.LastIndexByte(b[:k], ' '); x >= 0 {
				j, q = int(after[m.starts[n][j]+x]), q+1+x
			}
		}
	}
	// Backward: ft[start-1] is the space before the seed; i is the
	// previous word.
	i, p := int(ref.pos)-1, start-1
	if i >= 0 && p > 0 {
		e := m.starts[n][i] + len(ws[i]) // end of word i in nt
		a, b := ft[:p], nt[:e]
		k := 0
		for k < len(a) && k < len(b) && a[len(a)-1-k] == b[len(b)-1-k] {
			k++
		}
		switch {
		case k == len(b) && k < len(a) && a[len(a)-1-k] == ' ':
			i, p = -1, p-k-1 // back to the norm's first word
		default:
			// the last space among the k bytes matched
			if x := bytes.IndexByte(b[len(b)-k:], ' '); x >= 0 {
				bp := len(b) - k + x // a space in nt
				i, p = int(after[bp])-1, p-(len(b)-bp)
			}
		}
	}
	h := quoteHit{norm: n, start: p + 1, end: q}
	for x := i + 1; x+quoteWords <= j; x++ {
		if m.good[n][x] {
			h.windows++
		}
	}
	return h
}

// commonPrefix is the length of the longest common prefix of a and b,
// compared eight bytes at a time: quotes run for hundreds of bytes.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	k := 0
	for ; k+8 <= n; k += 8 {
		if x := binary.LittleEndian.Uint64(a[k:]) ^ binary.LittleEndian.Uint64(b[k:]); x != 0 {
			return k + bits.TrailingZeros64(x)/8
		}
	}
	for k < n && a[k] == b[k] {
		k++
	}
	return k
}

// covered reports whether a run of norm n already recorded spans the
// seed hit [start, end): the seeds inside a quote then cost nothing more.
func covered(quotes []quoteHit, n int8, start, end int) bool {
	for _, q := range quotes {
		if q.norm == n && q.start <= start && end <= q.end {
			return true
		}
	}
	return false
}

// addQuote records h unless a run of the same norm overlapping it is at
// least as good. Runs without distinctive windows are kept too, so that
// covered skips their other seeds.
func addQuote(quotes []quoteHit, h quoteHit) []quoteHit {
	for k := range quotes {
		o := &quotes[k]
		if o.norm == h.norm && h.start < o.end && o.start < h.end {
			if h.windows > o.windows {
				*o = h
			}
			return quotes
		}
	}
	return append(quotes, h)
}

// appendQuoteEvidence appends norm n's runs to ev as evidence in the
// original text, and returns the number of distinctive windows they
// cover.
func appendQuoteEvidence(ev []corpus.Evidence, hits []quoteHit, n int8, f *folded, text string) (_ []corpus.Evidence, windows int) {
	for _, h := range hits {
		if h.norm != n || h.windows == 0 {
			continue
		}
		windows += h.windows
		s := int(f.offsets[h.start])
		e := int(endOfWord(text, int(f.offsets[h.end-1])))
		ev = append(ev, corpus.Evidence{Rule: "quote", Match: text[s:e], Start: s, End: e})
	}
	return ev, windows
}
