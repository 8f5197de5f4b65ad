package segment

import (
	"fmt"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

func texts(ps []corpus.Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}

func TestPassagesNormalisesAndDehyphenates(t *testing.T) {
	pages := []corpus.Page{{Number: 1, Text: "States should protect critical infra-\nstructure from ICT threats.\n\nThe ﬁrst step is a national\nstrategy."}}
	got := texts(Passages(pages))
	want := []string{"States should protect critical infrastructure from ICT threats.", "The first step is a national strategy."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestPassagesJoinsChineseLinesWithoutSpace: a Chinese sentence broken
// over lines is one run of characters again, as the tagger and search
// need; Latin lines beside it still join with a space.
func TestPassagesJoinsChineseLinesWithoutSpace(t *testing.T) {
	pages := []corpus.Page{{Number: 1, Text: "我国政府重申支持十一项规范，并通过国内立\n法、专门机构和地区合作加以落实。\n\nThe CERT works around\nthe clock."}}
	got := texts(Passages(pages))
	want := []string{"我国政府重申支持十一项规范,并通过国内立法、专门机构和地区合作加以落实。", "The CERT works around the clock."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestPassagesKeepsRealHyphens(t *testing.T) {
	got := texts(Passages([]corpus.Page{{Number: 1, Text: "A public-\nPrivate partnership."}}))
	if got[0] != "A public- Private partnership." {
		t.Fatalf("hyphen before a capital must stay: %q", got[0])
	}
}

func TestPassagesDropsRunningHeadersAndPageNumbers(t *testing.T) {
	var pages []corpus.Page
	for i := 1; i <= 4; i++ {
		pages = append(pages, corpus.Page{Number: i, Text: fmt.Sprintf(
			"Republic of Examplia — National Report\n\nParagraph %c of the body says something useful.\n\nPage %d of 4", 'A'+i, i)})
	}
	ps := Passages(pages)
	if len(ps) != 4 {
		t.Fatalf("want 4 body passages, got %d: %q", len(ps), texts(ps))
	}
	for i, p := range ps {
		if p.Page != i+1 || !strings.HasPrefix(p.Text, "Paragraph") {
			t.Errorf("passage %d: page %d text %q", i, p.Page, p.Text)
		}
	}
}

func TestPassagesHeadingsByShape(t *testing.T) {
	text := "Norm 7 (paragraph 13 (g)) — Protecting critical infrastructure\n\nOur agency runs exercises with operators.\n\n2.1 Incident response\nThe national CSIRT answers within hours.\n\nINTRODUCTION\n\nThis report follows the 2015 report."
	ps := Passages([]corpus.Page{{Number: 1, Text: text}})
	var heads []string
	for _, p := range ps {
		if p.Heading {
			heads = append(heads, fmt.Sprintf("%d:%s", p.Level, p.Text))
		}
	}
	want := "2:Norm 7 (paragraph 13 (g)) — Protecting critical infrastructure|2:2.1 Incident response|1:INTRODUCTION"
	if strings.Join(heads, "|") != want {
		t.Fatalf("headings %q, want %q", heads, want)
	}
	if len(ps) != 6 {
		t.Fatalf("want 6 passages, got %d: %q", len(ps), texts(ps))
	}
}

func TestPassagesWrappedHeading(t *testing.T) {
	text := "Norm 1 (paragraph 13 (a)) — Cooperation for\nstability and security\nExamplia works with its neighbours to increase stability and security in the\nuse of ICTs. We host an annual regional tabletop exercise."
	ps := Passages([]corpus.Page{{Number: 1, Text: text}})
	if len(ps) != 2 || !ps[0].Heading || ps[0].Text != "Norm 1 (paragraph 13 (a)) — Cooperation for stability and security" {
		t.Fatalf("got %q", texts(ps))
	}
}

func TestPassagesStructuralHeadings(t *testing.T) {
	text := "Supply chain integrity\nVendors must test their products."
	ps := Passages([]corpus.Page{{Number: 1, Text: text, Headings: []corpus.Span{{Start: 0, End: 22, Level: 1}}}})
	if len(ps) != 2 || !ps[0].Heading || ps[0].Level != 1 || ps[1].Heading {
		t.Fatalf("got %+v", ps)
	}
}

func TestPassagesJoinsParagraphCutByPageBreak(t *testing.T) {
	pages := []corpus.Page{
		{Number: 1, Text: "Norms can be codified into laws over"},
		{Number: 2, Text: "time, which helps compliance.\n\nA new paragraph."},
	}
	ps := Passages(pages)
	if len(ps) != 2 || ps[0].Text != "Norms can be codified into laws over time, which helps compliance." || ps[0].Page != 1 || ps[1].Page != 2 {
		t.Fatalf("got %+v", ps)
	}
}

func TestPassagesSplitsDenseBlocks(t *testing.T) {
	text := "The first paragraph runs over a long line of text that fills the width\nand ends here.\nThe second paragraph also fills the whole line of the page width\nand ends there."
	ps := Passages([]corpus.Page{{Number: 1, Text: text}})
	if len(ps) != 2 {
		t.Fatalf("want 2 passages, got %q", texts(ps))
	}
}

func TestPassagesOffsetsPointIntoPage(t *testing.T) {
	text := "Intro line one.\n\nSecond paragraph here."
	ps := Passages([]corpus.Page{{Number: 1, Text: text}})
	if len(ps) != 2 {
		t.Fatalf("got %q", texts(ps))
	}
	if got := text[ps[1].Start:ps[1].End]; got != "Second paragraph here." {
		t.Fatalf("offsets select %q", got)
	}
	for i, p := range ps {
		if p.Seq != i {
			t.Fatalf("seq %d at %d", p.Seq, i)
		}
	}
}

func TestSplitLong(t *testing.T) {
	s := strings.TrimSpace(strings.Repeat("Short sentence here. ", 400))
	parts := splitLong(s, MaxPassageBytes)
	if len(parts) < 3 {
		t.Fatalf("got %d parts", len(parts))
	}
	for _, r := range parts {
		p := s[r[0]:r[1]]
		if len(p) > MaxPassageBytes || !strings.HasSuffix(p, ".") {
			t.Fatalf("bad part %q", p[len(p)-20:])
		}
	}
}

func TestIsPageNumber(t *testing.T) {
	for s, want := range map[string]bool{"7": true, "- 7 -": true, "Page 7": true, "7 of 12": true, "3/10": true, "vii": true, "civic": false, "2015 report": false, "Norm 7": false} {
		if got := isPageNumber(s); got != want {
			t.Errorf("isPageNumber(%q) = %v", s, got)
		}
	}
}

func FuzzPassages(f *testing.F) {
	f.Add("Title\n\nBody text-\nhere.\n\n3")
	f.Fuzz(func(t *testing.T, s string) {
		ps := Passages([]corpus.Page{{Number: 1, Text: s}, {Number: 2, Text: s}})
		for _, p := range ps {
			if p.Start < 0 || p.End > len(s) || p.Start > p.End || p.Text == "" {
				t.Fatalf("bad passage %+v", p)
			}
		}
	})
}

func TestPassagesKeepFurnitureWhenItIsAllThereIs(t *testing.T) {
	var pages []corpus.Page
	for i := 1; i <= 5; i++ {
		pages = append(pages, corpus.Page{Number: i, Text: fmt.Sprintf("Original page %d", i)})
	}
	if ps := Passages(pages); len(ps) != 5 {
		t.Fatalf("got %q", texts(ps))
	}
}
