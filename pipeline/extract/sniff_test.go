package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// makeZip builds a ZIP archive from name/content pairs, deflated.
func makeZip(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// wordDoc wraps body XML into a minimal document.xml.
func wordDoc(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><w:document ` + wNS + `><w:body>` + body + `</w:body></w:document>`
}

func TestSniff(t *testing.T) {
	pdf, err := os.ReadFile("testdata/statement.pdf")
	if err != nil {
		t.Fatal(err)
	}
	docx, err := os.ReadFile("testdata/statement.docx")
	if err != nil {
		t.Fatal(err)
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "Norm 7 applies." {
		utf16 = append(utf16, byte(r), 0)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want corpus.Format
		// reason and message are checked when want is "".
		reason  corpus.Reason
		message string
	}{
		{"a.pdf", pdf, corpus.FormatPDF, "", ""},
		{"noext", pdf, corpus.FormatPDF, "", ""},
		{"junk-before.pdf", append([]byte("From: gateway\r\nX-Junk: 1\r\n\r\n"), pdf...), corpus.FormatPDF, "", ""},
		{"renamed.txt", docx, corpus.FormatDOCX, "", ""},
		{"a.odt", makeZip(t, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<x/>"), "", corpus.ReasonUnsupported, "OpenDocument text"},
		{"a.xlsx", makeZip(t, "xl/workbook.xml", "<x/>"), "", corpus.ReasonUnsupported, "Excel"},
		{"a.zip", makeZip(t, "readme.txt", "hello"), "", corpus.ReasonUnsupported, "not a Word document"},
		{"broken.zip", []byte("PK\x03\x04 not really a zip"), "", corpus.ReasonUnsupported, "ZIP"},
		{"page.html", []byte("<!DOCTYPE html><html><body><p>x</p></body></html>"), corpus.FormatHTML, "", ""},
		{"page.txt", []byte("\ufeff<!-- saved --> <?xml version=\"1.0\"?>\n<html><p>x</p></html>"), corpus.FormatHTML, "", ""},
		{"fragment", []byte("  <p>Norm 7 applies.</p>\n<p>More.</p>"), corpus.FormatHTML, "", ""},
		{"H1.dat", []byte("<H1>Title</H1>"), corpus.FormatHTML, "", ""},
		{"plain.htm", []byte("No markup at all, but the extension says HTML."), corpus.FormatHTML, "", ""},
		{"pointy.txt", []byte("<paragraph 13> is not a tag"), corpus.FormatText, "", ""},
		{"notes.md", []byte("# Title\n\nText"), corpus.FormatMarkdown, "", ""},
		{"readme.md", []byte("<p align=\"center\">logo</p>\n\n# Title\n"), corpus.FormatMarkdown, "", ""},
		{"saved.md", []byte("<!doctype html><title>x</title>"), corpus.FormatHTML, "", ""},
		{"notes.txt", []byte("# Title\n\nText"), corpus.FormatText, "", ""},
		{"utf16.txt", utf16, corpus.FormatText, "", ""},
		{"latin1.txt", []byte("Norme 7 : prot\xe9ger"), corpus.FormatText, "", ""},
		{"empty.txt", nil, "", corpus.ReasonEmpty, "empty"},
		{"nul.txt", []byte("text\x00with a NUL byte"), "", corpus.ReasonUnsupported, "binary"},
		{"ctl.bin", bytes.Repeat([]byte("ab\x01\x02\x03\x04\x05"), 50), "", corpus.ReasonUnsupported, "binary"},
		{"img.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "", corpus.ReasonUnsupported, "PNG image"},
		{"old.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "", corpus.ReasonUnsupported, "legacy Office"},
		{"locked.docx", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), encryptedPackage...), "", corpus.ReasonEncrypted, "password-protected"},
		{"a.rtf", []byte(`{\rtf1\ansi Norm 7}`), "", corpus.ReasonUnsupported, "Rich Text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sniff(tc.name, tc.data)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("Sniff = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Sniff = %q, want an error", got)
			}
			var ce *corpus.Error
			if !errors.As(err, &ce) || ce.Reason != tc.reason {
				t.Fatalf("error %v, want reason %s", err, tc.reason)
			}
			if !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("message %q should name the file and say %q", err, tc.message)
			}
		})
	}
}

func TestDOCXGuards(t *testing.T) {
	ctx := context.Background()
	deep := strings.Repeat("<w:sdt>", 300) + strings.Repeat("</w:sdt>", 300)
	bomb := wordDoc(strings.Repeat("<w:p><w:r><w:t>"+strings.Repeat("norm ", 2000)+"</w:t></w:r></w:p>", 3000)) // ~30 MB
	many := []string{"word/document.xml", wordDoc("<w:p><w:r><w:t>x</w:t></w:r></w:p>")}
	for i := 0; i <= maxZipEntries; i++ {
		many = append(many, fmt.Sprintf("media/%d.bin", i), "")
	}
	for _, tc := range []struct {
		name string
		data []byte
		opts Options
		want corpus.Reason
	}{
		{"bomb.docx", makeZip(t, "word/document.xml", bomb), Options{MaxFileSize: 1 << 20}, corpus.ReasonTooLarge},
		{"deep.docx", makeZip(t, "word/document.xml", wordDoc(deep)), Options{}, corpus.ReasonMalformed},
		{"entries.docx", makeZip(t, many...), Options{}, corpus.ReasonTooLarge},
		{"badxml.docx", makeZip(t, "word/document.xml", "<w:document><w:body><w:p>"), Options{}, corpus.ReasonMalformed},
		{"notext.docx", makeZip(t, "word/document.xml", wordDoc("<w:p></w:p>")), Options{}, corpus.ReasonNoText},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Bytes(ctx, tc.name, tc.data, tc.opts)
			if got := corpus.ReasonOf(err); err == nil || got != tc.want {
				t.Fatalf("got %v (reason %s), want reason %s", err, got, tc.want)
			}
			if !strings.Contains(err.Error(), tc.name) {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

// TestDOCXWordConstructs covers what Word writes and LibreOffice does not:
// rendered page breaks, text boxes with a VML fallback copy, deleted text,
// field codes, localised style ids and direct outline levels.
func TestDOCXWordConstructs(t *testing.T) {
	styles := `<?xml version="1.0"?><w:styles ` + wNS + `>
<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="MyHead"><w:name w:val="Norm head"/><w:basedOn w:val="berschrift1"/></w:style>
<w:style w:type="character" w:styleId="Heading2Char"><w:name w:val="Heading 2 Char"/></w:style>
</w:styles>`
	body := `<w:p><w:pPr><w:pStyle w:val="berschrift1"/></w:pPr><w:r><w:t>Bericht</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Before the box </w:t></w:r><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed text</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed text</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>and after it.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Long paragraph that starts on page one </w:t></w:r><w:r><w:lastRenderedPageBreak/><w:t>and ends on page two.</w:t></w:r></w:p>
<w:p><w:r><w:t>Second page</w:t></w:r><w:del><w:r><w:delText>removed words</w:delText></w:r></w:del><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t xml:space="preserve"> non</w:t></w:r><w:r><w:noBreakHyphen/><w:t>stop.</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="MyHead"/></w:pPr><w:r><w:t>Inherited heading</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="berschrift1"/><w:outlineLvl w:val="9"/></w:pPr><w:r><w:t>Body text in heading style</w:t></w:r></w:p>
<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>Third page.</w:t></w:r></w:p>`
	data := makeZip(t, "word/document.xml", wordDoc(body), "word/styles.xml", styles)
	d, err := Bytes(context.Background(), "word.docx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pages) != 3 {
		t.Fatalf("want 3 pages, got %d: %+v", len(d.Pages), d.Pages)
	}
	p1, p2, p3 := d.Pages[0].Text, d.Pages[1].Text, d.Pages[2].Text
	if strings.Count(p1, "Boxed text") != 1 || !strings.Contains(p1, "Before the box and after it.") {
		t.Errorf("text box: %q", p1)
	}
	if !strings.Contains(p1, "starts on page one and ends on page two.") {
		t.Errorf("paragraph split by a rendered page break should stay on its first page: %q", p1)
	}
	if !strings.Contains(p2, "Second page non-stop.") || strings.Contains(p2, "removed") || strings.Contains(p2, "PAGE") {
		t.Errorf("page 2: %q", p2)
	}
	if !strings.HasPrefix(p3, "Third page.") {
		t.Errorf("page 3: %q", p3)
	}
	if got := headings(d); strings.Join(got, "|") != "Bericht|Inherited heading" {
		t.Errorf("headings %q", got)
	}
	if d.Title != "Bericht" {
		t.Errorf("title %q: want the first heading", d.Title)
	}
}

func TestMarkdownFrontMatter(t *testing.T) {
	src := "---\ntitle: \"Ostmark: position on norm (j)\"\nauthor: Ostmark Cyber Office\ndate: 2024-05-06\nlang: en\ntags:\n  - cvd\n---\n\n# Coordinated disclosure\n\nText.\n"
	d, err := Bytes(context.Background(), "fm.md", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Ostmark: position on norm (j)" || d.Meta["author"] != "Ostmark Cyber Office" || d.Meta["date"] != "2024-05-06" || d.Meta["language"] != "en" {
		t.Errorf("title %q meta %v", d.Title, d.Meta)
	}
	if text := allText(d); strings.Contains(text, "author:") || strings.Contains(text, "cvd") {
		t.Errorf("front matter left in the text: %q", text)
	}
	if h := headings(d); len(h) != 1 || h[0] != "Coordinated disclosure" {
		t.Errorf("headings %q", h)
	}
}

func TestUTF16HTML(t *testing.T) {
	src := "<html lang=\"fr\"><body><h1>Norme 7</h1><p>Protéger les hôpitaux.</p></body></html>"
	data := []byte{0xFE, 0xFF} // big-endian BOM
	for _, r := range src {
		data = append(data, byte(r>>8), byte(r))
	}
	d, err := Bytes(context.Background(), "utf16.html", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != corpus.FormatHTML || !strings.Contains(allText(d), "Protéger les hôpitaux.") || d.Title != "Norme 7" {
		t.Fatalf("format %s title %q text %q", d.Format, d.Title, allText(d))
	}
}

func TestOldMacLineEnds(t *testing.T) {
	d, err := Bytes(context.Background(), "mac.txt", []byte("First line\r\rNorm 7 applies.\r"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Pages[0].Text; got != "First line\n\nNorm 7 applies.\n" {
		t.Fatalf("text %q", got)
	}
}

// TestDOCXMainPartFromRelationships reads a document whose main part is
// not word/document.xml, as Word Online writes them: report.docx with
// its main part renamed.
func TestDOCXMainPartFromRelationships(t *testing.T) {
	src, err := zip.OpenReader("testdata/report.docx")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var files []string
	for _, f := range src.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if _, err := io.Copy(&b, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		name, body := f.Name, b.String()
		if name == "word/document.xml" {
			name = "word/document2.xml"
		}
		if name == "_rels/.rels" || name == "[Content_Types].xml" {
			body = strings.ReplaceAll(body, "word/document.xml", "word/document2.xml")
		}
		files = append(files, name, body)
	}
	data := makeZip(t, files...)
	if f, err := Sniff("online.docx", data); err != nil || f != corpus.FormatDOCX {
		t.Fatalf("Sniff = %q, %v", f, err)
	}
	d, err := Bytes(context.Background(), "online.docx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pages) != 2 || !strings.Contains(d.Pages[1].Text, "four requests for assistance") {
		t.Fatalf("pages %+v", d.Pages)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := File(ctx, "testdata/statement.md", Options{})
	if corpus.ReasonOf(err) != corpus.ReasonTimeout {
		t.Fatalf("got %v", err)
	}
}

func TestPDFWithLeadingGarbage(t *testing.T) {
	data, err := os.ReadFile("testdata/statement.pdf")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Bytes(context.Background(), "mail.pdf", append([]byte("Content-Type: application/pdf\r\n\r\n"), data...), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != corpus.FormatPDF || !strings.Contains(allText(d), "critical infrastructure") {
		t.Fatalf("format %s text %q", d.Format, allText(d))
	}
}

func TestTitleFallback(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, text, want string }{
		{"a.txt", "\n\n   Report of the Ostmark Cyber Office   \n\nBody.", "Report of the Ostmark Cyber Office"},
		{"b.md", "Intro line\n\n## First heading\n", "First heading"},
		{"c.html", "<html><body><h2>Only a heading</h2><p>x</p></body></html>", "Only a heading"},
		{"d.txt", strings.Repeat("word ", 100), strings.TrimSpace(strings.Repeat("word ", 40)) + "…"},
	} {
		d, err := Bytes(ctx, tc.name, []byte(tc.text), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.name, d.Title, tc.want)
		}
	}
}

func TestNormalizeDate(t *testing.T) {
	for in, want := range map[string]string{
		"2023-03-14T10:00:00Z":        "2023-03-14",
		"2023-03-14T10:00:00.5+01:00": "2023-03-14",
		"2023-03-14":                  "2023-03-14",
		"D:20230314101500+01'00'":     "2023-03-14",
		"14 March 2023":               "2023-03-14",
		"March 2023":                  "2023-03",
		"2023":                        "2023",
		"yesterday":                   "",
		"":                            "",
	} {
		if got := normalizeDate(in); got != want {
			t.Errorf("normalizeDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	for _, name := range []string{"statement.html", "statement.md", "statement.docx", "pages.txt", "utf16.txt", "latin1.html"} {
		if data, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(name, data)
		}
	}
	f.Add("x.pdf", []byte("junk%PDF-1.7"))
	f.Add("x.txt", []byte("<p>"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		format, err := Sniff(name, data)
		if err != nil {
			if r := corpus.ReasonOf(err); r != corpus.ReasonEmpty && r != corpus.ReasonUnsupported && r != corpus.ReasonEncrypted {
				t.Fatalf("reason %s for %v", r, err)
			}
			return
		}
		switch format {
		case corpus.FormatPDF, corpus.FormatDOCX, corpus.FormatHTML, corpus.FormatText, corpus.FormatMarkdown:
		default:
			t.Fatalf("unknown format %q", format)
		}
	})
}

// FuzzDOCXBody feeds arbitrary document.xml content through the DOCX reader.
func FuzzDOCXBody(f *testing.F) {
	f.Add(wordDoc(`<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Norm 7</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/><w:t>x</w:t></w:r></w:p>`))
	f.Add(wordDoc(`<w:p><w:r><w:lastRenderedPageBreak/><mc:AlternateContent><mc:Fallback><w:p/></mc:Fallback></mc:AlternateContent></w:r></w:p>`))
	styles := `<w:styles ` + wNS + `><w:style w:styleId="Heading1"><w:name w:val="heading 1"/></w:style></w:styles>`
	f.Fuzz(func(t *testing.T, body string) {
		data := makeZip(t, "word/document.xml", body, "word/styles.xml", styles)
		d, err := Bytes(context.Background(), "f.docx", data, Options{MaxFileSize: 1 << 20})
		if err != nil {
			if corpus.ReasonOf(err) == corpus.ReasonCrashed {
				t.Fatal(err)
			}
			return
		}
		for _, p := range d.Pages {
			checkSpans(t, p)
		}
	})
}

// FuzzHTML feeds arbitrary markup through the HTML reader.
func FuzzHTML(f *testing.F) {
	for _, name := range []string{"statement.html", "latin1.html"} {
		if data, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("<h1>a<h2>b</h1><pre>x\n<h3></h3></pre>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Bytes(context.Background(), "f.html", data, Options{})
		if err != nil {
			if corpus.ReasonOf(err) == corpus.ReasonCrashed {
				t.Fatal(err)
			}
			return
		}
		for _, p := range d.Pages {
			checkSpans(t, p)
		}
	})
}
