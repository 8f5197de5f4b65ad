// Package querylang parses normtag's search syntax and compiles it into
// bleve queries. The syntax:
//
//	word              a word (analysed like the field it searches)
//	"two words"       a phrase
//	field:value       value searched in one field; field:"a phrase",
//	                  field:(a OR b) applies the field to a group
//	cyber*  cyb?r     wildcards (the caller decides what they may cost)
//	state~  state~2   fuzzy words, one or two edits
//	/regexp/          a regular expression over indexed terms
//	+word             the word must match
//	-word  NOT word   the word must not match
//	a AND b           both must match
//	a OR b            either must match
//	( ... )           grouping
//
// Precedence is NOT (and + -) over AND over OR over words side by side.
// Words side by side are alternatives ranked by how many of them match,
// as in bleve and Lucene query strings: "supply chain" finds passages
// with either word, those with both first; "+supply +chain" or
// "supply AND chain" requires both. AND, OR and NOT are operators only in
// capitals: "and" stays a word.
//
// Parse knows nothing of fields; Compile asks the caller to turn every
// term into a bleve query, so that the caller decides which fields exist
// and how each value matches.
package querylang

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on one query, so that a hostile string costs little to parse
// and compiles into a bounded bleve query.
const (
	// MaxDepth bounds nesting of parentheses and NOT.
	MaxDepth = 16
	// MaxTerms bounds the words, phrases and patterns of one query.
	MaxTerms = 100
)

// Error is a query that does not parse or names something that does not
// exist. Pos is the 1-based character (rune) position the mistake is at,
// or 0 when the message names what is wrong on its own.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string {
	if e.Pos > 0 {
		return fmt.Sprintf("%s (at character %d)", e.Msg, e.Pos)
	}
	return e.Msg
}

// TermKind says how a term's text is to be matched.
type TermKind int

// Term kinds.
const (
	Word     TermKind = iota // one word
	Phrase                   // "quoted words", in order
	Wildcard                 // a word with * or ?
	Fuzzy                    // word~ or word~N
	Regexp                   // /expression/
)

// Term is one value to match.
type Term struct {
	// Field is the field named before a colon, lower-cased; "" for the
	// default field.
	Field string
	// Text is the value with quotes, slashes, escapes and the fuzzy
	// suffix removed.
	Text string
	Kind TermKind
	// Fuzziness is the edit distance of a Fuzzy term (1 or 2).
	Fuzziness int
	// Pos is the 1-based character position of the term (of its field
	// name when it has one).
	Pos int
}

// Bool combines clauses: every Must clause matches, no MustNot clause
// does, and at least one Should clause does unless there is a Must
// clause, in which case Should clauses only rank. A Bool with MustNot
// clauses alone matches everything else.
type Bool struct {
	Must, Should, MustNot []Node
}

// Node is a parsed query: a *Term or a *Bool.
type Node interface{ node() }

func (*Term) node() {}
func (*Bool) node() {}

// Parse parses a query. An empty (or blank) query parses to nil. Errors
// are *Error.
func Parse(s string) (Node, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 1 { // only EOF
		return nil, nil
	}
	p := &parser{toks: toks}
	n, err := p.sequence(0, "")
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		// sequence stops only at ")" or the end.
		return nil, &Error{Pos: t.pos, Msg: `")" closes no "("`}
	}
	return n, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tPhrase
	tRegexp
	tField // "name:" followed at once by its value
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tPlus
	tMinus
)

type token struct {
	kind tokKind
	text string
	pos  int // 1-based rune position
	// For tWord: an unescaped * or ? makes it a wildcard; fuzzy >= 0
	// when it ended in an unescaped ~ (then 1 or the digit after it).
	wildcard bool
	fuzzy    int
}

