// Package segment splits extracted pages into passages — paragraphs and
// headings — the unit that normtag tags, stores, indexes and cites.
//
// It normalises text (Unicode NFKC, so ligatures become letters),
// de-hyphenates words broken across lines, drops repeated page headers and
// footers and bare page numbers, joins paragraphs that a page break or a
// stray blank line cut in two, and recognises headings either from the
// extractor's structural spans (DOCX styles, HTML h1–h6) or, for PDF and
// plain text, from their shape.
package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/normtag/normtag/corpus"
)

// MaxPassageBytes bounds a passage's length; longer paragraphs are cut at
// sentence ends so that a citation points at a readable unit.
const MaxPassageBytes = 3000

// line is one line of a page with its byte range in the page text.
type line struct {
	start, end int
	text       string // trimmed
}

// block is a run of lines that will become one passage.
type block struct {
	page       int
	start, end int
	lines      []string
	heading    bool
	level      int
	structural bool // heading known from the file's structure
	weak       bool // heading guessed from shortness alone
}

// Passages splits pages into passages numbered from 0 in document order.
func Passages(pages []corpus.Page) []corpus.Passage {
	out := passages(pages, repeatedFurniture(pages), true)
	if len(out) == 0 {
		// Everything looked like page furniture ("Page 1", "Page 2", …):
		// then it is the content.
		out = passages(pages, nil, false)
	}
	return out
}

func passages(pages []corpus.Page, furniture map[string]bool, dropNumbers bool) []corpus.Passage {
	var blocks []block
	for _, p := range pages {
		blocks = append(blocks, pageBlocks(p, furniture, dropNumbers)...)
	}
	if dropNumbers {
		blocks = dropBare(blocks)
	}
	blocks = joinBroken(blocks)
	var out []corpus.Passage
	for _, b := range blocks {
		text := joinLines(b.lines)
		if text == "" {
			continue
		}
		if b.heading {
			out = append(out, corpus.Passage{Page: b.page, Start: b.start, End: b.end, Heading: true, Level: b.level, Text: text})
			continue
		}
		for _, piece := range splitLong(text, MaxPassageBytes) {
			out = append(out, corpus.Passage{Page: b.page, Start: b.start, End: b.end, Text: piece})
		}
	}
	for i := range out {
		out[i].Seq = i
	}
	return out
}

// Normalize applies the text normalisation used for passages to a single
// string: NFKC, whitespace folded to single spaces, trimmed.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == '\u00ad' { // soft hyphen: invisible, drop
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// splitLines returns the lines of text with their byte ranges.
func splitLines(text string) []line {
	var out []line
	start := 0
	for start <= len(text) {
		i := strings.IndexByte(text[start:], '\n')
		end := len(text)
		if i >= 0 {
			end = start + i
		}
		raw := text[start:end]
		out = append(out, line{start: start, end: end, text: strings.TrimSpace(strings.TrimRight(raw, "\r"))})
		if i < 0 {
			break
		}
		start = end + 1
	}
	return out
}

// pageBlocks splits one page into blocks: structural headings first, then
// blank-line separated paragraphs, with heuristics for headings and for
// pages that carry no blank lines at all.
func pageBlocks(p corpus.Page, furniture map[string]bool, dropNumbers bool) []block {
	lines := splitLines(p.Text)
	if dropNumbers {
		dropFurniture(lines, furniture)
	}
	var out []block
	var cur *block
	flush := func() {
		if cur != nil && len(cur.lines) > 0 {
			out = append(out, *cur)
		}
		cur = nil
	}
	for _, l := range lines {
		if l.text == "" {
			flush()
			continue
		}
		if lvl, ok := structuralHeading(p.Headings, l); ok {
			flush()
			out = append(out, block{page: p.Number, start: l.start, end: l.end, lines: []string{l.text}, heading: true, level: lvl, structural: true})
			continue
		}
		if cur == nil {
			cur = &block{page: p.Number, start: l.start}
		}
		cur.lines = append(cur.lines, l.text)
		cur.end = l.end
	}
	flush()
	var res []block
	for _, b := range out {
		if b.structural {
			res = append(res, b)
			continue
		}
		res = append(res, refineBlock(b, len(p.Headings) > 0)...)
	}
	return res
}

// structuralHeading reports whether line l lies inside a heading span.
func structuralHeading(spans []corpus.Span, l line) (int, bool) {
	for _, s := range spans {
		if l.start < s.End && s.Start < l.end {
			lvl := s.Level
			if lvl <= 0 {
				lvl = 1
			}
			return lvl, true
		}
	}
	return 0, false
}

