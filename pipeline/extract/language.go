package extract

import (
	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lang"
)

// settleLanguage makes the document's "language" the language its text
// is in when the file declares another: a word processor writes its
// own or its user's default (a French ministry's Word writes fr-FR
// into the English version of a declaration), and a citation or a
// language filter must show what a reader finds. The declaration is
// kept under "file_language". A text too short to tell leaves the
// declaration alone.
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
	doc.Meta["file_language"] = declared
	doc.Meta["language"] = code
}
