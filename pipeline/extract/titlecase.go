package extract

import (
	"strings"
	"unicode"

	"github.com/normtag/normtag/corpus"
)

// smallWords stay in lower case inside a title: articles, conjunctions
// and short prepositions, in English, French and Spanish.
var smallWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "nor": true, "but": true, "of": true, "for": true, "in": true, "on": true, "at": true, "to": true, "by": true, "with": true, "from": true, "as": true, "via": true,
	"le": true, "la": true, "les": true, "l'": true, "un": true, "une": true, "et": true, "ou": true, "de": true, "du": true, "des": true, "d'": true, "à": true, "au": true, "aux": true, "pour": true, "sur": true, "dans": true, "par": true, "en": true, "avec": true,
	"el": true, "los": true, "las": true, "y": true, "o": true, "del": true, "al": true, "para": true, "por": true, "sobre": true, "con": true,
}

// prepositions open a phrase that completes a title rather than being
// one: a cover whose name is drawn as a logotype leaves "FOR TRUST AND
// SECURITY IN CYBERSPACE" or "POUR LA CONFIANCE ..." legible under it.
var prepositions = map[string]bool{"for": true, "on": true, "of": true, "to": true, "towards": true, "toward": true, "about": true, "against": true,
	"pour": true, "sur": true, "de": true, "du": true, "des": true, "vers": true, "contre": true,
	"para": true, "por": true, "sobre": true, "hacia": true, "contra": true, "del": true}

// startsWithPreposition reports a title that opens with one of
// prepositions: the subtitle of a name that is not there.
func startsWithPreposition(t string) bool {
	f := strings.Fields(t)
	return len(f) > 0 && prepositions[strings.ToLower(f[0])]
}

// allCaps reports a text whose letters, at least six, are all capitals.
func allCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		}
	}
	return n >= 6
}

// titleCase gives a title set in capitals, as covers set them, the case
// a citation shows: each word capitalised but the small ones, except the
// acronyms the document's text also writes in capitals ("ICT", "UN").
// A title in mixed case is the author's and is left alone.
func titleCase(t string, doc *corpus.Document) string {
	if !allCaps(t) || len(strings.Fields(t)) < 3 {
		return t
	}
	acronyms := textAcronyms(doc)
	words := strings.Fields(t)
	for i, w := range words {
		lower := strings.ToLower(w)
		core := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		switch {
		case acronyms[core]:
		case i > 0 && smallWords[lower] && !strings.HasSuffix(words[i-1], ":"):
			words[i] = lower
		default:
			words[i] = capitaliseWord(lower)
		}
	}
	return strings.Join(words, " ")
}

// capitaliseWord capitalises a lower-case word and each part of it after
// a hyphen or an apostrophe ("capacity-building" → "Capacity-Building").
func capitaliseWord(w string) string {
	rs := []rune(w)
	up := true
	for i, r := range rs {
		if up && unicode.IsLetter(r) {
			rs[i] = unicode.ToUpper(r)
			up = false
		}
		if r == '-' || r == '\'' || r == '’' {
			up = true
		}
	}
	return string(rs)
}

// textAcronyms are the words of two to six letters that the document's
// text writes in capitals inside lines of mixed case.
func textAcronyms(doc *corpus.Document) map[string]bool {
	out := map[string]bool{}
	for i, p := range doc.Pages {
		if i >= 5 {
			break
		}
		for _, line := range strings.Split(p.Text, "\n") {
			if allCaps(line) {
				continue // a heading in capitals says nothing of its words
			}
			for _, w := range strings.FieldsFunc(line, func(r rune) bool { return !unicode.IsLetter(r) }) {
				if n := len([]rune(w)); n >= 2 && n <= 6 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
					out[w] = true
				}
			}
		}
	}
	return out
}
