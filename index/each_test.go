package index

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// TestEachListsEveryMatchOnceInOrder compares Each, in pages smaller than
// a document, with the same search in one page: same passages, same
// order, for every sort, after a deletion, and for a document without a
// first passage (which makes Each page through the whole result).
func TestEachListsEveryMatchOnceInOrder(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	more := &corpus.Document{ID: "d3", Title: "Another report", FileName: "another.pdf", Meta: map[string]string{"date": "2022-05-01"}}
	for i := 0; i < 9; i++ {
		more.Passages = append(more.Passages, corpus.Passage{Seq: i, Page: 1 + i/3, Text: fmt.Sprintf("Passage %d on critical infrastructure.", i), Tags: []corpus.Tag{{Norm: "g", Score: 1}}})
	}
	gone := &corpus.Document{ID: "d4", Title: "Withdrawn", FileName: "w.pdf", Passages: []corpus.Passage{{Seq: 0, Page: 1, Text: "Withdrawn text."}}}
	if err := ix.IndexDocuments(ctx, []*corpus.Document{more, gone}); err != nil {
		t.Fatal(err)
	}
	if err := ix.DeleteDocuments(ctx, []string{"d4"}); err != nil {
		t.Fatal(err)
	}
	check := func(label string) {
		t.Helper()
		for _, r := range []Request{
			{Kind: KindExport},
			{Kind: KindExport, Sort: SortDate},
			{Kind: KindExport, Sort: SortRelevance, Query: "critical infrastructure"},
			{Kind: KindExport, Norms: []string{"g"}, Sort: SortDocument},
		} {
			one := r
			one.Kind, one.Limit = KindSearch, MaxLimit
			if one.Sort == "" || one.Sort == SortRelevance {
				one.Sort = SortDocument // exports list relevance in document order
			}
			want, err := ix.Search(ctx, one)
			if err != nil {
				t.Fatal(err)
			}
			var wantIDs, got []string
			for _, h := range want.Hits {
				wantIDs = append(wantIDs, h.ID)
			}
			for _, size := range []int{1, 2, 5, 100} {
				got = got[:0]
				if err := ix.Each(ctx, r, size, func(h Hit) error { got = append(got, h.ID); return nil }); err != nil {
					t.Fatal(err)
				}
				if len(wantIDs) < 3 || strings.Join(got, " ") != strings.Join(wantIDs, " ") {
					t.Errorf("%s %+v pages of %d:\n got %v\nwant %v", label, r, size, got, wantIDs)
				}
			}
		}
	}
	if docs, err := ix.documentOrder(ctx, SortDocument); err != nil || len(docs) != 3 || docs[0].id != "d3" || docs[0].passages != 9 {
		t.Fatalf("document order: %+v %v", docs, err)
	}
	check("with first passages")
	// A document whose passages start at 1: no first passage stands for it.
	odd := &corpus.Document{ID: "d5", Title: "Odd", FileName: "odd.txt", Passages: []corpus.Passage{{Seq: 1, Page: 1, Text: "Critical infrastructure again."}}}
	if err := ix.IndexDocuments(ctx, []*corpus.Document{odd}); err != nil {
		t.Fatal(err)
	}
	if docs, err := ix.documentOrder(ctx, SortDocument); err != nil || docs != nil {
		t.Fatalf("document order with a document lacking passage 0: %v %v", docs, err)
	}
	check("without")
	if err := ix.Each(ctx, Request{}, 10, func(Hit) error { return nil }); err == nil {
		t.Error("Each took a search request")
	}
}
