package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/normtag/normtag/corpus"
)

// facetDocs are documents from several submitters, types, countries and
// years, whose passages carry random sets of norms and kinds.
func facetDocs() []*corpus.Document {
	r := rand.New(rand.NewPCG(3, 4))
	subs := []struct{ name, typ, country string }{
		{"Republic of Examplia", "state", "Examplia"}, {"Kingdom of Westmark", "state", "Westmark"},
		{"Acme Secure Systems", "company", ""}, {"Digital Rights Watchers", "NGO", ""}, {"Northern Regional Forum", "regional", ""},
	}
	kinds := []corpus.Kind{corpus.KindBody, corpus.KindBody, corpus.KindBody, corpus.KindNote, corpus.KindReference}
	var docs []*corpus.Document
	for i := range 12 {
		s := subs[i%len(subs)]
		d := &corpus.Document{ID: fmt.Sprintf("%064x", i+1), Title: fmt.Sprintf("Submission %d", i), FileName: fmt.Sprintf("s%d.pdf", i),
			Meta: map[string]string{"submitter": s.name, "submitter_type": s.typ, "country": s.country, "date": fmt.Sprintf("%d-05-01", 2019+i%5)}}
		for seq := range 15 {
			p := corpus.Passage{Seq: seq, Page: 1 + seq/5, Text: fmt.Sprintf("Passage %d of submission %d on cyber security and critical infrastructure.", seq, i), Kind: kinds[r.IntN(len(kinds))]}
			for _, n := range []string{"a", "b", "f", "g", "j"} {
				if r.IntN(3) == 0 {
					p.Tags = append(p.Tags, corpus.Tag{Norm: n, Score: 0.8})
				}
			}
			d.Passages = append(d.Passages, p)
		}
		docs = append(docs, d)
	}
	return docs
}

