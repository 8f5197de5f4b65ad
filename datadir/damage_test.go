package datadir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
)

// indexWith stores and indexes docs in a fresh data directory and
// returns the writer.
func indexWith(t *testing.T, dir string, n, perDoc int) *Dir {
	t.Helper()
	d := openWriter(t, dir)
	w := newIndexWriter(t, d)
	docs := makeDocs("doc", n, perDoc)
	storeOnly(t, d, docs)
	for _, doc := range docs {
		if err := w.Add(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// damageSegment overwrites a few bytes of one segment file of the live
// index at the given fraction of its length, as a disk error or a stray
// write would. Near the end (the footer) bleve panicked reading it; in
// the middle it silently returned wrong results.
func damageSegment(t *testing.T, d *Dir, at float64) {
	t.Helper()
	live, err := d.LiveIndexDir()
	if err != nil {
		t.Fatal(err)
	}
	zaps, _ := filepath.Glob(filepath.Join(live, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatalf("no segment files in %s", live)
	}
	f, err := os.OpenFile(zaps[0], os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	junk := []byte{0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x13, 0xff}
	if _, err := f.WriteAt(junk, int64(float64(fi.Size())*at)); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedIndexIsFoundByCheckAndRebuiltByRepair(t *testing.T) {
	ctx := context.Background()
	for _, at := range []float64{0.3, 0.6, 0.99} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			d := indexWith(t, t.TempDir(), 20, 10)
			damageSegment(t, d, at)
			if _, err := d.OpenIndex(ctx); !errors.Is(err, index.ErrDamaged) {
				t.Fatalf("open of a damaged index: %v, want index.ErrDamaged", err)
			}
			rep, err := d.Check(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || rep.Damaged == "" {
				t.Fatalf("check of a damaged index found nothing: %+v", rep)
			}
			rep, err = d.Check(ctx, true)
			if err != nil || !rep.Repaired {
				t.Fatalf("repair: %v %+v", err, rep)
			}
			agree(t, d)
			if n := indexed(t, d); n != 200 {
				t.Fatalf("rebuilt index has %d passages, want 200", n)
			}
		})
	}
}

func TestWriterRebuildsADamagedIndex(t *testing.T) {
	dir := t.TempDir()
	d := indexWith(t, dir, 20, 10)
	damageSegment(t, d, 0.5)
	d.Close()
	d = openWriter(t, dir)
	agree(t, d)
	if n := indexed(t, d); n != 200 {
		t.Fatalf("healed index has %d passages, want 200", n)
	}
}

// removeStore deletes corpus.db and its WAL files.
func removeStore(t *testing.T, dir string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(filepath.Join(dir, StoreFile+suffix)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

func TestRepairRefusesToEmptyTheIndexOfAnEmptyStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	indexWith(t, dir, 5, 4).Close()
	removeStore(t, dir)
	// A missing store with an index is reported, not recreated empty, by
	// readers and by check.
	if _, err := Open(ctx, dir, Options{}); !errors.Is(err, ErrStoreMissing) {
		t.Fatalf("reader on a missing store: %v", err)
	}
	if _, err := Open(ctx, dir, Options{Write: true, NoHeal: true}); !errors.Is(err, ErrStoreMissing) {
		t.Fatalf("check on a missing store: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, StoreFile)); err == nil {
		t.Fatal("opening a missing store created it")
	}
	// An empty store put in its place: repair refuses to empty the index.
	st, err := sqlite.Open(ctx, filepath.Join(dir, StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	d, err := Open(ctx, dir, Options{Write: true, NoHeal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rep, err := d.Check(ctx, true)
	if !errors.Is(err, ErrRepairRefused) || rep == nil || rep.Repaired || rep.IndexedDocuments != 5 {
		t.Fatalf("repair over an empty store: %v %+v", err, rep)
	}
	if n, err := d.indexedDocumentsOf(ctx, d.openIndex); err != nil || len(n) != 5 {
		t.Fatalf("index after refused repair: %v documents, %v", len(n), err)
	}
	// Readers do not show the old index as this store's.
	r := openReader(t, dir)
	if _, err := r.OpenIndex(ctx); !errors.Is(err, ErrForeignIndex) {
		t.Fatalf("reader of an index built from another store: %v", err)
	}
}

func TestNewStoreOverAnOldIndexLeavesNoGhosts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	indexWith(t, dir, 5, 4).Close()
	removeStore(t, dir)
	d := openWriter(t, dir)
	docs := makeDocs("new", 2, 3)
	storeOnly(t, d, docs)
	w := newIndexWriter(t, d)
	addAll(t, w, docs)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	agree(t, d)
	if n := indexed(t, d); n != 6 {
		t.Fatalf("index holds %d passages, want the new store's 6 (no ghosts)", n)
	}
}

func TestUnstampedIndexOverANewEmptyStoreIsRebuilt(t *testing.T) {
	// An index made before stores had identities records none; a store
	// lost and recreated under it must not inherit its documents.
	dir := t.TempDir()
	d := indexWith(t, dir, 5, 4)
	live, _ := d.LiveIndexDir()
	d.Close()
	if err := os.Remove(filepath.Join(live, storeIDFile)); err != nil {
		t.Fatal(err)
	}
	removeStore(t, dir)
	d = openWriter(t, dir)
	if n := indexed(t, d); n != 0 {
		t.Fatalf("index over a new empty store holds %d passages", n)
	}
	agree(t, d)
}
