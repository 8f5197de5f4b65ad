package index

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// MinPatternPrefix is how many literal characters a wildcard (cyber*) or
// regular expression (/cyber.*/) must start with, and how long a fuzzy
// term (state~1) must be. bleve expands such a term by walking the index's
// term dictionary: a literal prefix confines that walk to the terms that
// share it, where "*a*" or /.*a/ visits every term of every field and then
// searches them all at once (16 s and gigabytes on a corpus of a few
// thousand documents).
const MinPatternPrefix = 3

// checkCost refuses query terms whose cost grows with the whole index
// rather than with the matches: patterns without a literal prefix of
// MinPatternPrefix characters and fuzzy matches of short terms.
// Errors are *QueryError.
func checkCost(text string) error {
	q, err := parseQueryString(text)
	if err != nil || q == nil {
		return err
	}
	var bad error
	walkQuery(q, func(q query.Query) {
		if bad != nil {
			return
		}
		switch t := q.(type) {
		case *query.WildcardQuery:
			if literalPrefix(t.Wildcard, "*?\\") < MinPatternPrefix {
				bad = fmt.Errorf("the wildcard %q must start with at least %d letters before any * or ?", t.Wildcard, MinPatternPrefix)
			}
		case *query.RegexpQuery:
			if regexpPrefix(t.Regexp) < MinPatternPrefix {
				bad = fmt.Errorf("the regular expression /%s/ must start with at least %d literal letters", t.Regexp, MinPatternPrefix)
			}
		case *query.PrefixQuery:
			if utf8.RuneCountInString(t.Prefix) < MinPatternPrefix {
				bad = fmt.Errorf("the prefix %q must have at least %d letters", t.Prefix, MinPatternPrefix)
			}
		case *query.MatchQuery:
			if t.Fuzziness > 0 && utf8.RuneCountInString(strings.TrimSpace(t.Match)) < MinPatternPrefix {
				bad = fmt.Errorf("the fuzzy term %q must have at least %d letters", t.Match, MinPatternPrefix)
			}
		}
	})
	if bad != nil {
		return &QueryError{Query: text, Err: bad}
	}
	return nil
}

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

// walkQuery calls fn on q and every query inside it.
func walkQuery(q query.Query, fn func(query.Query)) {
	if q == nil {
		return
	}
	fn(q)
	switch t := q.(type) {
	case *query.BooleanQuery:
		if t == nil {
			return
		}
		walkQuery(t.Must, fn)
		walkQuery(t.Should, fn)
		walkQuery(t.MustNot, fn)
	case *query.ConjunctionQuery:
		if t == nil {
			return
		}
		for _, c := range t.Conjuncts {
			walkQuery(c, fn)
		}
	case *query.DisjunctionQuery:
		if t == nil {
			return
		}
		for _, d := range t.Disjuncts {
			walkQuery(d, fn)
		}
	}
}
