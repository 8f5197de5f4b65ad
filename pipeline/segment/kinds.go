package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lazyregexp"
)

// This file decides the kind of the lines that are not body text or
// headings: notes, reference lists, table-of-contents lines and page
// furniture. Lines are marked before blocks are built, so that a contents
// line shaped like a numbered heading or a note shaped like "Norm 7 (g)"
// never becomes a heading.

// sectionTitles name the sections whose items are of one kind.
var sectionTitles = map[string]corpus.Kind{
	"contents": corpus.KindTOC, "table of contents": corpus.KindTOC, "table des matières": corpus.KindTOC,
	"sommaire": corpus.KindTOC, "índice": corpus.KindTOC, "indice": corpus.KindTOC, "contenido": corpus.KindTOC,
	"inhalt": corpus.KindTOC, "inhaltsverzeichnis": corpus.KindTOC, "table of content": corpus.KindTOC,

	"notes": corpus.KindNote, "endnotes": corpus.KindNote, "end notes": corpus.KindNote, "footnotes": corpus.KindNote,
	"notes and references": corpus.KindNote, "references and notes": corpus.KindNote, "notas": corpus.KindNote,

	"references": corpus.KindReference, "bibliography": corpus.KindReference, "sources": corpus.KindReference,
	"works cited": corpus.KindReference, "further reading": corpus.KindReference, "références": corpus.KindReference,
	"bibliographie": corpus.KindReference, "referencias": corpus.KindReference, "bibliografía": corpus.KindReference,
	"literatur": corpus.KindReference, "reference list": corpus.KindReference,
}

// sectionKind is the kind of the items under a heading line l: a
// contents, notes or references title ("Notes", "3. References",
// "CONTENTS"), or "" for any other line.
func sectionKind(l string) corpus.Kind {
	if wordyFields(l, maxTitleWords+1) > maxTitleWords+1 {
		// Too many words for a title, even after a number: most lines.
		return ""
	}
	t := strings.ToLower(strings.TrimSpace(l))
	if f := strings.Fields(t); len(f) > 1 {
		if _, numbered := numberingLevel(f[0]); numbered {
			t = strings.Join(f[1:], " ")
		}
	}
	t = strings.TrimRight(t, ": ")
	return sectionTitles[t]
}

// maxTitleWords is the number of words of the longest sectionTitles.
const maxTitleWords = 3

// wordyFields counts the fields of s (strings.Fields) that hold more
// than colons, up to limit+1. sectionKind drops colons that end a line,
// and the words of a title are such fields.
func wordyFields(s string, limit int) int {
	n := 0
	for i := 0; n <= limit; {
		f, end, ok := nextField(s, i)
		if !ok {
			break
		}
		if strings.Trim(f, ":") != "" {
			n++
		}
		i = end
	}
	return n
}

// leaders are the dots, dashes or rules that run from a contents entry to
// its page number.
var leaders = lazyregexp.New(`(?:\.\s?){4,}|…{2,}|_{4,}|(?:·\s?){4,}|-{4,}`)

// trailingPage matches a page number (arabic or roman) ending a line.
var trailingPage = lazyregexp.New(`(?:\s|\.)(?:\d{1,4}|[ivxlc]{1,6})$`)

// isTOCLine reports a table-of-contents line found by its shape: an
// entry, leaders, a page number.
func isTOCLine(l string) bool {
	if !strings.Contains(l, "..") && !strings.Contains(l, ". .") && !strings.Contains(l, "…") && !strings.Contains(l, "__") &&
		!strings.Contains(l, "·") && !strings.Contains(l, "--") {
		return false // no leaders: spare the regular expressions
	}
	return leaders().MatchString(l) && trailingPage().MatchString(strings.TrimSpace(l))
}

// months are month names a dateline is written with.
var months = func() map[string]bool {
	out := map[string]bool{}
	for _, m := range strings.Fields("january february march april may june july august september october november december " +
		"janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre " +
		"enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre") {
		out[m] = true
	}
	return out
}()

// isDateLine reports a line that is only a date ("14 March 2022",
// "September 2019", "le 12 novembre 2018"): a dateline, not a heading.
func isDateLine(words []string) bool {
	if len(words) < 2 || len(words) > 5 {
		return false
	}
	month, year := false, false
	for _, w := range words {
		w = strings.ToLower(strings.Trim(w, ",."))
		switch {
		case months[w]:
			month = true
		case len(w) == 4 && isDigitsN(w) && (w[:2] == "19" || w[:2] == "20"):
			year = true
		case isDigitsN(w) && len(w) <= 2, w == "le", w == "de", w == "del", w == "the", w == "of":
		default:
			return false
		}
	}
	return month && year
}

