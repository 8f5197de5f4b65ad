package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

func extractFile(t *testing.T, name string) *corpus.Document {
	t.Helper()
	doc, err := File(context.Background(), filepath.Join("testdata", name), Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

func allText(d *corpus.Document) string {
	var b strings.Builder
	for _, p := range d.Pages {
		b.WriteString(p.Text)
	}
	return b.String()
}

func headings(d *corpus.Document) []string {
	var out []string
	for _, p := range d.Pages {
		for _, h := range p.Headings {
			out = append(out, p.Text[h.Start:h.End])
		}
	}
	return out
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		file     string
		format   corpus.Format
		title    string
		contains []string
		heads    int
	}{
		{"statement.md", corpus.FormatMarkdown, "Statement of the Federation of Norland", []string{"eleven critical infrastructure sectors", "Norm 10: reporting vulnerabilities"}, 3},
		{"statement.docx", corpus.FormatDOCX, "Statement of the Federation of Norland", []string{"eleven critical infrastructure sectors", "coordinated vulnerability disclosure"}, 3},
		{"statement.html", corpus.FormatHTML, "Statement of the Federation of Norland", []string{"implementation of the voluntary norms", "Energy Grid authority"}, 2},
		{"statement.pdf", corpus.FormatPDF, "Statement of the Federation of Norland", []string{"critical infrastructure", "vulnerability disclosure"}, 0},
		{"pages.txt", corpus.FormatText, "Page one of a plain report.", []string{"Second paragraph."}, 0},
		{"utf16.txt", corpus.FormatText, "Norme 7 : protéger les infrastructures critiques.", []string{"protéger"}, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			d := extractFile(t, tc.file)
			if d.Format != tc.format {
				t.Errorf("format %s, want %s", d.Format, tc.format)
			}
			if d.Title != tc.title {
				t.Errorf("title %q, want %q", d.Title, tc.title)
			}
			text := strings.Join(strings.Fields(allText(d)), " ")
			for _, s := range tc.contains {
				if !strings.Contains(text, s) {
					t.Errorf("text lacks %q:\n%s", s, text)
				}
			}
			if h := headings(d); tc.heads > 0 && len(h) != tc.heads {
				t.Errorf("headings %q, want %d", h, tc.heads)
			}
			if len(d.ID) != 64 || d.FileName != tc.file || d.PageCount < 1 {
				t.Errorf("metadata %+v", d)
			}
		})
	}
}

func TestHTMLDropsInvisibleText(t *testing.T) {
	d := extractFile(t, "statement.html")
	text := allText(d)
	for _, s := range []string{"must not appear", "Invisible text", "body { color", "Home"} {
		if strings.Contains(text, s) {
			t.Errorf("invisible text %q extracted", s)
		}
	}
	if d.Meta["author"] != "Ministry of Foreign Affairs of Norland" || d.Meta["date"] != "2022-05-10" || d.Meta["language"] != "en" {
		t.Errorf("meta %v", d.Meta)
	}
}

func TestPDFMetadata(t *testing.T) {
	d := extractFile(t, "statement.pdf")
	if d.Meta["date"] == "" || len(d.Meta["date"]) != 10 || d.Meta["producer"] == "" {
		t.Fatalf("PDF metadata not read: %v", d.Meta)
	}
}

func TestFormFeedSplitsTextPages(t *testing.T) {
	d := extractFile(t, "pages.txt")
	if len(d.Pages) != 2 || !strings.Contains(d.Pages[1].Text, "Page two") {
		t.Fatalf("pages %+v", d.Pages)
	}
}

func TestBadInputReasons(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		data []byte
		want corpus.Reason
	}{
		{"empty.txt", nil, corpus.ReasonEmpty},
		{"image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), corpus.ReasonUnsupported},
		{"archive.zip", []byte("PK\x03\x04garbage that is not a real zip"), corpus.ReasonUnsupported},
		{"broken.pdf", []byte("%PDF-1.4\nnot really a pdf\n%%EOF"), corpus.ReasonMalformed},
		{"old.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), corpus.ReasonUnsupported},
		{"blank.txt", []byte("   \n\n\t  \n"), corpus.ReasonNoText},
	} {
		_, err := Bytes(ctx, tc.name, tc.data, Options{})
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if got := corpus.ReasonOf(err); got != tc.want {
			t.Errorf("%s: reason %s (%v), want %s", tc.name, got, err, tc.want)
		}
		if !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: error does not name the file: %v", tc.name, err)
		}
	}
}

func TestTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.txt")
	os.WriteFile(path, []byte(strings.Repeat("norm ", 1000)), 0o644)
	_, err := File(context.Background(), path, Options{MaxFileSize: 100})
	if corpus.ReasonOf(err) != corpus.ReasonTooLarge {
		t.Fatalf("got %v", err)
	}
}

// A file within the size limit whose text exceeds the text limit fails
// as too-large, naming the file and the limit; a compressed format is
// held to the text it yields, not to its file size.
func TestTextSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "long.txt")
	os.WriteFile(path, []byte(strings.Repeat("States cooperate.\n\n", 300)), 0o644)
	if _, err := File(context.Background(), path, Options{}); err != nil {
		t.Fatalf("within the default limits: %v", err)
	}
	_, err := File(context.Background(), path, Options{MaxTextSize: 1000})
	if corpus.ReasonOf(err) != corpus.ReasonTooLarge || !strings.Contains(err.Error(), "long.txt") || !strings.Contains(err.Error(), "limit of 1000") {
		t.Fatalf("text over the limit: %v, want too-large naming the file and the limit", err)
	}
	docx := filepath.Join("testdata", "statement.docx")
	doc, err := File(context.Background(), docx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := textSize(doc.Pages)
	if _, err := File(context.Background(), docx, Options{MaxTextSize: n}); err != nil {
		t.Fatalf("DOCX with exactly %d bytes of text under a limit of %d: %v", n, n, err)
	}
	if _, err := File(context.Background(), docx, Options{MaxTextSize: n - 1}); corpus.ReasonOf(err) != corpus.ReasonTooLarge {
		t.Fatalf("DOCX with %d bytes of text under a limit of %d: %v, want too-large", n, n-1, err)
	}
}

func TestMissingFile(t *testing.T) {
	_, err := File(context.Background(), "testdata/nope.pdf", Options{})
	if corpus.ReasonOf(err) != corpus.ReasonUnreadable || !strings.Contains(err.Error(), "nope.pdf") {
		t.Fatalf("got %v", err)
	}
}

func FuzzBytes(f *testing.F) {
	for _, name := range []string{"statement.html", "statement.md", "statement.docx", "pages.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err == nil {
			f.Add(name, data)
		}
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, err := Bytes(context.Background(), name, data, Options{MaxFileSize: 1 << 20})
		if err == nil && (doc == nil || len(doc.Pages) == 0) {
			t.Fatal("no error and no pages")
		}
		if err != nil && corpus.ReasonOf(err) == "" {
			t.Fatal("error without reason")
		}
	})
}
