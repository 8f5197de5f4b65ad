package datadir

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

// The flush policy: the first document goes to the index at once, later
// ones once flushInterval has passed or the passage cap is reached; only
// then are they marked indexed in the store.
func TestIndexWriterFlushPolicy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openWriter(t, dir)
	ixw := newIndexWriter(t, w)
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
	addAll(t, ixw, big)
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
	// While readers wait for the index, commits aim at the shorter
	// readerCommitBudget.
	w = &IndexWriter{passageCap: maxFlushPassages, d: &Dir{readersWaited: time.Now()}}
	w.adaptCap(1000, commitBudget)
	if want := int(1000 * readerCommitBudget / commitBudget); w.passageCap != want {
		t.Fatalf("with readers waiting the cap is %d, want %d", w.passageCap, want)
	}
	w.d.readersWaited = time.Now().Add(-2 * readersRecent)
	w.adaptCap(1000, commitBudget)
	if w.passageCap != 750 {
		t.Fatalf("readers long gone, the cap is %d, want 750 (growing by half)", w.passageCap)
	}
}

// A document with more passages than the cap goes to the index in
// several batches of at most the cap, and is marked indexed once all
// have committed; re-adding it replaces its passages rather than adding
// to them.
func TestIndexWriterSplitsALargeDocument(t *testing.T) {
	ctx := context.Background()
	w := openWriter(t, t.TempDir())
	small := makeDocs("small", 2, 10)
	huge := makeDocs("huge", 1, 450)[0]
	storeOnly(t, w, append(small, huge))
	ixw := newIndexWriter(t, w)
	ixw.passageCap = minFlushPassages
	addAll(t, ixw, append(small, huge))
	// The small documents went first, then the large one in at least
	// three runs (the cap grows by half at most per batch).
	if ixw.commits < 4 {
		t.Fatalf("%d commits, want at least 4 (queued documents, then 450 passages from a cap of 100)", ixw.commits)
	}
	if n := indexed(t, w); n != 470 {
		t.Fatalf("%d passages indexed, want 470", n)
	}
	agree(t, w)
	if err := w.Store.MarkIndexed(ctx, []string{huge.ID}, false); err != nil {
		t.Fatal(err)
	}
	if err := ixw.Add(ctx, huge); err != nil {
		t.Fatal(err)
	}
	if n := indexed(t, w); n != 470 {
		t.Fatalf("after indexing the large document again: %d passages, want 470", n)
	}
	agree(t, w)
}

// A heal interrupted between two batches of one large document leaves it
// partly indexed and unindexed in the store; the next writer indexes it
// whole, without duplicates.
func TestPartlyIndexedLargeDocumentIsHealed(t *testing.T) {
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("seed", 1, 10))
	storeOnly(t, w, makeDocs("huge", 1, 3*maxFlushPassages))
	r := openReader(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	healed := make(chan error, 1)
	go func() { healed <- w.Heal(ctx) }()
	for {
		if n := indexed(t, r); n > 10 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-healed; !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted heal: %v, want context.Canceled", err)
	}
	if n := indexed(t, r); n >= 10+3*maxFlushPassages {
		t.Fatal("the heal finished before it was interrupted; nothing was tested")
	}
	if left, err := w.Store.Unindexed(context.Background()); err != nil || len(left) != 1 {
		t.Fatalf("unindexed after the interruption: %v %v, want the large document", left, err)
	}
	w.Close()
	w = openWriter(t, dir)
	if n := indexed(t, w); n != 10+3*maxFlushPassages {
		t.Fatalf("after the next writer healed: %d passages, want %d", n, 10+3*maxFlushPassages)
	}
	agree(t, w)
}

