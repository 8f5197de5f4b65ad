package segment

import (
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// longParagraph is a paragraph well over MaxPassageBytes, wrapped and
// indented the way extractors leave text, with a ligature that NFKC
// expands.
func longParagraph(sentences int) string {
	var b strings.Builder
	for i := 0; i < sentences; i++ {
		if i%3 == 0 {
			b.WriteString("\n   ")
		} else if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("States should cooperate to increase stability and security in the use of ICTs, with ﬁrst responders in reach.")
	}
	return strings.TrimLeft(b.String(), "\n ")
}

// TestLongParagraphPiecesHaveTheirOwnOffsets: as corpus.Passage documents,
// Start and End locate each piece of a split paragraph in its page text,
// so Normalize(page[Start:End]) is the piece, and pieces follow each other.
func TestLongParagraphPiecesHaveTheirOwnOffsets(t *testing.T) {
	para := longParagraph(80)
	text := "Short opening paragraph.\n\n" + para + "\n\nClosing paragraph."
	ps := Passages([]corpus.Page{{Number: 1, Text: text}})
	if len(ps) < 5 {
		t.Fatalf("want the long paragraph split in several pieces, got %d passages", len(ps))
	}
	prevEnd := 0
	for _, p := range ps {
		if p.Start < prevEnd || p.End <= p.Start || p.End > len(text) {
			t.Fatalf("passage %d: range [%d,%d) after %d in %d bytes", p.Seq, p.Start, p.End, prevEnd, len(text))
		}
		if got := Normalize(text[p.Start:p.End]); got != p.Text {
			t.Errorf("passage %d: page[%d:%d] normalises to\n%.80q…, want\n%.80q…", p.Seq, p.Start, p.End, got, p.Text)
		}
		prevEnd = p.End
	}
	paraStart := strings.Index(text, para)
	if ps[1].Start != paraStart || ps[len(ps)-2].End != paraStart+len(para) {
		t.Errorf("pieces cover [%d,%d), paragraph is [%d,%d)", ps[1].Start, ps[len(ps)-2].End, paraStart, paraStart+len(para))
	}
}

// TestLongParagraphAcrossPagesCitesEachPiecesPage: a piece that starts on
// the next page is cited there, with offsets into that page.
func TestLongParagraphAcrossPagesCitesEachPiecesPage(t *testing.T) {
	p1 := longParagraph(40) + " and so the sentence runs on over"
	p2 := "the page break into the next page. " + longParagraph(40)
	pages := []corpus.Page{{Number: 1, Text: p1}, {Number: 2, Text: p2}}
	ps := Passages(pages)
	onPage2 := 0
	for _, p := range ps {
		page := pages[p.Page-1].Text
		if p.Start < 0 || p.End > len(page) || p.End <= p.Start {
			t.Fatalf("passage %d: [%d,%d) outside page %d of %d bytes", p.Seq, p.Start, p.End, p.Page, len(page))
		}
		// A piece running over the break holds its first page's part
		// and more.
		if got := Normalize(page[p.Start:p.End]); !strings.HasPrefix(p.Text, got) {
			t.Errorf("passage %d on page %d: page[%d:%d] = %.60q…, not the start of %.60q…", p.Seq, p.Page, p.Start, p.End, got, p.Text)
		}
		if p.Page == 2 {
			onPage2++
		}
	}
	if onPage2 == 0 {
		t.Errorf("no piece is cited on page 2 although most of the second half is there")
	}
}

// TestNormalizeMappedMatchesNormalize: the mapped normalisation used for
// long paragraphs yields exactly the text Normalize does, so a paragraph's
// text does not depend on its length.
func TestNormalizeMappedMatchesNormalize(t *testing.T) {
	for _, s := range []string{"", "  a  b ", "ﬁrst ﬂoor", "soft\u00adhyphen", "e\u0301te\u0301", "tab\tand\x00control", "bad \xff byte", "Ⅻ ¼ ㎏", "\u00a8x"} {
		if got, want := mapped(s), Normalize(s); got != want {
			t.Errorf("%q: mapped %q, Normalize %q", s, got, want)
		}
	}
}

func mapped(s string) string {
	src := make([]srcRange, len(s))
	for i := range src {
		src[i] = srcRange{1, i, i + 1}
	}
	out, outSrc := normalize(s, src)
	if len(outSrc) != len(out) {
		panic("source map length differs from text")
	}
	return out
}

func FuzzNormalizeMapped(f *testing.F) {
	f.Add("ﬁrst\u00ad line\n\tsecond")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := mapped(s), Normalize(s); got != want {
			t.Fatalf("mapped %q, Normalize %q", got, want)
		}
	})
}
