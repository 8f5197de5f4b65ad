package segment

import (
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// kinds lists each passage as "kind: text".
func kinds(ps []corpus.Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, string(p.Kind)+": "+p.Text)
	}
	return out
}

func find(t *testing.T, ps []corpus.Passage, prefix string) corpus.Passage {
	t.Helper()
	for _, p := range ps {
		if strings.HasPrefix(p.Text, prefix) {
			return p
		}
	}
	t.Fatalf("no passage starts with %q in\n%s", prefix, strings.Join(kinds(ps), "\n"))
	return corpus.Passage{}
}

// A contents block — its entries shaped like numbered and norm headings,
// with or without leaders — is contents lines up to the first heading it
// lists; the headings and the body after it are what they are.
func TestContentsLines(t *testing.T) {
	text := "Contents\n\n1. Introduction ........ 2\nNorm 7 (paragraph 13 (g)) – Critical infrastructure ........ 3\n2. Annex\n\n" +
		"1. Introduction\n\nThis report sets out what we did.\n\nNorm 7 (paragraph 13 (g)) – Critical infrastructure\n\nWe protect hospitals.\n\n" +
		"A stray entry ........................ 14\n"
	ps := Passages([]corpus.Page{{Number: 1, Text: text}})
	want := []string{
		"heading: Contents",
		"toc: 1. Introduction ........ 2",
		"toc: Norm 7 (paragraph 13 (g)) – Critical infrastructure ........ 3",
		"toc: 2. Annex",
		"heading: 1. Introduction",
		"body: This report sets out what we did.",
		"heading: Norm 7 (paragraph 13 (g)) – Critical infrastructure",
		"body: We protect hospitals.",
		"toc: A stray entry ........................ 14",
	}
	if got := kinds(ps); !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A notes section: one note per number, in order, a note's wrapped lines
// (even one starting "12 products") staying with it; a references section
// gives references; a copyright notice and its wrapped line are furniture
// even inside a section; a note is never a heading.
func TestNotesReferencesAndFurniture(t *testing.T) {
	text := "Conclusions\n\nWe will report again.\n\nReferences\n\n[1] United Nations, A/70/174, https://undocs.org/A/70/174.\n\n" +
		"[2] Forum of Incident Response and Security Teams, https://www.first.org/.\n\n" +
		"Notes\n\n1. See the annual report,\nhttps://example.org/report.pdf.\n\n2. Norm 7 (critical infrastructure)\n\n" +
		"3. Of the 97 reports, 58 concerned public bodies and\n12 products sold abroad.\n\n4. Ibid.\n\n" +
		"© 2022 Ministry of Foreign Affairs. This report may be\nreproduced for non-commercial purposes.\n"
	ps := Passages([]corpus.Page{{Number: 1, Text: text}})
	want := []string{
		"heading: Conclusions",
		"body: We will report again.",
		"heading: References",
		"reference: [1] United Nations, A/70/174, https://undocs.org/A/70/174.",
		"reference: [2] Forum of Incident Response and Security Teams, https://www.first.org/.",
		"heading: Notes",
		"note: 1. See the annual report, https://example.org/report.pdf.",
		"note: 2. Norm 7 (critical infrastructure)",
		"note: 3. Of the 97 reports, 58 concerned public bodies and 12 products sold abroad.",
		"note: 4. Ibid.",
		"furniture: © 2022 Ministry of Foreign Affairs. This report may be reproduced for non-commercial purposes.",
	}
	if got := kinds(ps); !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range ps {
		if p.Kind != corpus.KindHeading && (p.Heading || p.Level != 0) {
			t.Errorf("%s passage marked as a heading: %+v", p.Kind, p)
		}
	}
}

// The extractor's note spans (a PDF page's footnotes) become note
// passages, one per span, never headings even when shaped like one; the
// paragraph the page break cut is joined over them.
func TestNoteSpansAndParagraphOverPageBreak(t *testing.T) {
	p1 := "Norm 7 (paragraph 13 (g)) – States should take appropriate measures to\nprotect their critical infrastructure from ICT threats\n\n" +
		"Operators of essential services must take measures to manage the risks\nposed to the security of the systems they\n\n"
	n1 := "1 Act No. 41/2019 on the Security of Network and Information Systems.\n2 Norm 13 (critical infrastructure)"
	p2 := "rely on, and report significant incidents to the Agency within a day.\n\nThe Agency also keeps a register.\n"
	first := strings.Index(n1, "\n")
	pages := []corpus.Page{
		{Number: 6, Text: p1 + n1, Notes: []corpus.Span{{Start: len(p1), End: len(p1) + first}, {Start: len(p1) + first + 1, End: len(p1) + len(n1)}}},
		{Number: 7, Text: p2},
	}
	ps := Passages(pages)
	head := find(t, ps, "Norm 7")
	if head.Kind != corpus.KindHeading || head.Text != "Norm 7 (paragraph 13 (g)) – States should take appropriate measures to protect their critical infrastructure from ICT threats" {
		t.Errorf("heading not one passage: %+v", head)
	}
	body := find(t, ps, "Operators")
	if body.Kind != corpus.KindBody || !strings.HasSuffix(body.Text, "within a day.") || body.Page != 6 || body.PageEnd != 7 || body.PageCite() != "pp. 6–7" {
		t.Fatalf("paragraph over the page break: %+v", body)
	}
	if len(body.Pieces) != 2 || body.Pieces[0] != (corpus.Piece{Page: 6, Start: body.Start, End: body.End}) {
		t.Fatalf("pieces %+v (start %d end %d)", body.Pieces, body.Start, body.End)
	}
	// Each piece is exactly its page's part of the passage.
	texts := map[int]string{6: pages[0].Text, 7: pages[1].Text}
	var joined []string
	for _, pc := range body.Pieces {
		joined = append(joined, Normalize(texts[pc.Page][pc.Start:pc.End]))
	}
	if got := strings.Join(joined, " "); got != body.Text {
		t.Errorf("pieces read %q, passage is %q", got, body.Text)
	}
	for _, prefix := range []string{"1 Act No.", "2 Norm 13"} {
		if n := find(t, ps, prefix); n.Kind != corpus.KindNote || n.Heading || n.Page != 6 {
			t.Errorf("footnote %q: %+v", prefix, n)
		}
	}
	if got := find(t, ps, "The Agency also"); !slices.Equal(got.HeadingPath, []string{head.Text}) {
		t.Errorf("heading path %q", got.HeadingPath)
	}
}

// A heading broken over a page break, its first part ending on an open
// word, is one heading; passages record the headings above them.
func TestHeadingOverPageBreakAndHeadingPath(t *testing.T) {
	pages := []corpus.Page{
		{Number: 1, Text: "1. Norms\n\nThe norms matter to us.\n\nNorm 11 (paragraph 13 (k)) – States should not harm the\n"},
		{Number: 2, Text: "emergency response teams of another State\n\nOur teams are members of FIRST.\n\n1.1 Capacity building\n\nWe train others.\n\n2. Annex\n\nA table.\n"},
	}
	ps := Passages(pages)
	h := find(t, ps, "Norm 11")
	if h.Kind != corpus.KindHeading || !strings.HasSuffix(h.Text, "of another State") || h.PageCite() != "pp. 1–2" {
		t.Fatalf("heading over the page break: %+v", h)
	}
	for prefix, want := range map[string][]string{
		"1. Norms":  nil,
		"Our teams": {"1. Norms", h.Text},
		// A norm heading and a 1.1 heading are both second-level.
		"We train others": {"1. Norms", "1.1 Capacity building"},
		"A table":         {"2. Annex"},
	} {
		if got := find(t, ps, prefix).HeadingPath; !slices.Equal(got, want) {
			t.Errorf("%q: heading path %q, want %q", prefix, got, want)
		}
	}
}

// A document without pages (page 0) has its passages on page 0, cited
// without a page.
func TestPagelessDocument(t *testing.T) {
	ps := Passages([]corpus.Page{{Number: 0, Text: "Introduction\n\nWe protect hospitals.\n"}})
	for _, p := range ps {
		if p.Page != 0 || p.PageEnd != 0 || p.PageCite() != "" || p.Pieces != nil {
			t.Errorf("passage of a pageless document: %+v", p)
		}
	}
}

// A dateline is not a heading; a contents entry wrapped over two lines
// is one contents passage, never a heading.
func TestDatelineAndWrappedContentsEntry(t *testing.T) {
	text := "National report\n\n14 March 2022\n\n5.1 United Nations Programme of Action on Small Arms -\n(Direct Participation) ........................ 18\n" +
		"5.2 Internet Governance Forum ........................ 19\n\nThe report follows.\n"
	ps := Passages([]corpus.Page{{Number: 1, Text: text}})
	if p := find(t, ps, "14 March"); p.Kind != corpus.KindBody {
		t.Errorf("dateline: %+v", p)
	}
	if p := find(t, ps, "5.1 United"); p.Kind != corpus.KindTOC || !strings.HasSuffix(p.Text, "18") {
		t.Errorf("wrapped contents entry: %+v", p)
	}
	if p := find(t, ps, "5.2 Internet"); p.Kind != corpus.KindTOC {
		t.Errorf("contents entry: %+v", p)
	}
}

// A heading the file marks (Markdown, DOCX) is whole even when it ends on
// an open word, and a paragraph that ends a sentence is never a heading's
// rest.
func TestHeadingsDoNotSwallowParagraphs(t *testing.T) {
	text := "Norm 7: protecting what society runs on\n\nHospitals and power grids now keep offline backups.\n\n" +
		"Norm 5 (paragraph 13 (e)) – Rights of\n\nevery person online are protected by law.\n"
	heading := len("Norm 7: protecting what society runs on")
	ps := Passages([]corpus.Page{{Number: 1, Text: text, Headings: []corpus.Span{{Start: 0, End: heading, Level: 2}}}})
	if p := find(t, ps, "Hospitals"); p.Kind != corpus.KindBody {
		t.Errorf("paragraph under a structural heading: %+v", p)
	}
	ps = Passages([]corpus.Page{{Number: 1, Text: text}})
	for _, prefix := range []string{"Hospitals", "every person"} {
		if p := find(t, ps, prefix); p.Kind != corpus.KindBody {
			t.Errorf("paragraph taken into a heading: %+v", p)
		}
	}
}
