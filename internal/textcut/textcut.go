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
