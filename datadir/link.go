package datadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/normtag/normtag/index"
)

// The live index is a directory index.N beside the store; the file named
// IndexLink holds its name ("index.N" and a newline). A rebuild writes
// index.N+1 in full, then replaces that file by renaming a new one over
// it: the rename is atomic on Unix and on Windows, so a reader finds
// either the old complete index or the new one, never a half-built one.
// A plain file is used rather than a symbolic link because creating
// symbolic links on Windows needs privileges most users lack. Data
// directories made by earlier versions have a symbolic link there; it is
// still read, and the first writer replaces it by the file.

// linkTemp is where a new link is written before it is renamed into place.
const linkTemp = "index-link.tmp"

// errBadLink is returned when the index link holds something other than
// the name of an index.N directory.
var errBadLink = errors.New("index link does not name an index.N directory")

// LiveIndexDir is the path of the live index directory, as the index link
// names it. The error wraps fs.ErrNotExist when there is no link yet.
func (d *Dir) LiveIndexDir() (string, error) {
	name, err := d.liveIndexName()
	if err != nil {
		return "", err
	}
	return filepath.Join(d.Path, name), nil
}

// liveIndexName reads the index link: a file naming index.N or, in older
// data directories, a symbolic link to it.
func (d *Dir) liveIndexName() (string, error) {
	p := filepath.Join(d.Path, IndexLink)
	fi, err := os.Lstat(p)
	if err != nil {
		return "", fmt.Errorf("read index link: %w", err)
	}
	var name string
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("read index link: %w", err)
		}
		name = filepath.Base(target)
	case fi.IsDir():
		return IndexLink, nil // an index placed there by hand: use it as it is
	default:
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("read index link: %w", err)
		}
		name = strings.TrimSpace(string(b))
	}
	if _, ok := indexNumber(name); !ok {
		return "", fmt.Errorf("read index link %s (%q): %w", p, name, errBadLink)
	}
	return name, nil
}

// indexNumber returns N for a name index.N.
func indexNumber(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, IndexLink+".")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0 && strconv.Itoa(n) == rest
}

// nextIndexName picks index.N with N above every existing one.
func (d *Dir) nextIndexName() (string, error) {
	entries, err := os.ReadDir(d.Path)
	if err != nil {
		return "", fmt.Errorf("list %s: %w", d.Path, err)
	}
	n := 0
	for _, e := range entries {
		if v, ok := indexNumber(e.Name()); ok && v > n {
			n = v
		}
	}
	return fmt.Sprintf("%s.%d", IndexLink, n+1), nil
}

// setLiveIndex atomically points the index link at name (an index.N in
// the data directory).
func (d *Dir) setLiveIndex(name string) error {
	tmp := filepath.Join(d.Path, linkTemp)
	if err := writeSynced(tmp, []byte(name+"\n")); err != nil {
		return fmt.Errorf("write index link: %w", err)
	}
	var err error
	// On Windows a reader that has the link open for the moment it reads
	// it makes the rename fail; it is over within milliseconds.
	for range 10 {
		if err = os.Rename(tmp, filepath.Join(d.Path, IndexLink)); err == nil {
			return syncDir(d.Path)
		}
		time.Sleep(20 * time.Millisecond)
	}
	os.Remove(tmp)
	return fmt.Errorf("swap index link: %w", err)
}

// pointAtNewIndex points the index link at a fresh index.N, which the
// next writer of the index creates.
func (d *Dir) pointAtNewIndex() error {
	name, err := d.nextIndexName()
	if err != nil {
		return err
	}
	return d.setLiveIndex(name)
}

// writeSynced writes a file and flushes it to disk, so that a rename
// after it never exposes an empty file after a crash.
func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// migrateLink replaces a symbolic index link left by an earlier version
// with the link file, naming the same index.
func (d *Dir) migrateLink() error {
	fi, err := os.Lstat(filepath.Join(d.Path, IndexLink))
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	name, err := d.liveIndexName()
	if err != nil {
		return err
	}
	return d.setLiveIndex(name)
}

// removeStaleIndexes deletes index.N directories the link does not name:
// what an interrupted rebuild or an earlier swap left behind. A directory
// another process still has open may resist removal (Windows); the next
// writer tries again.
func (d *Dir) removeStaleIndexes() {
	live, err := d.liveIndexName()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return // an unreadable link: keep everything rather than guess
	}
	entries, _ := os.ReadDir(d.Path)
	for _, e := range entries {
		name := e.Name()
		_, ok := indexNumber(strings.TrimSuffix(name, index.CreatingSuffix))
		if !ok || name == live {
			continue
		}
		if err := os.RemoveAll(filepath.Join(d.Path, name)); err != nil {
			d.log.Debug("stale index not removed yet", "dir", name, "err", err)
			continue
		}
		d.log.Debug("removed stale index", "dir", name)
	}
	os.Remove(filepath.Join(d.Path, linkTemp))
}
