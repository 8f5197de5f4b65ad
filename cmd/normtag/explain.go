package main

import (
	"io"

	"github.com/normtag/normtag/pipeline/tag"
)

// writeExplanation prints the tagger's account of a text: per norm, the
// rules that fired and how the score was reached.
func writeExplanation(w io.Writer, tagger *tag.Tagger, text string) {
	tagger.Explain(text).WriteText(w)
}
