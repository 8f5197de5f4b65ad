// Package datadir owns a normtag data directory: the corpus store, the
// writer lock, the live search index and the link naming it, writing the
// index in batches, healing it after an interruption, rebuilding and
// checking it, and sharing a read-only handle on it between searches.
// Every other package asks a Dir; none takes a lock or opens the index
// of a data directory by itself.
//
// Two kinds of lock keep processes apart. The writer lock (file "lock")
// admits one writer at a time — ingest, reindex, retag or check — for its
// whole run. The index's own lock (bbolt's, inside scorch) is taken by
// each handle on the index: shared by readers, exclusive by the writer.
// Writers therefore hold the index only while they commit one bounded
// batch and pause between batches, and readers close their handle while
// a writer runs, so searches keep answering during any write.
package datadir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/internal/filelock"
)

// Layout of a data directory.
const (
	StoreFile = "corpus.db" // SQLite system of record (+ -wal, -shm)
	// IndexLink names the live bleve index, a sibling directory index.N
	// (see Dir.LiveIndexDir for its format).
	IndexLink = "index"
	LockFile  = "lock" // locked (filelock) by the one writer
)

// DefaultDataDir is used when neither --data nor NORMTAG_DATA is given.
const DefaultDataDir = "normtag-data"

// Dir is an open data directory: the corpus store, and access to its
// search index. The index is opened only for the moment it is used, so
// that readers in other processes (search, serve) keep answering while a
// writer works.
type Dir struct {
	Path  string
	Store *sqlite.Store
	log   *slog.Logger
	lock  *os.File
	// indexReleased is when this writer last closed the index, so that
	// the next batch waits writerPause for readers to get in (while
	// readers are around).
	indexReleased time.Time
	// readersWaited is when this writer last found readers waiting for
	// the index (see yieldToReaders): its batches are then kept shorter.
	readersWaited time.Time
	// ownReaders counts the goroutines of the writer's own process
	// waiting to open the index (see announceWait).
	ownReaders atomic.Int32
	// storeID is the store's identity (Store.ID), recorded in the index.
	storeID string
	// maxPassages is the most passages of a document the index takes.
	maxPassages int
}

// Options controls how a data directory is opened.
type Options struct {
	// Write takes the directory's writer lock, waiting up to LockWait for
	// another writer to finish, and heals the index (see Heal).
	Write bool
	// NoHeal, with Write, leaves the index as it is: check looks at it
	// before anything repairs it.
	NoHeal   bool
	LockWait time.Duration
	Logger   *slog.Logger
	// MaxPassages is the most passages a stored document may have for a
	// writer to index it (0: DefaultMaxPassages); one with more is left
	// out of the index and recorded as unindexable.
	MaxPassages int
}

// ErrLocked is returned when another writer holds the data directory.
var ErrLocked = errors.New("data directory is in use by another normtag writer (ingest, reindex, retag or check); wait for it or use --lock-wait")

// errNotWriter is returned by writing operations of a Dir opened for reading.
var errNotWriter = errors.New("data directory not opened for writing")

// IndexWait bounds how long a process waits for the index while other
// processes hold it: a writer for readers to close their handles, a
// reader for a writer to commit its batch.
const IndexWait = 2 * time.Minute

// Open opens (creating if needed) the data directory dir.
func Open(ctx context.Context, dir string, opts Options) (*Dir, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	storePath := filepath.Join(dir, StoreFile)
	if _, err := os.Stat(storePath); errors.Is(err, fs.ErrNotExist) {
		if hasIndex(dir) {
			if !opts.Write || opts.NoHeal {
				return nil, fmt.Errorf("data directory %s: %w", dir, ErrStoreMissing)
			}
			log.Warn("corpus.db is missing but an index exists; a new store is created and the index rebuilt from it", "dir", dir)
		} else if !opts.Write || opts.NoHeal {
			return nil, fmt.Errorf("data directory %s has no corpus yet (run `normtag ingest` first): %w", dir, err)
		}
	}
	if opts.Write {
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return nil, fmt.Errorf("create data directory %s: %w", dir, err)
		}
	}
	d := &Dir{Path: dir, log: log, maxPassages: opts.MaxPassages}
	if d.maxPassages <= 0 {
		d.maxPassages = DefaultMaxPassages
	}
	if opts.Write {
		f, err := acquireLock(ctx, filepath.Join(dir, LockFile), opts.LockWait)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		d.lock = f
	}
	open := sqlite.OpenReadOnly
	if opts.Write {
		open = sqlite.Open
	}
	st, err := open(ctx, storePath)
	if err != nil {
		d.Close()
		return nil, err
	}
	d.Store = st
	if d.storeID, err = st.ID(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if opts.Write && !opts.NoHeal {
		if err := d.Heal(ctx); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

// Close closes the store and releases the writer lock.
func (d *Dir) Close() error {
	var errs []error
	if d.Store != nil {
		errs = append(errs, d.Store.Close())
	}
	if d.lock != nil {
		errs = append(errs, d.lock.Close())
	}
	return errors.Join(errs...)
}

// WriterActive reports whether another process (or another Dir of this
// one) holds the writer lock: an ingest, reindex, retag or check is
// running.
func (d *Dir) WriterActive() bool {
	if d.lock != nil {
		return false // we are the writer
	}
	f, err := os.Open(filepath.Join(d.Path, LockFile))
	if err != nil {
		return false
	}
	defer f.Close()
	if err := filelock.TryLock(f, filelock.Shared); err != nil {
		return errors.Is(err, filelock.ErrHeld)
	}
	filelock.Unlock(f)
	return false
}

// writing reports whether any writer, this Dir included, may want the
// index: readers then keep their handles short.
func (d *Dir) writing() bool { return d.lock != nil || d.WriterActive() }

// lockPoll is how often a waiting writer tries the writer lock again.
const lockPoll = 100 * time.Millisecond

// acquireLock takes the exclusive writer lock on path, trying again
// until wait has passed. The operating system drops the lock when the
// process dies, so a killed writer never leaves the directory locked.
func acquireLock(ctx context.Context, path string, wait time.Duration) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err := filelock.TryLock(f, filelock.Exclusive)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, filelock.ErrHeld) {
			f.Close()
			return nil, err
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, ErrLocked
		}
		if err := sleep(ctx, lockPoll); err != nil {
			f.Close()
			return nil, err
		}
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
