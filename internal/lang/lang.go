// Package lang tells the six official UN languages apart: Arabic, Russian
// and Chinese by their script, then English, French and Spanish by
// counting frequent function words. Cheap, deterministic, and good enough
// to choose a rule set and an analyser for a paragraph of policy prose.
package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The six languages, as ISO 639-1 codes. English, French and Spanish
// share the Latin script and are told apart by function words; the
// others by their script.
const (
	English = "en"
	French  = "fr"
	Spanish = "es"
	Arabic  = "ar"
	Russian = "ru"
	Chinese = "zh"
)

// Languages lists the codes Detect can return, in a fixed order that
// Counts and ScriptBytes use as their index.
var Languages = [...]string{English, French, Spanish, Arabic, Russian, Chinese}

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
// earlier language in Languages. It looks at words only: Decide puts the
// script first.
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

// ScriptBytes counts the UTF-8 bytes of a text's letters in the scripts
// that name a language (Arabic, Cyrillic, Han), indexed like Languages;
// the Latin entries stay zero.
type ScriptBytes [len(Languages)]int

// Script is the index in Languages of the language r's script names
// (Arabic, Russian for Cyrillic, Chinese for Han), or -1 for Latin,
// digits, punctuation and every other script.
func Script(r rune) int {
	switch {
	case r < 0x400:
		return -1
	case r <= 0x52F:
		return 4 // Cyrillic
	case 0x600 <= r && r <= 0x6FF, 0x750 <= r && r <= 0x77F, 0x8A0 <= r && r <= 0x8FF,
		0xFB50 <= r && r <= 0xFDFF, 0xFE70 <= r && r <= 0xFEFF:
		return 3 // Arabic, with its presentation forms
	case r >= 0x2E80 && unicode.Is(unicode.Han, r):
		return 5
	}
	return -1
}

// Add counts the letter r, of UTF-8 length size.
func (s *ScriptBytes) Add(r rune, size int) {
	if i := Script(r); i >= 0 {
		s[i] += size
	}
}

// MinScriptShare is the part of a text's bytes that letters of one
// script must make up for the script to decide its language: enough that
// a Russian name or a Chinese title quoted in English prose does not, low
// enough that Arabic prose full of "ICT", "CERT" and numbers still does.
const MinScriptShare = 0.3

// Decide returns the language of a text of total bytes: the language of
// its script when Arabic, Cyrillic or Han letters make up at least
// MinScriptShare of it, else what its function words say (Counts.Best).
func Decide(s ScriptBytes, total int, c Counts, hint string) string {
	best, n := -1, 0
	for i, k := range s {
		if k > n {
			best, n = i, k
		}
	}
	if best >= 0 && float64(n) >= MinScriptShare*float64(total) {
		return Languages[best]
	}
	// A short Latin line (a name, "ICT") in an Arabic document takes
	// the document's language: Best returns the hint without evidence.
	return c.Best(hint)
}

// DecidedBy reports whether Decide's answer comes from the text itself
// (its script or enough function words) rather than from the hint.
func DecidedBy(s ScriptBytes, total int, c Counts) bool {
	for _, k := range s {
		if k > 0 && float64(k) >= MinScriptShare*float64(total) {
			return true
		}
	}
	return c.Decided()
}

// Detect guesses text's language: by script first (Arabic, Russian,
// Chinese), then by function words (English, French, Spanish), or hint
// (English when hint is empty) when the text is too short to tell.
func Detect(text, hint string) string {
	var c Counts
	var s ScriptBytes
	// One pass, no allocation: words are lower-cased into buf, and only
	// words short enough to be function words are looked up.
	var buf [7]byte
	n, long := 0, false
	flush := func() {
		if n > 0 && !long {
			if l, ok := functionWords[string(buf[:n])]; ok { // no allocation
				c[Index(l)]++
			}
		}
		n, long = 0, false
	}
	for i := 0; i < len(text); {
		if b := text[i]; b < utf8.RuneSelf {
			// ASCII, most of the text: a letter is lower-cased by one
			// bit, anything else ends a word.
			i++
			if b |= 0x20; b < 'a' || b > 'z' {
				flush()
				continue
			}
			if long || n == len(buf) {
				long = true
				continue
			}
			buf[n] = b
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r >= 0x400 {
			s.Add(r, utf8.RuneLen(r))
		}
		if !unicode.IsLetter(r) {
			flush()
			continue
		}
		r = unicode.ToLower(r)
		if long || r >= utf8.RuneSelf || n == len(buf) {
			// function words are short ASCII words: this one is not
			long = true
			continue
		}
		buf[n] = byte(r)
		n++
	}
	flush()
	return Decide(s, len(text), c, hint)
}

// Normalize turns a language as metadata writes it ("ru-RU", "AR",
// "zh-Hans", "Russian") into one of Languages, or "" when it is none.
func Normalize(code string) string {
	c := strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(c, "-_"); i > 0 {
		c = c[:i]
	}
	switch c {
	case "english", "eng":
		return English
	case "french", "francais", "français", "fra", "fre":
		return French
	case "spanish", "espanol", "español", "spa":
		return Spanish
	case "arabic", "ara":
		return Arabic
	case "russian", "rus":
		return Russian
	case "chinese", "zho", "chi":
		return Chinese
	}
	if Known(c) {
		return c
	}
	return ""
}

// MinDocumentPassage is the length in bytes from which a passage counts
// towards its document's language: shorter ones (headings, dates, names)
// say too little.
const MinDocumentPassage = 80

// maxDocumentPassages bounds the passages read to decide a document's
// language.
const maxDocumentPassages = 200

// OfDocument returns the language most of a document's long passages are
// in, among the first few hundred; texts yields the passages' texts in
// order. ok is false when no passage is long enough to tell, so the
// caller falls back on what the file declares, or a default. A file's
// declared language is not asked: word processors write their own
// default (LibreOffice's en-US) into Chinese and Arabic documents alike.
func OfDocument(texts func(yield func(string) bool)) (code string, ok bool) {
	var count [len(Languages)]int
	seen := 0
	for text := range texts {
		if seen++; seen > maxDocumentPassages {
			break
		}
		if len(text) >= MinDocumentPassage {
			if i := Index(Detect(text, "")); i >= 0 {
				count[i]++
			}
		}
	}
	best := -1
	for i, c := range count {
		if c > 0 && (best < 0 || c > count[best]) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return Languages[best], true
}

// ASCIIWordFold maps an ASCII byte to itself lower-cased when it is a
// letter or digit, and to 0 when it separates words: the tagger's folded
// text and MinHash's words read ASCII through it, a byte at a time.
var ASCIIWordFold = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c] = c
		t[c-'a'+'A'] = c
	}
	return t
}()
