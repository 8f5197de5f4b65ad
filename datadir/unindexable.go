package datadir

import (
	"context"
	"errors"
	"fmt"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
)

// DefaultMaxPassages is the most passages a stored document may have for
// the index to take it, when Options.MaxPassages is 0. It is ingest's
// limit (pipeline.DefaultMaxPassages): a document stored before ingest
// had that limit may exceed it, and loading it whole to index it could
// exhaust memory.
const DefaultMaxPassages = 200_000

// skipDocument records that the index cannot take document id, and why,
// and says so once in the log: the store keeps it out of every later
// writer's work until it changes or a reindex or check --repair tries it
// again.
func (d *Dir) skipDocument(ctx context.Context, id, reason string) error {
	if err := d.Store.MarkUnindexable(ctx, id, reason); err != nil {
		return err
	}
	path := ""
	if doc, err := d.Store.Document(ctx, id, 0); err == nil {
		path = doc.Path
	}
	d.log.Warn("document left out of the search index; it stays stored (check lists it)", "id", id, "path", path, "reason", reason)
	return nil
}

// tooLarge returns why document id cannot be indexed when it has more
// passages than the limit, counted without loading them; "" when it can.
// The document's passage count is taken from counts when it is there.
func (d *Dir) tooLarge(ctx context.Context, id string, counts map[string]int) (string, error) {
	n, ok := counts[id]
	if !ok {
		var err error
		if n, err = d.Store.PassageCount(ctx, id); err != nil {
			return "", err
		}
	}
	if n > d.maxPassages {
		return fmt.Sprintf("%d passages, more than the limit of %d (--max-passages)", n, d.maxPassages), nil
	}
	return "", nil
}

// indexEach indexes docs, whose batch failed with batchErr, one batch
// each, and returns those that fail on their own with their errors. When
// the fault is the index's rather than a document's (every one of
// several fails, the batch was cancelled, or the index fails its
// checksums), batchErr is returned instead.
func indexEach(ctx context.Context, ix *index.Index, docs []*corpus.Document, batchErr error) (map[string]error, error) {
	if interrupted(ctx, batchErr) {
		return nil, batchErr
	}
	bad := map[string]error{}
	for _, doc := range docs {
		if err := ix.IndexDocuments(ctx, []*corpus.Document{doc}); err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			bad[doc.ID] = err
		}
	}
	if len(docs) > 1 && len(bad) == len(docs) {
		return nil, batchErr
	}
	if err := blame(ctx, ix, bad, batchErr); err != nil {
		return nil, err
	}
	return bad, nil
}

// blame confirms that documents whose indexing failed are at fault, not
// the index (which must pass its checksums), and removes what the index
// held for them, which is stale now. Otherwise it returns batchErr.
func blame(ctx context.Context, ix *index.Index, bad map[string]error, batchErr error) error {
	if len(bad) == 0 {
		return nil
	}
	if interrupted(ctx, batchErr) {
		return batchErr
	}
	if err := ix.Verify(); err != nil {
		return fmt.Errorf("%w (and then: %w)", batchErr, err)
	}
	ids := make([]string, 0, len(bad))
	for id := range bad {
		ids = append(ids, id)
	}
	return ix.DeleteDocuments(ctx, ids)
}

// interrupted reports whether a batch failed because it was cancelled or
// ran out of time rather than because of what it held: then no document
// is to blame, and indexEach and blame hand batchErr back.
func interrupted(ctx context.Context, batchErr error) bool {
	return ctx.Err() != nil || errors.Is(batchErr, context.Canceled) || errors.Is(batchErr, context.DeadlineExceeded)
}
