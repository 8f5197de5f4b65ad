package index

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/normtag/normtag/corpus"
)

// demotion is a class of passages that rank below body text matching as
// well: their score is multiplied by factor. A class is one indexed term,
// so finding a hit's classes reads postings, never stored fields.
type demotion struct {
	field, term string
	factor      float64
}

// demotions are the classes ranking puts down: passages shorter than a
// paragraph (lengthClasses), and the kinds of passage that are a
// document's apparatus rather than its argument.
var demotions = append(lengthDemotions(), kindDemotions...)

// kindDemotions rank notes and reference lists below body text, contents
// lines and page furniture (running headers, page numbers, copyright
// lines) further still: "9 of the top 10 were footnote lines". The
// factors apply on top of the length class, and a note that is all
// about the query still shows among paragraphs that mention it once.
var kindDemotions = []demotion{
	{FieldKind, string(corpus.KindNote), 0.5},
	{FieldKind, string(corpus.KindReference), 0.5},
	{FieldKind, string(corpus.KindTOC), 0.3},
	{FieldKind, string(corpus.KindFurniture), 0.2},
}

// lengthDemotions undo, below pivotWords words, the length norm of
// bleve's tf-idf (a word's weight times 1/sqrt(length)): a fragment such
// as "Critical Infrastructure -" holds the words of a query densely and
// came first, above every paragraph about them. Multiplying by
// sqrt(length/pivotWords) makes every passage shorter than the pivot
// score as one of pivotWords words would; longer passages keep the norm,
// so a long paragraph that mentions a word once still ranks below one
// about it. (bleve's BM25, the other scoring model, takes the number of
// distinct terms in the index for the total length of a field, so its
// average length is about one word and it favours short passages more.)
func lengthDemotions() []demotion {
	out := make([]demotion, len(lengthClasses))
	for i, c := range lengthClasses {
		out[i] = demotion{field: FieldLength, term: c.term, factor: math.Sqrt(float64(c.words) / pivotWords)}
	}
	return out
}

// rankedQuery scores as its inner query does, times the factor of each
// demotion class a passage falls in.
type rankedQuery struct {
	inner     query.Query
	demotions []demotion
}

// ranked wraps q so that the demotion classes rank lower.
func ranked(q query.Query) query.Query { return &rankedQuery{inner: q, demotions: demotions} }

// Searcher implements query.Query.
func (q *rankedQuery) Searcher(ctx context.Context, i bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	inner, err := q.inner.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	s := &rankedSearcher{inner: inner}
	for _, d := range q.demotions {
		r, err := i.TermFieldReader(ctx, []byte(d.term), d.field, false, false, false)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("rank %s:%s: %w", d.field, d.term, err)
		}
		s.classes = append(s.classes, &rankClass{reader: r, factor: d.factor})
	}
	return s, nil
}

// rankClass walks the postings of one demotion class alongside the hits.
type rankClass struct {
	reader bindex.TermFieldReader
	factor float64
	at     *bindex.TermFieldDoc // the class's passage at or after the last hit; nil once past its end
	done   bool
}

// holds reports whether the passage id is in the class. ids come in
// increasing order, so the postings are only ever advanced; a class whose
// next passage lies beyond id is not read at all.
func (c *rankClass) holds(id bindex.IndexInternalID) (bool, error) {
	if c.done {
		return false, nil
	}
	if c.at == nil || bytes.Compare(c.at.ID, id) < 0 {
		next, err := c.reader.Advance(id, c.at)
		if err != nil {
			return false, err
		}
		if next == nil {
			c.done = true
			return false, nil
		}
		c.at = next
	}
	return bytes.Equal(c.at.ID, id), nil
}

// rankedSearcher is rankedQuery's searcher.
type rankedSearcher struct {
	inner   search.Searcher
	classes []*rankClass
}

func (s *rankedSearcher) rescore(m *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if m == nil || err != nil {
		return m, err
	}
	for _, c := range s.classes {
		in, err := c.holds(m.IndexInternalID)
		if err != nil {
			return nil, err
		}
		if in {
			m.Score *= c.factor
		}
	}
	return m, nil
}

func (s *rankedSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.rescore(s.inner.Next(ctx))
}

func (s *rankedSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.rescore(s.inner.Advance(ctx, id))
}

func (s *rankedSearcher) Close() error {
	err := s.inner.Close()
	for _, c := range s.classes {
		if cerr := c.reader.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (s *rankedSearcher) Weight() float64            { return s.inner.Weight() }
func (s *rankedSearcher) SetQueryNorm(n float64)     { s.inner.SetQueryNorm(n) }
func (s *rankedSearcher) Count() uint64              { return s.inner.Count() }
func (s *rankedSearcher) Min() int                   { return s.inner.Min() }
func (s *rankedSearcher) Size() int                  { return s.inner.Size() }
func (s *rankedSearcher) DocumentMatchPoolSize() int { return s.inner.DocumentMatchPoolSize() }
