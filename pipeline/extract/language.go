package extract

import (
	"strings"
	"unicode"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/internal/textfold"
)

// settleLanguage makes the document's "language" the language its text
// is in when the file declares another: a word processor writes its
// own or its user's default (a French ministry's Word writes fr-FR
// into the English version of a declaration), and a citation or a
// language filter must show what a reader finds. The declaration is
// kept under "file_language". A text too short to tell, or in none of
// lang.Languages (placeholder Latin, whose "et" and "est" pass for
// French), leaves the declaration alone.
func settleLanguage(doc *corpus.Document) {
	declared := doc.Meta["language"]
	if declared == "" {
		return
	}
	code, ok := lang.OfDocument(func(yield func(string) bool) {
		for _, p := range doc.Pages {
			if !yield(p.Text) {
				return
			}
		}
	})
	if !ok || lang.Normalize(declared) == code {
		return
	}
	// Arabic, Russian and Chinese are told by their scripts, beyond
	// doubt; the languages in Latin letters by their words, which must
	// then be plain.
	latin := code == lang.English || code == lang.French || code == lang.Spanish
	if latin && !functionWordsSay(doc, code) {
		return
	}
	doc.Meta["file_language"] = declared
	doc.Meta["language"] = code
}

// functionWordsSay reports whether the text's function words show code
// beyond doubt: at least 20 of them, a tenth of its words or more, and
// twice as many as those of any other language. Running text in English,
// French or Spanish is a third function words; Latin filler and lists of
// names are a few percent.
func functionWordsSay(doc *corpus.Document, code string) bool {
	var c lang.Counts
	words := 0
	for _, p := range doc.Pages {
		for _, w := range strings.FieldsFunc(textfold.Fold(p.Text), func(r rune) bool { return !unicode.IsLetter(r) }) {
			words++
			c.AddWord(w)
		}
	}
	want := lang.Index(code)
	if want < 0 || c[want] < 20 || c[want]*10 < words {
		return false
	}
	for i, n := range c {
		if i != want && 2*n > c[want] {
			return false
		}
	}
	return true
}
