package index

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Selection counts are facet counts that say what ticking a value would
// do, for a page whose facets are filters. A search's own facets
// (Request.Facets) count the values among its results: that is what
// ticking one more value gives only when ticking narrows the results (a
// norm with NormsAll, or the first value of a filter). Where ticking
// widens them instead (one more norm with Norms ORed, one more submitter,
// type, country, language, document or kind beside those ticked), or
// replaces a value (a year range), the count that means something is the
// one with that filter left out, which is what SelectionCounts gives.

// Selection is what ticking each facet value would do to a request's
// results.
type Selection struct {
	// Facets replaces, by facet name, the search's own counts of the
	// facets whose filter is active: each value's count with that filter
	// left out. For the norm facet with Norms ORed, it counts the
	// passages a norm would add: those carrying it and none of the
	// ticked norms. A facet without an active filter is absent.
	Facets map[string][]FacetCount
	// Adds names the facets whose counts are passages a value adds to
	// the results (their filter ORs values); the others (year) count
	// the results the value would give in place of the current ones.
	Adds map[string]bool
}

// selectionGroup is a facet whose filter can be left out of a request.
type selectionGroup struct {
	name   string
	active func(Request) bool
	// without is the request with this facet's filter left out.
	without func(Request) Request
	adds    bool
}

var selectionGroups = []selectionGroup{
	{FieldNorm, func(r Request) bool { return len(r.Norms) > 0 && !r.NormsAll },
		func(r Request) Request { r.notNorms, r.Norms = r.Norms, nil; return r }, true},
	{FieldSubmitter, func(r Request) bool { return len(r.Submitters) > 0 },
		func(r Request) Request { r.Submitters = nil; return r }, true},
	{FieldSubmitterType, func(r Request) bool { return len(r.SubmitterTypes) > 0 },
		func(r Request) Request { r.SubmitterTypes = nil; return r }, true},
	{FieldCountry, func(r Request) bool { return len(r.Countries) > 0 },
		func(r Request) Request { r.Countries = nil; return r }, true},
	{FieldLang, func(r Request) bool { return len(r.Langs) > 0 },
		func(r Request) Request { r.Langs = nil; return r }, true},
	{FieldDoc, func(r Request) bool { return len(r.Documents) > 0 },
		func(r Request) Request { r.Documents = nil; return r }, true},
	{FieldKind, func(r Request) bool { return len(r.Kinds) > 0 },
		func(r Request) Request { r.Kinds = nil; return r }, true},
	{FieldYear, func(r Request) bool { return !r.Since.IsZero() || !r.Until.IsZero() },
		func(r Request) Request { r.Since, r.Until = time.Time{}, time.Time{}; return r }, false},
}

// SelectionCounts counts, for each facet whose filter r uses, its values
// with that filter left out (see Selection). For each such facet it
// runs the request without that filter, unscored, to a set of passages
// (the filters an AND of bitmaps), and counts the facet's values in the
// set: one facet at a time, in one goroutine, since the search page
// runs the search itself beside it and the machine has few cores.
func (ix *Index) SelectionCounts(ctx context.Context, r Request) (_ *Selection, err error) {
	defer recoverDamage("facet counts", &err)
	if err := r.Validate(); err != nil {
		return nil, err
	}
	sel := &Selection{Facets: map[string][]FacetCount{}, Adds: map[string]bool{}}
	var reader bindex.IndexReader
	for _, g := range selectionGroups {
		if !g.active(r) {
			continue
		}
		if reader == nil {
			ai, err := ix.bi.Advanced()
			if err != nil {
				return nil, fmt.Errorf("facet counts: %w", err)
			}
			if reader, err = ai.Reader(); err != nil {
				return nil, fmt.Errorf("facet counts: %w", err)
			}
			defer reader.Close()
		}
		field := FieldNorm
		for _, f := range append(facets[:len(facets):len(facets)], pageFacets...) {
			if f.name == g.name {
				field = f.field
			}
		}
		counts, err := ix.countFacet(ctx, reader, g.without(r), g.name, field)
		if err != nil {
			return nil, err
		}
		sel.Facets[g.name], sel.Adds[g.name] = counts, g.adds
	}
	return sel, nil
}

