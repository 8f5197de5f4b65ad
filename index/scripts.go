package index

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/normtag/normtag/internal/lang"
)

// scriptFilter is the token filter that stems each word by its script.
const scriptFilter = "normtag_script_stems"

func init() {
	err := registry.RegisterTokenFilter(scriptFilter, func(_ map[string]any, cache *registry.Cache) (analysis.TokenFilter, error) {
		named := func(names ...string) ([]analysis.TokenFilter, error) {
			var out []analysis.TokenFilter
			for _, n := range names {
				f, err := cache.TokenFilterNamed(n)
				if err != nil {
					return nil, err
				}
				out = append(out, f)
			}
			return out, nil
		}
		var s scriptStems
		var err error
		if s.latin, err = named(en.StopName, porter.Name); err != nil {
			return nil, err
		}
		// Stemming a word is the dearest step of analysing it, and a
		// corpus repeats its words: each is stemmed once.
		s.latin[1] = &stemMemo{stem: s.latin[1], stems: map[string][]byte{}}
		if s.arabic, err = named(ar.NormalizeName, ar.StopName, ar.StemmerName); err != nil {
			return nil, err
		}
		if s.russian, err = named(ru.StopName, ru.SnowballStemmerName); err != nil {
			return nil, err
		}
		return &s, nil
	})
	if err != nil {
		panic(err) // only a second filter of the same name fails
	}
}

// scriptStems drops the stop words of a word's language and stems it,
// chosen by the word's script, so that one text field serves passages in
// every language and a query is analysed the same way: Latin words with
// the English stop words and Porter stemmer (as before: English, French
// and Spanish share it), Arabic words with bleve's Arabic normaliser,
// stop words and light stemmer (prefixes ال و ب ل, suffixes), Cyrillic
// words with the Russian stop words and Snowball stemmer. Chinese comes
// as bigrams of characters (cjk_bigram, earlier in the chain) and is
// left as it is. Runs of words of one script go through their chain
// together, so English text costs what it did.
type scriptStems struct {
	latin, arabic, russian []analysis.TokenFilter
}

func (s *scriptStems) Filter(in analysis.TokenStream) analysis.TokenStream {
	if len(in) == 0 {
		return in
	}
	first := s.chain(in[0].Term)
	one := true
	for _, t := range in[1:] {
		if !sameChain(s.chain(t.Term), first) {
			one = false
			break
		}
	}
	if one { // text in one script, the common case: no copying
		for _, f := range first {
			in = f.Filter(in)
		}
		return in
	}
	out := in[:0]
	for i := 0; i < len(in); {
		chain := s.chain(in[i].Term)
		j := i + 1
		for j < len(in) && sameChain(s.chain(in[j].Term), chain) {
			j++
		}
		// The run is copied out: filters shorten the stream they get,
		// and out shares in's array.
		run := append(analysis.TokenStream(nil), in[i:j]...)
		for _, f := range chain {
			run = f.Filter(run)
		}
		out = append(out, run...)
		i = j
	}
	return out
}

func (s *scriptStems) chain(term []byte) []analysis.TokenFilter {
	r, _ := utf8.DecodeRune(term)
	switch lang.Script(r) {
	case lang.Index(lang.Arabic):
		return s.arabic
	case lang.Index(lang.Russian):
		return s.russian
	case lang.Index(lang.Chinese):
		return nil
	}
	return s.latin
}

func sameChain(a, b []analysis.TokenFilter) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
