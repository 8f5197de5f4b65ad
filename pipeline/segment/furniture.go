package segment

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// edgeLines is how many non-empty lines at the top and at the bottom of a
// page are candidates for running headers, footers and page numbers.
const edgeLines = 3

// appendFurnitureKey appends the shape shared by a running header or
// footer across pages to dst: the line case folded, digits and
// whitespace removed, so that "Page 3 of 12" and "Page 4 of 12" agree.
// The caller's buffer spares a string per edge line: a map lookup with
// string(key) does not copy.
func appendFurnitureKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			i++
			if '0' <= c && c <= '9' || asciiSpace[c] {
				continue
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r = unicode.ToLower(r); unicode.IsDigit(r) || unicode.IsSpace(r) {
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// edges returns the indexes of the first and last few non-empty lines,
// into idx (which has room for them).
func edges(lines []line, idx *[2 * edgeLines]int) []int {
	out := idx[:0]
	for i, n := 0, 0; i < len(lines) && n < edgeLines; i++ {
		if lines[i].text != "" {
			out = append(out, i)
			n++
		}
	}
	top := len(out)
	for i, n := len(lines)-1, 0; i >= 0 && n < edgeLines; i-- {
		if lines[i].text != "" {
			if !slices.Contains(out[:top], i) {
				out = append(out, i)
			}
			n++
		}
	}
	return out
}

// repeatedFurniture finds the keys of edge lines that recur on many pages:
// running headers and footers. Documents of one or two pages have none.
// pages holds each page's lines.
func repeatedFurniture(pages [][]line) map[string]bool {
	if len(pages) < 3 {
		return nil
	}
	count := map[string]int{}
	var idx [2 * edgeLines]int
	var keys [2 * edgeLines]string // this page's keys, counted once each
	var buf []byte
	for _, lines := range pages {
		seen := keys[:0]
		for _, i := range edges(lines, &idx) {
			buf = appendFurnitureKey(buf[:0], lines[i].text)
			if len(buf) == 0 || len(buf) > 200 {
				continue
			}
			k := string(buf)
			if slices.Contains(seen, k) {
				continue
			}
			seen = append(seen, k)
			count[k]++
		}
	}
	threshold := len(pages) / 2
	if threshold < 3 {
		threshold = 3
	}
	out := map[string]bool{}
	for k, n := range count {
		if n >= threshold {
			out[k] = true
		}
	}
	return out
}

// dropFurniture blanks edge lines that are running headers/footers or bare
// page numbers, keeping their byte ranges so offsets stay valid.
func dropFurniture(lines []line, furniture map[string]bool) {
	var idx [2 * edgeLines]int
	var buf [128]byte
	for _, i := range edges(lines, &idx) {
		t := lines[i].text
		if isPageNumber(t) || furniture[string(appendFurnitureKey(buf[:0], t))] {
			lines[i].text = ""
		}
	}
}

// isPageNumber recognises a line that is only a page number: "7", "- 7 -",
// "Page 7", "7 of 12", "7/12", "vii".
func isPageNumber(s string) bool {
	// Most lines fail pageNumberRunes: spare them the lower-cased copies.
	return pageNumberRunes(s) && pageNumberText(s)
}

// pageNumberText is isPageNumber's definition, without the quick test of
// the runes first.
func pageNumberText(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Trim(s, "-–—|[]() ")
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "page"), "p."))
	if s == "" {
		return false
	}
	for _, sep := range []string{" of ", "/", " de "} {
		if a, b, ok := strings.Cut(s, sep); ok {
			return allDigits(strings.TrimSpace(a)) && allDigits(strings.TrimSpace(b))
		}
	}
	return allDigits(s) || isRomanNumeral(s)
}

// pageNumberRunes reports whether s has only runes that may lower-case
// to those of a page number as isPageNumber reads it: digits, spaces,
// the dashes, bars and brackets around it, "page", "p.", " of ", "/",
// " de " and the roman numerals' i, v and x (U+0130 lower-cases to i).
// A line with any other rune is no page number.
func pageNumberRunes(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if !pageNumberASCII[r] {
				return false
			}
			continue
		}
		if r != '–' && r != '—' && r != '\u0130' && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// pageNumberASCII marks the ASCII bytes pageNumberRunes accepts, in
// either case.
var pageNumberASCII = func() (t [utf8.RuneSelf]bool) {
	for _, c := range "0123456789 \t\n\v\f\r-|[]()./pageofdivx" {
		t[c] = true
		if 'a' <= c && c <= 'z' {
			t[c-'a'+'A'] = true
		}
	}
	return t
}()

// isRomanNumeral accepts lower-case roman numerals up to xxxix, the range
// of front-matter page numbers.
func isRomanNumeral(s string) bool {
	rest := strings.TrimLeft(s, "x")
	if len(s)-len(rest) > 3 {
		return false
	}
	for _, unit := range []string{"ix", "iv", "viii", "vii", "vi", "v", "iii", "ii", "i"} {
		if rest == unit {
			return true
		}
	}
	return rest == "" && s != ""
}

func allDigits(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
