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
	"bytes"
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
	page       int
	start, end int
	off        int    // where text starts in the page text
	text       string // trimmed
	// kind is set for lines that are not body text or headings (notes,
	// contents lines, references, furniture); "" leaves it to shape.
	kind corpus.Kind
	// item marks the first line of a note or list item of such a kind.
	item bool
	// structural marks a line inside a heading span of the extractor.
	structural bool
}

// block is a run of lines that will become one passage.
type block struct {
	page       int
	lines      []line
	heading    bool
	level      int
	structural bool // heading known from the file's structure
	weak       bool // heading guessed from shortness alone
	// kind is set for notes, contents lines, references and furniture;
	// "" for body text and headings.
	kind corpus.Kind
}

// Passages splits pages into passages numbered from 0 in document order.
// A page numbered 0 is the text of a document without pages (a text
// file without form feeds), and its passages are on page 0.
func Passages(pages []corpus.Page) []corpus.Passage {
	out := passages(pages, pageLines(pages), true)
	if len(out) == 0 {
		// Everything looked like page furniture ("Page 1", "Page 2", …):
		// then it is the content.
		out = passages(pages, pageLines(pages), false)
	}
	return out
}

// pageLines splits each page into its lines.
func pageLines(pages []corpus.Page) [][]line {
	all := make([][]line, len(pages))
	for i, p := range pages {
		all[i] = splitLines(p.Text)
	}
	return all
}

// passages makes the passages of pages from their lines (pageLines),
// which it marks as it goes. dropNumbers drops running headers and
// footers and bare page numbers.
func passages(pages []corpus.Page, all [][]line, dropNumbers bool) []corpus.Passage {
	var furniture map[string]bool
	if dropNumbers {
		furniture = repeatedFurniture(all)
	}
	for i, p := range pages {
		lines := all[i]
		for j := range lines {
			lines[j].page = p.Number
			_, lines[j].structural = structuralHeading(p.Headings, lines[j])
		}
		if dropNumbers {
			dropFurniture(lines, furniture)
		}
		markNotes(lines, p.Notes)
	}
	markKinds(all)
	var blocks []block
	for i, p := range pages {
		blocks = append(blocks, pageBlocks(p, all[i])...)
	}
	if dropNumbers {
		blocks = dropBare(blocks)
	}
	runsOn := map[int]bool{}
	for _, p := range pages {
		if p.RunsOn {
			runsOn[p.Number] = true
		}
	}
	blocks = joinBroken(blocks, runsOn)
	var out []corpus.Passage
	for _, b := range blocks {
		text := joinLines(b.lines)
		if text == "" {
			continue
		}
		pieces := b.pieces()
		base := corpus.Passage{Page: pieces[0].Page, PageEnd: pieces[len(pieces)-1].Page, Start: pieces[0].Start, End: pieces[0].End, Text: text}
		if len(pieces) > 1 {
			base.Pieces = pieces
		}
		switch {
		case b.kind != "":
			base.Kind = b.kind
		case b.heading:
			base.Kind, base.Heading, base.Level = corpus.KindHeading, true, b.level
		default:
			base.Kind = bodyKind(text)
		}
		if len(text) <= MaxPassageBytes || base.Heading {
			out = append(out, base)
			continue
		}
		// A long paragraph is cut in pieces; each piece's offsets are its
		// own, found through the map from normalised text back to the page.
		text, src := joinLinesMapped(b.lines)
		for _, r := range splitLong(text, MaxPassageBytes) {
			p := piecePassage(text, src, r)
			p.Kind = base.Kind
			out = append(out, p)
		}
	}
	setHeadingPaths(out)
	for i := range out {
		out[i].Seq = i
	}
	return out
}

// bodyKind is the kind of a passage that is neither heading nor marked by
// its lines: a reference when it is a pointer (URLs, "See …"), a note when
// it opens with a note marker and points somewhere, else body.
func bodyKind(text string) corpus.Kind {
	ref := isReference(text)
	switch {
	case ref && noteMarker(text):
		return corpus.KindNote
	case ref:
		return corpus.KindReference
	case len(text) < 200 && isCopyright(text):
		return corpus.KindFurniture
	}
	return corpus.KindBody
}

