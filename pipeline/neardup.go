package pipeline

import (
	"context"
	"fmt"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/internal/minhash"
)

// MarkNearDuplicates recomputes every stored document's near-duplicate
// flag from the whole corpus and records the flags that changed. It
// returns the flags now stored (document id → the document it nearly
// repeats).
//
// The flags are a function of the stored documents alone: documents are
// put in one order — by the ingest run that stored them (a run resumed
// after an interruption counts as the run it resumes), then by the first
// path holding them, then by id (sqlite.Store.DocumentOrder) — and each
// is flagged as a near-duplicate of the most similar document before it,
// when they share at least NearDuplicateThreshold of their text. So the
// result does not depend on which worker finished first, on how writes
// were batched, or on whether a run was killed and resumed, and a
// document of an earlier run is never flagged as repeating a later one.
func MarkNearDuplicates(ctx context.Context, st *sqlite.Store) (map[string]string, error) {
	sigs, err := st.Signatures(ctx)
	if err != nil {
		return nil, err
	}
	order, err := st.DocumentOrder(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]string{}
	earlier := minhash.NewIndex()
	for _, id := range order {
		if sigs[id] == nil {
			continue // too short to compare
		}
		if best, sim := earlier.Best(id, sigs[id]); best != "" && sim >= NearDuplicateThreshold {
			want[id] = best
		}
		earlier.Add(id, sigs[id])
	}

	have, err := st.NearDuplicates(ctx)
	if err != nil {
		return nil, err
	}
	changed := map[string]string{}
	for id, of := range want {
		if have[id] != of {
			changed[id] = of
		}
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			changed[id] = ""
		}
	}
	if err := st.SetNearDuplicates(ctx, changed); err != nil {
		return nil, fmt.Errorf("near-duplicates: %w", err)
	}
	return want, nil
}
