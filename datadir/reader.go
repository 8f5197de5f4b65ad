package datadir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
)

// OpenIndex opens the live index for searching. While a writer commits a
// batch it waits, until ctx ends or IndexWait has passed; the error then
// wraps index.ErrBusy. With no index yet it returns index.ErrMissing.
// The caller closes the index soon: an open handle keeps writers out.
// Callers that search again and again share one through an IndexReader.
func (d *Dir) OpenIndex(ctx context.Context) (*index.Index, error) {
	ix, err := d.openIndex(ctx)
	if errors.Is(err, index.ErrMissing) {
		return nil, d.missingIndex(ctx, err)
	}
	if err != nil {
		return nil, err
	}
	if err := d.checkIndexOwner(ctx, ix.Dir()); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// ErrIndexMissing is returned when the store has documents but the index
// named by the data directory is gone and no writer is building it.
var ErrIndexMissing = errors.New("the search index is missing (was its index.N folder deleted?): run `normtag reindex` to rebuild it from the corpus (any ingest, retag or check --repair also does)")

// missingIndex tells an index not built yet (nothing stored, or a writer
// building it: an empty result is right) from one lost (an error).
func (d *Dir) missingIndex(ctx context.Context, missing error) error {
	if d.writing() {
		return missing
	}
	b, err := d.Store.IndexBacklog(ctx)
	if err != nil {
		return err
	}
	if b.Documents > b.Unindexed {
		return fmt.Errorf("%s: %w", d.Path, ErrIndexMissing)
	}
	return missing
}

// Backlog says how far the index is behind the store, and whether a
// writer is running (which then is catching up). Readers warn when the
// index is behind with no writer running: an interrupted run left it so
// until the next writer heals it.
func (d *Dir) Backlog(ctx context.Context) (sqlite.Backlog, bool, error) {
	b, err := d.Store.IndexBacklog(ctx)
	return b, d.writing(), err
}

// openIndex opens the live index read-only, whatever store built it.
func (d *Dir) openIndex(ctx context.Context) (*index.Index, error) {
	ctx, cancel := context.WithTimeout(ctx, IndexWait)
	defer cancel()
	for retried := false; ; retried = true {
		name, err := d.liveIndexName()
		if errors.Is(err, fs.ErrNotExist) {
			return nil, index.ErrMissing
		}
		if err != nil {
			return nil, err
		}
		withdraw := d.announceWait()
		ix, err := index.Open(ctx, filepath.Join(d.Path, name), index.OpenOptions{ReadOnly: true})
		withdraw()
		if err != nil && !retried {
			// A rebuild may have swapped the link and removed the old
			// index between our reading the link and opening the index.
			if again, lerr := d.liveIndexName(); lerr == nil && again != name {
				continue
			}
		}
		return ix, err
	}
}

// IndexReader shares one read-only handle on the live index between the
// concurrent searches of a process (the web server's requests).
//
// A handle held open keeps writers out of the index, and a writer that
// commits keeps new handles out. So while no writer runs the handle is
// kept as long as it is used; while one runs, it is closed as soon as no
// search uses it, and one that overlapping searches keep busy for longer
// than maxAge is drained: new searches wait until the last one finishes
// and the handle closes. After a close the next open waits pause, which
// gives a waiting writer (it retries every 20 ms) its turn. A writer
// never commits while a handle is open, so a handle never misses
// committed documents.
//
// Nothing waits while holding the mutex: searches that must wait (for
// the handle to open or to drain) wait on channels, with their context.
type IndexReader struct {
	d      *Dir
	maxAge time.Duration
	pause  time.Duration

	mu       sync.Mutex
	ix       *index.Index
	users    int
	openedAt time.Time
	closedAt time.Time
	opening  chan struct{} // non-nil while one search opens the handle; closed when it is done
	drained  chan struct{} // non-nil while draining; closed when the handle has closed
	closed   bool
	sweeping bool // a sweepLoop runs; it ends when the handle closes
}

// sweepEvery is how often an IndexReader looks whether a writer started
// while its handle is idle or in long use.
const sweepEvery = 250 * time.Millisecond

// NewIndexReader returns a shared reader of d's live index. Close it
// when done.
func (d *Dir) NewIndexReader() *IndexReader {
	return &IndexReader{d: d, maxAge: 2 * time.Second, pause: 60 * time.Millisecond}
}

// errReaderClosed is returned by Acquire after Close.
var errReaderClosed = errors.New("index reader closed")

// Acquire returns the shared index and a function that releases it; the
// caller must call it once done. It waits for the index while a writer
// commits a batch, until ctx ends.
func (r *IndexReader) Acquire(ctx context.Context) (*index.Index, func(), error) {
	for {
		writing := r.d.writing() // a file probe: done before taking the mutex
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return nil, nil, errReaderClosed
		}
		if wait := r.waitChan(); wait != nil {
			r.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, nil, fmt.Errorf("open index: %w: %w", index.ErrBusy, context.Cause(ctx))
			}
		}
		if r.ix != nil && writing && time.Since(r.openedAt) > r.maxAge {
			stale := r.drainLocked()
			r.mu.Unlock()
			closeIndex(stale)
			continue
		}
		if r.ix != nil {
			r.users++
			ix := r.ix
			r.mu.Unlock()
			return ix, r.releaser(), nil
		}
		done := make(chan struct{})
		r.opening = done
		pause := r.pause - time.Since(r.closedAt)
		r.mu.Unlock()

		ix, err := r.open(ctx, pause)
		r.mu.Lock()
		r.opening = nil
		close(done)
		if err == nil {
			if r.closed {
				r.mu.Unlock()
				ix.Close()
				return nil, nil, errReaderClosed
			}
			r.ix, r.openedAt = ix, time.Now()
			if !r.sweeping {
				r.sweeping = true
				go r.sweepLoop()
			}
		}
		r.mu.Unlock()
		if err != nil {
			return nil, nil, err
		}
	}
}

