// Package termsafe makes text from files safe to print on a terminal.
//
// Titles, authors, file names and passages come from files anyone may
// have written: an escape sequence in a PDF title could move the cursor,
// rewrite earlier lines, set the window title or, on some terminals,
// answer back as if typed; a bidirectional override can make a line read
// differently from what it holds. Every value from a file goes through
// Line or Text on its way to a terminal.
package termsafe

import (
	"strings"
	"unicode"
)

// Line returns s for one line of output: tabs and line breaks become
// spaces, every other control character (C0, DEL, C1, which include ESC
// and CSI) and every bidirectional override or isolate is dropped.
func Line(s string) string { return clean(s, false) }

// Text returns s for multi-line output: like Line, but it keeps line
// breaks and tabs (a carriage return becomes a line break, so that it
// cannot overwrite what came before on the same line).
func Text(s string) string { return clean(s, true) }

func clean(s string, multiLine bool) string {
	if !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			switch {
			case !multiLine:
				b.WriteByte(' ')
			case r == '\r':
				b.WriteByte('\n')
			default:
				b.WriteRune(r)
			}
		case unicode.IsControl(r) || isBidiControl(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsCleaning(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || isBidiControl(r) {
			return true
		}
	}
	return false
}

// isBidiControl reports the explicit bidirectional formatting characters
// (embeddings, overrides and isolates, and their terminators).
func isBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}
