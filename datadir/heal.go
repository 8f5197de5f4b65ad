package datadir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
)

// Heal brings the index in line with the store after an interrupted run:
// it removes deleted documents from the index and indexes documents the
// store holds but the index has not confirmed. The store always commits
// first and the index follows, so this is all an interruption can leave.
// The backlog goes through an IndexWriter, in bounded batches with the
// index released between them, so searches keep answering during a long
// heal; interrupted, it leaves the rest for the next writer.
func (d *Dir) Heal(ctx context.Context) error {
	if d.lock == nil {
		return fmt.Errorf("heal index: %w", errNotWriter)
	}
	if err := d.migrateLink(); err != nil {
		return err
	}
	d.removeStaleIndexes()
	live, err := d.LiveIndexDir()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.log.Warn("index link unreadable; rebuilding the index from the corpus", "err", err)
		return d.RebuildIndex(ctx)
	}
	if err == nil && index.Outdated(live) {
		d.log.Info("index built by another normtag version; rebuilding it from the corpus")
		return d.RebuildIndex(ctx)
	}
	if err != nil || !exists(filepath.Join(live, "index_meta.json")) {
		// No index, or a link to one that was never created: build it
		// from the store.
		ids, err := d.Store.DocumentIDs(ctx)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			d.log.Info("index missing; rebuilding it from the corpus", "documents", len(ids))
			return d.RebuildIndex(ctx)
		}
		// An empty store: point the link at a fresh directory (for a new
		// data directory, or past one whose creation was interrupted),
		// which the next batch creates.
		return d.pointAtNewIndex()
	}
	if d.foreignIndex(live) {
		d.log.Warn("the index was built from another corpus store; rebuilding it from this one", "index", live)
		return d.RebuildIndex(ctx)
	}
	passages, err := d.verifyIndex(ctx)
	if errors.Is(err, index.ErrDamaged) {
		d.log.Warn("the index is damaged; rebuilding it from the corpus", "err", err)
		return d.RebuildIndex(ctx)
	} else if err != nil {
		return err
	}
	if indexStoreID(live) == "" {
		// An index from before stores had identities is taken as this
		// store's, unless the store is empty and the index is not: then
		// the store was lost and recreated, and the index is its ghost.
		if b, err := d.Store.IndexBacklog(ctx); err != nil {
			return err
		} else if b.Documents == 0 && passages > 0 {
			d.log.Warn("the store is empty but the index is not; rebuilding the index from the store", "index", live)
			return d.RebuildIndex(ctx)
		}
		if err := d.stampIndex(live); err != nil {
			return err
		}
	}
	dels, err := d.Store.PendingIndexDeletes(ctx)
	if err != nil {
		return err
	}
	ids, err := d.Store.Unindexed(ctx)
	if err != nil {
		return fmt.Errorf("find unindexed documents: %w", err)
	}
	if len(ids) == 0 && len(dels) == 0 {
		return nil
	}
	d.log.Info("bringing the index up to date with the corpus", "documents", len(ids), "deleted", len(dels))
	w, err := d.NewIndexWriter()
	if err != nil {
		return err
	}
	w.Delete(dels...)
	tooLarge := func(id, reason string) error {
		if err := d.skipDocument(ctx, id, reason); err != nil {
			return err
		}
		w.Delete(id) // what the index holds for it is stale
		return nil
	}
	add := func(doc *corpus.Document) error { return w.Add(ctx, doc) }
	if err := d.eachIndexable(ctx, ids, nil, tooLarge, add); err != nil {
		return err
	}
	return w.Flush(ctx)
}

