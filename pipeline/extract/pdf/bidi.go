package pdf

import (
	"math"
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Right-to-left text. Producers draw Arabic and Hebrew glyphs where they
// are seen, in visual order (left to right on the page), and often put a
// number or a Latin word of the same line in a run of its own; the
// assembler reads glyphs in content order and expects a line to advance
// to the right. logicalOrder rewrites each line that holds right-to-left
// letters into reading order before assembly: the glyphs sorted by
// position, the line reversed when right-to-left letters dominate, and
// runs of the other direction (numbers, Latin words) turned back. Each
// glyph then gets a position on a synthetic baseline that advances in
// reading order and keeps the visual gap to its neighbour, so spaces and
// paragraph breaks come out as for left-to-right text. This is the
// inverse of the Unicode bidirectional algorithm for the common cases
// (one embedding level, no explicit controls), which is what reports
// and statements contain.

type direction byte

const (
	neutral direction = iota // spaces, punctuation, marks
	leftToRight
	rightToLeft
	number // digits: kept left to right inside right-to-left text
)

// rtlLetter reports a letter of a right-to-left script: Hebrew, Arabic,
// Syriac, Thaana, N'Ko and their presentation forms.
func rtlLetter(r rune) bool {
	return (r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFC) && unicode.IsLetter(r)
}

// presentationForm reports an Arabic or Hebrew presentation form: a
// contextual glyph shape that NFKC maps back to its letters (a lam-alef
// ligature to lam then alef, in reading order).
func presentationForm(r rune) bool {
	return r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFC
}

// classify gives a glyph's direction from its first letter or digit.
func classify(text string) direction {
	for _, r := range text {
		switch {
		case rtlLetter(r):
			return rightToLeft
		case unicode.IsDigit(r):
			return number
		case unicode.IsLetter(r):
			return leftToRight
		}
	}
	return neutral
}

// hasRTL reports whether text holds a right-to-left letter. Glyph texts
// are short; ASCII is ruled out byte by byte.
func hasRTL(text string) bool {
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if rtlLetter(r) {
			return true
		}
		i += n
	}
	return false
}

// logicalOrder puts the page's right-to-left lines in reading order; a
// page without right-to-left letters is left as it is.
func (l *pageLayout) logicalOrder() {
	gs := l.glyphs
	found := false
	for i := range gs {
		if hasRTL(gs[i].text) {
			found = true
			if t := gs[i].text; containsFunc(t, presentationForm) {
				gs[i].text = norm.NFKC.String(t)
			}
		}
	}
	if !found {
		return
	}
	for start := 0; start < len(gs); {
		end := start + 1
		for end < len(gs) && !newLine(gs[end-1], gs[end]) {
			end++
		}
		line := gs[start:end]
		for _, g := range line {
			if hasRTL(g.text) {
				reorderLine(line)
				break
			}
		}
		start = end
	}
}

// newLine is the assembler's test for a glyph that starts another line:
// the baseline moves by more than half the type size, or the text jumps
// back to the left on a slightly different baseline.
func newLine(prev, g glyph) bool {
	size := math.Max(math.Max(g.size, prev.size), 1)
	dy := prev.y - g.y
	return math.Abs(dy) > size*0.5 || g.x0 < prev.x0-size*0.5 && math.Abs(dy) > size*0.2
}

// cluster is a base glyph and the combining marks drawn after it (Arabic
// vowel signs, Hebrew points), which stay after it in reading order.
type cluster struct {
	glyphs []glyph
	dir    direction
	vis    int // place in visual order
}

func (c cluster) x0() float64 { return math.Min(c.glyphs[0].x0, c.glyphs[0].x1) }
func (c cluster) x1() float64 { return math.Max(c.glyphs[0].x0, c.glyphs[0].x1) }

