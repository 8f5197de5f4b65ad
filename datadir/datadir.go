// Package datadir owns a normtag data directory: the corpus store, the
// writer lock, the live search index and its link, healing the index after
// an interruption, rebuilding and checking it.
package datadir

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
)

// Layout of a data directory.
const (
	StoreFile = "corpus.db" // SQLite system of record (+ -wal, -shm)
	// IndexLink is a symbolic link to the live bleve index, a sibling
	// directory named index.N. Rebuilding writes index.N+1 and swaps the
	// link atomically, so readers always find a complete index.
	IndexLink = "index"
	LockFile  = "lock" // flock held by the one writer
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
}

// Options controls how a data directory is opened.
type Options struct {
	// Write takes the directory's writer lock, waiting up to LockWait for
	// another writer to finish, and heals the index (see Heal).
	Write    bool
	LockWait time.Duration
	Logger   *slog.Logger
}

// ErrLocked is returned when another writer holds the data directory.
var ErrLocked = errors.New("data directory is in use by another normtag writer (ingest, reindex, retag or check); wait for it or use --lock-wait")

// IndexWait bounds how long a process waits for another one's brief hold
// on the index.
const IndexWait = 2 * time.Minute

// Open opens (creating if needed) the data directory dir.
func Open(ctx context.Context, dir string, opts Options) (*Dir, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if !opts.Write {
		if _, err := os.Stat(filepath.Join(dir, StoreFile)); err != nil {
			return nil, fmt.Errorf("data directory %s has no corpus yet (run `normtag ingest` first): %w", dir, err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	d := &Dir{Path: dir, log: log}
	if opts.Write {
		f, err := acquireLock(ctx, filepath.Join(dir, LockFile), opts.LockWait)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		d.lock = f
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, StoreFile))
	if err != nil {
		d.Close()
		return nil, err
	}
	d.Store = st
	if opts.Write {
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

// WriterActive reports whether another process holds the writer lock:
// an ingest, reindex, retag or check is running.
func (d *Dir) WriterActive() bool {
	if d.lock != nil {
		return false // we are the writer
	}
	f, err := os.Open(filepath.Join(d.Path, LockFile))
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

// IndexPath is the path of the live index (through the link).
func (d *Dir) IndexPath() string { return filepath.Join(d.Path, IndexLink) }

// OpenIndex opens the live index for searching.
func (d *Dir) OpenIndex() (*index.Index, error) {
	return index.Open(d.IndexPath(), index.OpenOptions{ReadOnly: true, Wait: IndexWait})
}

// UpdateIndex opens the live index for writing (creating it if needed),
// runs fn and closes it. Only a writer (Open with Write) may call it.
func (d *Dir) UpdateIndex(ctx context.Context, fn func(*index.Index) error) error {
	if d.lock == nil {
		return errors.New("update index: data directory not opened for writing")
	}
	if _, err := os.Lstat(d.IndexPath()); errors.Is(err, os.ErrNotExist) {
		if err := d.newIndexLink(); err != nil {
			return err
		}
	}
	// Open the link's target: bleve creates a missing index directory but
	// refuses a path that exists, as a dangling link does.
	target, err := os.Readlink(d.IndexPath())
	if err != nil {
		return fmt.Errorf("read index link: %w", err)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(d.Path, target)
	}
	ix, err := index.Open(target, index.OpenOptions{Wait: IndexWait})
	if err != nil {
		return err
	}
	ferr := fn(ix)
	cerr := ix.Close()
	if ferr != nil {
		return ferr
	}
	if cerr != nil {
		return fmt.Errorf("close index: %w", cerr)
	}
	return nil
}

// newIndexLink points the index link at a fresh, not yet created,
// directory.
func (d *Dir) newIndexLink() error {
	name, err := d.nextIndexName()
	if err != nil {
		return err
	}
	return d.swapLink(name)
}

// nextIndexName picks index.N with N above every existing one.
func (d *Dir) nextIndexName() (string, error) {
	entries, err := os.ReadDir(d.Path)
	if err != nil {
		return "", fmt.Errorf("list %s: %w", d.Path, err)
	}
	n := 0
	for _, e := range entries {
		if rest, ok := strings.CutPrefix(e.Name(), IndexLink+"."); ok {
			if v, err := strconv.Atoi(rest); err == nil && v > n {
				n = v
			}
		}
	}
	return fmt.Sprintf("%s.%d", IndexLink, n+1), nil
}

// swapLink atomically points the index link at target (a name in Dir).
func (d *Dir) swapLink(target string) error {
	tmp := filepath.Join(d.Path, IndexLink+".link-tmp")
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("link index: %w", err)
	}
	if err := os.Rename(tmp, d.IndexPath()); err != nil {
		return fmt.Errorf("swap index link: %w", err)
	}
	return syncDir(d.Path)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// removeStaleIndexes deletes index.N directories the link does not point
// at: what an interrupted rebuild or an earlier swap left behind.
func (d *Dir) removeStaleIndexes() {
	live, _ := os.Readlink(d.IndexPath())
	entries, _ := os.ReadDir(d.Path)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, IndexLink+".") && name != live {
			if err := os.RemoveAll(filepath.Join(d.Path, name)); err == nil {
				d.log.Debug("removed stale index", "dir", name)
			}
		}
	}
}

// Heal brings the index in line with the store after an interrupted run:
// it removes deleted documents from the index and indexes documents the
// store holds but the index has not confirmed. The store always commits
// first and the index follows, so this is all an interruption can leave.
func (d *Dir) Heal(ctx context.Context) error {
	d.removeStaleIndexes()
	if index.Outdated(d.IndexPath()) {
		d.log.Info("index built by another normtag version; rebuilding it from the corpus")
		return d.RebuildIndex(ctx)
	}
	if _, err := os.Stat(d.IndexPath()); err != nil {
		// No index (or a dangling link): build it from the store.
		ids, err := d.Store.DocumentIDs(ctx)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			d.log.Info("index missing; rebuilding it from the corpus", "documents", len(ids))
			return d.RebuildIndex(ctx)
		}
		return nil
	}
	dels, err := d.Store.PendingIndexDeletes(ctx)
	if err != nil {
		return err
	}
	ids, err := d.Store.Unindexed(ctx)
	if err != nil {
		return fmt.Errorf("find unindexed documents: %w", err)
	}
	if len(ids) == 0 && len(dels) == 0 {
		return nil
	}
	d.log.Info("bringing the index up to date with the corpus", "documents", len(ids), "deleted", len(dels))
	return d.UpdateIndex(ctx, func(ix *index.Index) error {
		if err := ix.DeleteDocuments(ctx, dels); err != nil {
			return err
		}
		if err := d.Store.ClearIndexDeletes(ctx, dels); err != nil {
			return err
		}
		return d.indexIDs(ctx, ix, ids)
	})
}

// indexIDs loads documents from the store and indexes them in batches,
// marking each batch indexed once the index has committed it.
func (d *Dir) indexIDs(ctx context.Context, ix *index.Index, ids []string) error {
	const batch = 64
	for start := 0; start < len(ids); start += batch {
		end := min(start+batch, len(ids))
		docs := make([]*corpus.Document, 0, end-start)
		var present []string
		for _, id := range ids[start:end] {
			doc, err := d.Store.Document(ctx, id, corpus.WithPassages)
			if errors.Is(err, corpus.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			docs = append(docs, doc)
			present = append(present, id)
		}
		if err := ix.IndexDocuments(ctx, docs); err != nil {
			return err
		}
		if err := d.Store.MarkIndexed(ctx, present, true); err != nil {
			return fmt.Errorf("mark indexed: %w", err)
		}
	}
	return nil
}

// RebuildIndex builds a new index from the store alone beside the live
// one, then swaps it in atomically. Searches keep using the old index
// until the swap; an interruption leaves the old index in place.
func (d *Dir) RebuildIndex(ctx context.Context) error {
	if d.lock == nil {
		return errors.New("rebuild index: data directory not opened for writing")
	}
	name, err := d.nextIndexName()
	if err != nil {
		return err
	}
	dir := filepath.Join(d.Path, name)
	err = index.Build(ctx, dir, func(yield func(*corpus.Document) error) error {
		return d.Store.EachDocument(ctx, corpus.WithPassages, yield)
	})
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("rebuild index: %w", err)
	}
	if err := d.swapLink(name); err != nil {
		return err
	}
	dels, err := d.Store.PendingIndexDeletes(ctx)
	if err != nil {
		return err
	}
	if err := d.Store.ClearIndexDeletes(ctx, dels); err != nil {
		return err
	}
	if err := d.Store.MarkAllIndexed(ctx, true); err != nil {
		return err
	}
	d.removeStaleIndexes()
	return nil
}

// acquireLock takes an exclusive flock on path, polling until wait has
// passed. The kernel drops the lock when the process dies, so a killed
// writer never leaves the directory locked.
func acquireLock(ctx context.Context, path string, wait time.Duration) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, err
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, ErrLocked
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