// verifyIndex opens the live index read-only, which checks every
// segment file (index.Open verifies), and returns how many passages it
// holds.
func (d *Dir) verifyIndex(ctx context.Context) (uint64, error) {
	ix, err := d.openIndex(ctx)
	if err != nil {
		return 0, err
	}
	defer ix.Close()
	return ix.DocCount()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// RebuildIndex builds a new index from the store alone beside the live
// one, then swaps it in atomically. Searches keep using the old index
// until the swap; an interruption leaves the old index in place. The new
// index is invisible to readers until the swap, so it is built in large
// batches (index.Build) rather than by the flush policy of IndexWriter.
func (d *Dir) RebuildIndex(ctx context.Context) error {
	_, err := d.RebuildIndexCounted(ctx)
	return err
}

// Rebuilt says how many documents and passages the store held when
// RebuildIndexCounted rebuilt the index from it (unindexable ones
// included).
type Rebuilt struct{ Documents, Passages int }

// RebuildIndexCounted is RebuildIndex that also says what the store
// held, as it counted it anyway (a caller need not count the store again).
func (d *Dir) RebuildIndexCounted(ctx context.Context) (Rebuilt, error) {
	if d.lock == nil {
		return Rebuilt{}, fmt.Errorf("rebuild index: %w", errNotWriter)
	}
	// One query counts every document's passages: the total sizes the
	// build's batches, and each count tells a document too large for
	// the index without a query of its own.
	counts, err := d.Store.PassageCounts(ctx)
	if err != nil {
		return Rebuilt{}, err
	}
	var total Rebuilt
	for _, n := range counts {
		total.Documents++
		total.Passages += n
	}
	err = d.rebuildIndex(ctx, counts, total.Passages)
	return total, err
}

func (d *Dir) rebuildIndex(ctx context.Context, counts map[string]int, passages int) error {
	name, err := d.nextIndexName()
	if err != nil {
		return err
	}
	dir := filepath.Join(d.Path, name)
	// Documents the index cannot take are left out (and recorded once
	// the new index is live), never fail the rebuild: too large ones
	// before they are loaded, failing ones as bleve finds them.
	var mu sync.Mutex
	skipped := map[string]string{}
	failed := false
	tooLarge := func(id, reason string) error {
		mu.Lock()
		defer mu.Unlock()
		skipped[id] = reason
		return nil
	}
	skip := func(id string, err error) { // from Build's goroutines
		mu.Lock()
		defer mu.Unlock()
		skipped[id] = "indexing failed: " + err.Error()
		failed = true
	}
	err = index.BuildWith(ctx, dir, func(yield func(*corpus.Document) error) error {
		ids, err := d.Store.DocumentIDs(ctx)
		if err != nil {
			return err
		}
		return d.eachIndexable(ctx, ids, counts, tooLarge, yield)
	}, index.BuildOptions{Skip: skip, Passages: passages})
	if err == nil && failed {
		err = removeFromIndex(ctx, dir, skipped)
	}
	if err == nil {
		err = d.stampIndex(dir)
	}
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("rebuild index: %w", err)
	}
	d.shareIndex(dir)
	if err := d.setLiveIndex(name); err != nil {
		return err
	}
	dels, err := d.Store.PendingIndexDeletes(ctx)
	if err != nil {
		return err
	}
	if err := d.Store.ClearIndexDeletes(ctx, dels); err != nil {
		return err
	}
	if err := d.Store.MarkAllIndexed(ctx, true); err != nil {
		return err
	}
	for id, reason := range skipped {
		if err := d.skipDocument(ctx, id, reason); err != nil {
			return err
		}
	}
	d.removeStaleIndexes()
	return nil
}

// eachIndexable calls yield with each of the documents ids, loaded with
// its passages, except those with more passages than the limit: they are
// given to tooLarge with the reason, without being loaded. Heal's
// catch-up and RebuildIndex share it so both skip alike. counts, when not
// nil, holds documents' passage counts, which are then not queried.
func (d *Dir) eachIndexable(ctx context.Context, ids []string, counts map[string]int, tooLarge func(id, reason string) error, yield func(*corpus.Document) error) error {
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		if reason, err := d.tooLarge(ctx, id, counts); err != nil {
			return err
		} else if reason != "" {
			if err := tooLarge(id, reason); err != nil {
				return err
			}
			continue
		}
		doc, err := d.Store.Document(ctx, id, corpus.WithPassages)
		if errors.Is(err, corpus.ErrNotFound) {
			continue // deleted meanwhile; its index delete is queued
		}
		if err != nil {
			return err
		}
		if err := yield(doc); err != nil {
			return err
		}
	}
	return nil
}

// removeFromIndex removes from the index in dir, not yet live, the
// passages of documents skipped part way through.
func removeFromIndex(ctx context.Context, dir string, skipped map[string]string) error {
	ix, err := index.Open(ctx, dir, index.OpenOptions{NoVerify: true})
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(skipped))
	for id := range skipped {
		ids = append(ids, id)
	}
	err = ix.DeleteDocuments(ctx, ids)
	if cerr := ix.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close new index: %w", cerr)
	}
	return err
}
