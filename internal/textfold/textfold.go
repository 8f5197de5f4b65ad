// Package textfold folds text for matching: lower case, the accents and
// other marks of Latin letters removed, and the Latin letters that have no
// decomposition (ß, æ, œ, ø, ł, đ, þ) spelled out in ASCII, so that
// "Cybersécurité" and "cybersecurite" compare equal. The other UN scripts
// fold too (Letter): ё as е, Arabic without harakat and tatweel and with
// its letter variants unified, Arabic-Indic and full-width digits as
// ASCII, traditional Chinese characters as simplified. It changes what is
// matched, never what is shown: callers keep the original for display.
package textfold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// spelled maps letters that Unicode does not decompose into a base letter
// and a mark to the ASCII a reader types for them.
var spelled = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'þ': "th", 'ı': "i",
}

// Fold returns s in lower case with the combining marks of Latin letters
// and Arabic removed (other scripts keep theirs: й is not и), and the
// letters of other scripts folded by Letter. ASCII input is only
// lower-cased, without allocating when it already is.
func Fold(s string) string {
	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			if 'A' <= s[i] && s[i] <= 'Z' {
				return strings.ToLower(s)
			}
		}
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	latinBase := false
	// Letter first, on whole letters: decomposed, ё would be е and a
	// diaeresis, and ؤ a waw and a hamza that would be dropped.
	pre := strings.Map(func(r rune) rune {
		if l, keep := Letter(r); keep {
			return l
		}
		return -1
	}, s)
	for _, r := range norm.NFD.String(pre) {
		if unicode.Is(unicode.Mn, r) {
			if latinBase {
				continue
			}
		} else {
			latinBase = unicode.Is(unicode.Latin, r) || unicode.Is(unicode.Arabic, r)
		}
		if IsPresentationForm(r) {
			b.WriteString(Presentation(r))
			continue
		}
		r = unicode.ToLower(r)
		if sp, ok := spelled[r]; ok {
			b.WriteString(sp)
			continue
		}
		b.WriteRune(r)
	}
	// Recompose what is left (Hangul, scripts whose marks are spacing),
	// so that the result is in the form text usually arrives in.
	return norm.NFC.String(b.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
