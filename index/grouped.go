package index

import (
	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/normtag/normtag/internal/textfold"
)

// MaxListedCopies bounds the copies a collapsed hit lists (Copies.Passages).
const MaxListedCopies = 20

// Collapsing reads a window of the best raw hits, larger than the page,
// and folds it into groups; a page needing more groups than the window
// gave reads a larger window, sized from the copies the first one held,
// up to maxWindow hits. The window's hits carry only the fields grouping
// and copy lists read, without highlighting; the hits shown are then
// read whole by a second query restricted to them. Copies are rare among
// the best hits of most searches, so the first window nearly always
// suffices.
const (
	windowFactor = 2
	minWindow    = 20
	maxWindow    = 50000
)

// hitsPerGroup is how many hits recent windows held per group, with
// room to spare (a quarter more, at least windowFactor): a corpus whose
// texts each have many copies reads a larger first window, instead of
// reading the window twice, the second time larger. The first search
// after opening starts from windowFactor.
func (ix *Index) hitsPerGroup() int {
	return max(windowFactor, int(ix.perGroup.Load()*5/4/100))
}

// learnHitsPerGroup records how many hits a window read per group it
// found, when it was read whole (a window the results ended in says
// nothing of the corpus's copies), as a moving average in hundredths.
func (ix *Index) learnHitsPerGroup(hits, groups, window int) {
	if groups == 0 || hits < window {
		return
	}
	seen := uint64(hits * 100 / groups)
	old := ix.perGroup.Load()
	if old == 0 {
		ix.perGroup.Store(seen)
		return
	}
	ix.perGroup.Store((3*old + seen) / 4)
}

