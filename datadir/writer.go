package datadir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
)

// The flush policy, shared by every writer of the index (ingest, retag,
// heal). A batch goes to the index once flushInterval has passed since
// the last one, or sooner when it reaches maxFlushDocs documents or the
// writer's passage cap. The interval makes new documents searchable
// within about a second however slowly they arrive. The passage cap keeps
// memory small and, above all, keeps each commit short: readers cannot
// open the index while a batch commits, so a batch must commit in well
// under the time a search may take. The cap starts at maxFlushPassages
// (about half a second of work on a small idle machine) and follows the
// measured cost of the last commits, so that one takes about
// commitBudget however busy the machine is, never below minFlushPassages. Opening
// and closing the index for a batch costs milliseconds, so small batches
// cost little throughput.
const (
	flushInterval    = time.Second
	maxFlushDocs     = 1024
	maxFlushPassages = 2000
	minFlushPassages = 100
	commitBudget     = 300 * time.Millisecond
	// readerCommitBudget replaces commitBudget while readers have been
	// waiting for the index within readersRecent.
	readerCommitBudget = 150 * time.Millisecond
	readersRecent      = 5 * time.Second
)

// writerPause is how long a writer leaves the index free between two
// batches, so that readers waiting for it get in (they retry every 20 ms)
// before the next batch takes it again. It is kept only while readers
// have been seen within readersRecent: a reader announces itself before
// it tries to open the index (see WaitFile), and the writer lets every
// announced reader in before its next batch anyway, so with none around
// the pause only held up the writer, about a tenth of a short ingest.
const writerPause = 50 * time.Millisecond

// IndexWriter sends documents to the live index in batches, by the one
// flush policy above. The store is the system of record: a document is
// stored (unindexed) before it is added here, and marked indexed once
// the index has committed its batch; a delete is queued in the store
// before it is given here, and forgotten once committed. So an
// interruption anywhere leaves work that Heal finishes.
//
// An IndexWriter belongs to one goroutine of a Dir opened for writing.
type IndexWriter struct {
	d       *Dir
	pending []*corpus.Document
	deletes []string
	// parts, when set, is the queued batch instead of pending: a run of
	// the passages of one document too large for a batch (see Add).
	parts     *part
	passages  int
	lastFlush time.Time
	// passageCap is the passage count that sends a batch (see above).
	passageCap int
	// commits counts the batches committed, and opens the times the
	// writer opened the index, for tests.
	commits, opens int
	// last says the batch being sent is the writer's last (see Finish).
	last bool
	// more, when set, reports whether more documents wait to be added
	// at once (see KeepOpenWhile).
	more func() bool
	// held is the live index kept open from the last batch for the next
	// one (see KeepOpenWhile); nil while the index is closed.
	held *index.Index
	// queueOnly makes Add queue without sending a batch (see Queue).
	queueOnly bool
}

// NewIndexWriter returns a writer of the live index. Only a Dir opened
// with Write may write the index.
func (d *Dir) NewIndexWriter() (*IndexWriter, error) {
	if d.lock == nil {
		return nil, fmt.Errorf("write index: %w", errNotWriter)
	}
	return &IndexWriter{d: d, passageCap: maxFlushPassages}, nil
}

// KeepOpenWhile makes the writer keep the index open from one batch to
// the next while more reports documents waiting to be added at once and
// no reader waits for the index (see withIndex). Closing the index
// between two batches that follow each other only let a reader in that
// the writer would have seen announced (see WaitFile), and it aborted
// the merge the first batch set off, which the next open started over;
// waiting for that merge instead left the documents waiting. The writer
// closes the index once nothing waits for it (after letting the merge
// finish, as before), when a reader announces itself, and with Finish.
func (w *IndexWriter) KeepOpenWhile(more func() bool) { w.more = more }

// Add queues a stored document, with its passages, for the index and
// sends the batch when the flush policy says so. Its pages are not
// needed.
//
// A document with more passages than the cap goes to the index over
// several batches, the cap's worth at a time, so that memory and each
// commit stay bounded whatever one document's size. The first batch
// removes what the index held for it; the document is marked indexed
// only once its last batch has committed. An interruption in between
// leaves it unindexed in the store, and Heal indexes it whole again.
func (w *IndexWriter) Add(ctx context.Context, doc *corpus.Document) error {
	if len(doc.Passages) > w.passageCap {
		return w.addInParts(ctx, doc)
	}
	w.pending = append(w.pending, doc)
	w.passages += len(doc.Passages)
	if !w.queueOnly && w.due() {
		return w.Flush(ctx)
	}
	if w.held != nil && (w.d.ownReaders.Load() > 0 || w.d.readersWaiting()) {
		// A reader came while documents gather for the next batch: it
		// need not wait for that batch to get in.
		return w.release()
	}
	return nil
}