// refineBlock finds headings by shape and splits blocks that hold several
// paragraphs without blank lines between them.
func refineBlock(b block, hasStructure bool) []block {
	var out []block
	cur := block{page: b.page, start: b.start, end: b.end}
	maxLen := 0
	for _, l := range b.lines {
		if n := utf8.RuneCountInString(l); n > maxLen {
			maxLen = n
		}
	}
	emit := func() {
		if len(cur.lines) > 0 {
			out = append(out, cur)
		}
		cur = block{page: b.page, start: b.start, end: b.end}
	}
	skip := false
	for i, l := range b.lines {
		if skip {
			skip = false
			continue
		}
		if !hasStructure && i == 0 && len(b.lines) >= 3 && leadHeading(l, b.lines[1], maxLen) {
			out = append(out, block{page: b.page, start: b.start, end: b.end, lines: []string{l}, heading: true, level: weakLevel})
			continue
		}
		if !hasStructure {
			if lvl, ok := headingShape(l, len(b.lines) == 1, i+1 < len(b.lines)); ok {
				emit()
				lines := []string{l}
				// A heading too long for one line continues on the next:
				// a short line starting in lower case.
				if i+1 < len(b.lines) && headingContinues(b.lines[i+1], maxLen) {
					lines = append(lines, b.lines[i+1])
					skip = true
				}
				out = append(out, block{page: b.page, start: b.start, end: b.end, lines: lines, heading: true, level: lvl, weak: lvl == weakLevel})
				continue
			}
		}
		if len(cur.lines) > 0 && startsItem(l) && endsSentence(cur.lines[len(cur.lines)-1]) {
			emit()
		}
		cur.lines = append(cur.lines, l)
		// A short line that ends a sentence inside a long block ends a
		// paragraph: extractors often drop the blank line between them.
		if len(b.lines) > 3 && endsSentence(l) && utf8.RuneCountInString(l)*4 < maxLen*3 && i+1 < len(b.lines) {
			emit()
		}
	}
	emit()
	return out
}

// leadHeading spots a heading glued to the paragraph under it: a short
// first line without end punctuation, followed by a line that starts a
// sentence, in a block whose other lines are much longer.
func leadHeading(first, next string, maxLen int) bool {
	n := utf8.RuneCountInString(first)
	words := strings.Fields(first)
	if len(words) < 2 || len(words) > 10 || n*5 >= maxLen*3 || looksLikeReference(first) || isPageNumber(first) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(first)
	if strings.ContainsRune(".,;:-–—(", last) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(first)
	nr, _ := utf8.DecodeRuneInString(next)
	return unicode.IsUpper(r) && unicode.IsUpper(nr) && !startsItem(first)
}

// headingContinues reports whether next looks like the wrapped end of a
// heading: short, in lower case, without end punctuation.
func headingContinues(next string, maxLen int) bool {
	words := strings.Fields(next)
	if len(words) == 0 || len(words) > 6 || utf8.RuneCountInString(next)*2 > maxLen {
		return false
	}
	r, _ := utf8.DecodeRuneInString(next)
	last, _ := utf8.DecodeLastRuneInString(next)
	return unicode.IsLower(r) && !strings.ContainsRune(".,;:", last)
}

// weakLevel is the level given to a line judged a heading only because it
// stands alone and is short.
const weakLevel = 3

// headingShape decides whether a line looks like a heading. alone says the
// line is a whole block; followed says body lines follow it in the block.
func headingShape(l string, alone, followed bool) (int, bool) {
	n := utf8.RuneCountInString(l)
	if n < 2 || n > 120 {
		return 0, false
	}
	words := strings.Fields(l)
	if len(words) > 16 {
		return 0, false
	}
	lvl, numbered := numberingLevel(words[0])
	if isPageNumber(l) || looksLikeReference(l) {
		return 0, false
	}
	last, _ := utf8.DecodeLastRuneInString(l)
	if strings.ContainsRune(".,;", last) && !(numbered && len(words) == 1) {
		return 0, false
	}
	first, _ := utf8.DecodeRuneInString(l)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && first != '(' {
		return 0, false
	}
	lower := strings.ToLower(l)
	normLike := strings.HasPrefix(lower, "norm ") || strings.HasPrefix(lower, "norme ") || strings.HasPrefix(lower, "norma ") ||
		strings.HasPrefix(lower, "section ") || strings.HasPrefix(lower, "chapter ") || strings.HasPrefix(lower, "part ") || strings.HasPrefix(lower, "annex")
	switch {
	case normLike:
		return 2, true
	case numbered && len(words) > 1:
		return lvl, true
	case isAllCaps(l) && len(words) <= 10:
		return 1, true
	case alone && titleLike(words):
		return 2, true
	case alone && !followed && len(words) <= 8 && last != ':' && n < 70:
		return weakLevel, true
	}
	return 0, false
}

