package tag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/internal/textfold"
)

// folded is text prepared for matching: lower case, accents removed, and
// every run of characters other than letters and digits replaced by one
// space, so that "Critical-Infrastructure" and "critical infrastructure"
// read alike. Other scripts fold by textfold.Letter (ё, Arabic letter
// variants, Arabic-Indic and full-width digits, traditional Chinese), and
// every Chinese character stands between spaces as a word of its own. It starts and ends with a space, so that patterns written
// " word " match whole words only, inside the automaton. offsets maps each
// byte of text back to the original.
type folded struct {
	text    []byte
	offsets []int32 // len(text)+1 entries
	// scripts counts the bytes of Arabic, Cyrillic and Han letters, for
	// telling the passage's language.
	scripts lang.ScriptBytes
}

// asciiSpaced is lang.ASCIIWordFold with a space for every separator, as the
// folded text writes it.
var asciiSpaced = func() (t [utf8.RuneSelf]byte) {
	for c, f := range lang.ASCIIWordFold {
		t[c] = f
		if f == 0 {
			t[c] = ' '
		}
	}
	return t
}()

// fold prepares s for matching, reusing buf's storage. Output is
// written by index into buffers sized for the worst case (a rune's folded
// form is at most twice its UTF-8 length), which keeps the per-byte loop
// free of append's capacity checks.
//
// The loop over ASCII bytes has no branch that depends on the text:
// words end every few bytes, too irregularly for branch prediction, and
// a mispredicted branch per word cost more than the folding itself. A
// separator is written whether or not it repeats one, and the next byte
// overwrites it when it does.
func fold(s string, buf *folded) {
	need := 2*len(s) + 2
	if cap(buf.text) < need || cap(buf.offsets) < need+1 {
		buf.text = make([]byte, need+need/8)
		buf.offsets = make([]int32, need+need/8+1)
	}
	text := buf.text[:need]
	offs := buf.offsets[:need+1]
	text[0], offs[0] = ' ', 0
	buf.scripts = lang.ScriptBytes{}
	n := 1
	space := 1 // the last byte written is a space
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			f := asciiSpaced[c]
			sp := b2i(f == ' ')
			text[n], offs[n] = f, int32(i)
			n += 1 - sp&space // a separator after a space is overwritten
			space = sp
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var tmp [2 * utf8.UTFMax]byte
		k := 0
		if r >= 0x400 {
			buf.scripts.Add(r, size)
			if textfold.IsPresentationForm(r) {
				// A shaped Arabic letter or ligature: its base letters,
				// when they fit the worst case the buffers are sized for.
				if p := textfold.Presentation(r); p != "" && len(p) <= 2*size {
					k = copy(tmp[:], p)
					space = 0
				}
				goto write
			}
			var keep bool
			if r, keep = textfold.Letter(r); !keep {
				goto write // tatweel
			}
			if r < utf8.RuneSelf { // a full-width or Arabic-Indic digit, a full-width letter
				if f := lang.ASCIIWordFold[r]; f != 0 {
					tmp[0], k = f, 1
					space = 0
				} else if space == 0 {
					tmp[0], k = ' ', 1
					space = 1
				}
				goto write
			}
			if r >= 0x2E80 && unicode.Is(unicode.Han, r) {
				// Chinese has no spaces between words: each character is
				// a word of its own, so that phrases (folded alike) match
				// as character sequences wherever they occur.
				if space == 0 {
					tmp[k] = ' '
					k++
				}
				k += utf8.EncodeRune(tmp[k:], r)
				tmp[k] = ' '
				k++
				space = 1
				goto write
			}
		}
		switch {
		case r == '\u00ad': // soft hyphen: invisible
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if a, ok := asciiFold(r); ok {
				k = copy(tmp[:], a)
			} else {
				k = utf8.EncodeRune(tmp[:], unicode.ToLower(r))
			}
			space = 0
		case unicode.IsMark(r):
			// combining accent: drop
		default:
			if space == 0 {
				tmp[0], k = ' ', 1
				space = 1
			}
		}
	write:
		for _, b := range tmp[:k] {
			text[n], offs[n] = b, int32(i)
			n++
		}
		i += size
	}
	if space == 0 {
		text[n], offs[n] = ' ', int32(len(s))
		n++
	}
	offs[n] = int32(len(s))
	buf.text, buf.offsets = text[:n], offs[:n+1]
}

// b2i is 1 for true and 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
