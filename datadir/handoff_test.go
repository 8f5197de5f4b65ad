package datadir

import (
	"context"
	"testing"
	"time"

	"github.com/normtag/normtag/index"
)

// A reader waiting to open the index gets it before the writer's next
// batch: the writer does not take the index while a reader announces
// that it waits, and takes it once the reader has withdrawn.
func TestWriterYieldsToAWaitingReader(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("seed", 2, 3))
	r := openReader(t, dir)
	if w.readersWaiting() {
		t.Fatal("readers seen waiting before any announced it")
	}
	withdraw := r.announceWait()
	if !w.readersWaiting() {
		withdraw()
		t.Fatal("the writer does not see the waiting reader")
	}
	began := make(chan time.Time, 1)
	done := make(chan error, 1)
	go func() {
		done <- w.updateIndex(ctx, func(*index.Index) error {
			began <- time.Now()
			return nil
		})
	}()
	const held = 200 * time.Millisecond // well under maxYield
	time.Sleep(held)
	withdrawn := time.Now()
	withdraw()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if at := <-began; at.Before(withdrawn) {
		t.Fatalf("the writer took the index %v before the waiting reader withdrew", withdrawn.Sub(at))
	}
	if w.readersWaited.IsZero() {
		t.Fatal("the writer did not record that readers waited")
	}
	if w.readersWaiting() {
		t.Fatal("readers still seen waiting after the only one withdrew")
	}
}

// A reader that announces a wait and never opens cannot keep the writer
// out: it yields at most maxYield per batch.
func TestWriterYieldsOnlyForAWhile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("seed", 2, 3))
	withdraw := openReader(t, dir).announceWait()
	defer withdraw()
	start := time.Now()
	ran := false
	if err := w.updateIndex(ctx, func(*index.Index) error { ran = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Fatal("the batch did not run")
	}
	if took := time.Since(start); took < maxYield {
		t.Fatalf("the writer took the index after %v, before maxYield (%v) while a reader waited", took, maxYield)
	}
}
