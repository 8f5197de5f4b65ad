package tag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/normtag/normtag/internal/ahocorasick"
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

// fold prepares s for matching, reusing buf's storage. Output is
// written by index into buffers sized for the worst case (a rune's folded
// form is at most twice its UTF-8 length), which keeps the per-byte loop
// free of append's capacity checks.
func fold(s string, buf *folded) {
	foldMatch(s, buf, nil, nil)
}

// foldMatch is fold that also runs the automaton w over the folded bytes
// as it writes them, appending its matches to ms (ends in folded
// offsets, exclusive). Stepping the automaton waits on a table load per
// byte; folding in the same loop fills that wait with useful work. With
// a nil w it only folds.
func foldMatch(s string, buf *folded, w *ahocorasick.Walker, ms []ahocorasick.Match) []ahocorasick.Match {
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
	var st uint32
	if w != nil {
		st, _ = w.Step(0, ' ') // the leading space reports nothing
	}
	space := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			f := asciiTable[c]
			i++
			if f == 0 {
				if space {
					continue
				}
				f = ' '
			}
			space = f == ' '
			text[n], offs[n] = f, int32(i-1)
			n++
			if w != nil {
				var report bool
				if st, report = w.Step(st, f); report {
					ms = w.AppendOutputs(ms, st, n)
				}
			}
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
					space = false
				}
				goto write
			}
			var keep bool
			if r, keep = textfold.Letter(r); !keep {
				goto write // tatweel
			}
			if r < utf8.RuneSelf { // a full-width or Arabic-Indic digit, a full-width letter
				if f := asciiTable[r]; f != 0 {
					tmp[0], k = f, 1
					space = false
				} else if !space {
					tmp[0], k = ' ', 1
					space = true
				}
				goto write
			}
			if r >= 0x2E80 && unicode.Is(unicode.Han, r) {
				// Chinese has no spaces between words: each character is
				// a word of its own, so that phrases (folded alike) match
				// as character sequences wherever they occur.
				if !space {
					tmp[k] = ' '
					k++
				}
				k += utf8.EncodeRune(tmp[k:], r)
				tmp[k] = ' '
				k++
				space = true
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
			space = false
		case unicode.IsMark(r):
			// combining accent: drop
		default:
			if !space {
				tmp[0], k = ' ', 1
				space = true
			}
		}
	write:
		for _, b := range tmp[:k] {
			text[n], offs[n] = b, int32(i)
			n++
			if w != nil {
				var report bool
				if st, report = w.Step(st, b); report {
					ms = w.AppendOutputs(ms, st, n)
				}
			}
		}
		i += size
	}
	if !space {
		text[n], offs[n] = ' ', int32(len(s))
		n++
		if w != nil {
			if st, report := w.Step(st, ' '); report {
				ms = w.AppendOutputs(ms, st, n)
			}
		}
	}
	offs[n] = int32(len(s))
	buf.text, buf.offsets = text[:n], offs[:n+1]
	return ms
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
