package datadir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// storeIDFile, inside an index.N directory, holds the identity of the
// store (sqlite.Store.ID) the index was built from. A store deleted or
// replaced by an empty one gets a new identity, so the index is then
// known not to belong to it: writers rebuild it (no ghost documents),
// readers and check refuse to trust it.
const storeIDFile = "normtag-store-id"

// ErrForeignIndex is wrapped when the live index was built from another
// store than the one in the data directory.
var ErrForeignIndex = errors.New("the search index was built from another corpus store (corpus.db was replaced or recreated): restore corpus.db from a backup, or run `normtag reindex` to rebuild the index from this store")

// ErrStoreMissing is returned when the data directory has an index but
// its store is gone.
var ErrStoreMissing = errors.New("the corpus store corpus.db is missing but a search index exists: restore corpus.db from a copy made by `normtag backup`, then run `normtag reindex`")

// indexStoreID reads the store identity recorded in an index directory;
// "" when none is recorded (an index made by an older normtag).
func indexStoreID(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, storeIDFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// stampIndex records the store's identity in an index directory.
func (d *Dir) stampIndex(dir string) error {
	if d.storeID == "" {
		return nil
	}
	if err := os.WriteFile(filepath.Join(dir, storeIDFile), []byte(d.storeID+"\n"), d.fileMode()); err != nil {
		return fmt.Errorf("record store identity in %s: %w", dir, err)
	}
	return nil
}

// foreignIndex reports whether the index in dir records another store.
// An index that records none is taken as this store's.
func (d *Dir) foreignIndex(dir string) bool {
	id := indexStoreID(dir)
	return id != "" && d.storeID != "" && id != d.storeID
}

// hasIndex reports whether the data directory names an index.
func hasIndex(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, IndexLink))
	return err == nil
}

// dirMode is the permission of the data directory; the index, which
// bleve creates 0700/0600 whatever the umask, is given the same reach
// (see shareIndex), so that a corpus others may read is readable whole.
func (d *Dir) dirMode() fs.FileMode {
	fi, err := os.Stat(d.Path)
	if err != nil {
		return 0o700
	}
	return fi.Mode().Perm()
}

// fileMode is dirMode without execute bits: the mode for files.
func (d *Dir) fileMode() fs.FileMode { return d.dirMode() & 0o666 }

// shareIndex gives an index directory and its files the data
// directory's permissions.
func (d *Dir) shareIndex(dir string) {
	dm, fm := d.dirMode(), d.fileMode()
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		mode := fm
		if e.IsDir() {
			mode = dm
		}
		if fi, err := e.Info(); err == nil && fi.Mode().Perm() != mode {
			os.Chmod(p, mode)
		}
		return nil
	})
}

// checkIndexOwner fails with ErrForeignIndex when the live index dir was
// built from another store.
func (d *Dir) checkIndexOwner(_ context.Context, dir string) error {
	if d.foreignIndex(dir) {
		return fmt.Errorf("index %s: %w", dir, ErrForeignIndex)
	}
	return nil
}
