// Package pdfgen writes simple multi-page text PDFs for benchmarks and
// tests: Helvetica, 45 lines a page, words placed by the content stream,
// one shared font resource, a balanced page tree.
package pdfgen

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Write writes a PDF of the given pages; each page is a list of lines
// (ASCII; parentheses and backslashes are escaped).
func Write(w io.Writer, pages [][]string) error {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) int {
		offsets = append(offsets, b.Len())
		n := len(offsets)
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
		return n
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	catalog := obj("<< /Type /Catalog /Pages 2 0 R >>")
	_ = catalog
	offsets = append(offsets, 0) // 2: page tree root, written last
	font := obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
	for _, lines := range pages {
		var c strings.Builder
		c.WriteString("BT /F1 11 Tf 14 TL 72 770 Td\n")
		for _, l := range lines {
			l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
			fmt.Fprintf(&c, "(%s) Tj T*\n", l)
		}
		c.WriteString("ET\n")
		content := obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", c.Len(), c.String()))
		page := obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>", content, font))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	offsets[1] = b.Len()
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [%s] >>\nendobj\n", len(kids), strings.Join(kids, " "))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	_, err := w.Write(b.Bytes())
	return err
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
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) int {
		offsets = append(offsets, b.Len())
		n := len(offsets)
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
		return n
	}
	esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	offsets = append(offsets, 0) // 2: page tree root, written last
	font := obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
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
				fmt.Fprintf(&c, "BT /F1 %g Tf 72 %g Td (%s) Tj ET\n", size, y, esc(l.Text))
			}
		}
		content := obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", c.Len(), c.String()))
		page := obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>", content, font))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	var dict strings.Builder
	for _, kv := range [][2]string{{"Title", info.Title}, {"Author", info.Author}, {"Producer", info.Producer}, {"CreationDate", info.CreationDate}, {"ModDate", info.ModDate}} {
		if kv[1] != "" {
			fmt.Fprintf(&dict, " /%s (%s)", kv[0], esc(kv[1]))
		}
	}
	infoObj := obj("<<" + dict.String() + " >>")
	offsets[1] = b.Len()
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [%s] >>\nendobj\n", len(kids), strings.Join(kids, " "))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, infoObj, xref)
	_, err := w.Write(b.Bytes())
	return err
}
