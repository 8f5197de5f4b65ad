package pdf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// buildPDF writes objects 1…n (object 1 is the catalog) with a correct
// cross-reference table. Streams are given as "dict\nstream\n…".
func buildPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func stream(dict, content string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(content), content)
}

// A Form XObject that uses the page's font (and another form) without
// listing them in its own resources is still read, as viewers read it.
func TestFormXObjectInheritsPageResources(t *testing.T) {
	data := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "+
			"/Resources << /Font << /F1 5 0 R >> /XObject << /Fx1 6 0 R /Fx2 7 0 R >> >> >>",
		stream("", "BT /F1 12 Tf 72 700 Td (Page text) Tj ET /Fx1 Do"),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		stream("/Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << /ProcSet [/PDF] >>",
			"BT /F1 12 Tf 72 600 Td (Outer form) Tj ET /Fx2 Do"),
		stream("/Type /XObject /Subtype /Form /BBox [0 0 600 800]",
			"BT /F1 12 Tf 72 500 Td (Inner form) Tj ET"),
	)
	pages, _, err := Extract(context.Background(), data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Page text", "Outer form", "Inner form"} {
		if !strings.Contains(pages[0], want) {
			t.Errorf("%q missing from %q", want, pages[0])
		}
	}
}

// Type0 fonts without a ToUnicode map: a Unicode predefined CMap decodes
// as UTF-16; a CMap to CJK character IDs gives no text, never the codes'
// bytes read as Latin letters.
func TestPredefinedCMaps(t *testing.T) {
	font := func(cmap string) string {
		return "<< /Type /Font /Subtype /Type0 /BaseFont /KozMinPro-Regular /Encoding /" + cmap +
			" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /KozMinPro-Regular" +
			" /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 4 >> /DW 1000 >>] >>"
	}
	page := func(cmap string) []byte {
		return buildPDF(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
			// 65E5 672C = 日本 in UTF-16; "$\"$$" are Japan1 CIDs' bytes.
			stream("", "BT /F2 12 Tf 72 720 Td (Latin words) Tj ET BT /F1 12 Tf 72 700 Td <65E5672C> Tj 0 -20 Td ($\"$$) Tj ET"),
			font(cmap),
			"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		)
	}
	pages, _, err := Extract(context.Background(), page("UniJIS-UCS2-H"), Options{})
	if err != nil || !strings.Contains(pages[0], "日本") {
		t.Errorf("UniJIS-UCS2-H: %v %q", err, pages)
	}
	pages, _, err = Extract(context.Background(), page("90ms-RKSJ-H"), Options{})
	if err != nil || strings.ContainsAny(pages[0], "$\"") || !strings.Contains(pages[0], "Latin words") {
		t.Errorf("90ms-RKSJ-H: %v %q", err, pages)
	}
}
