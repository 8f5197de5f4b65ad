// Package pdfgen writes simple multi-page text PDFs for benchmarks and
// tests: Helvetica, 45 lines a page, words placed by the content stream,
// one shared font resource, a balanced page tree.
package pdfgen

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"io"
	"sort"
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
func addTextPage(o *Objects, content string, font int) int { return addPage(o, content, font, nil) }

// addPage is addTextPage with images (XObject names to object numbers)
// the content draws.
func addPage(o *Objects, content string, font int, images map[string]int) int {
	c := o.Add(fmt.Appendf(nil, "<< /Length %d >>\nstream\n%sendstream", len(content), content))
	var xobjects strings.Builder
	if len(images) > 0 {
		names := make([]string, 0, len(images))
		for name := range images {
			names = append(names, name)
		}
		sort.Strings(names)
		xobjects.WriteString(" /XObject <<")
		for _, name := range names {
			fmt.Fprintf(&xobjects, " /%s %d 0 R", name, images[name])
		}
		xobjects.WriteString(" >>")
	}
	return o.Add(fmt.Appendf(nil, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >>%s >> >>", c, font, xobjects.String()))
}

// AddImage adds a grey image XObject (Flate-compressed) and returns its
// object number.
func AddImage(o *Objects, img *image.Gray) int {
	bounds := img.Bounds()
	wpx, hpx := bounds.Dx(), bounds.Dy()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		off := img.PixOffset(bounds.Min.X, y)
		zw.Write(img.Pix[off : off+wpx])
	}
	zw.Close() // writes to memory: cannot fail
	return o.Add(append(fmt.Appendf(nil, "<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n", wpx, hpx, z.Len()), append(z.Bytes(), "\nendstream"...)...))
}

// ImageSize is the size in points of img shown at dpi.
func ImageSize(img *image.Gray, dpi int) (w, h float64) {
	return float64(img.Bounds().Dx()) * 72 / float64(dpi), float64(img.Bounds().Dy()) * 72 / float64(dpi)
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
// leaves a blank line. A line with an Image is that picture instead, at
// DPI, as a cover draws its title or a letterhead its logo: the text
// layer does not hold it.
type Line struct {
	Text  string
	Size  float64
	Image *image.Gray
	DPI   int
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
		images := map[string]int{}
		for _, l := range lines {
			if l.Image != nil {
				w, h := ImageSize(l.Image, l.DPI)
				y -= h
				name := fmt.Sprintf("Im%d", len(images))
				images[name] = AddImage(o, l.Image)
				fmt.Fprintf(&c, "q %.2f 0 0 %.2f 72 %.2f cm /%s Do Q\n", w, h, y, name)
				continue
			}
			size := l.Size
			if size <= 0 {
				size = 11
			}
			y -= size * 1.3
			if strings.TrimSpace(l.Text) != "" {
				fmt.Fprintf(&c, "BT /F1 %g Tf 72 %g Td (%s) Tj ET\n", size, y, escape(l.Text))
			}
		}
		kids = append(kids, addPage(o, c.String(), font, images))
	}
	var dict strings.Builder
	for _, kv := range [][2]string{{"Title", info.Title}, {"Author", info.Author}, {"Producer", info.Producer}, {"CreationDate", info.CreationDate}, {"ModDate", info.ModDate}} {
		if kv[1] != "" {
			fmt.Fprintf(&dict, " /%s (%s)", kv[0], escape(kv[1]))
		}
	}
	return o.Finish(w, kids, o.Add([]byte("<<"+dict.String()+" >>")))
}
