package datadir

import (
	"context"
	"fmt"
	"sort"

	"github.com/normtag/normtag/index"
)

// CheckReport says whether the index agrees with the store.
type CheckReport struct {
	Documents        int `json:"documents"`         // in the store
	IndexedDocuments int `json:"indexed_documents"` // in the index
	Passages         int `json:"passages"`          // in the store
	IndexedPassages  int `json:"indexed_passages"`  // in the index
	// Missing lists documents whose passages the index lacks or has in a
	// different number.
	Missing []string `json:"missing"`
	// Extra lists documents the index holds but the store does not.
	Extra []string `json:"extra"`
	// Unindexed counts documents flagged for indexing (an interrupted run).
	Unindexed int  `json:"unindexed"`
	Repaired  bool `json:"repaired"`
}

// OK reports whether store and index agree.
func (r *CheckReport) OK() bool { return len(r.Missing) == 0 && len(r.Extra) == 0 && r.Unindexed == 0 }

// Check compares the index with the store, document by document, and with
// repair fixes every difference (the store is the system of record).
func (d *Dir) Check(ctx context.Context, repair bool) (*CheckReport, error) {
	counts, err := d.Store.PassageCounts(ctx)
	if err != nil {
		return nil, err
	}
	unindexed, err := d.Store.Unindexed(ctx)
	if err != nil {
		return nil, err
	}
	rep := &CheckReport{Documents: len(counts), Unindexed: len(unindexed), Missing: []string{}, Extra: []string{}}
	var inIndex map[string]int
	if err := d.UpdateIndex(ctx, func(ix *index.Index) error {
		inIndex, err = ix.DocumentIDs(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	rep.IndexedDocuments = len(inIndex)
	for id, n := range counts {
		rep.Passages += n
		if inIndex[id] != n {
			rep.Missing = append(rep.Missing, id)
		}
	}
	for id, n := range inIndex {
		rep.IndexedPassages += n
		if _, ok := counts[id]; !ok {
			rep.Extra = append(rep.Extra, id)
		}
	}
	sort.Strings(rep.Missing)
	sort.Strings(rep.Extra)
	if !repair || rep.OK() {
		return rep, nil
	}
	if err := d.UpdateIndex(ctx, func(ix *index.Index) error {
		if err := ix.DeleteDocuments(ctx, rep.Extra); err != nil {
			return err
		}
		return d.Store.MarkIndexed(ctx, rep.Missing, false)
	}); err != nil {
		return rep, fmt.Errorf("repair: %w", err)
	}
	if err := d.Heal(ctx); err != nil {
		return rep, fmt.Errorf("repair: %w", err)
	}
	rep.Repaired = true
	return rep, nil
}