// setHeadingPaths records under which headings each passage lies: the
// titles of the enclosing headings, outermost first.
func setHeadingPaths(ps []corpus.Passage) {
	type open struct {
		level int
		title string
	}
	var stack []open
	for i := range ps {
		p := &ps[i]
		if p.Heading {
			for len(stack) > 0 && stack[len(stack)-1].level >= p.Level {
				stack = stack[:len(stack)-1]
			}
		}
		if len(stack) > 0 {
			p.HeadingPath = make([]string, len(stack))
			for j, o := range stack {
				p.HeadingPath[j] = o.title
			}
		}
		if p.Heading {
			stack = append(stack, open{p.Level, p.Text})
		}
	}
}

// pieces returns the block's parts on each page it runs onto: from the
// first character of its first line there to the last character of its
// last line there.
func (b block) pieces() []corpus.Piece {
	var out []corpus.Piece
	for _, l := range b.lines {
		if n := len(out); n > 0 && out[n-1].Page == l.page {
			out[n-1].End = l.off + len(l.text)
			continue
		}
		out = append(out, corpus.Piece{Page: l.page, Start: l.off, End: l.off + len(l.text)})
	}
	return out
}

// srcRange is the page byte range that produced a byte of normalised text.
type srcRange struct {
	page, start, end int
}

// piecePassage makes the passage of text[r[0]:r[1]], a piece of a long
// paragraph: its pages and offsets are those of the bytes it came from.
func piecePassage(text string, src []srcRange, r [2]int) corpus.Passage {
	var pieces []corpus.Piece
	for i := r[0]; i < r[1]; i++ {
		s := src[i]
		if n := len(pieces); n > 0 && pieces[n-1].Page == s.page {
			pieces[n-1].End = max(pieces[n-1].End, s.end)
			continue
		}
		pieces = append(pieces, corpus.Piece{Page: s.page, Start: s.start, End: s.end})
	}
	p := corpus.Passage{Page: pieces[0].Page, PageEnd: pieces[len(pieces)-1].Page, Start: pieces[0].Start, End: pieces[0].End, Text: text[r[0]:r[1]]}
	if len(pieces) > 1 {
		p.Pieces = pieces
	}
	return p
}

// Normalize applies the text normalisation used for passages to a single
// string: NFKC, whitespace folded to single spaces, trimmed.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	if normalized(s) {
		return s
	}
	return foldSpaces(s)
}

// foldSpaces drops soft hyphens and folds every run of white space and
// control characters to one space, trimmed: Normalize's definition after
// NFKC, which it skips for text that needs no change.
func foldSpaces(s string) string {
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

// normalized reports whether the loop of Normalize would leave s as it
// is: no soft hyphen, control or invalid byte, and no spaces but single
// ASCII spaces between words. Most passages are so, and then need no
// copy.
func normalized(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	var prev byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return normalizedRunes(s[i:])
		}
		if c < 0x20 || c == 0x7f || c == ' ' && prev == ' ' {
			return false
		}
		prev = c
	}
	return true
}

// normalizedRunes is normalized for the rest of a string from its first
// non-ASCII rune on, which follows no space.
func normalizedRunes(s string) bool {
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c == ' ' {
				if space {
					return false
				}
				space = true
				continue
			}
			if c < 0x20 || c == 0x7f {
				return false
			}
			space = false
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == '\u00ad' || r == utf8.RuneError && size == 1 || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
		space = false
	}
	return true
}

// normalize is Normalize carrying a source map: src[i] says where byte i
// of s came from, and the result's map says the same of each output byte.
// NFKC runs segment by segment so that each output segment maps to the
// input bytes it replaces.
func normalize(s string, src []srcRange) (string, []srcRange) {
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	out := make([]byte, 0, len(s))
	outSrc := make([]srcRange, 0, len(s))
	space := false
	for !it.Done() {
		from := it.Pos()
		seg := it.Next()
		to := it.Pos()
		// An expansion such as a ligature can come out in several
		// segments before the input position moves: those belong to
		// the input byte at from.
		if to <= from {
			_, size := utf8.DecodeRuneInString(s[min(from, len(s)-1):])
			to = min(from+size, len(s))
			from = min(from, len(s)-1)
		}
		r := src[from]
		if last := src[to-1]; last.page == r.page {
			r.end = last.end
		}
		for len(seg) > 0 {
			c, size := utf8.DecodeRune(seg)
			seg = seg[size:]
			if c == '\u00ad' {
				continue
			}
			if unicode.IsSpace(c) || unicode.IsControl(c) {
				space = true
				continue
			}
			if space && len(out) > 0 {
				out = append(out, ' ')
				outSrc = append(outSrc, srcRange{r.page, r.start, r.start})
			}
			space = false
			n := len(out)
			out = utf8.AppendRune(out, c) // as Normalize: invalid bytes become U+FFFD
			for range len(out) - n {
				outSrc = append(outSrc, r)
			}
		}
	}
	return string(out), outSrc
}