// countByPostingsAbove is the share of all passages above which
// countFacet reads a facet's values from its postings rather than from
// each passage's doc values: a walk of every posting of the field costs
// about what reading the doc values of a tenth to a fifth of the
// passages does.
var countByPostingsAbove = 0.15

// countFacet counts the values of one facet among the passages r finds,
// as a bleve facet of size facetSize would: the commonest values, ties
// by value, sorted as ConvertResult sorts them.
func (ix *Index) countFacet(ctx context.Context, reader bindex.IndexReader, r Request, name, field string) ([]FacetCount, error) {
	set, n, err := ix.passageSet(ctx, reader, r)
	if err != nil {
		return nil, fmt.Errorf("count %s: %w", name, err)
	}
	counts, err := countValues(ctx, reader, set, n, field)
	if err != nil {
		return nil, fmt.Errorf("count %s: %w", name, err)
	}
	return counts, nil
}

// passageSet runs r unscored and returns the passages it finds, by doc
// number, and how many they are.
func (ix *Index) passageSet(ctx context.Context, reader bindex.IndexReader, r Request) (bitset, int, error) {
	q, err := BuildQuery(r)
	if err != nil {
		return nil, 0, err
	}
	s, err := q.Searcher(ctx, reader, ix.bi.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, 0, err
	}
	defer s.Close()
	var set bitset
	n := 0
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: reader}
	for {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
		}
		m, err := s.Next(sctx)
		if err != nil {
			return nil, 0, err
		}
		if m == nil {
			return set, n, nil
		}
		set.set(m.IndexInternalID.Value())
		n++
		sctx.DocumentMatchPool.Put(m)
	}
}

// countValues counts the values of field among the n passages of set,
// as a bleve facet of size facetSize would: the commonest values, ties
// by value, sorted as ConvertResult sorts them; nil without any.
func countValues(ctx context.Context, reader bindex.IndexReader, set bitset, n int, field string) ([]FacetCount, error) {
	if n == 0 {
		return nil, nil
	}
	counts := map[string]int{}
	all, err := reader.DocCount()
	if err != nil {
		return nil, err
	}
	if float64(n) > countByPostingsAbove*float64(all) {
		var term string
		err = eachPosting(ctx, reader, field, func(t string) { term = t }, func(doc uint64) {
			if set.has(doc) {
				counts[term]++
			}
		})
	} else {
		err = countDocValues(ctx, reader, field, set, counts)
	}
	if err != nil {
		return nil, err
	}
	var out []FacetCount // nil without values, as ConvertResult leaves it
	for v, c := range counts {
		out = append(out, FacetCount{Value: v, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out[:min(len(out), facetSize(field))], nil
}

// countDocValues counts the values of field that the passages of set
// hold, from their doc values, as a bleve facet does.
func countDocValues(ctx context.Context, reader bindex.IndexReader, field string, set bitset, counts map[string]int) error {
	dv, err := reader.DocValueReader([]string{field})
	if err != nil {
		return err
	}
	var id bindex.IndexInternalID
	n := 0
	visit := func(_ string, term []byte) { counts[string(term)]++ }
	var ferr error
	set.each(func(doc uint64) {
		if ferr != nil {
			return
		}
		if n++; n%4096 == 0 {
			if ferr = ctx.Err(); ferr != nil {
				return
			}
		}
		id = bindex.NewIndexInternalID(id, doc)
		ferr = dv.VisitDocValues(id, visit)
	})
	return ferr
}

// Count is how many passages r finds, without reading any of them.
func (ix *Index) Count(ctx context.Context, r Request) (_ uint64, err error) {
	defer recoverDamage("count", &err)
	if err := r.Validate(); err != nil {
		return 0, err
	}
	q, err := BuildQuery(r)
	if err != nil {
		return 0, err
	}
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	req.Score = bleve.ScoreNone
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return res.Total, nil
}
