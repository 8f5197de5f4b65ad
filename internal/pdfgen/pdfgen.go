// Package pdfgen writes simple multi-page text PDFs for benchmarks and
// tests: Helvetica, 45 lines a page, words placed by the content stream,
// one shared font resource, a balanced page tree.
package pdfgen

import (
	"fmt"
	"io"
	"strings"
)

// Write writes a PDF of the given pages; each page is a list of lines
// (ASCII; parentheses and backslashes are escaped).
func Write(w io.Writer, pages [][]string) error {
	o := NewObjects()
	font := o.Add([]byte(helvetica))
	var kids []int
	for _, lines := range pages {
		var c strings.Builder
		c.WriteString("BT /F1 11 Tf 14 TL 72 770 Td\n")
		for _, l := range lines {
			fmt.Fprintf(&c, "(%s) Tj T*\n", escape(l))
		}
		c.WriteString("ET\n")
		kids = append(kids, addTextPage(o, c.String(), font))
	}
	return o.Finish(w, kids, 0)
}

// helvetica is the one font object every text page uses as /F1.
const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

// escape makes s a PDF literal string's content.
var escape = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace

// addTextPage adds a content stream and a letter-size page drawing it
// with font as /F1, and returns the page's object number.
func addTextPage(o *Objects, content string, font int) int {
	c := o.Add(fmt.Appendf(nil, "<< /Length %d >>\nstream\n%sendstream", len(content), content))
	return o.Add(fmt.Appendf(nil, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>", c, font))
}

// Pages makes n pages of generated policy-like lines.
func Pages(n int) [][]string {
	words := strings.Fields("states should cooperate to protect critical infrastructure and report vulnerabilities " +
		"responsibly while respecting human rights and the integrity of the supply chain in cyberspace " +
		"national emergency response teams assist one another after incidents across borders")
	pages := make([][]string, n)
	k := 0
	for p := range pages {
		lines := make([]string, 45)
		for i := range lines {
			var l strings.Builder
			for j := 0; j < 12; j++ {
				if j > 0 {
					l.WriteByte(' ')
				}
				l.WriteString(words[k%len(words)])
				k += 7
			}
			lines[i] = l.String()
		}
		pages[p] = lines
	}
	return pages
}

// Line is one line of a styled page: its text (ASCII, or Latin-1 letters
// the WinAnsi encoding has) and type size in points (0: 11). A blank Text
// leaves a blank line.
type Line struct {
	Text string
	Size float64
}

// Info is what a styled PDF's document information dictionary says.
type Info struct {
	Title, Author, Producer string
	// CreationDate and ModDate are written as given ("D:20191122...").
	CreationDate, ModDate string
}

// WriteStyled writes a PDF whose lines have their own type sizes, placed
// top to bottom with a line gap of 1.3 times their size, as a cover page
// sets its title in large type over smaller lines; info fills the
// document information dictionary.
func WriteStyled(w io.Writer, info Info, pages [][]Line) error {
	o := NewObjects()
	font := o.Add([]byte(helvetica))
	var kids []int
	for _, lines := range pages {
		var c strings.Builder
		y := 760.0
		for _, l := range lines {
			size := l.Size
			if size <= 0 {
				size = 11
			}
			y -= size * 1.3
			if strings.TrimSpace(l.Text) != "" {
				fmt.Fprintf(&c, "BT /F1 %g Tf 72 %g Td (%s) Tj ET\n", size, y, escape(l.Text))
			}
		}
		kids = append(kids, addTextPage(o, c.String(), font))
	}
	var dict strings.Builder
	for _, kv := range [][2]string{{"Title", info.Title}, {"Author", info.Author}, {"Producer", info.Producer}, {"CreationDate", info.CreationDate}, {"ModDate", info.ModDate}} {
		if kv[1] != "" {
			fmt.Fprintf(&dict, " /%s (%s)", kv[0], escape(kv[1]))
		}
	}
	return o.Finish(w, kids, o.Add([]byte("<<"+dict.String()+" >>")))
}
