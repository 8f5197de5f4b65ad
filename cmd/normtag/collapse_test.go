package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/pdfgen"
)

// copiesTitle and copiesParagraphs are a short paper written for the
// collapsing test; the second paragraph is the one searched for.
const copiesTitle = "Evidence and Restraint in Cyberspace"

var copiesParagraphs = []string{
	"States meeting at the United Nations agreed in 2015 on eleven voluntary norms of responsible behaviour in the use of information and communications technologies.",
	"Attribution of a malicious operation to a State should rest on evidence that other governments can examine, and accusations made without it erode the trust on which restraint depends.",
	"Operators of critical infrastructure need assurance that their systems will not be targeted, and States should not conduct or knowingly support activity that damages such infrastructure.",
	"Capacity building helps smaller States establish emergency response teams and share information about vulnerabilities before they are exploited.",
	"This paper recommends that submissions to future dialogues describe how each norm is being implemented at the national level.",
}

// wrap breaks text into lines of at most width bytes at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// copiesText is the paper as a text file with paragraphs wrapped at
// width (0: one line each) and the given line ending.
func copiesText(width int, eol string) []byte {
	var b strings.Builder
	b.WriteString(copiesTitle + eol + eol)
	for _, p := range copiesParagraphs {
		lines := []string{p}
		if width > 0 {
			lines = wrap(p, width)
		}
		b.WriteString(strings.Join(lines, eol) + eol + eol)
	}
	return []byte(b.String())
}

// copiesHTML is the paper as a web page; spread puts each paragraph's
// words on lines of their own inside nested elements.
func copiesHTML(spread bool) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><head><title>%s</title></head><body><h1>%s</h1>\n", copiesTitle, copiesTitle)
	for i, p := range copiesParagraphs {
		if spread {
			fmt.Fprintf(&b, "<div class=\"para\" id=\"p%d\">\n  <p>\n    %s\n  </p>\n</div>\n", i, strings.Join(wrap(html.EscapeString(p), 40), "\n    "))
		} else {
			fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
		}
	}
	b.WriteString("</body></html>\n")
	return []byte(b.String())
}

