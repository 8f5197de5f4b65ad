package extract_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/extract/ocr"
)

// wordWithPicture writes a Word document: a paragraph of text (none if
// text is empty), then on a page of its own a picture shown 6.5 inches
// wide, as a scanned page pasted into Word is.
func wordWithPicture(t *testing.T, text string, picture []byte) []byte {
	t.Helper()
	var body strings.Builder
	if text != "" {
		fmt.Fprintf(&body, `<w:p><w:r><w:t>%s</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p>`, text)
	}
	body.WriteString(`<w:p><w:r><w:drawing><wp:inline><wp:extent cx="5943600" cy="8407400"/><wp:docPr id="1" name="scan"/>` +
		`<a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="rIdScan"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>` +
		`</wp:inline></w:drawing></w:r></w:p>`)
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Default Extension="png" ContentType="image/png"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/_rels/document.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rIdScan" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/scan.png"/>` +
			`<Relationship Id="rIdWeb" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" TargetMode="External"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
			`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>` +
			body.String() + `</w:body></w:document>`,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[name]))
	}
	w, err := zw.Create("word/media/scan.png")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(picture)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDOCXScannedPageReadByOCR: a Word document whose second page is
// only a picture of a scanned note verbale gets that page's words by
// OCR, flagged with its confidence, while its typed first page is kept
// as typed; a document that is only the picture is read too, and
// without OCR it is reported as having no text.
func TestDOCXScannedPageReadByOCR(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: OCR takes seconds per page")
	}
	c := ocrConfig(t, ocr.Auto, "eng")
	scan, err := os.ReadFile(filepath.Join(scans, "en-300.png"))
	if err != nil {
		t.Fatal(err)
	}
	typed := "This report sets out how our Government implements the eleven voluntary norms of responsible State behaviour."
	ctx := context.Background()
	doc, err := extract.Bytes(ctx, "mixed.docx", wordWithPicture(t, typed, scan), extract.Options{OCR: c})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Pages) != 2 || !strings.Contains(doc.Pages[0].Text, typed) {
		t.Fatalf("pages %d, first %q", len(doc.Pages), doc.Pages[0].Text)
	}
	second := strings.Join(strings.Fields(doc.Pages[1].Text), " ")
	for _, w := range []string{"Permanent Mission", "critical infrastructure", "requests for assistance"} {
		if !strings.Contains(second, w) {
			t.Errorf("the scanned page does not read %q: %q", w, second)
		}
	}
	if pages := doc.OCRPages(); len(pages) != 1 || pages[2] < 50 {
		t.Errorf("OCR pages %v, want page 2 with a confidence", pages)
	}

	only := wordWithPicture(t, "", scan)
	if doc, err = extract.Bytes(ctx, "scan.docx", only, extract.Options{OCR: c}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(doc.Pages[0].Text), " "), "critical infrastructure") {
		t.Errorf("picture-only document: %q", doc.Pages[0].Text)
	}
	c.Mode = ocr.Never
	_, err = extract.Bytes(ctx, "scan.docx", only, extract.Options{OCR: c})
	var ce *corpus.Error
	if !errors.As(err, &ce) || ce.Reason != corpus.ReasonNoText {
		t.Errorf("picture-only document without OCR: %v, want no-text", err)
	}
}
