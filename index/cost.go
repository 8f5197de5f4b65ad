package index

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// MinPatternPrefix is how many literal characters a wildcard (cyber*) or
// regular expression (/cyber.*/) must start with, and how long a fuzzy
// term (state~1) must be. bleve expands such a term by walking the index's
// term dictionary: a literal prefix confines that walk to the terms that
// share it, where "*a*" or /.*a/ visits every term of every field and then
// searches them all at once (16 s and gigabytes on a corpus of a few
// thousand documents).
const MinPatternPrefix = 3

// literalPrefix counts the runes of s before the first of meta.
func literalPrefix(s, meta string) int {
	if i := strings.IndexAny(s, meta); i >= 0 {
		s = s[:i]
	}
	return utf8.RuneCountInString(s)
}

// regexpPrefix counts the runes every match of the regular expression s
// starts with (0 when it does not compile: bleve then reports it).
func regexpPrefix(s string) int {
	re, err := regexp.Compile(s)
	if err != nil {
		return 0
	}
	prefix, _ := re.LiteralPrefix()
	return utf8.RuneCountInString(prefix)
}
