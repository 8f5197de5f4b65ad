package extract

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenDoc is what a golden file records of an extracted document:
// everything but the file system's ModTime, with heading spans resolved
// to their text so that a diff is readable.
type goldenDoc struct {
	ID        string            `json:"id"`
	Format    corpus.Format     `json:"format"`
	Title     string            `json:"title"`
	Meta      map[string]string `json:"meta"`
	PageCount int               `json:"page_count"`
	Pages     []goldenPage      `json:"pages"`
}

type goldenPage struct {
	Number   int             `json:"number"`
	Text     string          `json:"text"`
	Headings []goldenHeading `json:"headings,omitempty"`
	Notes    []string        `json:"notes,omitempty"`
}

type goldenHeading struct {
	Level int    `json:"level"`
	Text  string `json:"text"`
}

func toGolden(t *testing.T, d *corpus.Document) goldenDoc {
	t.Helper()
	g := goldenDoc{ID: d.ID, Format: d.Format, Title: d.Title, Meta: d.Meta, PageCount: d.PageCount}
	for i, p := range d.Pages {
		// A document without pages is one page numbered 0.
		if want := i + 1; p.Number != want && !(len(d.Pages) == 1 && p.Number == 0 && d.Format != corpus.FormatPDF && d.Format != corpus.FormatDOCX) {
			t.Errorf("page %d numbered %d", want, p.Number)
		}
		checkSpans(t, p)
		gp := goldenPage{Number: p.Number, Text: p.Text}
		for _, h := range p.Headings {
			gp.Headings = append(gp.Headings, goldenHeading{Level: h.Level, Text: p.Text[h.Start:h.End]})
		}
		for _, n := range p.Notes {
			if n.Start < 0 || n.End <= n.Start || n.End > len(p.Text) {
				t.Fatalf("page %d: bad note span %+v (text %d bytes)", p.Number, n, len(p.Text))
			}
			gp.Notes = append(gp.Notes, p.Text[n.Start:n.End])
		}
		g.Pages = append(g.Pages, gp)
	}
	return g
}

// checkSpans fails when a heading span does not point at text.
func checkSpans(t testing.TB, p corpus.Page) {
	t.Helper()
	last := 0
	for _, h := range p.Headings {
		if h.Start < last || h.End <= h.Start || h.End > len(p.Text) || h.Level < 1 || h.Level > 9 {
			t.Fatalf("page %d: bad heading span %+v (text %d bytes)", p.Number, h, len(p.Text))
		}
		s := p.Text[h.Start:h.End]
		if !utf8.ValidString(s) || strings.TrimSpace(s) != s || s == "" {
			t.Fatalf("page %d: heading span %+v is %q", p.Number, h, s)
		}
		last = h.End
	}
}

// TestGolden compares the extraction of each non-PDF test file with its
// golden JSON (PDF output belongs to pipeline/extract/pdf's own goldens).
func TestGolden(t *testing.T) {
	for _, name := range []string{
		"report.docx", "statement.docx", "statement.html", "latin1.html",
		"statement.md", "setext.md", "pages.txt", "utf16.txt",
	} {
		t.Run(name, func(t *testing.T) {
			d := extractFile(t, name)
			got, err := json.MarshalIndent(toGolden(t, d), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s (run with -update after checking the diff):\n%s", name, path, got)
			}
		})
	}
}

func TestDOCXStructure(t *testing.T) {
	d := extractFile(t, "report.docx")
	if d.Title != "Annual report of the Ostmark Cyber Office" {
		t.Errorf("title %q", d.Title)
	}
	for k, v := range map[string]string{"author": "Ostmark Cyber Office", "date": "2024-04-02", "language": "en-GB"} {
		if d.Meta[k] != v {
			t.Errorf("meta %s = %q, want %q", k, d.Meta[k], v)
		}
	}
	if len(d.Pages) != 2 || d.PageCount != 2 {
		t.Fatalf("want 2 pages (explicit page break), got %d", len(d.Pages))
	}
	type head struct {
		page  int
		text  string
		level int
	}
	var got []head
	for _, p := range d.Pages {
		for _, h := range p.Headings {
			got = append(got, head{p.Number, p.Text[h.Start:h.End], h.Level})
		}
	}
	want := []head{
		{1, "Ostmark Cyber Office: annual report", 1}, // style Title
		{1, "Overview", 1},                            // Heading 1
		{1, "Sectors under protection", 2},            // custom style, outline level only
		{2, "Cooperation", 1},                         // after the page break
		{2, "Localised heading", 3},                   // style named "Titre 3"
	}
	if len(got) != len(want) {
		t.Fatalf("headings %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("heading %d: %v, want %v", i, got[i], want[i])
		}
	}
	p1, p2 := d.Pages[0].Text, d.Pages[1].Text
	for _, s := range []string{"Grid operators", "Regional hospitals", "handled 312 incidents"} {
		if !strings.Contains(p1, s) {
			t.Errorf("page 1 lacks %q", s)
		}
	}
	if !strings.Contains(p2, "four requests for assistance") || !strings.Contains(p2, "Networks Act of 2019") {
		t.Errorf("page 2 lacks body text or the footnote appended after the body:\n%s", p2)
	}
	if strings.Index(p2, "Networks Act") < strings.Index(p2, "French name") {
		t.Errorf("footnote not after the body:\n%s", p2)
	}
	for _, s := range []string{"running header", "Folio"} {
		if strings.Contains(p1+p2, s) {
			t.Errorf("header/footer text %q extracted", s)
		}
	}
	// Table cells are paragraphs of their own.
	if !strings.Contains(p1, "Energy\n\nGrid operators") {
		t.Errorf("table cells not separated:\n%s", p1)
	}
}

func TestHTMLCharsetAndMeta(t *testing.T) {
	d := extractFile(t, "latin1.html")
	text := allText(d)
	if !strings.Contains(text, "La délégation d'Ostmark protège les infrastructures critiques") {
		t.Errorf("windows-1252 not decoded:\n%s", text)
	}
	for _, s := range []string{"JavaScript", "Modèle caché"} {
		if strings.Contains(text, s) {
			t.Errorf("invisible %q extracted", s)
		}
	}
	if d.Title != "Déclaration de la délégation d'Ostmark" {
		t.Errorf("title %q", d.Title)
	}
	for k, v := range map[string]string{"language": "fr", "date": "2024-03-05", "publisher": "Délégation d'Ostmark"} {
		if d.Meta[k] != v {
			t.Errorf("meta %s = %q, want %q (all: %v)", k, d.Meta[k], v, d.Meta)
		}
	}
}

func TestMarkdownHeadings(t *testing.T) {
	d := extractFile(t, "setext.md")
	got := headings(d)
	want := []string{"Ostmark position paper", "Norm 8 on assistance", "Norm 11 — CERTs"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("headings %q, want %q", got, want)
	}
	levels := []int{1, 2, 3}
	for i, h := range d.Pages[0].Headings {
		if h.Level != levels[i] {
			t.Errorf("heading %q level %d, want %d", got[i], h.Level, levels[i])
		}
	}
	text := allText(d)
	if strings.Contains(text, "**") || strings.Contains(text, "](") || !strings.Contains(text, "48 hours") {
		t.Errorf("inline markup left or text lost:\n%s", text)
	}
	if d.Title != "Ostmark position paper" {
		t.Errorf("title %q", d.Title)
	}
}
