package index

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

func TestCopyKeyFoldsFormattingNotWords(t *testing.T) {
	base := "Attribution of a malicious operation should rest on evidence."
	for _, same := range []string{
		"attribution of a MALICIOUS operation should rest on evidence",
		"Attribution  of a mali-cious operation should rest on\nevidence.",
		"“Attribution” of a malicious operation should rest on evidence…",
		"Attributión of a malicious operation should rest on evidence.",
	} {
		if copyKey(same) != copyKey(base) {
			t.Errorf("copyKey(%q) != copyKey(%q)", same, base)
		}
	}
	for _, other := range []string{
		"Attribution of a malicious operation should rest on proof.",
		"Attribution of a malicious operation should not rest on evidence.",
	} {
		if copyKey(other) == copyKey(base) {
			t.Errorf("copyKey(%q) == copyKey(%q)", other, base)
		}
	}
	if copyKey("Norm 11") == copyKey("Norm 12") {
		t.Error("numbers are words: Norm 11 and Norm 12 must not collapse")
	}
}

func TestLengthClass(t *testing.T) {
	for text, want := range map[string]string{
		"Critical Infrastructure -":                                               "w2",
		"Norm 7: protecting critical infrastructure":                              "w4",
		"Hospitals and the health sector are critical infrastructure we protect.": "w8",
		"": "",
		"States should take appropriate measures to protect their critical infrastructure from ICT threats, including the energy grid and water supply.": "",
	} {
		if got := lengthClass(text); got != want {
			t.Errorf("lengthClass(%q) = %q, want %q", text, got, want)
		}
	}
}