// lex splits a query into tokens. It never fails on a word; it fails on
// quotes and slashes that do not close, and on a + or - standing alone.
func lex(s string) ([]token, error) {
	if !utf8.ValidString(s) {
		return nil, &Error{Msg: "the query is not valid UTF-8 text"}
	}
	rs := []rune(s)
	var toks []token
	i := 0
	for i < len(rs) {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{kind: tLParen, text: "(", pos: i + 1})
			i++
		case r == ')':
			toks = append(toks, token{kind: tRParen, text: ")", pos: i + 1})
			i++
		case r == '+' || r == '-':
			kind := tPlus
			if r == '-' {
				kind = tMinus
			}
			if i+1 >= len(rs) || unicode.IsSpace(rs[i+1]) || rs[i+1] == ')' {
				return nil, &Error{Pos: i + 1, Msg: fmt.Sprintf("%q must be written right before the word, phrase or group it applies to (%sword)", string(r), string(r))}
			}
			toks = append(toks, token{kind: kind, text: string(r), pos: i + 1})
			i++
		case r == '"':
			text, next, err := quoted(rs, i, '"', "quote")
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tPhrase, text: text, pos: i + 1})
			i = next
		case r == '/':
			text, next, err := quoted(rs, i, '/', `regular expression /…/ (write "/" in quotes to search for it)`)
			if err != nil {
				return nil, err
			}
			if text == "" {
				return nil, &Error{Pos: i + 1, Msg: "empty regular expression //"}
			}
			toks = append(toks, token{kind: tRegexp, text: text, pos: i + 1})
			i = next
		default:
			start := i
			w, next := word(rs, i)
			i = next
			if field, ok := fieldName(w.text); ok && w.colonAt == len([]rune(field)) {
				toks = append(toks, token{kind: tField, text: strings.ToLower(field), pos: start + 1})
				if w.colonAt+1 == len(w.runes) {
					// The value follows at once: "phrase", (group) or /re/.
					if i >= len(rs) || unicode.IsSpace(rs[i]) || rs[i] == ')' {
						return nil, &Error{Pos: start + 1, Msg: fmt.Sprintf("%s: needs a value right after the colon (%s:word or %s:\"a phrase\")", field, field, field)}
					}
					continue
				}
				w = w.after(w.colonAt + 1)
				start += w.offset
				if rs[start] == '/' {
					i = start // field:/regexp/: lex the value anew
					continue
				}
			}
			t := token{kind: tWord, text: w.text, pos: start + 1, wildcard: w.wildcard, fuzzy: w.fuzzy}
			if !w.escaped {
				switch w.text {
				case "AND":
					t.kind = tAnd
				case "OR":
					t.kind = tOr
				case "NOT":
					t.kind = tNot
				}
			}
			toks = append(toks, t)
		}
	}
	return append(toks, token{kind: tEOF, pos: len(rs) + 1}), nil
}

// quoted reads from rs[i] (the opening delimiter) to the closing one,
// with \ escaping the next character, and returns the text between and
// the index after the closing delimiter.
func quoted(rs []rune, i int, delim rune, what string) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(rs); j++ {
		switch {
		case rs[j] == '\\' && j+1 < len(rs):
			if delim == '/' && rs[j+1] != '/' {
				b.WriteRune('\\') // regexp escapes stay for the regexp
			}
			j++
			b.WriteRune(rs[j])
		case rs[j] == delim:
			return b.String(), j + 1, nil
		default:
			b.WriteRune(rs[j])
		}
	}
	return "", 0, &Error{Pos: i + 1, Msg: "unclosed " + what}
}

// lexWord is a word as read: its text with escapes resolved, and where
// its field colon and pattern characters are.
type lexWord struct {
	runes    []rune
	literal  []bool // per rune: written with a backslash
	text     string
	colonAt  int // index in runes of the first unescaped ':', or -1
	wildcard bool
	escaped  bool
	fuzzy    int
	offset   int   // runes of the source consumed before runes[0]
	srcs     []int // source index of each rune
}

// word reads a word from rs[i]: up to a space, a parenthesis or a quote.
func word(rs []rune, i int) (lexWord, int) {
	w := lexWord{colonAt: -1}
	src := []int{} // source offset of each rune, for after()
	for i < len(rs) {
		r := rs[i]
		if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' {
			break
		}
		lit := false
		at := i
		if r == '\\' && i+1 < len(rs) {
			i++
			r = rs[i]
			lit = true
			w.escaped = true
		}
		w.runes = append(w.runes, r)
		w.literal = append(w.literal, lit)
		src = append(src, at)
		i++
	}
	w.finish(src)
	return w, i
}

// finish computes text, colon, wildcard and fuzzy from runes and literal.
// src holds each rune's source offset from the word's start position.
func (w *lexWord) finish(src []int) {
	w.colonAt = -1
	w.wildcard = false
	w.fuzzy = -1
	for k, r := range w.runes {
		if w.literal[k] {
			continue
		}
		switch r {
		case ':':
			if w.colonAt < 0 {
				w.colonAt = k
			}
		case '*', '?':
			w.wildcard = true
		}
	}
	runes := w.runes
	// word~ or word~N (N one digit) is fuzzy.
	if n := len(runes); n >= 2 && runes[n-1] == '~' && !w.literal[n-1] {
		w.fuzzy, runes = 1, runes[:n-1]
	} else if n >= 3 && runes[n-2] == '~' && !w.literal[n-2] && unicode.IsDigit(runes[n-1]) {
		d, _ := strconv.Atoi(string(runes[n-1]))
		w.fuzzy, runes = d, runes[:n-2]
	}
	w.text = string(runes)
	w.srcs = src
}

// after returns the part of the word after rune k (a field's value).
func (w lexWord) after(k int) lexWord {
	v := lexWord{runes: w.runes[k:], literal: w.literal[k:], escaped: w.escaped}
	v.offset = w.srcs[k] - w.srcs[0]
	v.finish(w.srcs[k:])
	return v
}

// fieldName returns the part of a word before its first colon when it
// can be a field name: a letter, then letters, digits or underscores.
// "10:30" and ":x" are words.
func fieldName(w string) (string, bool) {
	name, _, ok := strings.Cut(w, ":")
	if !ok || name == "" {
		return "", false
	}
	for k, r := range name {
		if !(unicode.IsLetter(r) || r == '_' || (k > 0 && unicode.IsDigit(r))) {
			return "", false
		}
	}
	return name, true
}
