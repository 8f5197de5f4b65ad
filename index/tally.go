package index

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
)

// TallyFields are the fields Tally can group and count by: keyword
// fields, which hold one term per passage except the norms.
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
// values of the field count. The filters are run once, to a set of
// passages; the values come from the fields' postings (which passages
// hold each term), never from the passages one by one: a matrix of
// submitters × norms costs one search and a walk of a few postings
// lists, not a search per cell nor a read of every passage's values.
// Groups come sorted by key.
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
	// The passages kept, by doc number: the searcher applies every
	// filter (and skips deleted passages).
	var keep bitset
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
		keep.set(m.IndexInternalID.Value())
		sctx.DocumentMatchPool.Put(m)
	}
	// Each grouping field's value of every passage, as an index into
	// its terms (0: none), read from the field's postings.
	vals := make([][]uint32, len(by))
	names := make([][]string, len(by))
	for i, f := range by {
		names[i] = []string{""}
		err := eachPosting(ctx, reader, f, func(term string) { names[i] = append(names[i], term) }, func(doc uint64) {
			if keep.has(doc) {
				if doc >= uint64(len(vals[i])) {
					vals[i] = slices.Grow(vals[i], int(doc)+1-len(vals[i]))[:doc+1]
				}
				vals[i][doc] = uint32(len(names[i]) - 1)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	// The group of every kept passage: one group per combination of
	// values met, numbered as a number whose digits are the values'
	// indexes (the fields' term counts its bases).
	combos := uint64(1)
	for i := range by {
		hi, lo := bits.Mul64(combos, uint64(len(names[i])))
		if hi != 0 {
			return nil, fieldErr("tally", "too many combinations of %s", strings.Join(by, ", "))
		}
		combos = lo
	}
	group := make([]int32, keep.len())
	dense := combos <= 1<<22 // a table of every combination, else a map
	var table []int32
	ids := map[uint64]int32{}
	if dense {
		table = make([]int32, combos)
	}
	var counters []*tallyCounter
	keep.each(func(doc uint64) {
		combo := uint64(0)
		for i := range by {
			v := uint32(0)
			if doc < uint64(len(vals[i])) {
				v = vals[i][doc]
			}
			combo = combo*uint64(len(names[i])) + uint64(v)
		}
		var id int32
		if dense {
			id = table[combo] - 1
		} else if n, ok := ids[combo]; ok {
			id = n - 1
		} else {
			id = -1
		}
		if id < 0 {
			id = int32(len(counters))
			if dense {
				table[combo] = id + 1
			} else {
				ids[combo] = id + 1
			}
			c := &tallyCounter{key: make([]string, len(by))}
			for i := len(by) - 1; i >= 0; i-- {
				base := uint64(len(names[i]))
				c.key[i] = names[i][combo%base]
				combo /= base
			}
			counters = append(counters, c)
		}
		group[doc] = id
		counters[id].passages++
	})
	// The counted field's terms, from its postings.
	var termNames []string
	var counts [][]int // by group, then term
	err = eachPosting(ctx, reader, count, func(term string) { termNames = append(termNames, term) }, func(doc uint64) {
		if !keep.has(doc) {
			return
		}
		g := group[doc]
		for len(counts) <= int(g) {
			counts = append(counts, nil)
		}
		t := len(termNames) - 1
		for len(counts[g]) <= t {
			counts[g] = append(counts[g], 0)
		}
		counts[g][t]++
	})
	if err != nil {
		return nil, err
	}
	out := make([]TallyGroup, 0, len(counters))
	for id, c := range counters {
		g := TallyGroup{Key: c.key, Passages: c.passages, Counts: map[string]int{}}
		if id < len(counts) {
			for t, n := range counts[id] {
				if n > 0 {
					g.Counts[termNames[t]] = n
				}
			}
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b TallyGroup) int { return slices.Compare(a.Key, b.Key) })
	return out, nil
}

// tallyCounter is one group of a tally: its key and passages.
type tallyCounter struct {
	key      []string
	passages int
}

// eachPosting calls term for each term of a field, in order, then post
// for each passage holding it (its doc number). Postings are read
// without frequencies, norms or positions: a walk of compressed bitmaps,
// a small part of the cost of reading each passage's doc values.
func eachPosting(ctx context.Context, r bindex.IndexReader, field string, term func(string), post func(doc uint64)) error {
	dict, err := r.FieldDict(field)
	if err != nil {
		return fmt.Errorf("tally %s: %w", field, err)
	}
	defer dict.Close()
	var tfd bindex.TermFieldDoc
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("tally %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		term(e.Term)
		tr, err := r.TermFieldReader(ctx, []byte(e.Term), field, false, false, false)
		if err != nil {
			return fmt.Errorf("tally %s: %w", field, err)
		}
		for {
			d, err := tr.Next(&tfd)
			if err != nil {
				tr.Close()
				return fmt.Errorf("tally %s: %w", field, err)
			}
			if d == nil {
				break
			}
			post(d.ID.Value())
		}
		tr.Close()
	}
}

// bitset is a set of doc numbers.
type bitset []uint64

func (b *bitset) set(n uint64) {
	for uint64(len(*b)) <= n/64 {
		*b = append(*b, 0)
	}
	(*b)[n/64] |= 1 << (n % 64)
}

func (b bitset) has(n uint64) bool { return n/64 < uint64(len(b)) && b[n/64]&(1<<(n%64)) != 0 }

// len is one more than the largest doc number the set can hold.
func (b bitset) len() int { return 64 * len(b) }

// each calls fn for every doc number in the set, in order.
func (b bitset) each(fn func(uint64)) {
	for w, word := range b {
		for word != 0 {
			fn(uint64(w)*64 + uint64(bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
}