func (r *IndexReader) open(ctx context.Context, pause time.Duration) (*index.Index, error) {
	if err := sleep(ctx, pause); err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	return r.d.OpenIndex(ctx)
}

// waitChan is what a search must wait for before it may use or open the
// handle, or nil.
func (r *IndexReader) waitChan() chan struct{} {
	if r.drained != nil {
		return r.drained
	}
	return r.opening
}

// drainLocked starts draining the handle: new searches wait until the
// searches using it finish. It returns the handle to close when none uses
// it now.
func (r *IndexReader) drainLocked() *index.Index {
	if r.users == 0 {
		return r.takeLocked()
	}
	if r.drained == nil {
		r.drained = make(chan struct{})
	}
	return nil
}

// takeLocked detaches the handle for closing (outside the mutex) and ends
// any draining.
func (r *IndexReader) takeLocked() *index.Index {
	ix := r.ix
	r.ix = nil
	if ix != nil {
		r.closedAt = time.Now()
	}
	if r.drained != nil {
		close(r.drained)
		r.drained = nil
	}
	return ix
}

func closeIndex(ix *index.Index) {
	if ix != nil {
		ix.Close()
	}
}

func (r *IndexReader) releaser() func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			writing := r.d.writing()
			r.mu.Lock()
			r.users--
			var stale *index.Index
			if r.users == 0 && (writing || r.drained != nil || r.closed) {
				stale = r.takeLocked()
			}
			r.mu.Unlock()
			closeIndex(stale)
		})
	}
}

// sweepLoop closes an idle handle, or drains a busy old one, once a
// writer has started: without it a handle opened before the writer
// started would keep it out until the next search. It runs while a
// handle is open.
func (r *IndexReader) sweepLoop() {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for range t.C {
		r.mu.Lock()
		if r.ix == nil {
			r.sweeping = false
			r.mu.Unlock()
			return
		}
		idle := r.users == 0
		old := r.users > 0 && time.Since(r.openedAt) > r.maxAge
		r.mu.Unlock()
		if !(idle || old) || !r.d.writing() {
			continue
		}
		r.mu.Lock()
		var stale *index.Index
		if r.ix != nil && r.users == 0 {
			stale = r.takeLocked()
		} else if r.ix != nil && time.Since(r.openedAt) > r.maxAge {
			stale = r.drainLocked()
		}
		r.mu.Unlock()
		closeIndex(stale)
	}
}

// Close stops the reader: the handle closes once the searches using it
// have released it, and Acquire fails from now on.
func (r *IndexReader) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	var stale *index.Index
	if r.users == 0 {
		stale = r.takeLocked()
	}
	r.mu.Unlock()
	if stale != nil {
		return stale.Close()
	}
	return nil
}

// Stats is the store's statistics and how far the index is behind it.
type Stats struct {
	corpus.Stats
	// IndexBehind counts documents whose indexing or removal from the
	// index is still to be done: an interrupted run leaves them until
	// the next writer (or check --repair) catches up.
	IndexBehind int `json:"index_behind"`
	// Unindexable counts stored documents the index could not take
	// (check lists them and why).
	Unindexable int `json:"unindexable"`
}

// Stats counts what the store holds and how far the index is behind it;
// norms are counted in passages of the given kinds (body text and
// headings when none are given).
func (d *Dir) Stats(ctx context.Context, kinds ...corpus.Kind) (Stats, error) {
	st, err := d.Store.Stats(ctx, kinds...)
	if err != nil {
		return Stats{}, err
	}
	b, err := d.Store.IndexBacklog(ctx)
	if err != nil {
		return Stats{}, err
	}
	return Stats{Stats: st, IndexBehind: b.Unindexed + b.Deletes, Unindexable: b.Unindexable}, nil
}

// StaleIndex returns how many documents the index is behind the store
// when no writer is catching up, 0 otherwise: the number readers warn
// about.
func (d *Dir) StaleIndex(ctx context.Context) (int, error) {
	b, writing, err := d.Backlog(ctx)
	if err != nil || writing || !b.Behind() {
		return 0, err
	}
	return b.Unindexed + b.Deletes, nil
}
