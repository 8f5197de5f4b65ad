package index

import (
	"context"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// MaxListedCopies bounds the copies a collapsed hit lists (Copies.Passages).
const MaxListedCopies = 20

// Collapsing reads a window of the best raw hits, larger than the page,
// and folds it into groups; a page needing more groups than the window
// gave reads a window windowGrowth times larger, up to maxWindow hits.
// Copies are rare among the best hits of most searches, so the first
// window nearly always suffices and a search costs one bleve query and a
// few postings lookups more.
const (
	windowFactor = 4
	minWindow    = 40
	windowGrowth = 4
	maxWindow    = 50000
)

// hitGroup is one hit of a grouped page: its best passage (first) and
// the other passages of the window with the same copy key.
type hitGroup struct {
	hits []*search.DocumentMatch
	// first is the position of hits[0] in the window.
	first int
}

// searchGrouped runs a collapsing or per-document search. Positions and
// offsets count groups, not raw hits: page 2 starts after the tenth
// group. req is the request NewSearchRequest made for r.
func (ix *Index) searchGrouped(ctx context.Context, r Request, req *bleve.SearchRequest) (*Result, error) {
	skip, limit := req.From, req.Size
	want := skip + limit + 1 // one more tells whether a next page exists
	window := min(max(want*windowFactor, minWindow), maxWindow)
	order, _ := sortOrder(r.Sort, r.Query) // validated before
	// A page after a sort-key cursor starts in the middle of the order,
	// where a group's best hit may be a copy of one shown before.
	afterKeys := r.Collapse && r.After != "" && !byPosition(order)
	req.From = 0
	var (
		res    *bleve.SearchResult
		facets search.FacetResults
		groups []hitGroup
	)
	for {
		req.Size = window
		var err error
		res, err = ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if req.Facets != nil {
			facets, req.Facets = res.Facets, nil // the same on every window
		}
		groups = groupHits(res.Hits, r.Collapse, r.PerDocument)
		if afterKeys {
			if groups, err = ix.dropShownBefore(ctx, r, order, groups, want); err != nil {
				return nil, err
			}
		}
		if len(groups) >= want || len(res.Hits) < window || window >= maxWindow {
			break
		}
		window = min(window*windowGrowth, maxWindow)
	}
	more := len(groups) > skip+limit
	var page []hitGroup
	if skip < len(groups) {
		page = groups[skip:min(skip+limit, len(groups))]
	}
	reps := make(search.DocumentMatchCollection, len(page))
	for i, g := range page {
		reps[i] = g.hits[0]
	}
	shown := *res
	shown.Hits, shown.Facets = reps, facets
	out := ConvertResult(&shown)
	if r.Collapse {
		if err := ix.addCopies(ctx, r, out.Hits, page); err != nil {
			return nil, err
		}
	}
	if more && len(page) > 0 {
		if byPosition(order) {
			if next := skip + limit; next <= MaxCursorPosition {
				out.Next = positionCursor(order, next)
			}
		} else if first := groups[skip+limit].first; first > 0 {
			// The next page starts at the best hit of the first group
			// not shown.
			out.Next = keysCursor(order, res.Hits[first-1].Sort)
		}
	}
	return out, nil
}

// groupHits folds hits, best first, into groups: with collapse, hits of
// the same copy key join the group of the first; with perDocument > 0, a
// document's groups after its perDocument-th are dropped.
func groupHits(hits search.DocumentMatchCollection, collapse bool, perDocument int) []hitGroup {
	var groups []hitGroup
	byKey := map[string]int{}
	perDoc := map[string]int{}
	for i, h := range hits {
		key := str(h.Fields[FieldDup])
		if collapse && key != "" {
			if g, ok := byKey[key]; ok {
				groups[g].hits = append(groups[g].hits, h)
				continue
			}
		}
		if perDocument > 0 {
			doc := str(h.Fields[FieldDoc])
			if perDoc[doc] >= perDocument {
				continue
			}
			perDoc[doc]++
		}
		if collapse && key != "" {
			byKey[key] = len(groups)
		}
		groups = append(groups, hitGroup{hits: []*search.DocumentMatch{h}, first: i})
	}
	return groups
}

// dropShownBefore removes, from groups of a page that starts after a
// sort-key cursor, those whose text has a matching copy before the
// cursor: the page that held that copy showed the text. The first want
// groups left are checked; a group whose copies all lie in the window
// needs no query.
func (ix *Index) dropShownBefore(ctx context.Context, r Request, order []string, groups []hitGroup, want int) ([]hitGroup, error) {
	keys := make([]string, 0, min(want, len(groups)))
	for _, g := range groups[:min(want, len(groups))] {
		keys = append(keys, str(g.hits[0].Fields[FieldDup]))
	}
	counts, err := ix.keyCounts(ctx, keys)
	if err != nil {
		return nil, err
	}
	kept := groups[:0]
	for i, g := range groups {
		if len(kept) >= want {
			break
		}
		key := str(g.hits[0].Fields[FieldDup])
		if i < len(keys) && counts[key] > uint64(len(g.hits)) {
			first, err := ix.firstCopy(ctx, r, order, key)
			if err != nil {
				return nil, err
			}
			if first != g.hits[0].ID {
				continue
			}
		}
		kept = append(kept, g)
	}
	return kept, nil
}

// firstCopy is the id of the first passage in order that matches r and
// has the copy key.
func (ix *Index) firstCopy(ctx context.Context, r Request, order []string, key string) (string, error) {
	q, err := BuildQuery(r)
	if err != nil {
		return "", err
	}
	k := bleve.NewTermQuery(key)
	k.SetField(FieldDup)
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(q, k), 1, 0, false)
	req.SortBy(order)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return "", fmt.Errorf("first copy of %s: %w", key, err)
	}
	if len(res.Hits) == 0 {
		return "", nil
	}
	return res.Hits[0].ID, nil
}

