package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/normtag/normtag/corpus"
)

// A writer's handle keeps readers out: a reader whose context ends first
// gets ErrBusy (recognised by value, not by message), and a reader still
// waiting when the writer closes gets in.
func TestOpenWaitsForAHeldIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	w, err := Open(context.Background(), dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Open(short, dir, OpenOptions{ReadOnly: true}); !errors.Is(err, ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("open of a held index: got %v, want ErrBusy and the deadline", err)
	}
	time.AfterFunc(200*time.Millisecond, func() { w.Close() })
	start := time.Now()
	r, err := Open(context.Background(), dir, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("open after the writer closed: %v", err)
	}
	defer r.Close()
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Fatalf("reader got in after %v, while the writer still held the index", waited)
	}
}

// A reader that opens an index while a writer creates it finds it either
// absent or whole, never damaged: creation renames a complete index into
// place. Readers poll as fast as they can while indexes are created.
func TestReadersNeverSeeAHalfCreatedIndex(t *testing.T) {
	base := t.TempDir()
	ctx := context.Background()
	const creations = 30
	created := make(chan string)
	failures := make(chan error, 1)
	go func() {
		defer close(failures)
		for dir := range created {
			for {
				ix, err := Open(ctx, dir, OpenOptions{ReadOnly: true})
				if err == nil {
					ix.Close()
					break
				}
				if !errors.Is(err, ErrMissing) {
					failures <- err
					for range created {
					}
					return
				}
			}
		}
	}()
	for i := range creations {
		dir := filepath.Join(base, "index."+strconv.Itoa(i+1))
		created <- dir
		w, err := Open(ctx, dir, OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	close(created)
	if err := <-failures; err != nil {
		t.Fatalf("a reader opening an index being created: %v", err)
	}
}

// What a create killed half way leaves is neither taken for the index
// nor in the way of the next create.
func TestAKilledCreateLeavesNoIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index.1")
	if err := os.MkdirAll(dir+CreatingSuffix, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir+CreatingSuffix, "index_meta.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), dir, OpenOptions{ReadOnly: true}); !errors.Is(err, ErrMissing) {
		t.Fatalf("read-only open after a killed create: %v, want ErrMissing", err)
	}
	w, err := Open(context.Background(), dir, OpenOptions{})
	if err != nil {
		t.Fatalf("create over a killed create's leftovers: %v", err)
	}
	defer w.Close()
	if _, err := os.Stat(dir + CreatingSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the leftover %s is still there: %v", dir+CreatingSuffix, err)
	}
	if n, err := w.DocCount(); err != nil || n != 0 {
		t.Fatalf("new index holds %d passages, %v", n, err)
	}
}

// segments counts the segments of an open index's current snapshot.
func segments(t *testing.T, ix *Index) int {
	t.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		t.Fatalf("index reader is a %T, not a scorch snapshot", r)
	}
	return len(snap.Segments())
}

// An index opened with NoMerge merges none of the segments its batches
// add, however many; opened again without it, it merges them, and holds
// the same passages either way.
func TestNoMergeLeavesSegmentsForTheNextHandle(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(ctx, dir, OpenOptions{NoMerge: true})
	if err != nil {
		t.Fatal(err)
	}
	const batches = 12 // over the default plan's budget for so few passages
	for i := range batches {
		d := sampleDocs()[0]
		d.ID = "batch-" + strconv.Itoa(i)
		if err := ix.IndexDocuments(ctx, []*corpus.Document{d}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond) // time a merge would have had to start
	if ix.Busy() {
		t.Fatal("the index is merging segments though opened with NoMerge")
	}
	if n := segments(t, ix); n != batches {
		t.Fatalf("%d segments after %d batches with NoMerge, want one per batch", n, batches)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	ix, err = Open(ctx, dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && (ix.Busy() || segments(t, ix) == batches) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := segments(t, ix); n >= batches {
		t.Fatalf("%d segments once opened without NoMerge: they were not merged", n)
	}
	if n, err := ix.DocCount(); err != nil || n != batches*3 {
		t.Fatalf("%d passages (%v), want %d", n, err, batches*3)
	}
}
