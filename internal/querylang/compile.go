package querylang

import (
	"github.com/blevesearch/bleve/v2/search/query"
)

// TermFunc turns one term into a bleve query: it decides whether the
// field exists and how its values match. Its errors are returned as they
// are by Compile (return an *Error to give a position).
type TermFunc func(Term) (query.Query, error)

// Compile turns a parsed query into a bleve query, with term building
// each term. A nil node compiles to nil.
func Compile(n Node, term TermFunc) (query.Query, error) {
	switch n := n.(type) {
	case nil:
		return nil, nil
	case *Term:
		return term(*n)
	case *Bool:
		var must, should, mustNot []query.Query
		for _, list := range []struct {
			in  []Node
			out *[]query.Query
		}{{n.Must, &must}, {n.Should, &should}, {n.MustNot, &mustNot}} {
			for _, c := range list.in {
				q, err := Compile(c, term)
				if err != nil {
					return nil, err
				}
				*list.out = append(*list.out, q)
			}
		}
		switch {
		case len(must) == 1 && len(should) == 0 && len(mustNot) == 0:
			return must[0], nil
		case len(must) == 0 && len(should) == 1 && len(mustNot) == 0:
			return should[0], nil
		case len(must) == 0 && len(should) == 0:
			// Only exclusions: everything but them.
			must = []query.Query{query.NewMatchAllQuery()}
		}
		// The query-string form skips clauses that match nothing because
		// analysis left no word (stop words): "the AND state" is "state",
		// where a plain conjunction would match nothing at all.
		return query.NewBooleanQueryForQueryString(must, should, mustNot), nil
	}
	return nil, &Error{Msg: "unknown query node"}
}

// ParseCompile parses s and compiles it with term; nil for an empty query.
func ParseCompile(s string, term TermFunc) (query.Query, error) {
	n, err := Parse(s)
	if err != nil || n == nil {
		return nil, err
	}
	return Compile(n, term)
}
