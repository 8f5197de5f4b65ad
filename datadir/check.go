package datadir

import (
	"context"
	"errors"
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
	inIndex, err := d.indexedDocuments(ctx)
	if err != nil {
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
	// Documents the store lacks leave the index; documents it lacks or
	// holds wrongly are marked unindexed, and Heal indexes them anew.
	w, err := d.NewIndexWriter()
	if err != nil {
		return rep, fmt.Errorf("repair: %w", err)
	}
	w.Delete(rep.Extra...)
	if err := w.Flush(ctx); err != nil {
		return rep, fmt.Errorf("repair: %w", err)
	}
	if err := d.Store.MarkIndexed(ctx, rep.Missing, false); err != nil {
		return rep, fmt.Errorf("repair: %w", err)
	}
	if err := d.Heal(ctx); err != nil {
		return rep, fmt.Errorf("repair: %w", err)
	}
	rep.Repaired = true
	return rep, nil
}

// indexedDocuments counts the passages of each document in the live
// index, opened read-only: checking must not keep readers out. No index
// means no documents.
func (d *Dir) indexedDocuments(ctx context.Context) (map[string]int, error) {
	ix, err := d.OpenIndex(ctx)
	if errors.Is(err, index.ErrMissing) {
		return map[string]int{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	return ix.DocumentIDs(ctx)
}
