package datadir

import (
	"context"
	"fmt"

	"github.com/normtag/normtag/corpus"
)

// Judge records an analyst's judgement on a passage (see
// sqlite.Store.Judge) and brings the index up to date with the passage's
// new tags, so that searches, facets and exports show it at once. The
// store commits first: an interruption before the index has committed
// leaves the document unindexed, and Heal indexes it.
func (d *Dir) Judge(ctx context.Context, j corpus.Judgement) (*corpus.Judgement, error) {
	if d.lock == nil {
		return nil, fmt.Errorf("judge: %w", errNotWriter)
	}
	saved, err := d.Store.Judge(ctx, j)
	if err != nil {
		return nil, err
	}
	return saved, d.reindexDocument(ctx, j.DocID)
}

// Unjudge withdraws a judgement (see sqlite.Store.Unjudge) and brings the
// index up to date. It reports whether there was one.
func (d *Dir) Unjudge(ctx context.Context, docID string, seq int, norm string) (bool, error) {
	if d.lock == nil {
		return false, fmt.Errorf("withdraw judgement: %w", errNotWriter)
	}
	found, err := d.Store.Unjudge(ctx, docID, seq, norm)
	if err != nil || !found {
		return found, err
	}
	return true, d.reindexDocument(ctx, docID)
}

// reindexDocument sends a stored document's passages to the index again.
func (d *Dir) reindexDocument(ctx context.Context, id string) error {
	w, err := d.NewIndexWriter()
	if err != nil {
		return err
	}
	tooLarge := func(id, reason string) error { return d.skipDocument(ctx, id, reason) }
	add := func(doc *corpus.Document) error { return w.Add(ctx, doc) }
	if err := d.eachIndexable(ctx, []string{id}, nil, tooLarge, add); err != nil {
		return fmt.Errorf("index %s: %w", id, err)
	}
	return w.Flush(ctx)
}