// splitLines returns the lines of text with their byte ranges.
func splitLines(text string) []line {
	out := make([]line, 0, strings.Count(text, "\n")+1)
	start := 0
	for start <= len(text) {
		i := strings.IndexByte(text[start:], '\n')
		end := len(text)
		if i >= 0 {
			end = start + i
		}
		raw := text[start:end]
		lead := len(raw) - len(strings.TrimLeftFunc(raw, unicode.IsSpace))
		out = append(out, line{start: start, end: end, off: start + lead, text: strings.TrimSpace(strings.TrimRight(raw, "\r"))})
		if i < 0 {
			break
		}
		start = end + 1
	}
	return out
}

// pageBlocks splits one page's lines into blocks: structural headings
// first, lines of a marked kind (notes, contents lines, references,
// furniture) apart, then blank-line separated paragraphs, with heuristics
// for headings and for pages that carry no blank lines at all.
func pageBlocks(p corpus.Page, lines []line) []block {
	var out []block
	var cur *block
	flush := func() {
		if cur != nil && len(cur.lines) > 0 {
			out = append(out, *cur)
		}
		cur = nil
	}
	for _, l := range lines {
		switch {
		case l.text == "":
			if cur != nil && cur.kind == corpus.KindNote {
				// A note's lines may be spaced apart; the next marker
				// starts the next note.
				continue
			}
			flush()
			continue
		case l.kind != "":
			// A note, reference, contents entry or copyright notice runs
			// on until the next item.
			if cur == nil || cur.kind != l.kind || l.item {
				flush()
				cur = &block{page: p.Number, kind: l.kind}
			}
			cur.lines = append(cur.lines, l)
			continue
		case cur != nil && cur.kind != "":
			flush()
		}
		if lvl, ok := structuralHeading(p.Headings, l); ok {
			flush()
			out = append(out, block{page: p.Number, lines: []line{l}, heading: true, level: lvl, structural: true})
			continue
		}
		if cur == nil {
			cur = &block{page: p.Number}
		}
		cur.lines = append(cur.lines, l)
	}
	flush()
	var res []block
	for _, b := range out {
		if b.structural || b.kind != "" {
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
	cur := block{page: b.page}
	maxLen := 0
	for _, l := range b.lines {
		if n := utf8.RuneCountInString(l.text); n > maxLen {
			maxLen = n
		}
	}
	emit := func() {
		if len(cur.lines) > 0 {
			out = append(out, cur)
		}
		cur = block{page: b.page}
	}
	// The blocks made here hold runs of b's lines, sharing its array;
	// each run is capped at its end (s[i:j:j]), so that joining lines
	// onto a block later (joinBroken) copies them rather than writing
	// over the next block's.
	start := 0 // cur holds b.lines[start:i]
	skip := 0
	for i, ln := range b.lines {
		if skip > 0 {
			skip--
			continue
		}
		l := ln.text
		if !hasStructure && i == 0 && len(b.lines) >= 3 && leadHeading(l, b.lines[1].text, maxLen) {
			out = append(out, block{page: b.page, lines: b.lines[:1:1], heading: true, level: weakLevel})
			continue
		}
		if !hasStructure {
			if lvl, ok := headingShape(l, len(b.lines) == 1, i+1 < len(b.lines)); ok {
				emit()
				lines := b.lines[i : i+1 : i+1]
				// A heading too long for one line continues on the next:
				// a short line starting in lower case, or for a numbered
				// or norm heading, any lines in lower case that run it on.
				for j := i + 1; j < len(b.lines) && !endsSentence(lines[len(lines)-1].text); j++ {
					next := b.lines[j].text
					runsOn := !endsSentence(next) && (lowerStart(next) || endsOpen(lines[len(lines)-1].text) || j == len(b.lines)-1 && countFields(next, 3) <= 3)
					if !headingContinues(next, maxLen) && (lvl >= weakLevel || !runsOn || !headingRunsOn(lines, b.lines[j:j+1])) {
						break
					}
					lines = b.lines[i : j+1 : j+1]
					skip++
				}
				out = append(out, block{page: b.page, lines: lines, heading: true, level: lvl, weak: lvl == weakLevel})
				continue
			}
		}
		if len(cur.lines) > 0 && startsItem(l) && endsSentence(cur.lines[len(cur.lines)-1].text) {
			emit()
		}
		if len(cur.lines) == 0 {
			start = i
		}
		cur.lines = b.lines[start : i+1 : i+1]
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
	// The cheap tests first: most first lines fail one of them.
	n := utf8.RuneCountInString(first)
	words := countFields(first, 10)
	if words < 2 || words > 10 || n*5 >= maxLen*3 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(first)
	if strings.ContainsRune(".,;:-–—(", last) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(first)
	nr, _ := utf8.DecodeRuneInString(next)
	return unicode.IsUpper(r) && unicode.IsUpper(nr) && !startsItem(first) && !looksLikeReference(first) && !isPageNumber(first)
}

// headingContinues reports whether next looks like the wrapped end of a
// heading: short, in lower case, without end punctuation.
func headingContinues(next string, maxLen int) bool {
	words := countFields(next, 6)
	if words == 0 || words > 6 || utf8.RuneCountInString(next)*2 > maxLen {
		return false
	}
	r, _ := utf8.DecodeRuneInString(next)
	last, _ := utf8.DecodeLastRuneInString(next)
	return unicode.IsLower(r) && !strings.ContainsRune(".,;:", last)
}

// openEnds are the words and marks a heading line cannot end on unless it
// runs on: articles, prepositions, conjunctions, dashes.
var openEnds = map[string]bool{"the": true, "a": true, "an": true, "of": true, "to": true, "in": true, "on": true, "for": true,
	"and": true, "or": true, "by": true, "with": true, "from": true, "at": true, "another": true, "their": true, "its": true,
	"de": true, "des": true, "du": true, "la": true, "le": true, "les": true, "et": true, "en": true, "del": true, "y": true,
	"–": true, "—": true, "-": true}

// endsOpen reports a line that stops on a word or mark that needs what
// follows ("… of", "… and", "… –", "…,").
func endsOpen(l string) bool {
	f := lastField(l)
	if f == "" {
		return false
	}
	last := strings.ToLower(f)
	return openEnds[last] || strings.HasSuffix(last, ",")
}

// lowerStart reports a line starting with a lower-case letter.
func lowerStart(l string) bool {
	r, _ := utf8.DecodeRuneInString(l)
	return unicode.IsLower(r)
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
	// It runs on every line of a block: the tests that pass a heading
	// come first, the costlier ones that rule one out (page numbers,
	// references, dates) only for a line that passed.
	first, _ := utf8.DecodeRuneInString(l)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && first != '(' {
		return 0, false
	}
	var fields [17]string
	words := appendFields(fields[:0], l, len(fields))
	if len(words) > 16 {
		return 0, false
	}
	lvl, numbered := numberingLevel(words[0])
	last, _ := utf8.DecodeLastRuneInString(l)
	if strings.ContainsRune(".,;", last) && !(numbered && len(words) == 1) {
		return 0, false
	}
	normLike := hasLowerPrefix(l, "norm ") || hasLowerPrefix(l, "norme ") || hasLowerPrefix(l, "norma ") ||
		hasLowerPrefix(l, "section ") || hasLowerPrefix(l, "chapter ") || hasLowerPrefix(l, "part ") || hasLowerPrefix(l, "annex")
	switch {
	case normLike:
		lvl = 2
	case numbered && len(words) > 1:
	case isAllCaps(l) && len(words) <= 10:
		lvl = 1
	case alone && titleLike(words):
		lvl = 2
	case alone && !followed && len(words) <= 8 && last != ':' && n < 70:
		lvl = weakLevel
	default:
		return 0, false
	}
	if isPageNumber(l) || looksLikeReference(l) || isDateLine(words) {
		return 0, false
	}
	return lvl, true
}

// looksLikeReference spots footnote and endnote lines ("12. Ibid.",
// "3. <https://…>") that are shaped like numbered headings.
func looksLikeReference(l string) bool {
	var buf [256]byte
	lower := appendLower(buf[:0], l)
	for _, s := range referenceMarks {
		if bytes.Contains(lower, s) {
			return true
		}
	}
	return false
}

// referenceMarks are what looksLikeReference looks for.
var referenceMarks = [][]byte{[]byte("http"), []byte("www."), []byte("<"), []byte("@"), []byte("ibid"), []byte(" res "), []byte("op. cit"), []byte("p. ")}

// numberingLevel recognises "1.", "2.3", "IV.", "A." prefixes and returns
// their depth.
func numberingLevel(w string) (int, bool) {
	marked := strings.HasSuffix(w, ".") || strings.HasSuffix(w, ")")
	w = strings.TrimRight(w, ".)")
	if w == "" {
		return 0, false
	}
	parts := strings.Count(w, ".") + 1
	for rest, more := w, true; more; {
		var p string
		p, rest, more = strings.Cut(rest, ".")
		if p == "" {
			return 0, false
		}
		// Letters and roman numerals count only with a dot or parenthesis
		// ("A.", "IV)"), or "A public" would be numbered.
		letter := isRoman(p) || len(p) == 1 && unicode.IsUpper(rune(p[0]))
		if !isDigits(p) && !(letter && (marked || parts > 1)) {
			return 0, false
		}
	}
	return parts, true
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
	w, _, _ := nextField(l, 0)
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
			t := strings.TrimSpace(b.lines[0].text)
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
// or a stray blank line cut the paragraph. Notes, references and
// furniture between the two (a page's footnotes, the next page's running
// header) are stepped over. A heading cut the same way is joined into one
// heading. runsOn holds the pages whose last paragraph the extractor saw
// run on to the next page.
func joinBroken(blocks []block, runsOn map[int]bool) []block {
	var out []block
	lastFlow := -1 // index in out of the last body or heading block
	for _, b := range blocks {
		if b.kind == "" && lastFlow >= 0 && len(b.lines) > 0 {
			prev := &out[lastFlow]
			last := prev.lines[len(prev.lines)-1].text
			first, _ := utf8.DecodeRuneInString(b.lines[0].text)
			// A page break inside a sentence: the next page goes on with
			// it whatever the case of its first letter.
			prevPage := prev.lines[len(prev.lines)-1].page
			newPage := b.lines[0].page != prevPage
			cut := !endsSentence(last) && (unicode.IsLower(first) || newPage && !prev.heading && !b.heading && lastOpen(last)) ||
				runsOn[prevPage] && b.lines[0].page == prevPage+1 && !prev.heading && !b.heading
			switch {
			case cut && (!b.heading || b.weak) && (!prev.heading || prev.weak):
				prev.lines = append(prev.lines, b.lines...)
				prev.heading, prev.weak, prev.level = false, false, 0
				continue
			case (cut || prev.heading && !endsSentence(last) && endsOpen(last)) && prev.heading && !prev.structural && (!b.heading || b.weak) &&
				headingRunsOn(prev.lines, b.lines) && !endsSentence(b.lines[len(b.lines)-1].text) && sectionKind(joinLines(prev.lines)) == "":
				// A heading whose extent the file gives is whole, and a
				// heading's rest ends no sentence.
				// ("Contents", "Notes" and "References" are whole titles.)
				prev.heading, prev.weak = true, false
				prev.lines = append(prev.lines, b.lines...)
				continue
			}
		}
		out = append(out, b)
		if b.kind == "" {
			lastFlow = len(out) - 1
		}
	}
	return out
}

// lastOpen reports a body line that cannot end a paragraph: it ends on
// a letter or a comma, not on a full stop, colon or closing mark.
func lastOpen(l string) bool {
	r, _ := utf8.DecodeLastRuneInString(l)
	return unicode.IsLetter(r) || r == ','
}

// maxHeadingWords bounds a heading joined from several lines: a norm's
// heading may quote the norm, a paragraph is longer.
const maxHeadingWords = 45

// headingRunsOn reports whether next, starting in lower case after a
// heading that does not end a sentence, is the rest of that heading: a
// line or three, no sentence ending inside, the whole not too long.
func headingRunsOn(heading, next []line) bool {
	if len(heading)+len(next) > 4 {
		return false
	}
	words := 0
	// Counting stops past the limit: a line over it puts the sum over.
	for _, l := range heading {
		words += countFields(l.text, maxHeadingWords)
	}
	for i, l := range next {
		words += countFields(l.text, maxHeadingWords)
		if strings.Contains(l.text, ". ") || i < len(next)-1 && endsSentence(l.text) {
			return false
		}
	}
	return words <= maxHeadingWords
}

// joinLines joins a paragraph's lines, undoing end-of-line hyphenation,
// and normalises the result.
func joinLines(lines []line) string {
	if len(lines) == 1 {
		return Normalize(lines[0].text)
	}
	size := 0
	for _, l := range lines {
		size += len(l.text) + 1
	}
	b := make([]byte, 0, size)
	for i, l := range lines {
		if i > 0 {
			switch joinKind(lines[i-1].text, l.text) {
			case joinDehyphenate:
				b = b[:len(b)-len("-")]
			case joinSpace:
				b = append(b, ' ')
			}
		}
		b = append(b, l.text...)
	}
	return Normalize(string(b))
}

// joinLinesMapped is joinLines that also returns, for every byte of the
// text, the page bytes it came from.
func joinLinesMapped(lines []line) (string, []srcRange) {
	var b []byte
	var src []srcRange
	for i, l := range lines {
		if i > 0 {
			switch joinKind(lines[i-1].text, l.text) {
			case joinDehyphenate:
				b, src = b[:len(b)-1], src[:len(src)-1]
			case joinSpace:
				b = append(b, ' ')
				src = append(src, srcRange{l.page, l.off, l.off})
			}
		}
		for j := 0; j < len(l.text); j++ {
			b = append(b, l.text[j])
			src = append(src, srcRange{l.page, l.off + j, l.off + j + 1})
		}
	}
	return normalize(string(b), src)
}

// How two lines of a paragraph are joined.
const (
	joinSpace       = iota
	joinDirect      // after a soft hyphen: the word continues
	joinDehyphenate // a hyphen breaks a word: drop it
)

func joinKind(prev, next string) int {
	switch {
	case strings.HasSuffix(prev, "\u00ad"):
		return joinDirect
	case dehyphenate(prev, next):
		return joinDehyphenate
	case closeSet(prev, next):
		return joinDirect
	}
	return joinSpace
}

// closeSet reports a line break between two lines of Chinese or Japanese,
// which are written without spaces: a break inside a sentence ("立" /
// "法") joins without one.
func closeSet(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	return closeSetRune(last) || closeSetRune(first)
}

// closeSetRune is a Han character, kana, or CJK or full-width punctuation.
func closeSetRune(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF65
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

// splitLong cuts text longer than max at sentence ends. It returns the
// pieces' byte ranges in text, without surrounding spaces.
func splitLong(text string, max int) [][2]int {
	var out [][2]int
	add := func(from, to int) {
		for from < to && text[from] == ' ' {
			from++
		}
		for to > from && text[to-1] == ' ' {
			to--
		}
		if from < to {
			out = append(out, [2]int{from, to})
		}
	}
	base := 0
	for len(text)-base > max {
		rest := text[base:]
		cut := -1
		for i := max; i > max/3; i-- {
			if (rest[i-1] == '.' || rest[i-1] == '?' || rest[i-1] == '!' || rest[i-1] == ';') && rest[i] == ' ' {
				cut = i
				break
			}
		}
		if cut < 0 {
			cut = strings.LastIndexByte(rest[:max], ' ')
			if cut <= 0 {
				cut = max
				for !utf8.RuneStart(rest[cut]) {
					cut--
				}
			}
		}
		add(base, base+cut)
		base += cut
		for base < len(text) && text[base] == ' ' {
			base++
		}
	}
	add(base, len(text))
	return out
}
