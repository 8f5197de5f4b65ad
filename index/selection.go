package index

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
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
// with that filter left out (see Selection). It runs one counting
// search per such facet, at the same time: no hits, no scores, one facet.
func (ix *Index) SelectionCounts(ctx context.Context, r Request) (_ *Selection, err error) {
	defer recoverDamage("facet counts", &err)
	if err := r.Validate(); err != nil {
		return nil, err
	}
	sel := &Selection{Facets: map[string][]FacetCount{}, Adds: map[string]bool{}}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("facet counts of %s: %w (%v)", g.name, ErrDamaged, p))
					mu.Unlock()
				}
			}()
			counts, err := ix.countFacet(ctx, g.without(r), g.name, field)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			sel.Facets[g.name], sel.Adds[g.name] = counts, g.adds
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return sel, nil
}

// countFacet counts the values of one facet among the passages r finds.
func (ix *Index) countFacet(ctx context.Context, r Request, name, field string) ([]FacetCount, error) {
	q, err := BuildQuery(r)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	req.Score = bleve.ScoreNone
	req.AddFacet(name, bleve.NewFacetRequest(field, facetSize(field)))
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("count %s: %w", name, err)
	}
	return ConvertResult(res).Facets[name], nil
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
