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
}

// parseTSV rebuilds a page's text from Tesseract's TSV output (one row
// per block, paragraph, line and word, with the word's confidence):
// words of a line joined by a space (none between two Chinese or
// Japanese characters, which are not written with spaces), lines of a
// paragraph by a newline, paragraphs and blocks by a blank line, so that
// segment finds the paragraphs Tesseract found. The rows come in reading
// order, which for Arabic is right to left: the text is in logical order.
func parseTSV(data []byte) page {
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
		case ln != line:
			b.WriteString("\n")
		case !(unspaced(lastRune) && unspaced(first)):
			b.WriteString(" ")
		}
		block, par, line = bn, pn, ln
		b.WriteString(text)
		lastRune, _ = utf8.DecodeLastRuneInString(text)
		if c, err := strconv.ParseFloat(fields[col["conf"]], 64); err == nil && c >= 0 {
			sum += c
			p.words++
		}
	}
	p.text = b.String()
	if p.words > 0 {
		p.conf = sum / float64(p.words)
	}
	return p
}

// unspaced reports whether r belongs to a script written without spaces
// between words, or is the full-width punctuation that goes with one.
func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF65)
}
