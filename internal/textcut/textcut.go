// Package textcut shortens text for display without cutting words or
// UTF-8 characters in half.
package textcut

import (
	"strings"
	"unicode/utf8"
)

// Abbreviate returns s cut to at most about n bytes at a word boundary,
// with an ellipsis when something was cut.
func Abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + "…"
}

// Runes returns s cut to at most n runes, the last of them an ellipsis
// when something was cut. Values that come from files (titles, authors,
// file names) go through it before they are stored or served, so that a
// megabyte <title> costs a kilobyte everywhere after.
func Runes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n { // bytes >= runes: nothing to count
		return s
	}
	count := 0
	for i := range s {
		if count == n-1 {
			if utf8.RuneCountInString(s[i:]) <= 1 {
				return s
			}
			return s[:i] + "…"
		}
		count++
	}
	return s
}