// TestSelectionCountsSayWhatTickingDoes checks every count against the
// search ticking its value runs: with norms ANDed a norm's count is the
// total with it added; where a filter ORs values, an unticked value's
// count is what it adds to the total; a year's count is the total with
// that year in place of the current range.
func TestSelectionCountsSayWhatTickingDoes(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.IndexDocuments(ctx, facetDocs()); err != nil {
		t.Fatal(err)
	}
	total := func(r Request) int {
		t.Helper()
		n, err := ix.Count(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != n {
			t.Fatalf("count %d, search total %d for %+v", n, res.Total, r)
		}
		return int(n)
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }

	// AND: the search's own norm counts are the totals with each norm added.
	and := Request{Query: "infrastructure", Norms: []string{"g"}, NormsAll: true, Facets: true}
	res, err := ix.Search(ctx, and)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := ix.SelectionCounts(ctx, and)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sel.Facets[FieldNorm]; ok {
		t.Error("with norms ANDed the search's own norm counts hold; SelectionCounts should not replace them")
	}
	checked := 0
	for _, c := range res.Facets[FieldNorm] {
		with := and
		with.Norms = appendNew(slices.Clone(and.Norms), c.Value)
		if got := total(with); got != c.Count {
			t.Errorf("AND: norm %s counts %d, ticking it gives %d", c.Value, c.Count, got)
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("only %d norm counts to check", checked)
	}

	// OR: an unticked norm's count is what ticking it adds.
	or := Request{Query: "infrastructure", Norms: []string{"g", "j"}, Submitters: []string{"Republic of Examplia"}, Kinds: []string{"body"},
		Since: day("2019-01-01"), Until: day("2021-12-31")}
	base := total(or)
	if base == 0 {
		t.Fatal("the OR request finds nothing")
	}
	sel, err = ix.SelectionCounts(ctx, or)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{FieldNorm, FieldSubmitter, FieldKind, FieldYear} {
		if len(sel.Facets[name]) == 0 {
			t.Errorf("no selection counts for the active filter %s", name)
		}
	}
	if _, ok := sel.Facets[FieldCountry]; ok {
		t.Error("counts for country, whose filter is not active")
	}
	for _, c := range sel.Facets[FieldNorm] {
		if slices.Contains(or.Norms, c.Value) {
			if c.Count != 0 {
				t.Errorf("ticked norm %s adds %d, want 0", c.Value, c.Count)
			}
			continue
		}
		with := or
		with.Norms = append(slices.Clone(or.Norms), c.Value)
		if got := total(with); got != base+c.Count {
			t.Errorf("OR: norm %s adds %d, ticking it gives %d over %d", c.Value, c.Count, got, base)
		}
	}
	adds := func(name string, tick func(Request, string) Request, ticked []string) {
		t.Helper()
		if !sel.Adds[name] {
			t.Errorf("%s counts are not additions", name)
		}
		n := 0
		for _, c := range sel.Facets[name] {
			if slices.Contains(ticked, c.Value) {
				continue
			}
			if got := total(tick(or, c.Value)); got != base+c.Count {
				t.Errorf("%s %s adds %d, ticking it gives %d over %d", name, c.Value, c.Count, got, base)
			}
			n++
		}
		if n == 0 {
			t.Errorf("%s: no unticked value to check", name)
		}
	}
	adds(FieldSubmitter, func(r Request, v string) Request { r.Submitters = append(slices.Clone(r.Submitters), v); return r }, or.Submitters)
	adds(FieldKind, func(r Request, v string) Request { r.Kinds = append(slices.Clone(r.Kinds), v); return r }, or.Kinds)
	if sel.Adds[FieldYear] {
		t.Error("year counts are additions; a year replaces the range")
	}
	for _, c := range sel.Facets[FieldYear] {
		r := or
		r.Since, _ = ParseDate(c.Value, false)
		r.Until, _ = ParseDate(c.Value, true)
		if got := total(r); got != c.Count {
			t.Errorf("year %s counts %d, choosing it gives %d", c.Value, c.Count, got)
		}
	}

	// Countries, types and documents: their filters and facets agree.
	for _, r := range []Request{
		{Countries: []string{"Examplia"}, Facets: true, AllFacets: true},
		{SubmitterTypes: []string{"STATE"}, Facets: true},
		{Documents: []string{fmt.Sprintf("%064x", 3)}, Facets: true, AllFacets: true},
	} {
		res, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Errorf("%+v finds nothing", r)
		}
		sel, err := ix.SelectionCounts(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(sel.Facets) != 1 {
			t.Errorf("%+v: selection counts of %d facets, want 1", r, len(sel.Facets))
		}
		for name, counts := range sel.Facets {
			sum := 0
			for _, c := range counts {
				sum += c.Count
			}
			if sum != 12*15 && name != FieldCountry {
				t.Errorf("%s counts without its filter sum to %d, want every passage", name, sum)
			}
		}
	}
	if res, _ := ix.Search(ctx, Request{Countries: []string{"Examplia"}, Facets: true, AllFacets: true}); res != nil {
		if c := res.Facets[FieldCountry]; len(c) != 1 || c[0].Value != "Examplia" || c[0].Count != int(res.Total) {
			t.Errorf("country facet %+v for %d passages of Examplia", c, res.Total)
		}
	}
}

func TestParamsOfFacetFilters(t *testing.T) {
	id := fmt.Sprintf("%064x", 7)
	r, err := Params{Kind: KindSearch, Norms: []string{"f,g"}, NormOp: "AND", SubmitterTypes: []string{"state", "state"}, Countries: []string{"Examplia"},
		Documents: []string{id}, Kinds: []string{"Note"}, Limit: "20", Page: "3"}.Request()
	if err != nil {
		t.Fatal(err)
	}
	if !r.NormsAll || r.Offset != 40 || len(r.SubmitterTypes) != 1 || r.Documents[0] != id || r.Kinds[0] != "note" || r.Countries[0] != "Examplia" {
		t.Errorf("parsed %+v", r)
	}
	for _, c := range []struct {
		p     Params
		field string
	}{
		{Params{Kind: KindSearch, NormOp: "xor"}, "norm_op"},
		{Params{Kind: KindSearch, Page: "0"}, "page"},
		{Params{Kind: KindSearch, Page: "two"}, "page"},
		{Params{Kind: KindSearch, Page: "2", Offset: "10"}, "page"},
		{Params{Kind: KindSearch, Page: "100000"}, "page"},
		{Params{Kind: KindExport, Page: "2"}, "page"},
		{Params{Kind: KindSearch, Documents: []string{"abc"}}, "doc"},
		{Params{Kind: KindSearch, Kinds: []string{"chapter"}}, "kind"},
	} {
		_, err := c.p.Request()
		re, ok := err.(*RequestError)
		if !ok || re.Field != c.field {
			t.Errorf("%+v: want an error on %s, got %v", c.p, c.field, err)
		}
	}
}

// facetBySearch counts one facet of the passages r finds with a bleve
// search and its facet, the way SelectionCounts counted before it read
// sets and postings: the reference its counts must equal.
func facetBySearch(t *testing.T, ix *Index, r Request, name, field string) []FacetCount {
	t.Helper()
	q, err := BuildQuery(r)
	if err != nil {
		t.Fatal(err)
	}
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	req.Score = bleve.ScoreNone
	req.AddFacet(name, bleve.NewFacetRequest(field, facetSize(field)))
	res, err := ix.bi.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return ConvertResult(res).Facets[name]
}

// TestSelectionCountsEqualFacetSearches compares SelectionCounts, with
// values read from doc values and from postings, with a bleve facet
// search per active filter, for requests with every combination of the
// eight filters a facet can leave out, with and without words, norms
// ANDed or from the passage's own words.
func TestSelectionCountsEqualFacetSearches(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, batch := range gateDocs() {
		if err := ix.IndexDocuments(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	filters := []func(*Request){
		func(r *Request) { r.Norms = []string{"a", "g"} },
		func(r *Request) { r.Submitters = []string{"Republic of Examplia", "Kingdom of Westmark"} },
		func(r *Request) { r.SubmitterTypes = []string{"state", "NGO"} },
		func(r *Request) { r.Countries = []string{"Examplia"} },
		func(r *Request) { r.Langs = []string{"fr", "en-GB"} },
		func(r *Request) {
			r.Documents = []string{fmt.Sprintf("%064x", 1), fmt.Sprintf("%064x", 4), fmt.Sprintf("%064x", 12), fmt.Sprintf("%064x", 37)}
		},
		func(r *Request) { r.Kinds = []string{"body", "heading"} },
		func(r *Request) { r.Since, r.Until = day("2019-06-01"), day("2022-12-31") },
	}
	defer func(v float64) { countByPostingsAbove = v }(countByPostingsAbove)
	compared, nonEmpty := 0, 0
	for _, variant := range []Request{{}, {Query: "critical infrastructure"}, {Query: "security", DirectOnly: true}, {NormsAll: true}} {
		for combo := 1; combo < 1<<len(filters); combo++ {
			r := variant
			for i, f := range filters {
				if combo&(1<<i) != 0 {
					f(&r)
				}
			}
			want := map[string][]FacetCount{}
			for _, g := range selectionGroups {
				if !g.active(r) {
					continue
				}
				field := FieldNorm
				for _, f := range append(facets[:len(facets):len(facets)], pageFacets...) {
					if f.name == g.name {
						field = f.field
					}
				}
				want[g.name] = facetBySearch(t, ix, g.without(r), g.name, field)
				if len(want[g.name]) > 0 {
					nonEmpty++
				}
			}
			for _, share := range []float64{0, 2} { // postings, doc values
				countByPostingsAbove = share
				sel, err := ix.SelectionCounts(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(sel.Facets, want) {
					t.Fatalf("%+v (share %v):\n got  %v\n want %v", r, share, sel.Facets, want)
				}
				compared++
			}
		}
	}
	if nonEmpty < compared/2 {
		t.Fatalf("only %d non-empty facets in %d comparisons", nonEmpty, compared)
	}
}

// TestSearchWithSelectionEqualsSearch compares SearchWithSelection with
// Search and SelectionCounts run apart: the same hits, total, cursor and
// selection, and the same counts for every facet it gives, which are all
// the search's but those the selection replaces.
func TestSearchWithSelectionEqualsSearch(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, batch := range gateDocs() {
		if err := ix.IndexDocuments(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	// Relevance breaks no tie between equal scores (see sortOrder): a
	// merge finishing between the two searches renumbers the passages
	// and may swap two tied hits. The searches compared run on a settled
	// index.
	for deadline := time.Now().Add(30 * time.Second); ix.Busy(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the index still merges 30 s after its last batch")
		}
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	defer func(v float64) { countByPostingsAbove = v }(countByPostingsAbove)
	checked := 0
	for _, r := range []Request{
		{Query: "critical infrastructure", Norms: []string{"a"}},
		{Query: "critical infrastructure", Norms: []string{"a", "g"}, Submitters: []string{"Republic of Examplia"}, Since: day("2019-01-01"), Until: day("2022-12-31")},
		{Query: "security", Norms: []string{"b", "j"}, NormsAll: true, Kinds: []string{"body"}, Collapse: true},
		{Norms: []string{"c"}, DirectOnly: true, Langs: []string{"fr"}, Sort: SortDate, Offset: 10},
		{Query: "\"supply chain\"", SubmitterTypes: []string{"state"}, Countries: []string{"Westmark"}, Documents: []string{fmt.Sprintf("%064x", 2), fmt.Sprintf("%064x", 7)}},
		{Query: "nothing-matches-this"},
		{Query: "rights", Limit: 3, Collapse: true, PerDocument: 1},
	} {
		for _, all := range []bool{false, true} {
			for _, share := range []float64{0, 2} {
				countByPostingsAbove = share
				r.Facets, r.AllFacets, r.Highlight = true, all, true
				want, err := ix.Search(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				wantSel, err := ix.SelectionCounts(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				got, gotSel, err := ix.SearchWithSelection(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(gotSel, wantSel) {
					t.Errorf("%+v: selection %+v, apart %+v", r, gotSel, wantSel)
				}
				for name, counts := range want.Facets {
					c, ok := got.Facets[name]
					_, replaced := wantSel.Facets[name]
					switch {
					case !ok && !(replaced && name != FieldNorm):
						t.Errorf("%+v: facet %s missing", r, name)
					case ok && !reflect.DeepEqual(c, counts):
						t.Errorf("%+v: facet %s %v, Search gives %v", r, name, c, counts)
					case ok:
						checked++
					}
				}
				if len(got.Facets) > len(want.Facets) {
					t.Errorf("%+v: facets %v beyond the search's", r, got.Facets)
				}
				got.Facets, want.Facets, got.Took, want.Took = nil, nil, 0, 0
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%+v: result %+v, Search gives %+v", r, got, want)
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d facets compared", checked)
	}
}
