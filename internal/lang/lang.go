// Package lang tells English, French and Spanish text apart by counting
// frequent function words: cheap, deterministic, and good enough to choose
// a rule set for a paragraph of policy prose in the UN languages normtag
// has rules for.
package lang

import (
	"strings"
	"unicode"
)

// Languages with function-word lists, as ISO 639-1 codes.
const (
	English = "en"
	French  = "fr"
	Spanish = "es"
)

// Languages lists the codes Detect can return, in a fixed order that
// Counts uses as its index.
var Languages = [...]string{English, French, Spanish}

// Known reports whether code is one of Languages.
func Known(code string) bool { return Index(code) >= 0 }

// Index is code's position in Languages, or -1.
func Index(code string) int {
	for i, l := range Languages {
		if l == code {
			return i
		}
	}
	return -1
}

// functionWords are lowercase, accent-free words frequent in one language
// and rare in the other two. Words shared between them ("de", "la", "a",
// "en", "que") tell nothing and are left out.
var functionWords = map[string]string{
	"the": English, "and": English, "of": English, "to": English, "is": English, "that": English,
	"for": English, "with": English, "are": English, "be": English, "should": English, "this": English,
	"by": English, "which": English, "its": English, "their": English, "have": English, "from": English,
	"we": English, "our": English, "has": English, "was": English, "were": English, "not": English,
	"it": English, "on": English, "when": English, "can": English, "will": English, "been": English,

	"le": French, "les": French, "des": French, "et": French, "du": French, "une": French, "est": French,
	"pour": French, "dans": French, "qui": French, "sur": French, "au": French, "aux": French,
	"doivent": French, "ne": French, "pas": French, "leur": French, "leurs": French, "sont": French,
	"nous": French, "ces": French, "cette": French, "avec": French, "ont": French, "mais": French,
	"aussi": French, "entre": French, "autres": French, "vous": French, "devraient": French,

	"el": Spanish, "los": Spanish, "las": Spanish, "del": Spanish, "y": Spanish, "una": Spanish,
	"por": Spanish, "para": Spanish, "con": Spanish, "al": Spanish, "deben": Spanish, "su": Spanish,
	"sus": Spanish, "como": Spanish, "lo": Spanish, "esta": Spanish, "otros": Spanish,
	"otras": Spanish, "cuyas": Spanish, "cuyo": Spanish, "cuya": Spanish, "cuyos": Spanish,
	"sobre": Spanish, "este": Spanish, "estos": Spanish, "pero": Spanish, "tambien": Spanish,
	"deberian": Spanish, "mediante": Spanish, "nuestro": Spanish, "nuestra": Spanish,
}

// FunctionWords returns a copy of the word → language table, so that a
// caller scanning text anyway (the tagger's automaton) can count the words
// itself and call Counts.Best.
func FunctionWords() map[string]string {
	out := make(map[string]string, len(functionWords))
	for w, l := range functionWords {
		out[w] = l
	}
	return out
}

// Counts holds function-word counts, indexed like Languages.
type Counts [len(Languages)]int

// AddWord counts word (lowercase, accent-free) if it is a function word.
func (c *Counts) AddWord(word string) {
	if l, ok := functionWords[word]; ok {
		c[Index(l)]++
	}
}

// MinEvidence is how many function words a text needs before its counts
// are trusted over a hint: one "the" in a French title says little.
const MinEvidence = 2

// Decided reports whether the counts are enough to tell a language.
func (c Counts) Decided() bool {
	for _, k := range c {
		if k >= MinEvidence {
			return true
		}
	}
	return false
}

// Best returns the language with the most function words, or hint (and
// failing that English) when the text has too few to tell. Ties go to the
// earlier language in Languages.
func (c Counts) Best(hint string) string {
	best, n := -1, 0
	for i, k := range c {
		if k > n {
			best, n = i, k
		}
	}
	if n < MinEvidence {
		if hint != "" {
			return hint
		}
		return English
	}
	return Languages[best]
}

// Detect guesses text's language: English, French or Spanish, or hint
// (English when hint is empty) when the text is too short to tell.
func Detect(text, hint string) string {
	var c Counts
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) <= 7 {
			c.AddWord(strings.ToLower(w))
		}
	}
	return c.Best(hint)
}
