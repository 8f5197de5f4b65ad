package datadir

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/normtag/normtag/index"
)

// search runs one search through the shared reader and returns the
// number of passages in the index it saw.
func search(ctx context.Context, r *IndexReader) (uint64, error) {
	ix, release, err := r.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer release()
	if _, err := ix.Search(ctx, index.Request{Query: "critical infrastructure", Limit: 10}); err != nil {
		return 0, err
	}
	return ix.DocCount()
}

// A handle the reader keeps while no writer runs is closed once one
// starts, so the writer's batch gets in; the reader then sees it.
func TestIndexReaderLetsAWriterIn(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("first", 2, 3))
	w.Close()
	reader := openReader(t, dir).NewIndexReader()
	defer reader.Close()
	if n, err := search(ctx, reader); err != nil || n != 6 {
		t.Fatalf("first search: %d %v", n, err)
	}
	reader.mu.Lock()
	kept := reader.ix != nil
	reader.mu.Unlock()
	if !kept {
		t.Fatal("with no writer running the reader closed its handle")
	}
	w = openWriter(t, dir)
	storeOnly(t, w, makeDocs("second", 2, 3))
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := w.Heal(short); err != nil {
		t.Fatalf("writer kept out by an idle reader: %v", err)
	}
	if n, err := search(ctx, reader); err != nil || n != 12 {
		t.Fatalf("search after the writer's batch: %d %v", n, err)
	}
}

// While a writer runs, a handle that searches keep busy beyond maxAge is
// drained: a new search waits for the one using it, then opens afresh.
func TestIndexReaderDrainsABusyHandle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	healedWriter(t, dir, makeDocs("doc", 2, 3)) // stays open until the test ends
	reader := openReader(t, dir).NewIndexReader()
	defer reader.Close()
	reader.maxAge = 50 * time.Millisecond
	held, release, err := reader.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	time.AfterFunc(200*time.Millisecond, release)
	start := time.Now()
	ix, release2, err := reader.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release2()
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Fatalf("new search used the old handle after %v instead of waiting for it to drain", waited)
	}
	if ix == held {
		t.Fatal("drained handle handed out again")
	}
}

// Searches waiting for an index a writer holds wait without a mutex: each
// gives up when its own context ends, whatever the others do.
func TestIndexReaderWaitsWithContext(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("doc", 2, 3))
	reader := openReader(t, dir).NewIndexReader()
	defer reader.Close()
	hold := make(chan struct{})
	writing := make(chan struct{})
	go w.updateIndex(ctx, func(*index.Index) error {
		close(writing)
		<-hold
		return nil
	})
	<-writing
	var wg sync.WaitGroup
	errs := make([]error, 4)
	took := make([]time.Duration, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The first waits longest; the others must not queue behind it.
			c, cancel := context.WithTimeout(ctx, time.Duration(4-i)*150*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, errs[i] = search(c, reader)
			took[i] = time.Since(start)
		}()
	}
	wg.Wait()
	close(hold)
	for i, err := range errs {
		if !errors.Is(err, index.ErrBusy) {
			t.Errorf("search %d while the writer holds the index: %v, want ErrBusy", i, err)
		}
		if limit := time.Duration(4-i)*150*time.Millisecond + 300*time.Millisecond; took[i] > limit {
			t.Errorf("search %d gave up after %v, its context ended after %v", i, took[i], time.Duration(4-i)*150*time.Millisecond)
		}
	}
	if n, err := search(ctx, reader); err != nil || n != 6 {
		t.Fatalf("search once the writer let go: %d %v", n, err)
	}
}

// Acceptance (a liveness bound, not a speed target): a reader is open
// while a writer heals a backlog of 50,000 passages; every search issued
// meanwhile answers within 2 s, and searches see the backlog arrive batch
// by batch.
func TestSearchesAnswerWhileAWriterHealsABacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 50,000 passages")
	}
	const bound = 2 * time.Second
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("seed", 1, 10))
	storeOnly(t, w, makeDocs("backlog", 500, 100))
	const total = 50010

	reader := openReader(t, dir).NewIndexReader()
	defer reader.Close()
	// The reader holds the index when the heal starts.
	_, release, err := reader.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, release)

	start := time.Now()
	healed := make(chan error, 1)
	go func() { healed <- w.Heal(ctx) }()
	var (
		searches, partial int
		slowest           time.Duration
		last              uint64
	)
	for done := false; !done; {
		select {
		case err := <-healed:
			if err != nil {
				t.Fatalf("heal: %v", err)
			}
			done = true
			continue
		case <-time.After(100 * time.Millisecond):
		}
		issued := time.Now()
		n, err := search(ctx, reader)
		took := time.Since(issued)
		if err != nil {
			t.Fatalf("search %d during the heal: %v", searches, err)
		}
		searches++
		slowest = max(slowest, took)
		if took > bound {
			t.Errorf("search %d took %v during the heal (bound %v)", searches, took, bound)
		}
		if n < last {
			t.Fatalf("search saw %d passages after %d: committed passages vanished", n, last)
		}
		if n > 10 && n < total {
			partial++
		}
		last = n
	}
	t.Logf("healed %d passages in %v; %d searches meanwhile, slowest %v, %d saw a partial index",
		total-10, time.Since(start).Round(time.Millisecond), searches, slowest.Round(time.Millisecond), partial)
	if searches < 3 || partial == 0 {
		t.Fatalf("%d searches, %d saw the backlog arrive: the heal did not let readers in between batches", searches, partial)
	}
	if n, err := search(ctx, reader); err != nil || n != total {
		t.Fatalf("after the heal: %d passages, %v; want %d", n, err, total)
	}
}
