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
