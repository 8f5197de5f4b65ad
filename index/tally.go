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
	// One passage's values: its key parts and its counted terms, reused
	// from passage to passage so that the scan allocates per group, not
	// per passage.
	parts := make([][]byte, len(by))
	var terms []byte // the counted terms, one after the other
	var ends []int   // where each ends in terms
	visit := func(field string, term []byte) {
		if field == count {
			terms = append(terms, term...)
			ends = append(ends, len(terms))
			return
		}
		for i, f := range by {
			if f == field {
				parts[i] = append(parts[i][:0], term...)
				return
			}
		}
	}
	groups := map[string]*tallyCounter{}
	var key, lastKey []byte
	var last *tallyCounter
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
		terms, ends = terms[:0], ends[:0]
		if err := dv.VisitDocValues(m.IndexInternalID, visit); err != nil {
			return nil, fmt.Errorf("tally: %w", err)
		}
		sctx.DocumentMatchPool.Put(m)
		key = key[:0]
		for _, p := range parts {
			key = append(append(key, p...), 0)
		}
		// Passages come in document order, and a document's passages
		// share their submitter, type and year: most passages are of
		// the group before.
		c := last
		if c == nil || !bytes.Equal(key, lastKey) {
			if c = groups[string(key)]; c == nil {
				c = &tallyCounter{key: make([]string, len(parts))}
				for i, p := range parts {
					c.key[i] = string(p)
				}
				groups[string(key)] = c
			}
			last, lastKey = c, append(lastKey[:0], key...)
		}
		c.passages++
		from := 0
		for _, end := range ends {
			c.add(terms[from:end])
			from = end
		}
	}
	out := make([]TallyGroup, 0, len(groups))
	for _, c := range groups {
		g := TallyGroup{Key: c.key, Passages: c.passages, Counts: make(map[string]int, len(c.terms))}
		for i, t := range c.terms {
			g.Counts[t] = c.counts[i]
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b TallyGroup) int { return slices.Compare(a.Key, b.Key) })
	return out, nil
}

// tallyCounter counts one group's passages and their terms. A field
// counted has few values (eleven norms): a short list searched in order
// beats a map, which takes over past tallyListMax values.
type tallyCounter struct {
	key      []string
	passages int
	terms    []string
	counts   []int
	index    map[string]int
}

const tallyListMax = 16

func (c *tallyCounter) add(term []byte) {
	if c.index != nil {
		if i, ok := c.index[string(term)]; ok {
			c.counts[i]++
			return
		}
	} else {
		for i, t := range c.terms {
			if t == string(term) {
				c.counts[i]++
				return
			}
		}
	}
	c.terms, c.counts = append(c.terms, string(term)), append(c.counts, 1)
	if c.index != nil || len(c.terms) > tallyListMax {
		if c.index == nil {
			c.index = make(map[string]int, len(c.terms))
			for i, t := range c.terms {
				c.index[t] = i
			}
		}
		c.index[string(term)] = len(c.terms) - 1
	}
}