// looksLikeReference spots footnote and endnote lines ("12. Ibid.",
// "3. <https://…>") that are shaped like numbered headings.
func looksLikeReference(l string) bool {
	lower := strings.ToLower(l)
	for _, s := range []string{"http", "www.", "<", "@", "ibid", " res ", "op. cit", "p. "} {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

// numberingLevel recognises "1.", "2.3", "IV.", "A." prefixes and returns
// their depth.
func numberingLevel(w string) (int, bool) {
	marked := strings.HasSuffix(w, ".") || strings.HasSuffix(w, ")")
	w = strings.TrimRight(w, ".)")
	if w == "" {
		return 0, false
	}
	parts := strings.Split(w, ".")
	for _, p := range parts {
		if p == "" {
			return 0, false
		}
		// Letters and roman numerals count only with a dot or parenthesis
		// ("A.", "IV)"), or "A public" would be numbered.
		letter := isRoman(p) || len(p) == 1 && unicode.IsUpper(rune(p[0]))
		if !isDigits(p) && !(letter && (marked || len(parts) > 1)) {
			return 0, false
		}
	}
	return len(parts), true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != "" && len(s) <= 3
}

func isRoman(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("IVXLC", r) {
			return false
		}
	}
	return s != "" && len(s) <= 6
}

func isAllCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsLower(r) {
				return false
			}
		}
	}
	return letters >= 3
}

// titleLike is true when most content words are capitalised.
func titleLike(words []string) bool {
	if len(words) > 12 {
		return false
	}
	caps, content := 0, 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if len(w) <= 3 && unicode.IsLower(r) { // of, the, and
			continue
		}
		content++
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			caps++
		}
	}
	return content > 0 && caps*3 >= content*2
}

func endsSentence(l string) bool {
	l = strings.TrimRight(l, " \"'”’)]0123456789¹²³⁴⁵⁶⁷⁸⁹⁰")
	if l == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(l)
	return strings.ContainsRune(".!?:;", r)
}

func startsItem(l string) bool {
	r, _ := utf8.DecodeRuneInString(l)
	if strings.ContainsRune("•▪◦‣●■–—-*·", r) {
		return true
	}
	w := strings.Fields(l)[0]
	if strings.HasPrefix(w, "(") && strings.HasSuffix(w, ")") && len(w) <= 6 {
		return true
	}
	_, ok := numberingLevel(w)
	return ok && strings.HasSuffix(w, ".") || ok && strings.HasSuffix(w, ")")
}

// dropBare removes blocks that are only a number (table-of-contents page
// references, stray page numbers) and attaches blocks that are only a
// bullet to the block after them.
func dropBare(blocks []block) []block {
	var out []block
	bullet := false
	for _, b := range blocks {
		if len(b.lines) == 1 {
			t := strings.TrimSpace(b.lines[0])
			if allDigits(t) || isPageNumber(t) {
				continue
			}
			if r, size := utf8.DecodeRuneInString(t); size == len(t) && strings.ContainsRune("•▪◦‣●■–—-*·", r) {
				bullet = true
				continue
			}
		}
		if bullet {
			b.heading, b.weak, b.level = false, false, 0
			bullet = false
		}
		out = append(out, b)
	}
	return out
}

// joinBroken merges a block into the previous body block when the previous
// one stops mid-sentence and this one starts in lower case: a page break
// or a stray blank line cut the paragraph.
func joinBroken(blocks []block) []block {
	var out []block
	for _, b := range blocks {
		if n := len(out); n > 0 && (!b.heading || b.weak) && (!out[n-1].heading || out[n-1].weak) && len(b.lines) > 0 {
			prev := &out[n-1]
			last := prev.lines[len(prev.lines)-1]
			first, _ := utf8.DecodeRuneInString(b.lines[0])
			if !endsSentence(last) && unicode.IsLower(first) {
				prev.lines = append(prev.lines, b.lines...)
				prev.heading, prev.weak, prev.level = false, false, 0
				if prev.page == b.page {
					prev.end = b.end
				}
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

// joinLines joins a paragraph's lines, undoing end-of-line hyphenation,
// and normalises the result.
func joinLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			switch {
			case strings.HasSuffix(prev, "\u00ad"):
				// soft hyphen: the word continues on the next line
			case dehyphenate(prev, l):
				s := b.String()
				b.Reset()
				b.WriteString(s[:len(s)-len("-")])
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return Normalize(b.String())
}

// dehyphenate reports whether prev ends with a word broken by a hyphen
// that continues at the start of next.
func dehyphenate(prev, next string) bool {
	if !strings.HasSuffix(prev, "-") || len(prev) < 3 {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(prev[:len(prev)-1])
	after, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLetter(before) && unicode.IsLower(before) && unicode.IsLower(after)
}

// splitLong cuts text longer than max at sentence ends.
func splitLong(text string, max int) []string {
	if len(text) <= max {
		return []string{text}
	}
	var out []string
	for len(text) > max {
		cut := -1
		for i := max; i > max/3; i-- {
			if (text[i-1] == '.' || text[i-1] == '?' || text[i-1] == '!' || text[i-1] == ';') && text[i] == ' ' {
				cut = i
				break
			}
		}
		if cut < 0 {
			cut = strings.LastIndexByte(text[:max], ' ')
			if cut <= 0 {
				cut = max
				for !utf8.RuneStart(text[cut]) {
					cut--
				}
			}
		}
		out = append(out, strings.TrimSpace(text[:cut]))
		text = strings.TrimSpace(text[cut:])
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}