// addCopies fills in Copies for the hits of a page from their groups.
// A group holds the copies within the window; the passages with its key
// that the index holds beyond them are counted only when there are any
// (the key's posting count says so), by one query for that key within
// the search.
func (ix *Index) addCopies(ctx context.Context, r Request, hits []Hit, page []hitGroup) error {
	keys := make([]string, len(hits))
	for i, h := range hits {
		keys[i] = h.Dup
	}
	counts, err := ix.keyCounts(ctx, keys)
	if err != nil {
		return err
	}
	for i, g := range page {
		key := hits[i].Dup
		if key == "" {
			continue
		}
		var c *Copies
		if counts[key] > uint64(len(g.hits)) {
			if c, err = ix.searchCopies(ctx, r, hits[i]); err != nil {
				return err
			}
		} else {
			c = windowCopies(g)
		}
		if c.Count > 0 {
			hits[i].Copies = c
		}
	}
	return nil
}

// keyCounts is how many passages of the index hold each copy key: one
// postings lookup per key.
func (ix *Index) keyCounts(ctx context.Context, keys []string) (map[string]uint64, error) {
	counts := map[string]uint64{}
	ai, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("count copies: %w", err)
	}
	reader, err := ai.Reader()
	if err != nil {
		return nil, fmt.Errorf("count copies: %w", err)
	}
	defer reader.Close()
	for _, key := range keys {
		if key == "" {
			continue
		}
		tr, err := reader.TermFieldReader(ctx, []byte(key), FieldDup, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("count copies of %s: %w", key, err)
		}
		counts[key] = tr.Count()
		tr.Close()
	}
	return counts, nil
}

// windowCopies are a group's copies when the window held all of them.
func windowCopies(g hitGroup) *Copies {
	c := &Copies{Passages: []CopyRef{}}
	docs := map[string]bool{}
	for _, h := range g.hits[1:] {
		ref := copyRef(h.ID, h.Fields)
		c.Count++
		docs[ref.DocID] = true
		c.Passages = append(c.Passages, ref)
	}
	c.Documents = len(docs)
	sortRefs(c.Passages)
	if len(c.Passages) > MaxListedCopies {
		c.Passages = c.Passages[:MaxListedCopies]
	}
	return c
}

// searchCopies finds the passages that match r and share hit's copy key,
// other than hit: their number, their documents (a facet on the document,
// so a text in thousands of documents costs no stored field per copy)
// and the first MaxListedCopies of them.
func (ix *Index) searchCopies(ctx context.Context, r Request, hit Hit) (*Copies, error) {
	q, err := BuildQuery(r)
	if err != nil {
		return nil, err
	}
	key := bleve.NewTermQuery(hit.Dup)
	key.SetField(FieldDup)
	self := query.NewDocIDQuery([]string{hit.ID})
	bq := bleve.NewBooleanQuery()
	bq.AddMust(q, key)
	bq.AddMustNot(self)
	req := bleve.NewSearchRequestOptions(bq, MaxListedCopies, 0, false)
	req.Fields = []string{FieldDoc, FieldTitle, FieldFile, FieldPage, FieldSeq}
	req.SortBy([]string{FieldDoc, FieldSeq})
	req.AddFacet("docs", bleve.NewFacetRequest(FieldDoc, maxCopyDocuments))
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("copies of %s: %w", hit.ID, err)
	}
	c := &Copies{Count: int(res.Total), Passages: make([]CopyRef, 0, len(res.Hits))}
	for _, h := range res.Hits {
		c.Passages = append(c.Passages, copyRef(h.ID, h.Fields))
	}
	if f := res.Facets["docs"]; f != nil && f.Terms != nil {
		c.Documents = len(f.Terms.Terms())
	}
	return c, nil
}

// maxCopyDocuments bounds the documents counted for one hit's copies;
// a text in more documents says this many.
const maxCopyDocuments = 10000

func copyRef(id string, fields map[string]any) CopyRef {
	return CopyRef{ID: id, DocID: str(fields[FieldDoc]), Title: str(fields[FieldTitle]), File: str(fields[FieldFile]),
		Page: num(fields[FieldPage]), Seq: num(fields[FieldSeq])}
}

func sortRefs(refs []CopyRef) {
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].DocID != refs[j].DocID {
			return refs[i].DocID < refs[j].DocID
		}
		return refs[i].Seq < refs[j].Seq
	})
}
