package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// A scored search runs its filters (norms, submitter, date range...)
// as scored searchers in one conjunction with the query words, and the
// conjunction moves every one of them to each passage some other
// clause proposes. A filter that is a disjunction of many terms (a
// date range over every day it spans, several norms) then costs a
// step of each of its terms for every proposal: with two norms, a
// submitter and a year range ticked, that made the search page's
// search five times slower than the same words with one norm.
//
// Unscored, the same filters are an AND of compressed bitmaps, which
// bleve computes at once. gatedConjunction runs the filters that way
// first and lets each clause of the scored conjunction stop only at
// passages that pass them all: the clauses, their order, their weights
// and each passage's score are the ones the plain conjunction has, so
// the hits, their order and their scores do not change; only the
// passages no filter would keep are skipped without being visited.

// gatedConjunction is the conjunction of conjuncts, every one of whose
// matches must also match filter (the conjunction of the filters among
// them).
type gatedConjunction struct {
	conjuncts []query.Query
	filter    query.Query
}

// Searcher implements query.Query.
func (q *gatedConjunction) Searcher(ctx context.Context, i bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if options.Score == "none" {
		// Unscored, bleve ANDs the clauses' bitmaps itself.
		return query.NewConjunctionQuery(q.conjuncts).Searcher(ctx, i, m, options)
	}
	fs, err := q.filter.Searcher(ctx, i, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	g := &gate{filter: fs, sctx: &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(fs.DocumentMatchPoolSize()+1, 0), IndexReader: i}}
	ss := make([]search.Searcher, 0, len(q.conjuncts))
	closeAll := func() {
		for _, s := range ss {
			s.Close()
		}
		fs.Close()
	}
	for _, c := range q.conjuncts {
		s, err := c.Searcher(ctx, i, m, options)
		if err != nil {
			closeAll()
			return nil, err
		}
		ss = append(ss, &gatedSearcher{Searcher: s, gate: g})
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, i, ss, options)
	if err != nil {
		closeAll()
		return nil, err
	}
	return &closeWith{Searcher: conj, also: fs}, nil
}

// gate is the passages that pass every filter, read forward only: the
// gated clauses of one conjunction share it.
type gate struct {
	filter search.Searcher
	sctx   *search.SearchContext
	at     *search.DocumentMatch // the filter's current passage
	done   bool
}

// atOrAfter returns the first passage at or after id that passes the
// filters, or false when none does. The gate never moves back: asked for
// a passage before its current one, it answers its current one. That
// skips no hit of the conjunction: the gate moved there because some
// clause asked for that far, that clause stands there or beyond, and
// the conjunction matches only where every clause stands.
func (g *gate) atOrAfter(id bindex.IndexInternalID) (bindex.IndexInternalID, bool, error) {
	if g.done {
		return nil, false, nil
	}
	if g.at != nil && g.at.IndexInternalID.Compare(id) >= 0 {
		return g.at.IndexInternalID, true, nil
	}
	if g.at != nil {
		g.sctx.DocumentMatchPool.Put(g.at)
	}
	var err error
	g.at, err = g.filter.Advance(g.sctx, id)
	if err != nil || g.at == nil {
		g.done, g.at = true, nil
		return nil, false, err
	}
	return g.at.IndexInternalID, true, nil
}

// gatedSearcher is one clause of a gated conjunction: its own matches
// that pass the gate, with its own scores.
type gatedSearcher struct {
	search.Searcher
	gate *gate
	// last is the passage last returned; nil before the first.
	last   bindex.IndexInternalID
	buf    bindex.IndexInternalID
	target bindex.IndexInternalID
}

// Next implements search.Searcher.
func (s *gatedSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	from := bindex.NewIndexInternalID(s.buf, 0)
	if s.last != nil {
		from = bindex.NewIndexInternalID(s.buf, s.last.Value()+1)
	}
	s.buf = from
	return s.Advance(ctx, from)
}

// Advance implements search.Searcher.
func (s *gatedSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	t, ok, err := s.gate.atOrAfter(id)
	if err != nil || !ok {
		return nil, err
	}
	for {
		// The gate's id is its passage's, which it reuses: the clause
		// gets a copy.
		s.target = append(s.target[:0], t...)
		m, err := s.Searcher.Advance(ctx, s.target)
		if err != nil || m == nil {
			return nil, err
		}
		t, ok, err = s.gate.atOrAfter(m.IndexInternalID)
		if err != nil || !ok {
			ctx.DocumentMatchPool.Put(m)
			return nil, err
		}
		if t.Equals(m.IndexInternalID) {
			s.last = append(s.last[:0], m.IndexInternalID...)
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
	}
}

// closeWith closes another searcher with its own.
type closeWith struct {
	search.Searcher
	also search.Searcher
}

// Close implements search.Searcher.
func (s *closeWith) Close() error {
	err := s.Searcher.Close()
	if err2 := s.also.Close(); err == nil {
		err = err2
	}
	return err
}
