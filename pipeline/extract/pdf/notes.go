package pdf

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
)

// lineInfo is what layout knows of one line of a page's assembled text:
// the type it is set in and where it stands. A blank line has size 0.
type lineInfo struct {
	size   float64 // median size of its glyphs
	y      float64 // baseline of its last glyph
	first  float64 // size of its first visible glyph (a superscript marker is smaller)
	firstY float64 // baseline of its first visible glyph (a superscript is raised)
	x1     float64 // right end
	chars  int     // visible glyphs
}

// pageNotes cleans a page's assembled text and finds its footnotes: the
// run of lines at the foot of the page set in type smaller than the
// page's body text, split into notes at the lines that start with a
// marker. It returns the text and the notes' byte ranges in it.
//
// It also reports whether the page's body text runs on to the next page:
// in justified text, a paragraph's last line stops short of the right
// margin, so a page whose last body line reaches it ends mid-paragraph,
// even where that line ends a sentence.
func pageNotes(raw string, infos []lineInfo) (text string, notes []corpus.Span, runsOn bool) {
	text, starts, ends := cleanTextLines(raw)
	if len(starts) != len(infos) {
		// A glyph decoded to a line break: lines and infos disagree.
		return text, nil, false
	}
	lines := make([]string, len(starts))
	for i := range starts {
		lines[i] = strings.TrimSpace(text[starts[i]:ends[i]])
	}
	found := footnotes(lines, infos)
	for _, r := range found {
		notes = append(notes, corpus.Span{Start: starts[r[0]], End: ends[r[1]-1]})
	}
	bodyEnd := len(infos)
	if len(found) > 0 {
		bodyEnd = found[0][0]
	}
	return text, notes, fullLastLine(infos[:bodyEnd])
}

// fullLastLine reports whether the last line in body type is as wide as
// the text block, on a page set justified (most of its body lines are).
func fullLastLine(infos []lineInfo) bool {
	body := bodySize(infos)
	isBody := func(in lineInfo) bool { return in.chars > 0 && math.Abs(in.size-body) <= body*0.1 }
	right, n := 0.0, 0
	for _, in := range infos {
		if isBody(in) {
			right = math.Max(right, in.x1)
			n++
		}
	}
	full := 0
	last := -1
	for i, in := range infos {
		if isBody(in) {
			if in.x1 >= right-1 {
				full++
			}
			last = i
		}
	}
	return n >= 6 && full*2 >= n && last >= 0 && infos[last].x1 >= right-1
}

// bodySize is the type size most of a page's characters are set in.
func bodySize(infos []lineInfo) float64 {
	count := map[float64]int{}
	best, n := 0.0, 0
	for _, in := range infos {
		if in.chars == 0 {
			continue
		}
		k := math.Round(in.size*2) / 2
		count[k] += in.chars
		if count[k] > n || count[k] == n && k > best {
			best, n = k, count[k]
		}
	}
	return best
}

// maxTrailing is how many lines after the footnotes (page number, running
// footer, copyright line) may end the page.
const maxTrailing = 3

// footnotes returns the line ranges [from, to) of a page's footnotes.
func footnotes(lines []string, infos []lineInfo) [][2]int {
	body := bodySize(infos)
	if body == 0 {
		return nil
	}
	small := func(i int) bool { return infos[i].chars > 0 && infos[i].size <= body*0.9 }
	// Step back over the page's last lines that are not small type (a
	// footer in body type) or are only a page number.
	end := len(lines)
	for skipped := 0; end > 0; end-- {
		i := end - 1
		if infos[i].chars == 0 {
			continue
		}
		if small(i) && !pageNumber(lines[i]) {
			break
		}
		if skipped++; skipped > maxTrailing {
			return nil
		}
	}
	// The run of small lines above: the notes, if the first starts with
	// a marker and they stand below the body text.
	from := end
	for from > 0 && (infos[from-1].chars == 0 || small(from-1)) {
		from--
	}
	for from < end && !(infos[from].chars > 0 && markerLine(lines[from], infos[from])) {
		from++
	}
	if from >= end {
		return nil
	}
	above := -1
	for i := from - 1; i >= 0; i-- {
		if infos[i].chars > 0 {
			above = i
			break
		}
	}
	if above < 0 || infos[above].y <= infos[from].y {
		// Small type without body text above it, or set higher up the
		// page than the text before it: not the page's foot.
		return nil
	}
	var out [][2]int
	last := 0 // number of the last numbered note
	for i := from; i < end; i++ {
		if infos[i].chars == 0 {
			continue
		}
		starts := markerLine(lines[i], infos[i])
		if n, ok := leadingNumber(lines[i]); starts && ok {
			// Notes on a page are numbered in order: a line of note 2
			// that begins "2021 …" or "12 products" starts none.
			if last > 0 && (n <= last || n > last+3) {
				starts = false
			} else {
				last = n
			}
		}
		if starts || len(out) == 0 {
			out = append(out, [2]int{i, i + 1})
			continue
		}
		out[len(out)-1][1] = i + 1
	}
	return out
}

// markerLine reports a line that starts a note: a number or symbol set
// as a superscript (smaller or raised) or followed by a space or a dot
// and the note's words.
func markerLine(l string, in lineInfo) bool {
	r, size := utf8.DecodeRuneInString(l)
	switch {
	case strings.ContainsRune("*†‡§¹²³⁴⁵⁶⁷⁸⁹", r):
		return true
	case !unicode.IsDigit(r):
		return false
	case in.first < in.size*0.85 || in.firstY > in.y+in.size*0.2:
		return true // superscript number
	}
	n := size
	for n < len(l) && l[n] >= '0' && l[n] <= '9' {
		n++
	}
	if n > 3 {
		return false // a year or a figure, not a note number
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(l[n:], "."), ")")
	if rest == "" || rest[0] != ' ' && rest[0] != '\t' {
		return false
	}
	nr, _ := utf8.DecodeRuneInString(strings.TrimSpace(rest))
	return unicode.IsLetter(nr) || nr == '<' || nr == '"' || nr == '“'
}

// leadingNumber is the number a line starts with, if any.
func leadingNumber(l string) (int, bool) {
	n, digits := 0, 0
	for digits < len(l) && digits < 4 && l[digits] >= '0' && l[digits] <= '9' {
		n = n*10 + int(l[digits]-'0')
		digits++
	}
	return n, digits > 0
}

// pageNumber reports a line that is only a number (or "Page n").
func pageNumber(l string) bool {
	l = strings.Trim(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(l)), "page"), " -–—|")
	if l == "" || len(l) > 9 {
		return false
	}
	for _, r := range l {
		if !unicode.IsDigit(r) && r != ' ' && r != '/' && !strings.ContainsRune("of", r) {
			return false
		}
	}
	return true
}
