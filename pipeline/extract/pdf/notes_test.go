package pdf

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// footnotePage draws ten lines of body text at 11 pt down the page, then
// the given lines at size small below them (footnotes when small is less
// than the body's), each placed at (x, y).
func footnotePage(small float64, notes []string, top bool) []byte {
	var c strings.Builder
	y := 740.0
	if top {
		// the small lines first, high on the page
		for _, n := range notes {
			fmt.Fprintf(&c, "BT /F1 %g Tf 72 %g Td (%s) Tj ET\n", small, y, n)
			y -= small * 1.2
		}
		y -= 20
	}
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&c, "BT /F1 11 Tf 72 %g Td (Body line %d of the paragraph about critical infrastructure and) Tj ET\n", y, i)
		y -= 13.5
	}
	if !top {
		y -= 20
		for _, n := range notes {
			fmt.Fprintf(&c, "BT /F1 %g Tf 72 %g Td (%s) Tj ET\n", small, y, n)
			y -= small * 1.2
		}
	}
	fmt.Fprintf(&c, "BT /F1 9 Tf 300 40 Td (7) Tj ET\n")
	return buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		stream("", c.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	)
}

// Small type at the foot of a page, below the body text, starting with
// note numbers, gives one note span per note (a wrapped line stays with
// its note, "2021 ..." starts none); the page number after them is not a
// note. Small type at the top of the page, or body-sized lines, or lines
// without a marker, give none.
func TestFootnotesFoundByTypeAndPlace(t *testing.T) {
	notes := []string{"1 Act No. 41/2019 on the security of networks, as amended in", "2021 by the Parliament.", "2 See https://example.org/register."}
	for _, c := range []struct {
		name  string
		data  []byte
		notes []string
	}{
		{"foot", footnotePage(8, notes, false), []string{"1 Act No. 41/2019 on the security of networks, as amended in\n2021 by the Parliament.", "2 See https://example.org/register."}},
		{"top", footnotePage(8, notes, true), nil},
		{"body size", footnotePage(11, notes, false), nil},
		{"no marker", footnotePage(8, []string{"Source: national statistics office.", "Figures for 2021."}, false), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			pages, info, err := Extract(context.Background(), c.data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range info.Notes[1] {
				got = append(got, pages[0][s.Start:s.End])
			}
			if strings.Join(got, "|") != strings.Join(c.notes, "|") {
				t.Errorf("notes %q, want %q\npage text:\n%s", got, c.notes, pages[0])
			}
		})
	}
}