// reorderLine rewrites one line's glyphs, in place, in reading order.
func reorderLine(line []glyph) {
	var cs []cluster
	for _, g := range line {
		if len(cs) > 0 && allMarks(g.text) {
			cs[len(cs)-1].glyphs = append(cs[len(cs)-1].glyphs, g)
			continue
		}
		cs = append(cs, cluster{glyphs: []glyph{g}, dir: classify(g.text)})
	}
	// Visual order: left to right on the page.
	slices.SortStableFunc(cs, func(a, b cluster) int {
		switch {
		case a.x0() < b.x0():
			return -1
		case a.x0() > b.x0():
			return 1
		}
		return 0
	})
	rtl, ltr := 0, 0
	for i := range cs {
		cs[i].vis = i
	}
	for _, c := range cs {
		switch c.dir {
		case rightToLeft:
			rtl++
		case leftToRight:
			ltr++
		}
	}
	logical := slices.Clone(cs)
	if rtl > ltr {
		// A right-to-left line: read from the right; numbers and Latin
		// words inside it were still drawn left to right.
		slices.Reverse(logical)
		reverseRuns(logical, func(d direction) bool { return d == leftToRight || d == number })
	} else {
		// A left-to-right line quoting right-to-left words: only those
		// words turn around, with the numbers among them, which were
		// still drawn left to right.
		for i := 0; i < len(logical); {
			if logical[i].dir != rightToLeft {
				i++
				continue
			}
			j := i + 1
			for k := i + 1; k < len(logical); k++ {
				if logical[k].dir == rightToLeft {
					j = k + 1
				} else if logical[k].dir == leftToRight {
					break
				}
			}
			slices.Reverse(logical[i:j])
			reverseRuns(logical[i:j], func(d direction) bool { return d == number })
			i = j
		}
	}
	// Lay the clusters out along a synthetic baseline in reading order,
	// each as far from the text before it as it is on the page: from its
	// visual neighbour already laid out (the end of a number is not next
	// to the comma after it; the number's start is), else from the
	// cluster before it.
	placed := make([]bool, len(cs))
	cursor := cs[0].x0()
	out := line[:0]
	for i, c := range logical {
		if i > 0 {
			gap, found := math.Inf(1), false
			for _, v := range [2]int{c.vis - 1, c.vis + 1} {
				if v >= 0 && v < len(cs) && placed[v] {
					gap, found = math.Min(gap, visualGap(c, cs[v])), true
				}
			}
			if !found {
				gap = visualGap(c, logical[i-1])
			}
			cursor += gap
		}
		placed[c.vis] = true
		width := c.x1() - c.x0()
		for k, g := range c.glyphs {
			if k == 0 {
				g.x0, g.x1 = cursor, cursor+width
			} else { // a mark sits on its base
				g.x0, g.x1 = cursor+width, cursor+width
			}
			out = append(out, g)
		}
		cursor += width
	}
}

// visualGap is the space between two clusters on the page, 0 when they
// overlap.
func visualGap(a, b cluster) float64 {
	return math.Max(0, math.Max(a.x0()-b.x1(), b.x0()-a.x1()))
}

// reverseRuns reverses, in place, each run of clusters whose direction
// is in, together with the neutrals between two of them ("13 (g)",
// "ICT-related"), but not the neutrals at a run's ends.
func reverseRuns(cs []cluster, in func(direction) bool) {
	for i := 0; i < len(cs); {
		if !in(cs[i].dir) {
			i++
			continue
		}
		j := runEnd(cs, i, in)
		slices.Reverse(cs[i:j])
		i = j
	}
}

// runEnd returns the end of the run starting at i: the index after its
// last cluster whose direction is in, bridging neutrals.
func runEnd(cs []cluster, i int, in func(direction) bool) int {
	end := i + 1
	for k := i + 1; k < len(cs); k++ {
		if in(cs[k].dir) {
			end = k + 1
		} else if cs[k].dir != neutral {
			break
		}
	}
	return end
}

// allMarks reports a glyph made only of combining marks.
func allMarks(text string) bool {
	if text == "" {
		return false
	}
	for _, r := range text {
		if !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

func containsFunc(s string, f func(rune) bool) bool {
	for _, r := range s {
		if f(r) {
			return true
		}
	}
	return false
}