// Queue queues a stored document for Finish, which comes next: no batch
// is sent now, whatever the flush policy says, so that Finish can send
// every document left in batches built two at once (a document larger
// than the passage cap still goes at once, in batches of its own; see
// Add).
func (w *IndexWriter) Queue(ctx context.Context, doc *corpus.Document) error {
	w.queueOnly = true
	defer func() { w.queueOnly = false }()
	return w.Add(ctx, doc)
}

// Delete queues documents the store has deleted (and recorded as pending
// index deletes) for removal from the index with the next batch.
func (w *IndexWriter) Delete(ids ...string) {
	w.deletes = append(w.deletes, ids...)
}

// due reports whether the queued batch should go to the index now.
func (w *IndexWriter) due() bool {
	docs := len(w.pending)
	return docs >= maxFlushDocs || w.passages >= w.passageCap ||
		docs > 0 && time.Since(w.lastFlush) >= flushInterval
}

// Flush sends what is queued to the index in one batch: deletes first,
// then documents. Once the index has committed the batch (written and
// synced its files: a batch returns only then), the store records the
// deletes as done and the documents as indexed; a crash in between only
// makes Heal index them again. The queue is emptied even when the batch
// fails: its documents stay unindexed in the store, and Heal indexes
// them.
func (w *IndexWriter) Flush(ctx context.Context) error {
	if w.parts != nil {
		return w.flushPart(ctx)
	}
	if len(w.pending) == 0 && len(w.deletes) == 0 {
		return w.settle(ctx)
	}
	docs, dels, passages := w.pending, w.deletes, w.passages
	w.pending, w.deletes, w.passages = nil, nil, 0
	return w.send(ctx, docs, dels, passages)
}

// send sends docs, with passages passages in all, and the deletes dels
// to the index in one batch (see Flush).
func (w *IndexWriter) send(ctx context.Context, docs []*corpus.Document, dels []string, passages int) error {
	// The interval runs from the end of this batch, not its start: a
	// batch that took long (a loaded machine, a merge waited for) would
	// otherwise leave the interval already past, and every document
	// stored meanwhile would go to the index in a batch of its own.
	defer func() { w.lastFlush = time.Now() }()
	var took time.Duration
	var bad map[string]error // documents the index cannot take
	err := w.withIndex(ctx, !w.last, func(ix *index.Index) error {
		start := time.Now()
		if err := ix.DeleteDocuments(ctx, dels); err != nil {
			return err
		}
		if err := indexDocuments(ctx, ix, docs, passages, w.last); err != nil {
			// One bad document must not fail the others, nor every
			// later writer: find it and leave it out.
			if bad, err = indexEach(ctx, ix, docs, err); err != nil {
				return err
			}
		}
		took = time.Since(start)
		return nil
	})
	if err != nil {
		return fmt.Errorf("index %d documents: %w", len(docs), err)
	}
	w.commits++
	w.adaptCap(passages, took)
	st := w.d.Store
	if err := st.ClearIndexDeletes(ctx, dels); err != nil {
		return err
	}
	ids := make([]string, 0, len(docs))
	for _, doc := range docs {
		if err, ok := bad[doc.ID]; ok {
			if err := w.d.skipDocument(ctx, doc.ID, "indexing failed: "+err.Error()); err != nil {
				return err
			}
			continue
		}
		ids = append(ids, doc.ID)
	}
	if err := st.MarkIndexed(ctx, ids, true); err != nil {
		return fmt.Errorf("mark indexed: %w", err)
	}
	return nil
}

// Finish sends what is queued as the writer's last batches and closes
// the index. Unlike Flush, it sends each batch in two halves built at
// once (see indexDocuments), each half up to the passage cap, so that a
// batch commits in about the time of one Flush batch while using both
// cores; and it does not keep the index open for the merge the batches
// set off: no batch of this writer follows, so waiting would only delay
// the end of its run. The merge is left for the next writer to open the
// index; readers meanwhile search a segment or two more, which they read
// as well.
func (w *IndexWriter) Finish(ctx context.Context) error {
	w.last = true
	defer func() { w.last = false }()
	// An index kept open for this batch is closed first: its merge would
	// take a core from the halves, only to be aborted when the index
	// closes after them.
	if err := w.release(); err != nil {
		return err
	}
	if w.parts != nil {
		if err := w.flushPart(ctx); err != nil {
			return err
		}
	}
	for len(w.pending) > 0 || len(w.deletes) > 0 {
		n, passages := lastRound(w.pending, 2*w.passageCap)
		docs, dels := w.pending[:n], w.deletes
		w.pending, w.deletes, w.passages = w.pending[n:], nil, w.passages-passages
		if err := w.send(ctx, docs, dels, passages); err != nil {
			w.pending, w.passages = nil, 0
			return err
		}
	}
	return nil
}