// copiesIndex holds ten documents; each has its own passage, and the
// passage "shared" text (with a different spacing and case in each)
// that all of them hold. Documents 0-4 also hold the text "twice" twice.
func copiesIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(context.Background(), filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	var docs []*corpus.Document
	for i := range 10 {
		d := &corpus.Document{ID: fmt.Sprintf("d%02d", i), Title: fmt.Sprintf("Paper %d", i), FileName: fmt.Sprintf("paper-%d.pdf", i)}
		shared := "Supply chain security needs vendors to disclose the components of their products."
		if i%2 == 1 {
			shared = "SUPPLY CHAIN security needs vendors to disclose the components of their products"
		}
		d.Passages = []corpus.Passage{
			{Seq: 0, Page: 1, Text: fmt.Sprintf("Paper %d discusses supply chain security in its own words, number %d of ten.", i, i)},
			{Seq: 1, Page: 1, Text: shared},
		}
		if i < 5 {
			twice := "Vendors should publish a bill of materials for supply chain review."
			d.Passages = append(d.Passages, corpus.Passage{Seq: 2, Page: 2, Text: twice}, corpus.Passage{Seq: 3, Page: 3, Text: twice})
		}
		docs = append(docs, d)
	}
	if err := ix.IndexDocuments(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestCollapseCountsCopiesBeyondTheWindow(t *testing.T) {
	ix := copiesIndex(t)
	ctx := context.Background()
	res, err := ix.Search(ctx, Request{Query: "vendors", Collapse: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 2 {
		t.Fatalf("vendors: %d hits, want 2 (shared, twice)", len(res.Hits))
	}
	for _, h := range res.Hits {
		c := h.Copies
		if c == nil {
			t.Fatalf("%q: no copies", h.Text)
		}
		for _, ref := range c.Passages {
			if ref.File == "" || ref.Page == 0 || ref.DocID == "" {
				t.Errorf("%q: copy listed without its file, page or document: %+v", h.Text, ref)
			}
		}
		switch h.Text[:6] {
		case "Vendor": // 10 passages in 5 documents: 9 others, in 5 documents
			if c == nil || c.Count != 9 || c.Documents != 5 || len(c.Passages) != 9 {
				t.Errorf("twice: copies %+v, want 9 in 5 documents", c)
			}
		default: // 10 passages in 10 documents
			if c == nil || c.Count != 9 || c.Documents != 9 || len(c.Passages) != 9 {
				t.Errorf("shared: copies %+v, want 9 in 9 documents", c)
			}
		}
	}
	// Copies beyond the window's hits are counted by a query within the
	// search: filtered to five documents, the shared text has 4 copies
	// (the index holds 10, the window 5). One query counts them for all
	// the page's texts; past maxBatchCopies, one query per text does,
	// with the same result.
	defer func(n uint64) { maxBatchCopies = n }(maxBatchCopies)
	for _, batch := range []uint64{maxBatchCopies, 1} {
		maxBatchCopies = batch
		five := Request{Query: "vendors", Collapse: true, Limit: 10, docs: []string{"d00", "d01", "d02", "d03", "d04"}}
		res, err = ix.Search(ctx, five)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 2 {
			t.Fatalf("five documents: %d hits, want 2", len(res.Hits))
		}
		for _, h := range res.Hits {
			want := [2]int{4, 4}
			if h.Text[:6] == "Vendor" {
				want = [2]int{9, 5}
			}
			if c := h.Copies; c == nil || c.Count != want[0] || c.Documents != want[1] || len(c.Passages) != want[0] {
				t.Errorf("batch %d, five documents, %q: copies %+v, want %d in %d documents", batch, h.Text, c, want[0], want[1])
			}
		}
	}
}

func TestCollapsedPagesShowEachGroupOnce(t *testing.T) {
	ix := copiesIndex(t)
	ctx := context.Background()
	for _, sort := range []string{SortRelevance, SortDocument, SortDate} {
		seen := map[string]bool{}
		r := Request{Query: "supply chain", Collapse: true, Limit: 2, Sort: sort}
		pages := 0
		for {
			res, err := ix.Search(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if seen[h.Dup] {
					t.Errorf("%s: text %q shown twice", sort, h.Text)
				}
				seen[h.Dup] = true
			}
			pages++
			if res.Next == "" || pages > 20 {
				break
			}
			r.After = res.Next
		}
		// 10 own passages, the shared text, the text twice.
		if len(seen) != 12 {
			t.Errorf("%s: %d groups over %d pages, want 12", sort, len(seen), pages)
		}
	}
}

func TestPerDocumentAndCollapseTogether(t *testing.T) {
	ix := copiesIndex(t)
	res, err := ix.Search(context.Background(), Request{Query: "supply chain", PerDocument: 1, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]int{}
	for _, h := range res.Hits {
		docs[h.DocID]++
		if h.Copies != nil {
			t.Errorf("copies without collapsing: %+v", h)
		}
	}
	if len(docs) != 10 || len(res.Hits) != 10 {
		t.Errorf("per document 1: %d hits in %d documents, want 10 in 10", len(res.Hits), len(docs))
	}
}

// TestFragmentRanksBelowParagraph is the "Critical Infrastructure -"
// case: a two-word fragment holds the query's words densely, and under
// tf-idf's length norm it came first; a paragraph about them must.
func TestFragmentRanksBelowParagraph(t *testing.T) {
	ix, err := Open(context.Background(), filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	g := []corpus.Tag{{Norm: "g", Score: 1}}
	docs := []*corpus.Document{{ID: "d1", Title: "Report", FileName: "r.pdf", Passages: []corpus.Passage{
		{Seq: 0, Page: 1, Text: "Critical Infrastructure -", Tags: g},
		{Seq: 1, Page: 1, Text: "States should take appropriate measures to protect their critical infrastructure from ICT threats, " +
			"including the energy grid, water supply and hospitals, and should cooperate with operators of critical infrastructure " +
			"to exercise incident response plans across borders.", Tags: g},
		{Seq: 2, Page: 2, Text: "Operators of critical infrastructure report incidents to the national team within a day, " +
			"and the team shares indicators with the operators of other sectors.", Tags: g},
	}}}
	// Other passages give the words their usual rarity.
	for i := range 30 {
		docs[0].Passages = append(docs[0].Passages, corpus.Passage{Seq: 3 + i, Page: 3, Text: fmt.Sprintf("Paragraph %d on cooperation between states, capacity building and confidence building measures in cyberspace.", i)})
	}
	if err := ix.IndexDocuments(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	for _, r := range []Request{
		{Query: "critical infrastructure", Limit: 3},
		{Query: "critical infrastructure", Norms: []string{"g"}, Limit: 3},
		{Query: `"critical infrastructure"`, Limit: 3, Collapse: true},
	} {
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 3 || res.Hits[0].Seq == 0 || res.Hits[len(res.Hits)-1].Seq != 0 {
			var got []string
			for _, h := range res.Hits {
				got = append(got, fmt.Sprintf("%.3f %q", h.Score, h.Text))
			}
			t.Errorf("%+v: the fragment must come last:\n%v", r, got)
		}
	}
}

func TestCollapseAppliesToSearchesOnly(t *testing.T) {
	for _, r := range []Request{
		{Kind: KindExport, Collapse: true},
		{Kind: KindExport, PerDocument: 2},
		{PerDocument: -1},
		{PerDocument: MaxPerDocument + 1},
	} {
		if err := r.Validate(); err == nil {
			t.Errorf("%+v: no error", r)
		}
	}
	for _, p := range []Params{
		{Kind: KindSearch, Collapse: "maybe"},
		{Kind: KindSearch, PerDocument: "0"},
		{Kind: KindSearch, PerDocument: "x"},
	} {
		if _, err := p.Request(); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
	r, err := Params{Kind: KindSearch}.Request()
	if err != nil || !r.Collapse {
		t.Errorf("a search collapses by default: %+v %v", r, err)
	}
	r, err = Params{Kind: KindExport}.Request()
	if err != nil || r.Collapse {
		t.Errorf("an export does not collapse: %+v %v", r, err)
	}
}

// TestKindsRankSearchAndCount: a note, a contents line and a running
// footer that hold the query's words rank below the body paragraph that
// does; kind: selects a kind, names a wrong one, and is a facet.
func TestKindsRankSearchAndCount(t *testing.T) {
	ix, err := Open(context.Background(), filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	text := "Coordinated vulnerability disclosure lets researchers report flaws to vendors, who fix them before attackers learn of them."
	docs := []*corpus.Document{{ID: "d1", Title: "Report", FileName: "r.pdf", Passages: []corpus.Passage{
		{Seq: 0, Page: 1, Kind: corpus.KindTOC, Text: "Vulnerability disclosure ........ 4"},
		{Seq: 1, Page: 4, Kind: corpus.KindBody, Text: text, HeadingPath: []string{"Norm 10", "Disclosure"}, PageEnd: 5},
		{Seq: 2, Page: 5, Kind: corpus.KindNote, Text: "12 On vulnerability disclosure, see the vendor's policy on vulnerability disclosure at https://example.org/vdp."},
		{Seq: 3, Page: 5, Kind: corpus.KindFurniture, Text: "Vulnerability disclosure report 2021 — page 5"},
	}}}
	if err := ix.IndexDocuments(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "vulnerability disclosure", Facets: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 4 || res.Hits[0].Kind != string(corpus.KindBody) {
		var got []string
		for _, h := range res.Hits {
			got = append(got, fmt.Sprintf("%.3f %s %q", h.Score, h.Kind, h.Text))
		}
		t.Fatalf("body text must come first:\n%v", got)
	}
	if h := res.Hits[0]; h.PageEnd != 5 || len(h.HeadingPath) != 2 || h.HeadingPath[1] != "Disclosure" {
		t.Errorf("citation fields: page_end %d, heading path %q", h.PageEnd, h.HeadingPath)
	}
	kinds := map[string]int{}
	for _, f := range res.Facets[FieldKind] {
		kinds[f.Value] = f.Count
	}
	if len(kinds) != 4 || kinds["note"] != 1 || kinds["body"] != 1 {
		t.Errorf("kind facet %v", res.Facets[FieldKind])
	}
	notes, err := ix.Search(context.Background(), Request{Query: "disclosure AND kind:note"})
	if err != nil {
		t.Fatal(err)
	}
	if notes.Total != 1 || notes.Hits[0].Seq != 2 {
		t.Errorf("kind:note: %+v", notes.Hits)
	}
	_, err = ix.Search(context.Background(), Request{Query: "kind:footnote"})
	var qe *RequestError
	if !errors.As(err, &qe) || !strings.Contains(err.Error(), `"footnote"`) {
		t.Errorf("kind:footnote: %v, want an error naming it", err)
	}
}

// TestNearCopiesCollapse: the same paragraph with a footnote number in
// it, or one word changed, is a copy; a different paragraph on the same
// words is not, nor is a short heading that differs in one word.
func TestNearCopiesCollapse(t *testing.T) {
	ix, err := Open(context.Background(), filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	base := "Attribution of a malicious operation to a State should rest on evidence that other governments can examine, " +
		"and accusations made without it erode the trust on which restraint between States depends."
	texts := []string{
		base,
		strings.Replace(base, "examine,", "examine,12", 1),
		strings.Replace(base, "erode", "undermine", 1),
		"Governments should examine the evidence of attribution together before any State answers a malicious operation, so that restraint holds.",
		"Attribution of operations",
		"Attribution of States",
	}
	var docs []*corpus.Document
	for i, text := range texts {
		docs = append(docs, &corpus.Document{ID: fmt.Sprintf("d%d", i), Title: "Paper", FileName: fmt.Sprintf("p%d.txt", i),
			Passages: []corpus.Passage{{Seq: 0, Page: 1, Text: text}}})
	}
	if err := ix.IndexDocuments(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "attribution", Collapse: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 4 {
		t.Fatalf("%d hits, want 4 (the paragraph with its 2 near copies, the other paragraph, 2 headings)", len(res.Hits))
	}
	for _, h := range res.Hits {
		switch h.DocID {
		case "d0", "d1", "d2":
			if c := h.Copies; c == nil || c.Count != 2 || c.Documents != 2 {
				t.Errorf("%s: copies %+v, want 2 in 2 documents", h.DocID, c)
			}
		default:
			if h.Copies != nil {
				t.Errorf("%s %q: copies %+v, want none", h.DocID, h.Text, h.Copies)
			}
		}
	}
}
