package tag

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// folded is text prepared for matching: lower case, accents removed, and
// every run of characters other than letters and digits replaced by one
// space, so that "Critical-Infrastructure" and "critical infrastructure"
// read alike. It starts and ends with a space, so that patterns written
// " word " match whole words only, inside the automaton. offsets maps each
// byte of text back to the original.
type folded struct {
	text    []byte
	offsets []int32 // len(text)+1 entries
}

// asciiTable folds an ASCII byte: lower-case letters and digits, 0 for
// everything else (a word separator).
var asciiTable = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c] = c
		t[c-'a'+'A'] = c
	}
	return t
}()

// fold prepares s for matching, reusing buf's storage.
func fold(s string, buf *folded) {
	text := buf.text[:0]
	offs := buf.offsets[:0]
	if need := len(s) + 2; cap(text) < need {
		text = make([]byte, 0, need+need/8)
		offs = make([]int32, 0, need+need/8+1)
	}
	text = append(text, ' ')
	offs = append(offs, 0)
	space := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if f := asciiTable[c]; f != 0 {
				text = append(text, f)
				offs = append(offs, int32(i))
				space = false
			} else if !space {
				text = append(text, ' ')
				offs = append(offs, int32(i))
				space = true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\u00ad': // soft hyphen: invisible
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if a, ok := asciiFold(r); ok {
				for j := 0; j < len(a); j++ {
					text = append(text, a[j])
					offs = append(offs, int32(i))
				}
			} else {
				lr := unicode.ToLower(r)
				var tmp [4]byte
				n := utf8.EncodeRune(tmp[:], lr)
				for j := 0; j < n; j++ {
					text = append(text, tmp[j])
					offs = append(offs, int32(i))
				}
			}
			space = false
		case unicode.IsMark(r):
			// combining accent: drop
		default:
			if !space {
				text = append(text, ' ')
				offs = append(offs, int32(i))
				space = true
			}
		}
		i += size
	}
	if !space {
		text = append(text, ' ')
		offs = append(offs, int32(len(s)))
	}
	offs = append(offs, int32(len(s)))
	buf.text, buf.offsets = text, offs
}

// foldString is fold for patterns and tests, without the framing spaces.
func foldString(s string) string {
	var f folded
	fold(s, &f)
	return strings.TrimSpace(string(f.text))
}

// asciiFold maps Latin letters with diacritics (and ligatures) to ASCII.
func asciiFold(r rune) (string, bool) {
	if r < 0xC0 || r > 0x24F {
		switch r {
		case 'ﬁ':
			return "fi", true
		case 'ﬂ':
			return "fl", true
		case 'ﬀ':
			return "ff", true
		}
		return "", false
	}
	s, ok := latinFold[unicode.ToLower(r)]
	return s, ok
}

var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u",
	'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'œ': "oe", 'ß': "ss",
	'ā': "a", 'ă': "a", 'ą': "a", 'ć': "c", 'č': "c", 'ď': "d", 'đ': "d", 'ē': "e",
	'ė': "e", 'ę': "e", 'ě': "e", 'ğ': "g", 'ī': "i", 'į': "i", 'ı': "i", 'ł': "l",
	'ń': "n", 'ň': "n", 'ō': "o", 'ő': "o", 'ř': "r", 'ś': "s", 'ş': "s", 'š': "s",
	'ţ': "t", 'ť': "t", 'ū': "u", 'ů': "u", 'ű': "u", 'ų': "u", 'ź': "z", 'ż': "z", 'ž': "z",
}
