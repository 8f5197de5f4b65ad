package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// ErrDamaged is wrapped by every error that comes from a damaged index:
// a segment file whose checksum does not match, or a read that bleve
// could not complete (it panics on some damaged segments; those panics
// are turned into this error). The store is the system of record, so a
// damaged index is rebuilt from it.
var ErrDamaged = errors.New("the search index is damaged: run `normtag check --repair` or `normtag reindex` to rebuild it from the corpus")

// recoverDamage turns a panic inside bleve, which reads damaged segment
// files without bounds checks, into an error wrapping ErrDamaged. It is
// deferred by every method that calls into bleve on the caller's
// goroutine.
func recoverDamage(op string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: %w (%v)", op, ErrDamaged, r)
	}
}

// Verify reads every segment file the index's current snapshot uses and
// checks the CRC-32 that zap writes at the end of each, so that damage
// anywhere in a segment is found even where a search would silently
// return wrong results. Files are immutable once written; one already
// verified in this process (same path, size and modification time) is
// not read again, so a long-lived reader pays once per segment.
func (ix *Index) Verify() (err error) {
	defer recoverDamage("verify index "+ix.dir, &err)
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("verify index %s: %w", ix.dir, err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil // not a scorch index: nothing to check
	}
	r, err := sc.Reader()
	if err != nil {
		return fmt.Errorf("verify index %s: %w", ix.dir, err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	for _, ss := range snap.Segments() {
		ps, ok := ss.Segment().(segment.PersistedSegment)
		if !ok {
			continue // in memory only: nothing on disk to damage
		}
		if err := verifySegment(ps.Path()); err != nil {
			return fmt.Errorf("verify index %s: %w", ix.dir, err)
		}
	}
	return nil
}

type segmentKey struct {
	path string
	size int64
	mod  time.Time
}

var verified sync.Map // segmentKey -> struct{}

// verifySegment checks a zap segment file's trailing CRC-32 (IEEE, big
// endian) against its content; every zap version bleve uses ends so.
func verifySegment(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("segment %s: %w: %w", path, ErrDamaged, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("segment %s: %w", path, err)
	}
	key := segmentKey{path, fi.Size(), fi.ModTime()}
	if _, ok := verified.Load(key); ok {
		return nil
	}
	if fi.Size() < 4 {
		return fmt.Errorf("segment %s: %w (file of %d bytes)", path, ErrDamaged, fi.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, fi.Size()-4)); err != nil {
		return fmt.Errorf("segment %s: %w", path, err)
	}
	var stored [4]byte
	if _, err := f.ReadAt(stored[:], fi.Size()-4); err != nil {
		return fmt.Errorf("segment %s: %w", path, err)
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(stored[:]); got != want {
		return fmt.Errorf("segment %s: %w (checksum %08x, footer says %08x)", path, ErrDamaged, got, want)
	}
	verified.Store(key, struct{}{})
	return nil
}
