package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// What a saved search (package watch) needs of the index: the copy key of
// a text, whether texts are in the corpus already, and the passages of a
// few documents that match a request.

// CopyKey is the key of a passage's text that Hit.Dup carries and the dup:
// field matches: the same for texts that differ only in case, accents,
// spacing and punctuation.
func CopyKey(text string) string { return copyKey(text) }

// PassageRef names one passage.
type PassageRef struct {
	DocID string
	Seq   int
}

// termChunk bounds the terms of one disjunction, so that a query over
// thousands of keys or documents stays a set of modest ones.
const termChunk = 1024

// KnownCopies reports which of keys (copy keys) some indexed passage has,
// leaving out the passages of the documents in except.
func (ix *Index) KnownCopies(ctx context.Context, keys []string, except []string) (_ map[string]bool, err error) {
	defer recoverDamage("look up texts", &err)
	known := map[string]bool{}
	for start := 0; start < len(keys); start += termChunk {
		chunk := keys[start:min(start+termChunk, len(keys))]
		q := bleve.NewBooleanQuery()
		q.AddMust(anyTerm(FieldDup, chunk))
		for s := 0; s < len(except); s += termChunk {
			q.AddMustNot(anyTerm(FieldDoc, except[s:min(s+termChunk, len(except))]))
		}
		req := bleve.NewSearchRequestOptions(q, 0, 0, false)
		req.AddFacet("dup", bleve.NewFacetRequest(FieldDup, len(chunk)))
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("look up %d texts: %w", len(chunk), err)
		}
		if f := res.Facets["dup"]; f != nil && f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				if t.Count > 0 {
					known[t.Term] = true
				}
			}
		}
	}
	return known, nil
}

// MatchingIn calls emit with every passage of the documents docs that
// matches r (a validated search's filters; its paging, sort and format
// are not used), in document order, reading only the passage's name.
func (ix *Index) MatchingIn(ctx context.Context, r Request, docs []string, emit func(PassageRef) error) (err error) {
	defer recoverDamage("match passages", &err)
	if err := r.Validate(); err != nil {
		return err
	}
	for start := 0; start < len(docs); start += termChunk {
		sub := r
		sub.docs = docs[start:min(start+termChunk, len(docs))]
		q, err := BuildQuery(sub)
		if err != nil {
			return err
		}
		if err := ix.eachRef(ctx, q, emit); err != nil {
			return err
		}
	}
	return nil
}

// eachRef pages through every hit of q in document order with SearchAfter.
func (ix *Index) eachRef(ctx context.Context, q query.Query, emit func(PassageRef) error) error {
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(q, MaxLimit, 0, false)
		req.Fields = []string{FieldDoc, FieldSeq}
		req.SortBy([]string{FieldDoc, FieldSeq})
		req.Score = bleve.ScoreNone
		if after != nil {
			req.SetSearchAfter(after)
		}
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("match passages: %w", err)
		}
		for _, h := range res.Hits {
			if err := emit(PassageRef{DocID: str(h.Fields[FieldDoc]), Seq: num(h.Fields[FieldSeq])}); err != nil {
				return err
			}
		}
		if len(res.Hits) < MaxLimit {
			return nil
		}
		after = res.Hits[len(res.Hits)-1].Sort
	}
}

// Passages returns the indexed passages named by refs as hits, with every
// citation field, in the order of refs; those not indexed are left out.
func (ix *Index) Passages(ctx context.Context, refs []PassageRef) (_ []Hit, err error) {
	defer recoverDamage("read passages", &err)
	out := make([]Hit, 0, len(refs))
	for start := 0; start < len(refs); start += termChunk {
		chunk := refs[start:min(start+termChunk, len(refs))]
		ids := make([]string, len(chunk))
		for i, r := range chunk {
			ids[i] = passageID(r.DocID, r.Seq)
		}
		req, err := NewSearchRequest(Request{Kind: KindSearch, Limit: len(ids)})
		if err != nil {
			return nil, err
		}
		req.Query = query.NewDocIDQuery(ids)
		req.Size = len(ids)
		req.SortBy([]string{"_id"})
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("read %d passages: %w", len(ids), err)
		}
		byID := map[string]Hit{}
		for _, h := range ConvertResult(res).Hits {
			byID[h.ID] = h
		}
		for _, id := range ids {
			if h, ok := byID[id]; ok {
				out = append(out, h)
			}
		}
	}
	return out, nil
}
