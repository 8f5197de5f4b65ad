package pdf

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// Line is one line of a page's text with its type size: what a reader
// sees first on a cover page is the largest type, whatever the file's
// metadata says.
type Line struct {
	Text string
	// Size is the median size of the line's glyphs, in device units
	// (points on an unscaled page).
	Size float64
}

// maxLines bounds the lines kept of one page.
const maxLines = 200

// lines groups the page's glyphs, in content order, into lines: a new
// line wherever the baseline moves by more than half the type size or
// the text jumps back to the left (the rule assemble uses).
func (l *pageLayout) lines() []Line {
	var out []Line
	var b strings.Builder
	var sizes []float64
	flush := func() {
		text := strings.Join(strings.Fields(b.String()), " ")
		if text != "" && len(sizes) > 0 && len(out) < maxLines {
			sort.Float64s(sizes)
			out = append(out, Line{Text: text, Size: math.Round(sizes[len(sizes)/2]*10) / 10})
		}
		b.Reset()
		sizes = sizes[:0]
	}
	for i, g := range l.glyphs {
		if i > 0 {
			prev := l.glyphs[i-1]
			size := maxOf(maxOf(g.size, prev.size), 1)
			dy := prev.y - g.y
			switch {
			case math.Abs(dy) > size*0.5 || g.x0 < prev.x0-size*0.5 && math.Abs(dy) > size*0.2:
				flush()
			case g.x0-prev.x1 > size*0.15 || g.x0-prev.x1 < -size*3:
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.text)
		if strings.IndexFunc(g.text, func(r rune) bool { return !unicode.IsSpace(r) }) >= 0 {
			sizes = append(sizes, g.size)
		}
	}
	if len(sizes) > 0 {
		flush()
	}
	return out
}
