package ocr

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// page is what Tesseract's TSV output says of one page.
type page struct {
	text string
	// conf is the mean word confidence, 0-100; words counts the words.
	conf  float64
	words int
	// lines are the page's lines with the size of their type, for
	// telling a cover's title from the text under it.
	lines []Line
}

// Line is a recognised line of a page and the height of its type.
type Line struct {
	// Text holds the line's words that Tesseract is sure of (at least
	// lineConfidence) and that hold a letter or digit: on a cover, the
	// arcs and rules of a logo read as stray brackets and bars.
	Text string
	// Height is the tallest of those words' boxes in points (1/72 inch),
	// ascenders and descenders included: a measure of the type's size.
	Height float64
}

// lineConfidence is the word confidence below which a word is left out
// of Line.Text.
const lineConfidence = 70

// parseTSV rebuilds a page's text from Tesseract's TSV output (one row
// per block, paragraph, line and word, with the word's confidence):
// words of a line joined by a space (none between two Chinese or
// Japanese characters, which are not written with spaces), lines of a
// paragraph by a newline, paragraphs and blocks by a blank line, so that
// segment finds the paragraphs Tesseract found. The rows come in reading
// order, which for Arabic is right to left: the text is in logical order.
//
// dpi is the image's resolution, which turns box heights into points.
func parseTSV(data []byte, dpi int) page {
	var (
		b                  strings.Builder
		p                  page
		sum                float64
		block, par, line   = -1, -1, -1
		lastRune           rune
		col                = map[string]int{}
		sc                 = bufio.NewScanner(bytes.NewReader(data))
		required           = []string{"level", "block_num", "par_num", "line_num", "conf", "text"}
		header, haveHeader = true, false
	)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var cur Line
	var words []string
	endLine := func() {
		if len(words) > 0 {
			cur.Text = strings.Join(words, " ")
			p.lines = append(p.lines, cur)
		}
		cur, words = Line{}, nil
	}
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if header {
			header = false
			for i, f := range fields {
				col[f] = i
			}
			haveHeader = true
			for _, r := range required {
				if _, ok := col[r]; !ok {
					haveHeader = false
				}
			}
			if !haveHeader {
				return page{}
			}
			continue
		}
		if len(fields) < len(col) || fields[col["level"]] != "5" {
			continue
		}
		text := strings.TrimSpace(fields[col["text"]])
		if text == "" {
			continue
		}
		bn, _ := strconv.Atoi(fields[col["block_num"]])
		pn, _ := strconv.Atoi(fields[col["par_num"]])
		ln, _ := strconv.Atoi(fields[col["line_num"]])
		first, _ := utf8.DecodeRuneInString(text)
		switch {
		case b.Len() == 0:
		case bn != block || pn != par:
			b.WriteString("\n\n")
			endLine()
		case ln != line:
			b.WriteString("\n")
			endLine()
		case !(unspaced(lastRune) && unspaced(first)):
			b.WriteString(" ")
		}
		block, par, line = bn, pn, ln
		b.WriteString(text)
		lastRune, _ = utf8.DecodeLastRuneInString(text)
		c, err := strconv.ParseFloat(fields[col["conf"]], 64)
		if err == nil && c >= 0 {
			sum += c
			p.words++
		}
		if err == nil && c >= lineConfidence && strings.IndexFunc(text, isWordRune) >= 0 {
			words = append(words, text)
			if i, ok := col["height"]; ok && dpi > 0 {
				h, _ := strconv.Atoi(fields[i])
				cur.Height = max(cur.Height, float64(h)*72/float64(dpi))
			}
		}
	}
	endLine()
	p.text = b.String()
	if p.words > 0 {
		p.conf = sum / float64(p.words)
	}
	return p
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// unspaced reports whether r belongs to a script written without spaces
// between words, or is the full-width punctuation that goes with one.
func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF65)
}