// windowFields are the fields the hits of a window carry.
var windowFields = []string{FieldDup, FieldDoc, FieldFile, FieldPage, FieldSeq, FieldText}

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
	window := min(max(want*windowFactor, minWindow, want*ix.hitsPerGroup()), maxWindow)
	order, _ := sortOrder(r.Sort, r.Query) // validated before
	// A page after a sort-key cursor starts in the middle of the order,
	// where a group's best hit may be a copy of one shown before.
	afterKeys := r.Collapse && r.After != "" && !byPosition(order)
	req.From = 0
	// The window: ids and grouping fields only.
	wreq := *req
	wreq.Fields, wreq.Highlight = windowFields, nil
	var (
		res    *bleve.SearchResult
		facets search.FacetResults
		groups []hitGroup
	)
	for {
		wreq.Size = window
		var err error
		res, err = ix.bi.SearchInContext(ctx, &wreq)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if wreq.Facets != nil {
			facets, wreq.Facets = res.Facets, nil // the same on every window
		}
		if byPosition(order) {
			equalScoresByID(res.Hits)
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
		// Read as many more hits as the groups found so far suggest a
		// page needs, with room to spare.
		perGroup := (len(res.Hits) + len(groups) - 1) / max(len(groups), 1)
		window = min(max(2*window, 2*want*perGroup), maxWindow)
	}
	ix.learnHitsPerGroup(len(res.Hits), len(groups), window)
	more := len(groups) > skip+limit
	var page []hitGroup
	if skip < len(groups) {
		page = groups[skip:min(skip+limit, len(groups))]
	}
	reps, err := ix.loadHits(ctx, req, page)
	if err != nil {
		return nil, err
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

// loadHits reads the best hit of each group whole, with highlights, by
// req's query restricted to their ids; scores and sort keys stay those
// of the window. A hit deleted in between is left out.
func (ix *Index) loadHits(ctx context.Context, req *bleve.SearchRequest, page []hitGroup) (search.DocumentMatchCollection, error) {
	if len(page) == 0 {
		return search.DocumentMatchCollection{}, nil
	}
	ids := make([]string, len(page))
	for i, g := range page {
		ids[i] = g.hits[0].ID
	}
	lreq := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(req.Query, query.NewDocIDQuery(ids)), len(ids), 0, false)
	lreq.Fields, lreq.Highlight = req.Fields, req.Highlight
	res, err := ix.bi.SearchInContext(ctx, lreq)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	byID := make(map[string]*search.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	out := make(search.DocumentMatchCollection, 0, len(page))
	for _, g := range page {
		h, ok := byID[g.hits[0].ID]
		if !ok {
			continue
		}
		h.Score, h.Sort = g.hits[0].Score, g.hits[0].Sort
		out = append(out, h)
	}
	return out, nil
}

// equalScoresByID orders hits of equal score by id. Copies of a text score
// alike, and bleve returns ties in the order the index happened to store
// them, so without this, which copy stands for the text could change
// from one build of the same corpus to the next.
func equalScoresByID(hits search.DocumentMatchCollection) {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
}

// groupHits folds hits, best first, into groups: with collapse, a hit
// joins the group of the first hit with its copy key or, failing that,
// of the first whose text it nearly repeats (nearCopy); with
// perDocument > 0, a document's groups after its perDocument-th are
// dropped.
func groupHits(hits search.DocumentMatchCollection, collapse bool, perDocument int) []hitGroup {
	var groups []hitGroup
	var shingles []map[uint64]bool // of each group's first hit, for nearCopy
	byKey := map[string]int{}
	perDoc := map[string]int{}
	for i, h := range hits {
		key := str(h.Fields[FieldDup])
		var sh map[uint64]bool
		if collapse && key != "" {
			g, ok := byKey[key]
			if !ok {
				sh = wordPairs(str(h.Fields[FieldText]))
				g, ok = nearGroup(shingles, sh)
			}
			if ok {
				groups[g].hits = append(groups[g].hits, h)
				byKey[key] = g
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
		shingles = append(shingles, sh)
	}
	return groups
}

// Near copies: a passage whose pairs of consecutive words are at least
// nearShare the same as an earlier hit's (Jaccard) is a copy of it, the
// same paragraph with a footnote number, a page header or a typo inside.
// Only passages of at least nearMinPairs pairs are compared (a heading
// that differs in one word of three is another heading), and only with
// the first nearMaxGroups groups of a window, to bound the work.
const (
	nearShare     = 0.75
	nearMinPairs  = 10
	nearMaxGroups = 200
)

// nearGroup is the first group whose first hit's word pairs sh nearly
// repeats.
func nearGroup(groups []map[uint64]bool, sh map[uint64]bool) (int, bool) {
	if len(sh) < nearMinPairs {
		return 0, false
	}
	for g, other := range groups[:min(len(groups), nearMaxGroups)] {
		if len(other) < nearMinPairs {
			continue
		}
		small, large := sh, other
		if len(small) > len(large) {
			small, large = large, small
		}
		if float64(len(small)) < nearShare*float64(len(large)) {
			continue // too different in length to share enough
		}
		common := 0
		for p := range small {
			if large[p] {
				common++
			}
		}
		if float64(common) >= nearShare*float64(len(sh)+len(other)-common) {
			return g, true
		}
	}
	return 0, false
}

// wordPairs is the set of hashed pairs of consecutive folded words of
// text.
func wordPairs(text string) map[uint64]bool {
	words := strings.FieldsFunc(textfold.Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	pairs := make(map[uint64]bool, len(words))
	for i := 1; i < len(words); i++ {
		h := fnv.New64a()
		h.Write([]byte(words[i-1]))
		h.Write([]byte{0})
		h.Write([]byte(words[i]))
		pairs[h.Sum64()] = true
	}
	return pairs
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
// A group holds the copies within the window, under one or more copy
// keys; the passages with one of its keys that the index holds beyond
// them are counted only when there are any (the key's posting count says
// so), by one query for all such keys of the page within the search
// (copiesBeyond). Near copies are thus found among the window's hits,
// exact ones everywhere.
func (ix *Index) addCopies(ctx context.Context, r Request, hits []Hit, page []hitGroup) error {
	var keys []string
	for _, g := range page {
		for _, h := range g.hits {
			keys = append(keys, str(h.Fields[FieldDup]))
		}
	}
	counts, err := ix.keyCounts(ctx, keys)
	if err != nil {
		return err
	}
	// The keys with passages beyond the window, and the hit each belongs
	// to (a key is one group's: groupHits files a key under one group).
	beyond := map[string]string{}
	for i, g := range page {
		if hits[i].Dup == "" || hits[i].ID != g.hits[0].ID {
			continue
		}
		members := map[string]int{}
		for _, h := range g.hits {
			members[str(h.Fields[FieldDup])]++
		}
		for key, n := range members {
			if counts[key] > uint64(n) {
				beyond[key] = hits[i].ID
			}
		}
	}
	found, err := ix.copiesBeyond(ctx, r, beyond, counts)
	if err != nil {
		return err
	}
	for i, g := range page {
		if hits[i].Dup == "" || hits[i].ID != g.hits[0].ID {
			continue
		}
		inWindow := map[string][]*search.DocumentMatch{}
		var order []string
		for _, h := range g.hits {
			key := str(h.Fields[FieldDup])
			if inWindow[key] == nil {
				order = append(order, key)
			}
			inWindow[key] = append(inWindow[key], h)
		}
		c := &Copies{Passages: []CopyRef{}}
		docs := map[string]bool{}
		for _, key := range order {
			members := inWindow[key]
			for _, h := range members {
				if h.ID == hits[i].ID {
					continue
				}
				ref := copyRef(h.ID, h.Fields)
				docs[ref.DocID] = true
				c.Passages = append(c.Passages, ref)
			}
			if kc, ok := found[key]; ok {
				// More passages hold the key than the window: those
				// matching the search were counted.
				c.Count += kc.count
				for d := range kc.docs {
					docs[d] = true
				}
				continue
			}
			c.Count += len(members)
			if contains(idsOf(members), hits[i].ID) {
				c.Count--
			}
		}
		c.Documents = len(docs)
		sortRefs(c.Passages)
		if len(c.Passages) > MaxListedCopies {
			c.Passages = c.Passages[:MaxListedCopies]
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

// keyCopies are the passages with one copy key that match a search,
// other than the hit shown for them, and their documents.
type keyCopies struct {
	count int
	docs  map[string]bool
}

// maxBatchCopies bounds the passages copiesBeyond reads in its one
// query: the sum of the keys' posting counts, an upper bound of what the
// query can match. Past it (texts copied into tens of thousands of
// passages), each key is counted on its own by countCopies, whose facet
// keeps only documents. A variable for tests.
var maxBatchCopies uint64 = 50000

// copiesBeyond counts, for each key of beyond (mapped to the hit it
// stands under), the passages that match r and have the key, other than
// that hit, and their documents: one query for all the keys, sorted by
// key and document, whose hits carry both as sort values read from doc
// values: no stored passage is read. counts are the keys' posting
// counts.
func (ix *Index) copiesBeyond(ctx context.Context, r Request, beyond map[string]string, counts map[string]uint64) (map[string]keyCopies, error) {
	out := make(map[string]keyCopies, len(beyond))
	if len(beyond) == 0 {
		return out, nil
	}
	var total uint64
	keys := make([]string, 0, len(beyond))
	for key := range beyond {
		keys = append(keys, key)
		total += counts[key]
	}
	sort.Strings(keys)
	if total > maxBatchCopies {
		for _, key := range keys {
			kc := keyCopies{docs: map[string]bool{}}
			if err := ix.countCopies(ctx, r, key, beyond[key], &kc); err != nil {
				return nil, err
			}
			out[key] = kc
		}
		return out, nil
	}
	q, err := BuildQuery(r)
	if err != nil {
		return nil, err
	}
	anyKey := make([]query.Query, len(keys))
	for i, key := range keys {
		k := bleve.NewTermQuery(key)
		k.SetField(FieldDup)
		anyKey[i] = k
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(q, bleve.NewDisjunctionQuery(anyKey...)), int(total), 0, false)
	req.SortBy([]string{FieldDup, FieldDoc, "_id"})
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("copies of %d texts: %w", len(keys), err)
	}
	for _, key := range keys {
		out[key] = keyCopies{docs: map[string]bool{}}
	}
	for _, h := range res.Hits {
		if len(h.Sort) < 2 {
			continue
		}
		key := h.Sort[0]
		kc, ok := out[key]
		if !ok || h.ID == beyond[key] {
			continue
		}
		kc.count++
		kc.docs[h.Sort[1]] = true
		out[key] = kc
	}
	return out, nil
}

// countCopies counts into kc the passages that match r and have the
// copy key, other than the hit self, and their documents (a facet on the
// document, so a text in thousands of documents costs no stored field
// per copy).
func (ix *Index) countCopies(ctx context.Context, r Request, key, self string, kc *keyCopies) error {
	q, err := BuildQuery(r)
	if err != nil {
		return err
	}
	k := bleve.NewTermQuery(key)
	k.SetField(FieldDup)
	bq := bleve.NewBooleanQuery()
	bq.AddMust(q, k)
	bq.AddMustNot(query.NewDocIDQuery([]string{self}))
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	req.AddFacet("docs", bleve.NewFacetRequest(FieldDoc, maxCopyDocuments))
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("copies of %s: %w", self, err)
	}
	kc.count += int(res.Total)
	if f := res.Facets["docs"]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			kc.docs[t.Term] = true
		}
	}
	return nil
}

func idsOf(hits []*search.DocumentMatch) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// maxCopyDocuments bounds the documents counted for one hit's copies;
// a text in more documents says this many.
const maxCopyDocuments = 10000

func copyRef(id string, fields map[string]any) CopyRef {
	return CopyRef{ID: id, DocID: str(fields[FieldDoc]), File: str(fields[FieldFile]),
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
