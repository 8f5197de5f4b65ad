package pipeline

import (
	"context"
	"sync"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
)

// feedPassages bounds the passages of the documents queued for the index
// goroutine and not yet handed to its writer: two full batches
// (datadir's passage cap is at most 2,000), so that the store goes on
// while the index commits, a merge finishes or readers get in, without
// holding an unbounded share of the corpus in memory.
const feedPassages = 4000

// indexFeed runs an ingest's index writer in a goroutine of its own. The
// writer of the store hands it each committed document and each deletion
// in the order it made them; the index writer sees the same calls in the
// same order as when the store's writer called it directly. Only the
// waiting moves: while a batch commits, the index waits for the merge
// the batch set off and pauses for readers, the store goes on storing
// and the workers go on extracting, where before all of them waited.
// Documents that pile up meanwhile go to the index in the next batch,
// through the index the writer keeps open for them (see more), and
// those left when the run closes the feed in Finish's last batches.
//
// The store is still the system of record: a document is queued only
// once stored, and marked indexed by the index writer once committed, so
// an interruption leaves nothing that Heal does not finish.
type indexFeed struct {
	ixw *datadir.IndexWriter

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []feedItem
	queued int // passages of the documents in queue
	closed bool
	// left counts the items run took from queue and has not yet given
	// the index writer; only run uses it.
	left int

	done chan struct{}
	err  error // the index writer's first error; read after done
}

// feedItem is one call to make on the index writer: a document to add
// or documents to delete.
type feedItem struct {
	doc     *corpus.Document
	deletes []string
}

// startIndexFeed starts the goroutine that gives ixw what the feed gets.
// Writes must not be torn by cancellation: pass a context that is not
// cancelled with the run.
func startIndexFeed(ctx context.Context, ixw *datadir.IndexWriter) *indexFeed {
	f := &indexFeed{ixw: ixw, done: make(chan struct{})}
	f.cond = sync.NewCond(&f.mu)
	ixw.KeepOpenWhile(f.more)
	go f.run(ctx)
	return f
}

// more reports whether the index writer has more to do at once: items
// run has not given it yet, or the feed closed, so that its last batch
// comes next. It is called from run's goroutine (by the index writer).
func (f *indexFeed) more() bool {
	if f.left > 0 {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue) > 0 || f.closed
}

// Add queues a stored document for the index. It waits while the queue
// holds feedPassages passages or more, unless the queue is empty.
func (f *indexFeed) Add(doc *corpus.Document) {
	n := len(doc.Passages)
	f.mu.Lock()
	for f.queued > 0 && f.queued+n > feedPassages {
		f.cond.Wait()
	}
	f.queue = append(f.queue, feedItem{doc: doc})
	f.queued += n
	f.mu.Unlock()
	f.cond.Broadcast()
}

// Delete queues documents the store has deleted for removal from the
// index.
func (f *indexFeed) Delete(ids ...string) {
	if len(ids) == 0 {
		return
	}
	f.mu.Lock()
	f.queue = append(f.queue, feedItem{deletes: ids})
	f.mu.Unlock()
	f.cond.Broadcast()
}

// Close gives the index writer what is queued, without sending batches
// of it (see IndexWriter.Queue), sends its last batches and returns the
// first error the index writer returned.
func (f *indexFeed) Close(ctx context.Context) error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.cond.Broadcast()
	<-f.done
	if err := f.ixw.Finish(ctx); err != nil && f.err == nil {
		f.err = err
	}
	return f.err
}

func (f *indexFeed) run(ctx context.Context) {
	defer close(f.done)
	for {
		f.mu.Lock()
		for len(f.queue) == 0 && !f.closed {
			f.cond.Wait()
		}
		items := f.queue
		f.queue = nil
		f.mu.Unlock()
		if len(items) == 0 {
			return // closed, and nothing left
		}
		for i, it := range items {
			f.left = len(items) - i - 1
			var err error
			if it.doc != nil {
				f.mu.Lock()
				closed := f.closed
				f.mu.Unlock()
				if closed {
					// Close's Finish sends it, with the rest, in
					// batches built two at once.
					err = f.ixw.Queue(ctx, it.doc)
				} else {
					err = f.ixw.Add(ctx, it.doc)
				}
				f.mu.Lock()
				f.queued -= len(it.doc.Passages)
				f.mu.Unlock()
				f.cond.Broadcast()
			} else {
				f.ixw.Delete(it.deletes...)
			}
			if err != nil && f.err == nil {
				f.err = err
			}
		}
		f.mu.Lock()
		idle := len(f.queue) == 0 && !f.closed
		f.mu.Unlock()
		if idle {
			// Nothing more has come meanwhile: send what the writer holds
			// now instead of waiting for its cap or interval. The index
			// is the slowest stage of an ingest; waiting idle for a
			// batch to fill only left a larger one for the end of the run,
			// when the rest of the work is done and the run waits for
			// it. While a batch commits, documents pile up for the next
			// one, so batches grow to the pace of the index by
			// themselves.
			if err := f.ixw.Flush(ctx); err != nil && f.err == nil {
				f.err = err
			}
		}
	}
}