// copiesDOCX is the paper as a minimal Word package; runs splits each
// paragraph into runs of that many words, as Word does after edits.
func copiesDOCX(t *testing.T, runs int) []byte {
	t.Helper()
	var body strings.Builder
	para := func(style, text string) {
		body.WriteString("<w:p>")
		if style != "" {
			fmt.Fprintf(&body, `<w:pPr><w:pStyle w:val="%s"/></w:pPr>`, style)
		}
		words := strings.Fields(text)
		for len(words) > 0 {
			n := min(runs, len(words))
			chunk := strings.Join(words[:n], " ")
			words = words[n:]
			if len(words) > 0 {
				chunk += " "
			}
			fmt.Fprintf(&body, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, html.EscapeString(chunk))
		}
		body.WriteString("</w:p>")
	}
	para("Title", copiesTitle)
	for _, p := range copiesParagraphs {
		para("", p)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// copiesPDF is the paper as a one-page PDF with lines of at most width
// characters; hyphenate breaks "malicious" over two lines as a
// typesetter would.
func copiesPDF(t *testing.T, width int, hyphenate bool) []byte {
	t.Helper()
	lines := []pdfgen.Line{{Text: copiesTitle, Size: 16}, {}}
	for _, p := range copiesParagraphs {
		if hyphenate {
			p = strings.Replace(p, "malicious", "mali-\ncious", 1)
		}
		for _, part := range strings.Split(p, "\n") {
			for _, l := range wrap(part, width) {
				lines = append(lines, pdfgen.Line{Text: l})
			}
		}
		lines = append(lines, pdfgen.Line{})
	}
	var buf bytes.Buffer
	if err := pdfgen.WriteStyled(&buf, pdfgen.Info{Title: copiesTitle}, [][]pdfgen.Line{lines}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTenCopiesCollapseIntoOneHit ingests ten renderings of one paper
// (text files wrapped and ended differently, two web pages, two Word
// files, three PDFs) and searches for a phrase of one of its sentences:
// collapsed, that is one hit with "+9 copies in 9 documents", listing
// them; with --no-collapse, ten hits; dup:KEY lists the ten.
func TestTenCopiesCollapseIntoOneHit(t *testing.T) {
	src := t.TempDir()
	files := map[string][]byte{
		"paper.txt":         copiesText(0, "\n"),
		"paper-wrapped.txt": copiesText(60, "\n"),
		"paper-crlf.txt":    copiesText(72, "\r\n"),
		"paper.html":        copiesHTML(false),
		"paper-spread.html": copiesHTML(true),
		"paper.docx":        copiesDOCX(t, 100),
		"paper-runs.docx":   copiesDOCX(t, 3),
		"paper.pdf":         copiesPDF(t, 80, false),
		"paper-narrow.pdf":  copiesPDF(t, 50, false),
		"paper-hyphen.pdf":  copiesPDF(t, 66, true),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(t.TempDir(), "data")
	if code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", src); code != 0 {
		t.Fatalf("ingest exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	const phrase = `"governments can examine"`

	all := searchJSON(t, "--data", data, "--no-collapse", phrase)
	if len(all.Hits) != 10 {
		var got []string
		for _, h := range all.Hits {
			got = append(got, h.File+": "+h.Text)
		}
		t.Fatalf("--no-collapse: %d hits, want one per file (10):\n%s", len(all.Hits), strings.Join(got, "\n"))
	}
	for _, h := range all.Hits {
		if h.Copies != nil {
			t.Errorf("--no-collapse: hit in %s carries copies %+v", h.File, h.Copies)
		}
		if h.Dup != all.Hits[0].Dup {
			t.Errorf("copy keys differ: %s %q (%q) vs %s %q (%q)", h.File, h.Dup, h.Text, all.Hits[0].File, all.Hits[0].Dup, all.Hits[0].Text)
		}
	}

	res := searchJSON(t, "--data", data, phrase)
	if len(res.Hits) != 1 {
		t.Fatalf("collapsed: %d hits, want 1", len(res.Hits))
	}
	hit := res.Hits[0]
	if hit.Copies == nil || hit.Copies.Count != 9 || hit.Copies.Documents != 9 || len(hit.Copies.Passages) != 9 {
		t.Fatalf("collapsed hit copies = %+v, want 9 copies in 9 documents, listed", hit.Copies)
	}
	files2 := map[string]bool{hit.File: true}
	for _, c := range hit.Copies.Passages {
		files2[c.File] = true
	}
	if len(files2) != 10 {
		t.Errorf("hit and its copies are in %d files, want the 10: %v", len(files2), files2)
	}

	code, out, errs := normtag(t, "search", "--data", data, phrase)
	if code != 0 {
		t.Fatalf("search exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "+9 copies in 9 documents") || !strings.Contains(out, "dup:"+hit.Dup) {
		t.Errorf("text output lacks the copies line:\n%s", out)
	}

	listed := searchJSON(t, "--data", data, "--no-collapse", "--limit", "50", "dup:"+hit.Dup)
	if len(listed.Hits) != 10 {
		t.Errorf("dup:%s lists %d passages, want 10", hit.Dup, len(listed.Hits))
	}

	// Every passage of the paper has its nine copies: a word in each
	// paragraph gives five hits, one per paragraph, each +9.
	words := searchJSON(t, "--data", data, "--limit", "20", "states")
	for _, h := range words.Hits {
		if h.Copies == nil || h.Copies.Count != 9 {
			t.Errorf("%q: copies %+v, want 9", h.Text, h.Copies)
		}
	}
	raw, _ := json.Marshal(words.Hits)
	if !bytes.Contains(raw, []byte(`"copies":{"count":9,"documents":9`)) {
		t.Errorf("JSON hits lack the copies count: %s", raw)
	}
}

// TestPerDocumentKeepsTheBestPassages searches the ten renderings of the
// paper without collapsing: --per-document 1 keeps one passage per file
// for a word in several paragraphs, the best one.
func TestPerDocumentKeepsTheBestPassages(t *testing.T) {
	src := t.TempDir()
	for i, width := range []int{0, 50, 60} {
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("paper-%d.txt", i)), copiesText(width, "\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(t.TempDir(), "data")
	if code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", src); code != 0 {
		t.Fatalf("ingest exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	all := searchJSON(t, "--data", data, "--no-collapse", "--limit", "100", "states")
	perDoc := map[string]int{}
	for _, h := range all.Hits {
		perDoc[h.DocID]++
	}
	if len(perDoc) != 3 {
		t.Fatalf("states: hits in %d documents, want 3", len(perDoc))
	}
	for doc, n := range perDoc {
		if n < 2 {
			t.Fatalf("states: %d hits in %s, want several per document for this test", n, doc)
		}
	}
	// A document's best passage: the highest score, of equal scores the
	// first by id.
	best := map[string]index.Hit{}
	for _, h := range all.Hits {
		b, ok := best[h.DocID]
		if !ok || h.Score > b.Score || h.Score == b.Score && h.ID < b.ID {
			best[h.DocID] = h
		}
	}
	one := searchJSON(t, "--data", data, "--no-collapse", "--per-document", "1", "--limit", "100", "states")
	if len(one.Hits) != 3 {
		t.Fatalf("--per-document 1: %d hits, want 3", len(one.Hits))
	}
	for _, h := range one.Hits {
		if h.ID != best[h.DocID].ID {
			t.Errorf("--per-document 1 kept %s of %s, want its best %s", h.ID, h.File, best[h.DocID].ID)
		}
	}
	two := searchJSON(t, "--data", data, "--no-collapse", "--per-document", "2", "--limit", "100", "states")
	if len(two.Hits) != 6 {
		t.Errorf("--per-document 2: %d hits, want 6", len(two.Hits))
	}
	if code, _, errs := normtag(t, "search", "--data", data, "--per-document", "0", "states"); code != 2 || !strings.Contains(errs, "per_document") {
		t.Errorf("--per-document 0: exit %d, %q; want a usage error naming it", code, errs)
	}
}
