package pipeline_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/normtag/normtag/corpus"
)

// headingKey reduces a heading to its letters and digits, so that the
// same heading printed by different producers (quotes, dashes,
// ligatures) compares equal.
func headingKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestRenderingsKinds ingests the Estavia paper as rendered by Chromium,
// groff and LibreOffice (PDF and DOCX) and as text, into a real store,
// and checks issue 13's acceptance: in every rendering no note, contents
// line, reference or furniture carries an inherited norm; its notes (23),
// contents lines and copyright line are found as such; every norm heading
// is one heading passage, whole; and the per-norm counts of body and
// heading passages agree with the text file's within ±15%.
func TestRenderingsKinds(t *testing.T) {
	d, docs := ingestFiles(t, renderingPaths(t))
	ctx := context.Background()
	cov, err := d.Store.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := docs["estavia.txt"]
	var normHeadings []string
	for _, p := range base.Passages {
		if p.Kind == corpus.KindHeading && strings.HasPrefix(p.Text, "Norm ") {
			normHeadings = append(normHeadings, headingKey(p.Text))
		}
	}
	if len(normHeadings) != 7 {
		t.Fatalf("the text file has %d norm headings, want 7", len(normHeadings))
	}
	for _, f := range renderings {
		doc := docs[f]
		count := map[corpus.Kind]int{}
		headings := map[string]bool{}
		for _, p := range doc.Passages {
			count[p.Kind]++
			if p.Kind == corpus.KindHeading {
				headings[headingKey(p.Text)] = true
			}
			if !p.Kind.Sectional() {
				for _, tg := range p.Tags {
					if tg.Inherited {
						t.Errorf("%s: %s passage %d inherits (%s): %q", f, p.Kind, p.Seq, tg.Norm, p.Text)
					}
				}
			}
			if f == "estavia.txt" && (p.Page != 0 || p.PageCite() != "") {
				t.Errorf("%s: passage %d of a text file on page %d", f, p.Seq, p.Page)
			}
		}
		if count[corpus.KindNote] != 23 || count[corpus.KindTOC] < 11 || count[corpus.KindFurniture] != 1 || count[corpus.KindReference] != 5 {
			t.Errorf("%s: kinds %v, want 23 notes, 11 or more contents lines, 5 references, 1 copyright line", f, count)
		}
		for _, h := range normHeadings {
			if !headings[h] {
				t.Errorf("%s: norm heading %q is not one passage", f, h)
			}
		}
		for _, n := range "abcdefghijk" {
			got, want := cov[doc.ID][string(n)], cov[base.ID][string(n)]
			if math.Abs(float64(got-want)) > 0.15*float64(want) {
				t.Errorf("%s: (%c) in %d body and heading passages, the text file in %d", f, n, got, want)
			}
		}
	}
	// A PDF's paragraphs that run over a page break cite both pages.
	spans := 0
	for _, p := range docs["estavia-libreoffice.pdf"].Passages {
		if p.PageEnd > p.Page {
			spans++
			if len(p.Pieces) != p.PageEnd-p.Page+1 || !strings.HasPrefix(p.PageCite(), "pp. ") {
				t.Errorf("passage %d over pages %d–%d: pieces %+v", p.Seq, p.Page, p.PageEnd, p.Pieces)
			}
		}
	}
	if spans < 3 {
		t.Errorf("%d passages of the LibreOffice PDF run over a page break, want 3 or more", spans)
	}
}

// TestParisCallNotes: in real policy PDFs (../shared), footnotes are
// found at the pages' feet and none inherits a norm.
func TestParisCallNotes(t *testing.T) {
	dir := "../../shared/corpora/policy/pariscall"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("skipping: %s absent", dir)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	_, docs := ingestFiles(t, files)
	notes := map[string]int{}
	for name, doc := range docs {
		for _, p := range doc.Passages {
			if p.Kind == corpus.KindNote {
				notes[name]++
			}
			if p.Kind != corpus.KindNote {
				continue
			}
			for _, tg := range p.Tags {
				if tg.Inherited {
					t.Errorf("%s: note %d inherits (%s): %q", name, p.Seq, tg.Norm, p.Text)
				}
			}
		}
	}
	wg3 := "10-11-WG3-Multistakeholder-participation-at-the-UN-The-need-for-greater-inclusivity-in-the-UN-dialogues-on-cybersecurity.pdf"
	if notes[wg3] < 50 {
		t.Errorf("%d notes found in %s, want 50 or more (its pages end in numbered footnotes)", notes[wg3], wg3)
	}
	if notes["paris-call.pdf"] != 0 {
		t.Errorf("%d notes found in the Paris Call, which has none", notes["paris-call.pdf"])
	}
}
