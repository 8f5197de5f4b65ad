package export

import (
	"context"
	"fmt"
	"testing"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/sampledata"
)

// sampleData opens a data directory holding the sample corpus
// (sampledata.Open) and its index.
func sampleData(t *testing.T) (*datadir.Dir, *index.Index) {
	t.Helper()
	d := sampledata.Open(t, "../../examples/corpus")
	ix, err := d.OpenIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return d, ix
}

// TestRowsPagesEveryPassageOnce exports the whole sample corpus in pages
// far smaller than it (and than its longer documents), in every sort
// order, and checks that each stored passage comes out exactly once.
func TestRowsPagesEveryPassageOnce(t *testing.T) {
	ctx := context.Background()
	d, ix := sampleData(t)
	st, err := d.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old := pageSize
	pageSize = 7
	t.Cleanup(func() { pageSize = old })
	if st.Passages < 3*pageSize {
		t.Fatalf("sample corpus has %d passages, want more than 3 pages of %d", st.Passages, pageSize)
	}
	for _, sort := range []string{"", index.SortDate, index.SortDocument} {
		seen := map[string]int{}
		n := 0
		err := Rows(ctx, ix, d.Store, index.Request{Kind: index.KindExport, Sort: sort}, func(r Row) error {
			seen[fmt.Sprintf("%s/%d", r.DocID, r.Passage)]++
			n++
			return nil
		})
		if err != nil {
			t.Fatalf("sort %q: %v", sort, err)
		}
		if n != st.Passages || len(seen) != st.Passages {
			t.Errorf("sort %q: %d rows, %d distinct, store has %d passages", sort, n, len(seen), st.Passages)
		}
		for k, c := range seen {
			if c != 1 {
				t.Errorf("sort %q: passage %s exported %d times", sort, k, c)
			}
		}
	}
	// A filtered export pages too, and matches the same search in one page.
	req := index.Request{Kind: index.KindExport, Query: "infrastructure OR security OR ict OR state OR cyber", Norms: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}
	var got []string
	if err := Rows(ctx, ix, d.Store, req, func(r Row) error { got = append(got, fmt.Sprintf("%s/%d", r.DocID, r.Passage)); return nil }); err != nil {
		t.Fatal(err)
	}
	one, err := ix.Search(ctx, index.Request{Query: req.Query, Norms: req.Norms, Sort: index.SortDocument, Limit: index.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) <= 2*pageSize || len(got) != len(one.Hits) {
		t.Fatalf("filtered export: %d rows, one page %d hits", len(got), len(one.Hits))
	}
	for i, h := range one.Hits {
		if got[i] != fmt.Sprintf("%s/%d", h.DocID, h.Seq) {
			t.Fatalf("row %d is %s, search has %s/%d", i, got[i], h.DocID, h.Seq)
		}
	}
}

func TestRowsRejectsPagedOrSearchRequests(t *testing.T) {
	for _, req := range []index.Request{
		{Kind: index.KindExport, Limit: 10},
		{Kind: index.KindExport, Offset: 500},
		{Kind: index.KindSearch},
	} {
		err := Rows(context.Background(), nil, nil, req, func(Row) error { return nil })
		if err == nil {
			t.Errorf("%+v: accepted", req)
		}
	}
}