// lastRound returns how many of the documents docs starts with, and
// their passages, Finish sends in one batch: up to limit passages, and
// one document at least.
func lastRound(docs []*corpus.Document, limit int) (n, passages int) {
	for n < len(docs) && (n == 0 || passages+len(docs[n].Passages) <= limit) {
		passages += len(docs[n].Passages)
		n++
	}
	return n, passages
}

// splitPassages is the fewest passages a last batch needs to be sent in
// two halves built at once (see indexDocuments).
const splitPassages = 2 * minFlushPassages

// indexDocuments adds docs, with passages passages in all, to ix; with
// halves, those of a large batch in two halves built at once. scorch
// builds a batch's segment in the goroutine that sends it, on one core,
// and then waits for the segment to be written to disk; the last batch
// of an ingest is sent when extraction is done, and it had the machine
// to itself and used half of it. Earlier batches go whole: while files
// are extracted both cores are busy anyway, and splitting every batch
// cost some 4% more CPU (twice the segments to merge; 30 real documents,
// 16 runs each). Both halves are committed
// when this returns, and the writer holds the index meanwhile, so
// readers and the store see them together as before; a crash between
// the two leaves both unmarked in the store, and Heal indexes them again
// (IndexDocuments replaces what the index holds for a document). Each
// document's passages go in one half, so the halves never touch the
// same passages.
func indexDocuments(ctx context.Context, ix *index.Index, docs []*corpus.Document, passages int, halves bool) error {
	if !halves || passages < splitPassages || len(docs) < 2 || !distinctIDs(docs) {
		return ix.IndexDocuments(ctx, docs)
	}
	half := halfway(docs, passages)
	var wg sync.WaitGroup
	var first error
	wg.Go(func() { first = ix.IndexDocuments(ctx, docs[:half]) })
	second := ix.IndexDocuments(ctx, docs[half:])
	wg.Wait()
	return errors.Join(first, second)
}

