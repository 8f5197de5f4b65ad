package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// SearchWithSelection runs a search and its selection counts
// (SelectionCounts), as the search page shows them, spread over the
// cores. A search's facets are most of its cost: bleve reads every
// facet's doc values for each hit, one hit after another, in the
// goroutine that scores them. Here the hits are found and scored
// without facets; the facets are counted over the passages the request
// finds unscored (its filters an AND of bitmaps), half of them in each
// of two goroutines; the selection counts run beside. A facet that the
// selection replaces (its filter is active, and it is not the norm
// facet, whose ticked norms' own counts the page shows) is left out of
// Result.Facets. The hits, the total and every facet given are those of
// Search and SelectionCounts.
func (ix *Index) SearchWithSelection(ctx context.Context, r Request) (_ *Result, _ *Selection, err error) {
	defer recoverDamage("search", &err)
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	var (
		wg              sync.WaitGroup
		res             *Result
		sel             *Selection
		searchErr, sErr error
	)
	plain := r
	plain.Facets, plain.AllFacets = false, false
	wg.Add(2)
	go func() {
		defer wg.Done()
		res, searchErr = ix.Search(ctx, plain)
	}()
	go func() {
		defer wg.Done()
		sel, sErr = ix.SelectionCounts(ctx, r)
	}()
	var counts map[string][]FacetCount
	var countErr error
	if r.Facets {
		counts, countErr = ix.pageFacets(ctx, r)
	}
	wg.Wait()
	if err := errors.Join(searchErr, sErr, countErr); err != nil {
		return nil, nil, err
	}
	if r.Facets {
		res.Facets = counts
	}
	return res, sel, nil
}

// pageFacets counts the facets r asks for but those its selection counts
// replace, over the passages r finds, in two goroutines.
func (ix *Index) pageFacets(ctx context.Context, r Request) (_ map[string][]FacetCount, err error) {
	defer recoverDamage("facet counts", &err)
	replaced := map[string]bool{}
	for _, g := range selectionGroups {
		if g.name != FieldNorm && g.active(r) {
			replaced[g.name] = true
		}
	}
	var want []struct{ name, field string }
	all := facets
	if r.AllFacets {
		all = append(facets[:len(facets):len(facets)], pageFacets...)
	}
	for _, f := range all {
		if !replaced[f.name] {
			want = append(want, f)
		}
	}
	ai, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("facet counts: %w", err)
	}
	reader, err := ai.Reader()
	if err != nil {
		return nil, fmt.Errorf("facet counts: %w", err)
	}
	defer reader.Close()
	set, n, err := ix.passageSet(ctx, reader, r)
	if err != nil {
		return nil, fmt.Errorf("facet counts: %w", err)
	}
	// A snapshot's reader serves concurrent reads; each count opens its
	// own doc value and postings readers.
	out := make([][]FacetCount, len(want))
	count := func(from, to int) error {
		for i := from; i < to; i++ {
			c, err := countValues(ctx, reader, set, n, want[i].field)
			if err != nil {
				return fmt.Errorf("count %s: %w", want[i].name, err)
			}
			out[i] = c
		}
		return nil
	}
	half := len(want) / 2
	var wg sync.WaitGroup
	var otherErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer recoverDamage("facet counts", &otherErr)
		otherErr = count(half, len(want))
	}()
	err = count(0, half)
	wg.Wait()
	if err := errors.Join(err, otherErr); err != nil {
		return nil, err
	}
	m := make(map[string][]FacetCount, len(want))
	for i, f := range want {
		m[f.name] = out[i]
	}
	return m, nil
}
