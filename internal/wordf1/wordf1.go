// Package wordf1 scores extracted text against a reference by word-level
// F1 over multisets of lower-cased words, the measure used to compare
// normtag's PDF extraction with poppler's and with source texts.
package wordf1

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Words splits text into lower-cased words of letters and digits, after
// NFKC (so ligatures count as their letters).
func Words(text string) []string {
	text = norm.NFKC.String(text)
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Score returns precision, recall and F1 of got against want.
func Score(got, want string) (precision, recall, f1 float64) {
	return ScoreWords(Words(got), Words(want))
}

// ScoreWords returns precision, recall and F1 of the words g against the
// words w, for callers that split text their own way (Chinese by
// character, say).
func ScoreWords(g, w []string) (precision, recall, f1 float64) {
	if len(g) == 0 && len(w) == 0 {
		return 1, 1, 1
	}
	counts := map[string]int{}
	for _, x := range w {
		counts[x]++
	}
	common := 0
	for _, x := range g {
		if counts[x] > 0 {
			counts[x]--
			common++
		}
	}
	if len(g) > 0 {
		precision = float64(common) / float64(len(g))
	}
	if len(w) > 0 {
		recall = float64(common) / float64(len(w))
	}
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	return
}
