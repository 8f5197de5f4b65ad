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
	acronyms, lowered := textWordCases(doc)
	words := strings.Fields(t)
	sentence := romanceTitle(words)
	for i, w := range words {
		lower := strings.ToLower(w)
		core := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		switch {
		case acronyms[core]:
		case i > 0 && smallWords[lower] && !strings.HasSuffix(words[i-1], ":"):
			words[i] = lower
		case i > 0 && sentence && lowered[strings.ToLower(core)] && !strings.HasSuffix(words[i-1], ":"):
			words[i] = lower
		default:
			words[i] = capitaliseWord(lower)
		}
	}
	return strings.Join(words, " ")
}

// englishSmall are the small words of English titles; the others of
// smallWords are French and Spanish.
var englishSmall = map[string]bool{"a": true, "an": true, "the": true, "and": true, "or": true, "nor": true, "but": true, "of": true, "for": true, "in": true, "on": true, "at": true, "to": true, "by": true, "with": true, "from": true, "as": true, "via": true}

// romanceTitle reports a title whose small words are French or Spanish
// and none English: such titles capitalise their first word and proper
// nouns only ("Appel de Paris pour la confiance et la sécurité").
func romanceTitle(words []string) bool {
	romance := 0
	for _, w := range words {
		l := strings.ToLower(w)
		if englishSmall[l] {
			return false
		}
		if smallWords[l] {
			romance++
		}
	}
	return romance > 0
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

// textWordCases reads how the document's text writes its words, in lines
// of mixed case on its first pages: acronyms are the words of two to six
// letters it writes in capitals; lowered are the words it writes in lower
// case more often than capitalised (common nouns, not names).
func textWordCases(doc *corpus.Document) (acronyms, lowered map[string]bool) {
	acronyms = map[string]bool{}
	lower, capital := map[string]int{}, map[string]int{}
	for i, p := range doc.Pages {
		if i >= 5 {
			break
		}
		for _, line := range strings.Split(p.Text, "\n") {
			if allCaps(line) {
				continue // a heading in capitals says nothing of its words
			}
			for _, w := range strings.FieldsFunc(line, func(r rune) bool { return !unicode.IsLetter(r) }) {
				l := strings.ToLower(w)
				switch {
				case l == w:
					lower[l]++
				case strings.ToUpper(w) == w:
					if n := len([]rune(w)); n >= 2 && n <= 6 {
						acronyms[w] = true
					}
				default:
					capital[l]++
				}
			}
		}
	}
	lowered = map[string]bool{}
	for w, n := range lower {
		if n > capital[w] {
			lowered[w] = true
		}
	}
	return acronyms, lowered
}
