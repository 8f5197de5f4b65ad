package datadir

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/normtag/normtag/corpus/sqlite"
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
	Unindexed int `json:"unindexed"`
	// PendingDeletes counts deletes the index has not applied yet.
	PendingDeletes int `json:"pending_deletes"`
	// Damaged says why the index could not be read in full (a segment
	// fails its checksum or bleve fails reading it); empty when it could.
	Damaged string `json:"damaged,omitempty"`
	// Foreign is set when the index was built from another store.
	Foreign bool `json:"foreign,omitempty"`
	// Unindexable lists stored documents the index could not take, with
	// why: they are not searchable until they change or a repair
	// succeeds in indexing them.
	Unindexable []sqlite.Unindexable `json:"unindexable"`
	Repaired    bool                 `json:"repaired"`
}

// OK reports whether store and index agree.
func (r *CheckReport) OK() bool {
	return len(r.Missing) == 0 && len(r.Extra) == 0 && r.Unindexed == 0 && r.PendingDeletes == 0 && r.Damaged == "" && !r.Foreign &&
		len(r.Unindexable) == 0
}

// ErrRepairRefused is wrapped when check --repair would empty an index
// because the store is empty: far likelier a lost or replaced corpus.db
// than a corpus whose every document was meant to go.
var ErrRepairRefused = errors.New("repair refused: the corpus store has no documents but the index has some; restore corpus.db from a copy made by `normtag backup`, or run `normtag reindex` to empty the index on purpose")

// Check compares the index with the store, document by document, and with
// repair fixes every difference (the store is the system of record). It
// reads every passage's stored fields, after index.Open has verified the
// checksum of every segment, so a damaged index is found (Damaged) rather
// than trusted. Repair rebuilds a damaged or foreign index, but never
// empties an index because the store is empty: it returns
// ErrRepairRefused then.
func (d *Dir) Check(ctx context.Context, repair bool) (*CheckReport, error) {
	counts, err := d.Store.PassageCounts(ctx)
	if err != nil {
		return nil, err
	}
	unindexed, err := d.Store.Unindexed(ctx)
	if err != nil {
		return nil, err
	}
	// An index of an older mapping is routine after an upgrade, not
	// damage: check rebuilds it as any writer does, from a store that
	// has documents.
	if live, err := d.LiveIndexDir(); err == nil && index.Outdated(live) && len(counts) > 0 {
		d.log.Info("index built by another normtag version; rebuilding it from the corpus")
		if err := d.RebuildIndex(ctx); err != nil {
			return nil, err
		}
		if unindexed, err = d.Store.Unindexed(ctx); err != nil {
			return nil, err
		}
	}
	dels, err := d.Store.PendingIndexDeletes(ctx)
	if err != nil {
		return nil, err
	}
	rep := &CheckReport{Documents: len(counts), Unindexed: len(unindexed), PendingDeletes: len(dels), Missing: []string{}, Extra: []string{}}
	inIndex, err := d.indexedDocuments(ctx)
	switch {
	case errors.Is(err, index.ErrDamaged):
		rep.Damaged = err.Error()
		inIndex = map[string]int{}
	case errors.Is(err, ErrForeignIndex):
		rep.Foreign = true
		inIndex, err = d.indexedDocumentsOf(ctx, d.openIndex)
		if errors.Is(err, index.ErrDamaged) {
			rep.Damaged, inIndex = err.Error(), map[string]int{}
		} else if err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	if rep.Unindexable, err = d.Store.Unindexable(ctx); err != nil {
		return nil, err
	}
	skipped := map[string]bool{}
	for _, u := range rep.Unindexable {
		skipped[u.ID] = true
	}
	rep.IndexedDocuments = len(inIndex)
	for id, n := range counts {
		rep.Passages += n
		if inIndex[id] != n && !skipped[id] {
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
	if rep.Documents == 0 && (rep.IndexedDocuments > 0 || rep.Damaged != "") {
		return rep, fmt.Errorf("store has 0 documents, index has %d: %w", rep.IndexedDocuments, ErrRepairRefused)
	}
	if rep.Damaged != "" || rep.Foreign {
		if err := d.RebuildIndex(ctx); err != nil {
			return rep, fmt.Errorf("repair: %w", err)
		}
		rep.Repaired = true
		return rep, d.recheckUnindexable(ctx, rep)
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
	// A repair asked for explicitly tries the unindexable documents once
	// more (a newer normtag, or a higher limit, may take them).
	if _, err := d.Store.RetryUnindexable(ctx); err != nil {
		return rep, fmt.Errorf("repair: %w", err)
	}
	if err := d.Heal(ctx); err != nil {
		return rep, fmt.Errorf("repair: %w", err)
	}
	rep.Repaired = true
	return rep, d.recheckUnindexable(ctx, rep)
}

// recheckUnindexable lists, after a repair, the documents the index
// still could not take.
func (d *Dir) recheckUnindexable(ctx context.Context, rep *CheckReport) error {
	u, err := d.Store.Unindexable(ctx)
	if err != nil {
		return fmt.Errorf("repair: %w", err)
	}
	rep.Unindexable = u
	return nil
}

// indexedDocuments counts the passages of each document in the live
// index, opened read-only: checking must not keep readers out. No index
// means no documents.
func (d *Dir) indexedDocuments(ctx context.Context) (map[string]int, error) {
	return d.indexedDocumentsOf(ctx, d.OpenIndex)
}

func (d *Dir) indexedDocumentsOf(ctx context.Context, open func(context.Context) (*index.Index, error)) (map[string]int, error) {
	ix, err := open(ctx)
	if errors.Is(err, index.ErrMissing) {
		return map[string]int{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	ids, err := ix.DocumentIDs(ctx)
	if err != nil {
		return nil, err
	}
	// Every passage listed must be one the index counts, and the other
	// way round; a damaged segment can make the two disagree.
	total := 0
	for _, n := range ids {
		total += n
	}
	if n, err := ix.DocCount(); err != nil {
		return nil, err
	} else if n != uint64(total) {
		return nil, fmt.Errorf("index %s counts %d passages but lists %d: %w", ix.Dir(), n, total, index.ErrDamaged)
	}
	return ids, nil
}
