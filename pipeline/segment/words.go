package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the word and case tests that run on every line of a
// document. They give what strings.Fields and strings.ToLower would, but
// without building the slices and strings those return: segmenting costs
// a share of each ingest, and most of it went to such copies.

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// nextField returns the first field of s at or after byte i, as
// strings.Fields splits (around runs of unicode.IsSpace; an invalid byte
// is no space), and the byte after it; ok is false when only spaces
// remain.
func nextField(s string, i int) (field string, end int, ok bool) {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return "", i, false
	}
	start := i
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiSpace[c] {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return s[start:i], i, true
}

// countFields is len(strings.Fields(s)), counting no further than limit+1
// so that a long line costs no more than a short one to rule out.
func countFields(s string, limit int) int {
	n := 0
	for i := 0; n <= limit; n++ {
		var ok bool
		if _, i, ok = nextField(s, i); !ok {
			break
		}
	}
	return n
}

// appendFields appends the fields of s (strings.Fields) to dst, at most
// limit of them; callers pass a slice backed by an array of their own so
// that nothing is allocated.
func appendFields(dst []string, s string, limit int) []string {
	for i, n := 0, 0; n < limit; n++ {
		f, end, ok := nextField(s, i)
		if !ok {
			break
		}
		dst, i = append(dst, f), end
	}
	return dst
}

// lastField is the last of strings.Fields(s), or "" when s is all
// spaces.
func lastField(s string) string {
	last := ""
	for i := 0; ; {
		f, end, ok := nextField(s, i)
		if !ok {
			return last
		}
		last, i = f, end
	}
}

// appendLower appends strings.ToLower(s) to dst: each rune lower-cased,
// an invalid byte written as U+FFFD.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

// hasLowerPrefix reports strings.HasPrefix(strings.ToLower(s), prefix),
// lower-casing only as much of s as prefix needs.
func hasLowerPrefix(s, prefix string) bool {
	i := 0
	for _, p := range prefix {
		if i == len(s) {
			return false
		}
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.ToLower(r) != p {
			return false
		}
		i += size
	}
	return true
}

// containsASCIIFold reports whether strings.ToLower(s) contains pat, for
// pat of lower-case ASCII letters other than i and k. Only ASCII letters
// lower-case to those (U+0130 lowers to i and the Kelvin sign to k), so a
// byte comparison that ignores ASCII case decides it. It looks for pat's
// last letter, in either case, with strings.IndexByte, and compares the
// bytes before each one found.
func containsASCIIFold(s, pat string) bool {
	last := len(pat) - 1
	for _, c := range [2]byte{pat[last], pat[last] - ('a' - 'A')} {
		for i := last; i < len(s); i++ {
			k := strings.IndexByte(s[i:], c)
			if k < 0 {
				break
			}
			i += k
			if equalASCIIFold(s[i-last:i], pat[:last]) {
				return true
			}
		}
	}
	return false
}

// equalASCIIFold reports whether s is pat, lower-case ASCII letters, in
// any case.
func equalASCIIFold(s, pat string) bool {
	for j := range len(pat) {
		if s[j]|0x20 != pat[j] {
			return false
		}
	}
	return true
}
