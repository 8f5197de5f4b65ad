package index

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/search"
)

// TallyFields are the fields Tally can group and count by: those the
// mapping keeps doc values for, which hold one term per passage except
// the norms.
var TallyFields = []string{FieldNorm, FieldSubmitterName, FieldSubmitterType, FieldYear, FieldKind, FieldLang, FieldDoc}

// TallyGroup is the passages of one combination of the grouping fields'
// values.
type TallyGroup struct {
	// Key holds one value per grouping field, in the order asked; "" is
	// a passage without that field.
	Key []string
	// Passages counts the passages of the group.
	Passages int
	// Counts counts the group's passages per value of the counted field
	// (a passage with two norms counts once under each).
	Counts map[string]int
}

// Tally counts the passages matching r's filters (query, norms,
// submitters, languages, dates; its paging and format are ignored) by
// the values of the grouping fields by, and within each group by the
// values of the field count. It reads each matching passage's doc values
// once, in one pass: a matrix of submitters × norms costs one scan of its
// passages, not one search per cell. Groups come sorted by key.
func (ix *Index) Tally(ctx context.Context, r Request, by []string, count string) (_ []TallyGroup, err error) {
	defer recoverDamage("tally", &err)
	fields := append(slices.Clone(by), count)
	for i, f := range fields {
		if !slices.Contains(TallyFields, f) {
			return nil, fieldErr("tally", "cannot count by %q (one of %s)", f, strings.Join(TallyFields, ", "))
		}
		if slices.Contains(fields[:i], f) {
			return nil, fieldErr("tally", "field %q named twice", f)
		}
	}
	r.Kind, r.Limit, r.Offset, r.After, r.Format, r.Collapse, r.PerDocument = KindExport, 0, 0, "", "", false, 0
	if err := r.Validate(); err != nil {
		return nil, err
	}
	q, err := BuildQuery(r)
	if err != nil {
		return nil, &RequestError{Field: "query", Err: err}
	}
	ai, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("tally: %w", err)
	}
	reader, err := ai.Reader()
	if err != nil {
		return nil, fmt.Errorf("tally: %w", err)
	}
	defer reader.Close()
	searcher, err := q.Searcher(ctx, reader, ix.bi.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, fmt.Errorf("tally: %w", err)
	}
	defer searcher.Close()
	dv, err := reader.DocValueReader(fields)
	if err != nil {
		return nil, fmt.Errorf("tally: %w", err)
	}
	slot := map[string]int{}
	for i, f := range by {
		slot[f] = i
	}
	// One passage's values: its key parts and its counted terms, reused
	// from passage to passage so that the scan allocates per group, not
	// per passage.
	parts := make([][]byte, len(by))
	var terms []byte // the counted terms, each ended by a zero byte
	visit := func(field string, term []byte) {
		if field == count {
			terms = append(append(terms, term...), 0)
			return
		}
		if i, ok := slot[field]; ok {
			parts[i] = append(parts[i][:0], term...)
		}
	}
	groups := map[string]*TallyGroup{}
	counters := map[*TallyGroup]map[string]*int{}
	var key []byte
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(searcher.DocumentMatchPoolSize(), 0), IndexReader: reader}
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		m, err := searcher.Next(sctx)
		if err != nil {
			return nil, fmt.Errorf("tally: %w", err)
		}
		if m == nil {
			break
		}
		for i := range parts {
			parts[i] = parts[i][:0]
		}
		terms = terms[:0]
		if err := dv.VisitDocValues(m.IndexInternalID, visit); err != nil {
			return nil, fmt.Errorf("tally: %w", err)
		}
		sctx.DocumentMatchPool.Put(m)
		key = key[:0]
		for _, p := range parts {
			key = append(append(key, p...), 0)
		}
		g := groups[string(key)]
		if g == nil {
			g = &TallyGroup{Key: make([]string, len(parts)), Counts: map[string]int{}}
			for i, p := range parts {
				g.Key[i] = string(p)
			}
			groups[string(key)] = g
			counters[g] = map[string]*int{}
		}
		g.Passages++
		c := counters[g]
		for rest := terms; len(rest) > 0; {
			end := bytes.IndexByte(rest, 0)
			n := c[string(rest[:end])]
			if n == nil {
				n = new(int)
				c[string(rest[:end])] = n
			}
			*n++
			rest = rest[end+1:]
		}
	}
	out := make([]TallyGroup, 0, len(groups))
	for _, g := range groups {
		for t, n := range counters[g] {
			g.Counts[t] = *n
		}
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b TallyGroup) int { return slices.Compare(a.Key, b.Key) })
	return out, nil
}