// A last batch (Finish) large enough to go in two halves built at once,
// and not waiting for the merge it sets off, leaves every
// document in the index with all its passages and marked indexed; sent
// again, the halves replace what the index holds rather than add to it.
// A batch holding a document twice goes whole.
func TestIndexWriterSendsALargeBatchInHalves(t *testing.T) {
	ctx := context.Background()
	w := openWriter(t, t.TempDir())
	docs := append(makeDocs("long", 2, 150), makeDocs("short", 9, 10)...)
	storeOnly(t, w, docs)
	ixw := newIndexWriter(t, w)
	ixw.lastFlush = time.Now() // the first batch would otherwise go at once
	addAll(t, ixw, docs)
	if ixw.commits != 0 {
		t.Fatalf("%d commits before Finish, want none (390 passages are under the cap)", ixw.commits)
	}
	if err := ixw.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if ixw.commits != 1 {
		t.Fatalf("%d commits, want 1", ixw.commits)
	}
	if n := indexed(t, w); n != 390 {
		t.Fatalf("%d passages indexed, want 390", n)
	}
	if left, _ := w.Store.Unindexed(ctx); len(left) != 0 {
		t.Fatalf("%d documents left unindexed after Finish", len(left))
	}
	agree(t, w)

	for _, twice := range []bool{false, true} {
		batch := docs
		if twice {
			batch = append(batch[:len(batch):len(batch)], docs[0])
		}
		addAll(t, ixw, batch)
		if err := ixw.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		if n := indexed(t, w); n != 390 {
			t.Fatalf("after sending the documents again (one twice: %v): %d passages, want 390", twice, n)
		}
		agree(t, w)
	}
}

// The halves of a batch hold passages as near equal as the documents
// allow, each with one document at least.
func TestHalfway(t *testing.T) {
	docs := func(sizes ...int) []*corpus.Document {
		var out []*corpus.Document
		for _, n := range sizes {
			out = append(out, &corpus.Document{Passages: make([]corpus.Passage, n)})
		}
		return out
	}
	for _, c := range []struct {
		sizes []int
		want  int
	}{
		{[]int{100, 100}, 1},
		{[]int{300, 10, 10, 10}, 1},
		{[]int{10, 10, 10, 300}, 3},
		{[]int{50, 50, 50, 50}, 2},
		{[]int{50, 60, 50, 50}, 2},
		{[]int{40, 50, 50, 60}, 2},
		{[]int{40, 50, 70, 40}, 2},
		{[]int{40, 40, 70, 50}, 2},
		{[]int{40, 40, 30, 90}, 3},
	} {
		d := docs(c.sizes...)
		total := 0
		for _, n := range c.sizes {
			total += n
		}
		if got := halfway(d, total); got != c.want {
			t.Errorf("halfway(%v) = %d, want %d", c.sizes, got, c.want)
		}
	}
}

// A writer told that more documents wait keeps the index open from one
// batch to the next, and marks each batch's documents indexed as it
// commits; a reader announcing itself gets the index before the next
// batch, and once nothing waits the writer closes the index.
func TestIndexWriterKeepsTheIndexOpenWhileDocumentsWait(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("seed", 1, 5))
	docs := makeDocs("queued", 8, 60)
	storeOnly(t, w, docs)
	ixw := newIndexWriter(t, w)
	ixw.passageCap = minFlushPassages
	waiting := true
	ixw.KeepOpenWhile(func() bool { return waiting })
	addAll(t, ixw, docs[:4])
	if ixw.commits < 2 || ixw.opens != 1 || ixw.held == nil {
		t.Fatalf("%d commits, %d opens, held %v: want batches through one open index, still open", ixw.commits, ixw.opens, ixw.held != nil)
	}
	// The first document went at once, the next two together (120
	// passages reach the cap); the fourth is queued.
	if left, _ := w.Store.Unindexed(ctx); len(left) != 5 {
		t.Fatalf("%d documents unindexed in the store, want 5 (the fourth and the four not yet added)", len(left))
	}

	// A reader in another process waits for the index: the writer's
	// next batch lets it in first.
	r := openReader(t, dir)
	opened := make(chan error, 1)
	readerDone := make(chan struct{})
	go func() {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		ix, err := r.OpenIndex(rctx)
		opened <- err
		if err == nil {
			<-readerDone
			ix.Close()
		}
	}()
	for !w.readersWaiting() {
		time.Sleep(time.Millisecond)
	}
	flushed := make(chan error, 1)
	go func() {
		for _, doc := range docs[4:] {
			if err := ixw.Add(ctx, doc); err != nil {
				flushed <- err
				return
			}
		}
		flushed <- nil
	}()
	if err := <-opened; err != nil {
		t.Fatalf("a reader waiting while the writer kept the index open: %v", err)
	}
	close(readerDone)
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if ixw.opens < 2 {
		t.Fatalf("%d opens: the writer did not close the index for the reader", ixw.opens)
	}

	// Nothing waits any more: the next Flush sends the rest and closes
	// the index, which a reader then opens at once.
	waiting = false
	if err := ixw.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if ixw.held != nil {
		t.Fatal("the index is still open with nothing waiting")
	}
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	ix, err := r.OpenIndex(rctx)
	if err != nil {
		t.Fatal(err)
	}
	n, err := ix.DocCount()
	ix.Close()
	if err != nil || n != 5+8*60 {
		t.Fatalf("%d passages indexed (%v), want %d", n, err, 5+8*60)
	}
	if left, _ := w.Store.Unindexed(ctx); len(left) != 0 {
		t.Fatalf("%d documents left unindexed", len(left))
	}
	agree(t, w)
}