// isDigitsN reports a string of ASCII digits.
func isDigitsN(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// tocRunsOn reports whether line i of a contents block goes on with the
// entry above it: that line had neither leaders nor a page number, and
// this one has them.
func tocRunsOn(lines []line, i int) bool {
	if i == 0 || lines[i-1].kind != corpus.KindTOC || !isTOCLine(lines[i].text) {
		return false
	}
	prev := strings.TrimSpace(lines[i-1].text)
	return !isTOCLine(prev) && !trailingPage().MatchString(prev)
}

// entryStart reports a line that may be the first line of a contents
// entry wrapped onto the next: short, not a sentence.
func entryStart(l string) bool {
	return countFields(l, 20) <= 20 && !endsSentence(l) && !isCopyright(l)
}

// tocKey reduces a contents entry or a heading to its words, so that the
// heading an entry points at is recognised when the body reaches it.
func tocKey(l string) string {
	l = leaders().ReplaceAllString(l, " ")
	l = strings.TrimSpace(l)
	if m := trailingPage().FindStringIndex(l); m != nil {
		l = l[:m[0]]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(l) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isCopyright reports a copyright line: "© 2021 …", "Copyright …",
// "… All rights reserved."
func isCopyright(l string) bool {
	if len(l) > 300 {
		return false
	}
	if hasLowerPrefix(l, "©") || hasLowerPrefix(l, "copyright ") || hasLowerPrefix(l, "(c) ") {
		return true
	}
	// Each phrase holds "serv": a line without it, most lines, needs
	// no lower-cased copy.
	if !containsASCIIFold(l, "serv") {
		return false
	}
	lower := strings.ToLower(l)
	return strings.Contains(lower, "all rights reserved") || strings.Contains(lower, "tous droits réservés") ||
		strings.Contains(lower, "todos los derechos reservados")
}

// superscripts are the characters a note marker is printed in when the
// extractor keeps them.
const superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹"

// noteMarker reports a line that starts with a note marker: "12 ", "12.",
// "[12]", "(12)", "¹²", "*", "†", followed by the note's text.
func noteMarker(l string) bool {
	l = strings.TrimSpace(l)
	r, size := utf8.DecodeRuneInString(l)
	switch {
	case strings.ContainsRune(superscripts, r), strings.ContainsRune("*†‡§", r) && len(l) > size && l[size] != '*':
		return true
	case r == '[' || r == '(':
		end := strings.IndexAny(l, "])")
		return end > 1 && end <= 4 && isDigits(l[1:end]) && len(l) > end+1
	}
	n := 0
	for n < len(l) && n < 4 && l[n] >= '0' && l[n] <= '9' {
		n++
	}
	if n == 0 || n == 4 || n == len(l) {
		return false
	}
	rest := l[n:]
	marked := rest[0] == '.' || rest[0] == ')'
	if marked {
		rest = rest[1:]
	}
	// "2015 report" is a year, "13 (k)" could be a paragraph: a marker is
	// followed by a space and a word.
	if rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return false
	}
	rest = strings.TrimSpace(rest)
	nr, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsLetter(nr) || nr == '<' || nr == '"' || nr == '“' || marked && unicode.IsDigit(nr)
}

// markerNumber is the number a note line starts with ("12 ", "12.",
// "[12]"), if any.
func markerNumber(l string) (int, bool) {
	l = strings.TrimLeft(strings.TrimSpace(l), "[(")
	n, digits := 0, 0
	for digits < len(l) && digits < 4 && l[digits] >= '0' && l[digits] <= '9' {
		n = n*10 + int(l[digits]-'0')
		digits++
	}
	return n, digits > 0
}

// urlMatches finds URLs and bare web addresses as the regular expression
// (?i)<?(?:https?://|www\.)[^\s>]+>? would, leftmost first, and returns
// how many there are and their length in bytes. Written out because
// it runs on every passage that has an address, and a regular expression
// tried at each byte cost more than the rest of the passage's tests.
func urlMatches(text string) (count, size int) {
	for i := 0; i < len(text); {
		// A match starts with an ASCII byte ("<", h, w), which is never
		// part of a longer rune: stepping a byte at a time is safe.
		end := urlAt(text, i)
		if end < 0 {
			i++
			continue
		}
		count, size, i = count+1, size+end-i, end
	}
	return count, size
}

// urlAt returns the end of the address starting at text[i], or -1.
func urlAt(text string, i int) int {
	j := i
	if text[j] == '<' {
		j++
	}
	j = urlScheme(text, j)
	if j < 0 {
		return -1
	}
	end := j
	for end < len(text) && !urlStop[text[end]] {
		end++
	}
	if end == j {
		return -1 // an address has at least one character
	}
	if end < len(text) && text[end] == '>' {
		end++
	}
	return end
}

// urlStop marks the bytes an address stops at: the regular
// expression's \s (tab, newline, form feed, carriage return, space) and
// ">".
var urlStop = [256]bool{'\t': true, '\n': true, '\f': true, '\r': true, ' ': true, '>': true}

// urlScheme returns the end of "http://", "https://" or "www." at
// text[i], in any case, or -1. Case is folded as (?i) folds it: the only
// other letter that folds to one of these is ſ, the long s.
func urlScheme(text string, i int) int {
	rest := text[i:]
	switch {
	case len(rest) >= 4 && rest[0]|0x20 == 'w' && rest[1]|0x20 == 'w' && rest[2]|0x20 == 'w' && rest[3] == '.':
		return i + 4
	case len(rest) >= 4 && rest[0]|0x20 == 'h' && rest[1]|0x20 == 't' && rest[2]|0x20 == 't' && rest[3]|0x20 == 'p':
		rest = rest[4:]
	default:
		return -1
	}
	s := 0
	switch {
	case len(rest) > 0 && rest[0]|0x20 == 's':
		s = 1
	case strings.HasPrefix(rest, "ſ"):
		s = len("ſ")
	}
	if strings.HasPrefix(rest[s:], "://") {
		return len(text) - len(rest) + s + len("://")
	}
	return -1
}

// isReference reports a passage that is a pointer rather than prose: it
// is mostly URLs, or it sends the reader elsewhere ("See …", "Available
// at …") and gives an address.
func isReference(text string) bool {
	if !strings.Contains(text, "://") && !strings.Contains(text, "www.") && !strings.Contains(text, "WWW.") {
		return false
	}
	urls, n := urlMatches(text)
	if urls == 0 {
		return false
	}
	if n*2 >= len(strings.TrimSpace(text)) {
		return true
	}
	lower := strings.ToLower(strings.TrimLeft(text, "0123456789.[]() "))
	for _, p := range []string{"see ", "available at", "retrieved from", "accessed", "voir ", "cf. ", "source:", "ver "} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return countFields(text, 25) <= 25 && (strings.Contains(lower, "accessed") || strings.Contains(lower, "retrieved"))
}

// markKinds sets the kind of every line of the document that is not body
// text or a heading, in document order: contents, notes and references
// sections (after their titles, until the section ends), contents lines
// found by their leaders, copyright lines, and note lines the extractor
// marked (pages' Notes spans).
func markKinds(pages [][]line) {
	var section corpus.Kind
	var entries map[string]bool // contents entries seen, by tocKey
	tocLines := 0
	lastNote := 0        // number of the last numbered note of a notes section
	inFurniture := false // in the lines of a copyright notice
	for pi := range pages {
		lines := pages[pi]
		for i := range lines {
			l := &lines[i]
			if l.text == "" {
				inFurniture = false
				continue
			}
			if l.kind == corpus.KindNote {
				continue
			}
			alone := (i == 0 || lines[i-1].text == "") && (i+1 == len(lines) || lines[i+1].text == "")
			if k := sectionKind(l.text); k != "" && (alone || l.structural) {
				section, entries, tocLines, lastNote = k, map[string]bool{}, 0, 0
				continue
			}
			if isCopyright(l.text) || inFurniture {
				// A copyright notice, with the lines it wraps onto.
				l.kind, l.item = corpus.KindFurniture, !inFurniture
				inFurniture = true
				continue
			}
			switch section {
			case corpus.KindTOC:
				key := tocKey(l.text)
				words := countFields(l.text, 25) // exact up to 26
				if entries[key] || words > 25 || tocLines > 120 || endsSentence(l.text) && !isTOCLine(l.text) && words > 8 {
					// The body has begun: a heading the contents listed,
					// or a paragraph.
					section = ""
					break
				}
				entries[key] = true
				tocLines++
				l.kind, l.item = corpus.KindTOC, !tocRunsOn(lines, i)
				continue
			case corpus.KindNote, corpus.KindReference:
				if l.structural || alone && !noteMarker(l.text) && endsSection(l.text) {
					section = ""
					break
				}
				l.kind = section
				l.item = noteMarker(l.text) || section == corpus.KindReference && alone
				if n, ok := markerNumber(l.text); l.item && ok && section == corpus.KindNote {
					// Notes are numbered in order: "12 products sold" in
					// the middle of note 19 does not start a note.
					if lastNote > 0 && (n <= lastNote || n > lastNote+3) {
						l.item = false
					} else {
						lastNote = n
					}
				}
				continue
			}
			if isTOCLine(l.text) {
				l.kind, l.item = corpus.KindTOC, true
				// An entry wrapped over two lines: the first, without
				// leaders, is its start.
				if i > 0 && lines[i-1].kind == "" && entryStart(lines[i-1].text) && (i < 2 || lines[i-2].text == "" || lines[i-2].kind == corpus.KindTOC) {
					lines[i-1].kind, lines[i-1].item, l.item = corpus.KindTOC, true, false
				}
			}
		}
	}
}

// endsSection reports a line standing alone that is shaped like a
// heading: the end of a notes or references section.
func endsSection(l string) bool {
	if looksLikeReference(l) {
		return false
	}
	lvl, ok := headingShape(l, true, false)
	return ok && lvl < weakLevel
}

// markNotes marks the lines of a page inside its Notes spans; the first
// line of each span starts a note.
func markNotes(lines []line, spans []corpus.Span) {
	for _, s := range spans {
		first := true
		for i := range lines {
			l := &lines[i]
			if l.start < s.End && s.Start < l.end || l.start == s.Start && s.Start == s.End {
				if l.text == "" {
					continue
				}
				l.kind = corpus.KindNote
				if first {
					l.item = true
					first = false
				}
			}
		}
	}
}
