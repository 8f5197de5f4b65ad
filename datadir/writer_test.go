package datadir

import (
	"context"
	"testing"
	"time"
)

// The flush policy: the first document goes to the index at once, later
// ones once flushInterval has passed or the passage cap is reached; only
// then are they marked indexed in the store.
func TestIndexWriterFlushPolicy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openWriter(t, dir)
	ixw, err := w.NewIndexWriter()
	if err != nil {
		t.Fatal(err)
	}
	small := makeDocs("small", 3, 5)
	storeOnly(t, w, small)
	step := func(i int, want uint64) {
		t.Helper()
		if err := ixw.Add(ctx, small[i]); err != nil {
			t.Fatal(err)
		}
		if n := indexed(t, w); n != want {
			t.Fatalf("after adding document %d: %d passages indexed, want %d", i, n, want)
		}
	}
	step(0, 5) // the first batch goes at once
	step(1, 5) // within flushInterval: waits
	if left, _ := w.Store.Unindexed(ctx); len(left) != 2 {
		t.Fatalf("%d documents unindexed in the store, want the 2 not yet committed", len(left))
	}
	time.Sleep(flushInterval)
	step(2, 15) // the interval has passed: both go

	big := makeDocs("big", 30, 100)
	storeOnly(t, w, big)
	for _, doc := range big {
		if err := ixw.Add(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	if n := indexed(t, w); n < maxFlushPassages {
		t.Fatalf("%d passages indexed after queueing 3,000: the passage cap sent no batch", n)
	}
	if err := ixw.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := indexed(t, w); n != 3015 {
		t.Fatalf("%d passages after Flush, want 3015", n)
	}
	if left, _ := w.Store.Unindexed(ctx); len(left) != 0 {
		t.Fatalf("%d documents left unindexed after Flush", len(left))
	}
}

// The passage cap follows the cost of the last commit, within bounds.
func TestIndexWriterAdaptsItsCap(t *testing.T) {
	w := &IndexWriter{passageCap: maxFlushPassages}
	w.adaptCap(1000, 3*commitBudget)
	if w.passageCap != 333 {
		t.Fatalf("after a slow commit the cap is %d, want 333", w.passageCap)
	}
	w.adaptCap(1000, commitBudget/100)
	if w.passageCap != 499 {
		t.Fatalf("after a fast commit the cap is %d, want 499 (growing by half at most)", w.passageCap)
	}
	for range 5 {
		w.adaptCap(1000, commitBudget/100)
	}
	if w.passageCap != maxFlushPassages {
		t.Fatalf("after fast commits the cap is %d, want %d", w.passageCap, maxFlushPassages)
	}
	w.adaptCap(1000, 100*commitBudget)
	if w.passageCap != minFlushPassages {
		t.Fatalf("after a very slow commit the cap is %d, want %d", w.passageCap, minFlushPassages)
	}
	w.adaptCap(10, 100*commitBudget)
	if w.passageCap != minFlushPassages {
		t.Fatalf("a batch too small to measure changed the cap to %d", w.passageCap)
	}
}