// Documents queued for Finish go in batches of at most twice the
// passage cap, each in two halves built at once, and all are marked
// indexed; the index is closed afterwards.
func TestFinishSendsWhatIsQueuedInRounds(t *testing.T) {
	ctx := context.Background()
	w := openWriter(t, t.TempDir())
	docs := makeDocs("queued", 7, 50)
	storeOnly(t, w, docs)
	ixw := newIndexWriter(t, w)
	ixw.passageCap = minFlushPassages
	ixw.KeepOpenWhile(func() bool { return true })
	for _, doc := range docs {
		if err := ixw.Queue(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	if ixw.commits != 0 {
		t.Fatalf("%d commits while queueing, want none", ixw.commits)
	}
	if err := ixw.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	// 350 passages, rounds of at most 200: 4 documents, then 3.
	if ixw.commits != 2 {
		t.Fatalf("%d commits, want 2", ixw.commits)
	}
	if ixw.held != nil {
		t.Fatal("the index is still open after Finish")
	}
	if n := indexed(t, w); n != 350 {
		t.Fatalf("%d passages indexed, want 350", n)
	}
	if left, _ := w.Store.Unindexed(ctx); len(left) != 0 {
		t.Fatalf("%d documents left unindexed after Finish", len(left))
	}
	agree(t, w)
}

// A goroutine of the writer's own process that opens the index (a saved
// search's check during ingest) is not kept waiting by an index the
// writer keeps open between batches: the writer closes it at its next
// batch.
func TestIndexWriterLetsItsOwnProcessRead(t *testing.T) {
	ctx := context.Background()
	w := healedWriter(t, t.TempDir(), makeDocs("seed", 1, 5))
	docs := makeDocs("queued", 4, 60)
	storeOnly(t, w, docs)
	ixw := newIndexWriter(t, w)
	ixw.passageCap = minFlushPassages
	ixw.KeepOpenWhile(func() bool { return true })
	addAll(t, ixw, docs[:2])
	if ixw.held == nil {
		t.Fatal("the index is not kept open")
	}
	read := make(chan error, 1)
	go func() {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		ix, err := w.OpenIndex(rctx)
		if err == nil {
			ix.Close()
		}
		read <- err
	}()
	for w.ownReaders.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	addAll(t, ixw, docs[2:])
	if err := <-read; err != nil {
		t.Fatalf("the writer's own read of the index: %v", err)
	}
	if err := ixw.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if n := indexed(t, w); n != 5+4*60 {
		t.Fatalf("%d passages indexed, want %d", n, 5+4*60)
	}
}

// A reader that comes while documents gather for the writer's next batch
// (the index kept open from the last) gets in at the next document, not
// only at the next batch.
func TestIndexWriterLetsAReaderInWhileDocumentsGather(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("seed", 1, 5))
	docs := makeDocs("queued", 2, 10)
	storeOnly(t, w, docs)
	ixw := newIndexWriter(t, w)
	ixw.KeepOpenWhile(func() bool { return true })
	if err := ixw.Add(ctx, docs[0]); err != nil { // the first goes at once
		t.Fatal(err)
	}
	if ixw.held == nil {
		t.Fatal("the index is not kept open")
	}
	r := openReader(t, dir)
	opened := make(chan error, 1)
	go func() {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		ix, err := r.OpenIndex(rctx)
		if err == nil {
			ix.Close()
		}
		opened <- err
	}()
	for !w.readersWaiting() {
		time.Sleep(time.Millisecond)
	}
	// Within the flush interval and under the cap: no batch is sent.
	if err := ixw.Add(ctx, docs[1]); err != nil {
		t.Fatal(err)
	}
	if err := <-opened; err != nil {
		t.Fatalf("a reader while documents gathered: %v", err)
	}
	if ixw.held != nil || ixw.commits != 1 {
		t.Fatalf("held %v, %d commits: want the index closed for the reader and no batch sent", ixw.held != nil, ixw.commits)
	}
	if err := ixw.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if n := indexed(t, w); n != 25 {
		t.Fatalf("%d passages indexed, want 25", n)
	}
}
