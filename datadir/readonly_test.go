package datadir

import (
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fileState is what a reader must leave unchanged about a file.
type fileState struct {
	size int64
	mod  time.Time
	mode fs.FileMode
}

func snapshotFiles(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		st := fileState{mode: fi.Mode()}
		if !e.IsDir() {
			st.size, st.mod = fi.Size(), fi.ModTime()
		}
		out[p] = st
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readEverything does what search, stats and serve do with a reader.
func readEverything(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatalf("open for reading: %v", err)
	}
	defer d.Close()
	if st, err := d.Stats(ctx); err != nil || st.Documents != 4 {
		t.Fatalf("stats: %+v %v", st, err)
	}
	ix, err := d.OpenIndex(ctx)
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	defer ix.Close()
	if n, err := ix.DocCount(); err != nil || n != 12 {
		t.Fatalf("index holds %d passages (%v), want 12", n, err)
	}
	// The store is opened query-only: a write through it fails.
	if err := d.Store.MarkAllIndexed(ctx, false); err == nil {
		t.Fatal("a reader's store accepted a write")
	}
}

func TestReadersWriteNothing(t *testing.T) {
	dir := t.TempDir()
	indexWith(t, dir, 4, 3).Close()
	before := snapshotFiles(t, dir)
	readEverything(t, dir)
	after := snapshotFiles(t, dir)
	// Where the directory is writable SQLite's readers share the WAL
	// index (-shm) and may create an empty -wal: the protocol by which
	// they see a concurrent writer's commits. Nothing is written into
	// them, and nothing else is created or changed.
	if wal, ok := after[filepath.Join(dir, StoreFile+"-wal")]; ok && wal.size != 0 {
		t.Fatalf("a reader wrote %d bytes of WAL", wal.size)
	}
	delete(after, filepath.Join(dir, StoreFile+"-wal"))
	delete(after, filepath.Join(dir, StoreFile+"-shm"))
	if !maps.Equal(before, after) {
		t.Fatalf("reading changed the data directory:\nbefore %v\nafter  %v", before, after)
	}
	// The same on a read-only data directory. Permission bits do not stop
	// root, so this part needs another user.
	if os.Geteuid() == 0 {
		t.Log("running as root: the chmod a-w part is skipped (the checks above cover the read-only open)")
		return
	}
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil {
			fi, _ := e.Info()
			os.Chmod(p, fi.Mode().Perm()&^0o222)
		}
		return nil
	})
	t.Cleanup(func() {
		filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
			os.Chmod(p, 0o755)
			return nil
		})
	})
	readEverything(t, dir)
}

func TestIndexTakesTheDataDirectoryPermissions(t *testing.T) {
	for _, perm := range []fs.FileMode{0o755, 0o750} {
		dir := filepath.Join(t.TempDir(), "data")
		if err := os.Mkdir(dir, perm); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, perm) // whatever the umask
		d := indexWith(t, dir, 2, 2)
		if err := d.RebuildIndex(context.Background()); err != nil {
			t.Fatal(err)
		}
		live, _ := d.LiveIndexDir()
		filepath.WalkDir(live, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			fi, _ := e.Info()
			want := perm & 0o666
			if e.IsDir() {
				want = perm
			}
			if fi.Mode().Perm() != want {
				t.Errorf("%s has mode %v, want %v (bleve makes 0700/0600)", p, fi.Mode().Perm(), want)
			}
			return nil
		})
		d.Close()
	}
}