// halfway returns where to split docs, with passages passages in all, in
// two halves of passages as near equal as the documents allow, each with
// one document at least: the batch takes as long as its larger half.
func halfway(docs []*corpus.Document, passages int) int {
	best, bestGap := 1, passages
	n := 0
	for i, doc := range docs[:len(docs)-1] {
		n += len(doc.Passages)
		if gap := abs(2*n - passages); gap < bestGap {
			best, bestGap = i+1, gap
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distinctIDs reports whether no document comes twice in docs.
func distinctIDs(docs []*corpus.Document) bool {
	seen := make(map[string]bool, len(docs))
	for _, doc := range docs {
		if seen[doc.ID] {
			return false
		}
		seen[doc.ID] = true
	}
	return true
}

// part is one batch of a document split over several.
type part struct {
	// doc is a shallow copy of the document carrying one run of its
	// passages.
	doc *corpus.Document
	// first says the run starts the document: the batch removes what
	// the index held for it before adding the run.
	first bool
	// last says the run ends the document: once committed, the
	// document is marked indexed.
	last bool
}

// addInParts sends what is queued, then doc in batches of at most the
// passage cap (which may change from one batch to the next).
func (w *IndexWriter) addInParts(ctx context.Context, doc *corpus.Document) error {
	if err := w.Flush(ctx); err != nil {
		return err
	}
	for from := 0; from < len(doc.Passages); {
		to := min(from+w.passageCap, len(doc.Passages))
		run := *doc
		run.Passages = doc.Passages[from:to]
		w.parts = &part{doc: &run, first: from == 0, last: to == len(doc.Passages)}
		if err := w.Flush(ctx); errors.Is(err, errSkipped) {
			return nil
		} else if err != nil {
			return fmt.Errorf("index passages %d-%d of %s: %w", from, to-1, doc.ID, err)
		}
		from = to
	}
	return nil
}

// flushPart sends the queued run of a large document's passages in one
// batch, with the queued deletes.
func (w *IndexWriter) flushPart(ctx context.Context) error {
	p, dels := w.parts, w.deletes
	w.parts, w.deletes = nil, nil
	defer func() { w.lastFlush = time.Now() }()
	var took time.Duration
	var bad map[string]error
	err := w.withIndex(ctx, !(w.last && p.last), func(ix *index.Index) error {
		start := time.Now()
		removed := dels
		if p.first {
			removed = append(removed[:len(removed):len(removed)], p.doc.ID)
		}
		if err := ix.DeleteDocuments(ctx, removed); err != nil {
			return err
		}
		if err := ix.AppendPassages(ctx, []*corpus.Document{p.doc}); err != nil {
			// Its earlier runs are in: the whole document is left out.
			bad = map[string]error{p.doc.ID: err}
			if err := blame(ctx, ix, bad, err); err != nil {
				return err
			}
		}
		took = time.Since(start)
		return nil
	})
	if err != nil {
		return err
	}
	w.commits++
	w.adaptCap(len(p.doc.Passages), took)
	st := w.d.Store
	if err := st.ClearIndexDeletes(ctx, dels); err != nil {
		return err
	}
	if err, ok := bad[p.doc.ID]; ok {
		if err := w.d.skipDocument(ctx, p.doc.ID, "indexing failed: "+err.Error()); err != nil {
			return err
		}
		return errSkipped
	}
	if !p.last {
		return nil
	}
	if err := st.MarkIndexed(ctx, []string{p.doc.ID}, true); err != nil {
		return fmt.Errorf("mark indexed: %w", err)
	}
	return nil
}

// errSkipped tells addInParts that its document was left out of the
// index (see indexEach): the rest of its passages are not sent.
var errSkipped = errors.New("document left out of the index")

// adaptCap sets the passage cap so that the next batch commits in about
// commitBudget, judging by the last one.
func (w *IndexWriter) adaptCap(passages int, took time.Duration) {
	if passages < minFlushPassages || took <= 0 {
		return // too small to measure the cost per passage
	}
	fits := maxFlushPassages
	if perPassage := took / time.Duration(passages); perPassage > 0 {
		fits = int(w.budget() / perPassage)
	}
	// Shrink at once, grow by half at most: one fast commit on a busy
	// machine must not make the next one long.
	w.passageCap = min(max(fits, minFlushPassages), w.passageCap*3/2, maxFlushPassages)
}

// budget is how long the next commit should take: shorter while readers
// are waiting for the index, since each may have to wait out a whole
// commit, and a commit on a loaded machine can take a few times longer
// than the last one measured.
func (w *IndexWriter) budget() time.Duration {
	if w.d != nil && w.d.readersRecently() {
		return readerCommitBudget
	}
	return commitBudget
}

// readersRecently reports whether this writer found readers waiting for
// the index within readersRecent.
func (d *Dir) readersRecently() bool {
	return !d.readersWaited.IsZero() && time.Since(d.readersWaited) < readersRecent
}

// updateIndex opens the live index for writing (creating it and its link
// if needed), runs fn and closes it again, so that readers get in between
// two calls. It waits writerPause after the previous call closed the
// index, and up to IndexWait for readers to close theirs.
func (d *Dir) updateIndex(ctx context.Context, fn func(*index.Index) error) error {
	return d.updateIndexMerging(ctx, true, fn)
}

// updateIndexMerging is updateIndex that, unless letMerge, closes the
// index as soon as fn is done, without waiting for the merge fn's
// changes set off (see letMergesFinish).
func (d *Dir) updateIndexMerging(ctx context.Context, letMerge bool, fn func(*index.Index) error) error {
	ix, err := d.acquireIndex(ctx, false)
	if err != nil {
		return err
	}
	ferr := fn(ix)
	if ferr == nil && letMerge {
		d.letMergesFinish(ctx, ix, nil)
	}
	return d.releaseIndex(ix, ferr)
}

// withIndex runs fn on the live index, kept open from the writer's last
// batch or opened for this one (see acquireIndex). Then it keeps the
// index open for the next batch while documents wait for it and no
// reader does (see KeepOpenWhile); otherwise, when letMerge, it waits for
// the merge fn's changes set off (see letMergesFinish), and keeps the
// index open after all if documents came meanwhile, or closes it.
func (w *IndexWriter) withIndex(ctx context.Context, letMerge bool, fn func(*index.Index) error) error {
	ix := w.held
	w.held = nil
	if ix != nil && (w.d.ownReaders.Load() > 0 || w.d.readersRecently() || w.d.readersWaiting()) {
		// A reader came since the last batch: it goes first.
		if err := w.d.releaseIndex(ix, nil); err != nil {
			return err
		}
		ix = nil
	}
	if ix == nil {
		var err error
		// The last batch merges nothing (see index.OpenOptions.NoMerge).
		if ix, err = w.d.acquireIndex(ctx, !letMerge && w.last); err != nil {
			return err
		}
		w.opens++
	}
	ferr := fn(ix)
	if ferr == nil {
		if w.mayKeep() {
			w.held = ix
			return nil
		}
		if letMerge && w.d.letMergesFinish(ctx, ix, w.more) && w.mayKeep() {
			w.held = ix
			return nil
		}
	}
	return w.d.releaseIndex(ix, ferr)
}

// mayKeep reports whether the index may stay open after a batch: more
// documents wait to be added, no batch of this writer is the last, and no
// reader waits for the index or came lately (writerPause then leaves it
// a gap between any two batches, as before).
func (w *IndexWriter) mayKeep() bool {
	return w.more != nil && !w.last && w.d.ownReaders.Load() == 0 && w.more() && !w.d.readersRecently() && !w.d.readersWaiting()
}

// settle closes the index if the writer kept it open and nothing waits
// for it any more, once the merge its last batch set off is done (see
// letMergesFinish).
func (w *IndexWriter) settle(ctx context.Context) error {
	if w.held == nil || w.mayKeep() {
		return nil
	}
	if w.d.letMergesFinish(ctx, w.held, w.more) && w.mayKeep() {
		return nil
	}
	return w.release()
}

// release closes the index if the writer kept it open.
func (w *IndexWriter) release() error {
	ix := w.held
	if ix == nil {
		return nil
	}
	w.held = nil
	return w.d.releaseIndex(ix, nil)
}

// acquireIndex opens the live index for writing (creating it and its
// link if needed), after writerPause since the last batch while readers
// are around and once readers waiting for the index got in (see
// yieldToReaders); with noMerge, for a last batch that merges no
// segments (see index.OpenOptions.NoMerge).
func (d *Dir) acquireIndex(ctx context.Context, noMerge bool) (*index.Index, error) {
	if d.lock == nil {
		return nil, fmt.Errorf("update index: %w", errNotWriter)
	}
	dir, err := d.LiveIndexDir()
	if errors.Is(err, fs.ErrNotExist) {
		if err := d.pointAtNewIndex(); err != nil {
			return nil, err
		}
		dir, err = d.LiveIndexDir()
	}
	if err != nil {
		return nil, err
	}
	if d.readersRecently() {
		if err := sleep(ctx, writerPause-time.Since(d.indexReleased)); err != nil {
			return nil, err
		}
	}
	if err := d.yieldToReaders(ctx); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, IndexWait)
	defer cancel()
	return index.Open(wctx, dir, index.OpenOptions{NoVerify: true, NoMerge: noMerge}) // Heal verified it
}

// releaseIndex closes an index acquireIndex opened, on which a change
// ended with ferr, and returns ferr or the error closing it.
func (d *Dir) releaseIndex(ix *index.Index, ferr error) error {
	dir := ix.Dir()
	cerr := ix.Close()
	d.indexReleased = time.Now()
	if indexStoreID(dir) == "" {
		if err := d.stampIndex(dir); err != nil {
			return err
		}
	}
	d.shareIndex(dir)
	if ferr != nil {
		return ferr
	}
	if cerr != nil {
		return fmt.Errorf("close index: %w", cerr)
	}
	return nil
}

// mergeWait bounds how long a writer keeps the index open after a batch
// for the segment merge the batch set off to finish.
const mergeWait = time.Second

// mergePoll is how often a writer waiting for a merge looks whether it
// is done or a reader waits.
const mergePoll = 5 * time.Millisecond

// letMergesFinish waits, up to mergeWait, while the index merges the
// segments a batch added, unless readers wait for the index. Closing
// the index aborts a merge, and the next batch's open starts it over
// from the beginning: with small batches (a loaded machine, slow files)
// nearly every merge was aborted, and merging that never completed cost
// more CPU than indexing. Readers still go first: the wait ends as soon
// as one announces itself. It ends too when more, if set, reports
// documents waiting for the next batch, and then it returns true: the
// writer keeps the index open for them, and the merge goes on meanwhile.
func (d *Dir) letMergesFinish(ctx context.Context, ix *index.Index, more func() bool) bool {
	deadline := time.Now().Add(mergeWait)
	for ix.Busy() && time.Now().Before(deadline) && d.ownReaders.Load() == 0 && !d.readersWaiting() {
		if more != nil && more() {
			return true
		}
		if sleep(ctx, mergePoll) != nil {
			return false
		}
	}
	return false
}
