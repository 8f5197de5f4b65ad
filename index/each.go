package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// Each hands every passage matching an export request to emit, in the
// request's order (document or date; relevance exports in document
// order), asking bleve for about pageSize hits at a time.
//
// Paging a sorted search, by offset or by cursor alike, makes bleve visit
// every match on every page, so reading N matches in pages costs N²/page.
// Each instead lists the documents once in the export's order (their
// first passages, sorted as the whole result would be: the sort keys are
// document fields, then the passage number) and runs the query on a few
// whole documents at a time, so that every passage is visited once: O(N)
// searching plus O(D log D) for the D documents. Within such a group the
// cursor pages on if a group has more than pageSize matches.
func (ix *Index) Each(ctx context.Context, r Request, pageSize int, emit func(Hit) error) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.Kind != KindExport {
		return fieldErr("kind", "only an export request lists every match")
	}
	page := r
	page.Kind, page.Format, page.Limit, page.Highlight, page.Facets = KindSearch, "", min(max(pageSize, 1), MaxLimit), false, false
	if page.Sort == "" || page.Sort == SortRelevance {
		page.Sort = SortDocument
	}
	docs, err := ix.documentOrder(ctx, page.Sort)
	if err != nil {
		return err
	}
	if docs == nil { // some document has no first passage: page through the whole result
		return ix.eachPage(ctx, page, emit)
	}
	for start := 0; start < len(docs); {
		group := page
		n := 0
		for ; start < len(docs) && (len(group.docs) == 0 || n+docs[start].passages <= page.Limit); start++ {
			group.docs = append(group.docs, docs[start].id)
			n += docs[start].passages
		}
		if err := ix.eachPage(ctx, group, emit); err != nil {
			return err
		}
	}
	return nil
}

// eachPage pages through a request with the cursor.
func (ix *Index) eachPage(ctx context.Context, r Request, emit func(Hit) error) error {
	for {
		res, err := ix.Search(ctx, r)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if err := emit(h); err != nil {
				return err
			}
		}
		if res.Next == "" {
			return nil
		}
		r.After = res.Next
	}
}

type docPassages struct {
	id       string
	passages int
}

// documentOrder lists every indexed document with its passage count, in
// the order of sort. It returns nil when some document with passages has
// no first passage (seq 0) to stand for it.
func (ix *Index) documentOrder(ctx context.Context, sort string) (_ []docPassages, err error) {
	defer recoverDamage("list documents", &err)
	dict, err := ix.bi.FieldDict(FieldDoc)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	counts := map[string]int{}
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, fmt.Errorf("list documents: %w", err)
		}
		if e == nil {
			break
		}
		counts[e.Term] = int(e.Count)
	}
	dict.Close()
	first := bleve.NewTermQuery(seqKey(0))
	first.SetField(FieldSeq)
	order, err := sortOrder(sort, "")
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(first, len(counts)+1, 0, false)
	req.SortBy(order)
	req.Score = bleve.ScoreNone
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	docs := make([]docPassages, 0, len(res.Hits))
	seen := make(map[string]bool, len(res.Hits))
	for _, h := range res.Hits {
		if len(h.Sort) != len(order) {
			return nil, nil
		}
		id := h.Sort[len(order)-2] // the doc key, before seq
		if seen[id] {
			return nil, nil // two first passages: not a document order
		}
		seen[id] = true
		docs = append(docs, docPassages{id: id, passages: max(counts[id], 1)})
	}
	// The dictionary may still hold documents deleted since the last merge;
	// a live one missing here means the order would lose its passages.
	for id := range counts {
		if seen[id] {
			continue
		}
		q := bleve.NewTermQuery(id)
		q.SetField(FieldDoc)
		live, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 0, 0, false))
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		if live.Total > 0 {
			return nil, nil
		}
	}
	return docs, nil
}
