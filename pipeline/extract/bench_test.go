package extract

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/internal/benchtext"
)

// benchParagraphs is the size of the generated documents: about the
// length of a 400-page report.
const benchParagraphs = 8000

func benchText(i int) string {
	return fmt.Sprintf("Paragraph %d: the State designated critical infrastructure sectors and a point of contact for requests for assistance, in line with norm (g).", i)
}

func BenchmarkDOCX(b *testing.B) {
	var body strings.Builder
	for i := range benchParagraphs {
		if i%40 == 0 {
			fmt.Fprintf(&body, `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Section %d</w:t></w:r></w:p>`, i/40)
		}
		fmt.Fprintf(&body, `<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, benchText(i))
	}
	styles := `<w:styles ` + wNS + `><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style></w:styles>`
	data := makeZip(b, "word/document.xml", wordDoc(body.String()), "word/styles.xml", styles)
	b.SetBytes(int64(len(wordDoc(body.String()))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Bytes(context.Background(), "bench.docx", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	var page strings.Builder
	page.WriteString("<!DOCTYPE html><html><head><title>Bench</title></head><body>")
	for i := range benchParagraphs {
		if i%40 == 0 {
			fmt.Fprintf(&page, "<h2>Section %d</h2>", i/40)
		}
		fmt.Fprintf(&page, "<p>%s <em>emphasis</em> <a href=\"#x\">link</a></p>\n", benchText(i))
	}
	page.WriteString("</body></html>")
	data := []byte(page.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Bytes(context.Background(), "bench.html", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarkdown(b *testing.B) {
	var md strings.Builder
	for i := range benchParagraphs {
		if i%40 == 0 {
			fmt.Fprintf(&md, "## Section %d\n\n", i/40)
		}
		fmt.Fprintf(&md, "%s *emphasis* [link](https://example.org)\n\n", benchText(i))
	}
	data := []byte(md.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Bytes(context.Background(), "bench.md", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRealPDFs runs what an extraction child runs for each PDF in
// NORMTAG_BENCH_DIR (default: the Paris Call PDFs in ../shared), OCR off:
// the text, then the document's description.
func BenchmarkRealPDFs(b *testing.B) {
	files, docs := benchtext.RealPDFs(b, "../../../shared")
	b.ReportAllocs()
	pages := 0
	for b.Loop() {
		pages = 0
		for i, data := range docs {
			doc, err := Bytes(context.Background(), filepath.Base(files[i]), data, Options{})
			if err != nil {
				b.Fatalf("%s: %v", files[i], err)
			}
			pages += len(doc.Pages)
		}
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
}
