package index

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// tokensText describes a token stream fully: term, offsets, position, type.
func tokensText(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%q[%d:%d]@%d/%d ", t.Term, t.Start, t.End, t.Position, t.Type)
	}
	return b.String()
}

// sameTokens fails t when the word tokenizer and bleve's unicode tokenizer
// split text differently, and says whether the word tokenizer's own pass
// took it.
func sameTokens(t *testing.T, text string) bool {
	t.Helper()
	want := tokensText(unicode.NewUnicodeTokenizer().Tokenize([]byte(text)))
	got := tokensText(wordTokenizer{fallback: unicode.NewUnicodeTokenizer()}.Tokenize([]byte(text)))
	if got != want {
		t.Fatalf("%q: unicode tokenizer %s, word tokenizer %s", text, want, got)
	}
	_, own := splitWords([]byte(text))
	return own
}

// TestWordTokenizerMatchesUnicode proves the word tokenizer's own pass
// splits as bleve's unicode tokenizer does: every string of up to four
// characters of an alphabet holding each class (and characters it must
// hand over), every ASCII character between letters, digits and
// underscores, random strings, and the lines of the shared texts.
func TestWordTokenizerMatchesUnicode(t *testing.T) {
	alphabet := []string{"a", "Z", "0", "9", "_", ".", ",", ";", ":", "'", " ", "-", "\n", "’", "‘", "•", "“", "é", "\u00ad", "\u00b7", "中"}
	var all func(prefix string, n int)
	own := 0
	all = func(prefix string, n int) {
		if sameTokens(t, prefix) {
			own++
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			all(prefix+c, n-1)
		}
	}
	all("", 4)
	if own < 10000 {
		t.Fatalf("only %d strings took the word tokenizer's own pass", own)
	}
	for c := 0; c < 128; c++ {
		for _, ctx := range []string{"a", "1", "_", "ab", "12"} {
			for _, ctx2 := range []string{"b", "2", "_", "cd", "34"} {
				sameTokens(t, ctx+string(rune(c))+ctx2)
				sameTokens(t, string(rune(c))+ctx+string(rune(c)))
			}
		}
	}
	for r := range punctuationClasses {
		for _, ctx := range []string{"a", "1", "_"} {
			for _, ctx2 := range []string{"b", "2", "_"} {
				if !sameTokens(t, ctx+string(r)+ctx2) {
					t.Fatalf("%q not handled by the word tokenizer's own pass", r)
				}
			}
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	pieces := append(alphabet, "word", "State’s", "U.S.", "1,000.5", "e.g.", "norm:g", "__x__", "\t", "\r\n", "—", "…", "\u00a0")
	for range 20000 {
		var b strings.Builder
		for range rnd.IntN(12) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		sameTokens(t, b.String())
	}
	lines := 0
	for _, text := range sharedTexts(t) {
		for _, line := range strings.Split(text, "\n") {
			sameTokens(t, line)
			lines++
		}
		sameTokens(t, text)
	}
	t.Logf("%d lines compared", lines)
}

// sharedTexts reads the shared labeled texts and the examples' sources,
// when present.
func sharedTexts(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"../../shared/labeled/*.txt", "../examples/src/*"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Log("no shared or example texts found: only the sample strings compared")
	}
	var texts []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	return texts
}

// TestTextAnalysisForIndexingMatchesMapping proves that what documents
// are analysed with (the word tokenizer, the bigram filter skipped
// without ideographs, stems remembered) makes the terms bleve's own
// components make: the unicode tokenizer, the bigram filter on every
// stream, Porter's stemmer on every word. Each text is analysed twice,
// the second time from remembered stems.
func TestTextAnalysisForIndexingMatchesMapping(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	mapped, ok := m.AnalyzerNamed(textAnalyzer).(*analysis.DefaultAnalyzer)
	if !ok {
		t.Fatalf("text analyser is a %T", m.AnalyzerNamed(textAnalyzer))
	}
	fast := indexingAnalyzer(mapped)
	if fast == analysis.Analyzer(mapped) {
		t.Fatal("the text analyser's tokenizer was not replaced")
	}
	// The reference: the mapping's analyser with Porter's stemmer itself
	// in place of the memo.
	ref := *mapped
	ref.TokenFilters = slices.Clone(mapped.TokenFilters)
	stems, ok := ref.TokenFilters[len(ref.TokenFilters)-1].(*scriptStems)
	if !ok {
		t.Fatalf("last filter is a %T", ref.TokenFilters[len(ref.TokenFilters)-1])
	}
	plain := *stems
	memo, ok := plain.latin[1].(*stemMemo)
	if !ok {
		t.Fatalf("Latin stemmer is a %T", plain.latin[1])
	}
	plain.latin = []analysis.TokenFilter{plain.latin[0], memo.stem}
	ref.TokenFilters[len(ref.TokenFilters)-1] = &plain
	texts := append([]string{
		"The State’s obligations under the U.S.-EU framework, e.g. Article 2.4, apply to 1,000.5 “critical” systems — ICT_supply chains…",
		"La cybersécurité des hôpitaux est une priorité de l'État.", "Les États’ rapports", "网络安全 and Cybersecurity",
		"Кибербезопасность государств", "الأمن السيبراني", "",
	}, sharedTexts(t)...)
	var lines []string
	for _, text := range texts {
		lines = append(lines, strings.Split(text, "\n")...)
	}
	for round := range 2 {
		for _, text := range append(texts, lines...) {
			want := tokensText(ref.Analyze([]byte(text)))
			if got := tokensText(fast.Analyze([]byte(text))); got != want {
				t.Fatalf("round %d, %q: bleve's components %s, for indexing %s", round, text, want, got)
			}
		}
	}
	if len(memo.stems) < 100 {
		t.Fatalf("only %d stems remembered", len(memo.stems))
	}
}

// The stem memo stays within its bound and gives the stemmer's stems
// after it forgets.
func TestStemMemoBounded(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	memo := m.AnalyzerNamed(textAnalyzer).(*analysis.DefaultAnalyzer).TokenFilters[3].(*scriptStems).latin[1].(*stemMemo)
	for i := range memoStems + 500 {
		word := fmt.Sprintf("running%dings", i%(memoStems+100))
		tok := &analysis.Token{Term: []byte(word)}
		memo.Filter(analysis.TokenStream{tok})
		want := &analysis.Token{Term: []byte(word)}
		memo.stem.Filter(analysis.TokenStream{want})
		if string(tok.Term) != string(want.Term) {
			t.Fatalf("%s: remembered %s, stemmed %s", word, tok.Term, want.Term)
		}
		if len(memo.stems) > memoStems {
			t.Fatalf("%d stems remembered, bound %d", len(memo.stems), memoStems)
		}
	}
}
