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
func pageNotes(raw string, infos []lineInfo) (string, []corpus.Span) {
	text, starts, ends := cleanTextLines(raw)
	if len(starts) != len(infos) {
		// A glyph decoded to a line break: lines and infos disagree.
		return text, nil
	}
	lines := make([]string, len(starts))
	for i := range starts {
		lines[i] = strings.TrimSpace(text[starts[i]:ends[i]])
	}
	var out []corpus.Span
	for _, r := range footnotes(lines, infos) {
		out = append(out, corpus.Span{Start: starts[r[0]], End: ends[r[1]-1]})
	}
	return text, out
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
	for i := from; i < end; i++ {
		if infos[i].chars == 0 {
			continue
		}
		if markerLine(lines[i], infos[i]) || len(out) == 0 {
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
	for n < len(l) && n < 4 && l[n] >= '0' && l[n] <= '9' {
		n++
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(l[n:], "."), ")")
	if rest == "" || rest[0] != ' ' && rest[0] != '\t' {
		return false
	}
	nr, _ := utf8.DecodeRuneInString(strings.TrimSpace(rest))
	return unicode.IsLetter(nr) || nr == '<' || nr == '"' || nr == '“'
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
