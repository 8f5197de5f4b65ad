// Package rulecache keeps compiled tagging rules between runs: the
// compiled form of a tagger (pipeline/tag's AppendBinary) in a file
// keyed by the rules' bytes and the program that compiled them, so that
// a run reads its tagger in a few milliseconds instead of building it
// (tens of milliseconds of every ingest and retag).
//
// The cache is only ever a shortcut. A file that is missing, damaged,
// cut short, of another program or of other rules is ignored and the
// tagger built, as is every file when the folder cannot be read or
// written. Files are written whole under a temporary name and renamed
// into place, so concurrent runs never see half a file, and two runs that
// both miss write the same bytes.
package rulecache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/normtag/normtag/internal/buildinfo"
	"github.com/normtag/normtag/pipeline/tag"
)

// EnvDir is the environment variable that chooses the cache's folder;
// "off" turns the cache off.
const EnvDir = "NORMTAG_CACHE_DIR"

// Dir returns the cache's folder: $NORMTAG_CACHE_DIR when set, else
// "normtag" in the user's cache folder (os.UserCacheDir: ~/.cache on
// Linux). It returns "" when NORMTAG_CACHE_DIR is "off" or no user cache
// folder is known.
func Dir() string {
	switch d := os.Getenv(EnvDir); d {
	case "off":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(base, "normtag")
	default:
		return d
	}
}

// Cache is a folder of compiled rules. Its methods are safe for
// concurrent use, also by several processes; those of a nil Cache build
// every tagger.
type Cache struct {
	dir string
	// hits and builds count how taggers were had, for tests.
	hits, builds atomic.Int64
	// build names the program that compiles: a compiled form is only
	// read back by the program that wrote it.
	build func() (string, bool)
}

// New returns the cache in dir ("" for none: every tagger is built).
func New(dir string) *Cache {
	return &Cache{dir: dir, build: programIdentity}
}

// Default returns tag.Default's tagger, read from the cache when it
// holds it, else built and stored.
func (c *Cache) Default() (*tag.Tagger, error) {
	return c.get(entry{builtin: true})
}

// Load returns tag.Load(data)'s tagger, read from the cache when it
// holds it, else built and stored. Rules that do not compile are not
// stored: their error is Load's.
func (c *Cache) Load(data []byte) (*tag.Tagger, error) {
	return c.get(entry{data: data})
}

// entry is the rules of one cache file.
type entry struct {
	builtin bool   // the embedded rules, which the program identifies
	data    []byte // a rules file
}

func (e entry) build() (*tag.Tagger, error) {
	if e.builtin {
		return tag.Default()
	}
	return tag.Load(e.data)
}

func (e entry) decode(b []byte) (*tag.Tagger, error) {
	if e.builtin {
		return tag.DefaultFromBinary(b)
	}
	return tag.LoadFromBinary(b, e.data)
}

// keyFormat versions the key and the file layout.
const keyFormat = "normtag rules cache 1\n"

// key names e's file: a hash of the program and the rules.
func (c *Cache) key(e entry) ([32]byte, bool) {
	prog, ok := c.build()
	if !ok {
		return [32]byte{}, false
	}
	h := sha256.New()
	h.Write([]byte(keyFormat))
	h.Write([]byte(prog))
	if e.builtin {
		// The program embeds them: its identity is theirs.
		h.Write([]byte("\nembedded rules\n"))
	} else {
		sum := sha256.Sum256(e.data)
		h.Write([]byte("\nrules file "))
		h.Write(sum[:])
	}
	var k [32]byte
	h.Sum(k[:0])
	return k, true
}

func (c *Cache) get(e entry) (*tag.Tagger, error) {
	if c == nil || c.dir == "" {
		return e.build()
	}
	k, ok := c.key(e)
	if !ok {
		return e.build()
	}
	path := filepath.Join(c.dir, filePrefix+hex.EncodeToString(k[:16])+fileSuffix)
	if payload, err := readFile(path, k); err == nil {
		if t, err := e.decode(payload); err == nil {
			c.hits.Add(1)
			touch(path)
			return t, nil
		}
	}
	c.builds.Add(1)
	t, err := e.build()
	if err != nil {
		return nil, err
	}
	// Best effort: a folder that cannot be written costs the next run
	// a build, nothing else.
	_ = c.write(path, k, t)
	return t, nil
}

// Names of the cache's files: rules-<key>.bin, and rules-*.tmp while one
// is written.
const (
	filePrefix = "rules-"
	fileSuffix = ".bin"
	tempSuffix = ".tmp"
)

// A file is a header, then the tagger's compiled form (the payload):
// the magic, the full key, the payload's length and its CRC-32C. The key
// refuses a file copied or renamed to another's name; the length and
// checksum a file cut short or damaged.
const magic = "normtag compiled rules cache\n"

const headerSize = len(magic) + 32 + 8 + 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errDamaged is readFile's error for a file that is not a whole cache
// file of the key asked for.
var errDamaged = errors.New("not a whole cache file of these rules")

// maxFile bounds what readFile reads: the embedded rules compile to
// about 4 MB; a larger file at a cache name is not one of ours.
const maxFile = 256 << 20

// readFile returns the payload of the cache file at path if it is whole
// and of key k. Only a regular file is read: whatever else stands at
// the name (a pipe, a device) is refused before it can block or flood.
func readFile(path string, k [32]byte) ([]byte, error) {
	// Opening a pipe blocks until a writer comes: look first.
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, errDamaged)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxFile {
		return nil, fmt.Errorf("%s: %w", path, errDamaged)
	}
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) < headerSize || string(b[:len(magic)]) != magic {
		return nil, fmt.Errorf("%s: %w", path, errDamaged)
	}
	h := b[len(magic):]
	payload := b[headerSize:]
	if !bytes.Equal(h[:32], k[:]) || binary.LittleEndian.Uint64(h[32:]) != uint64(len(payload)) ||
		binary.LittleEndian.Uint32(h[40:]) != crc32.Checksum(payload, castagnoli) {
		return nil, fmt.Errorf("%s: %w", path, errDamaged)
	}
	return payload, nil
}

// write stores t's compiled form at path, whole or not at all.
func (c *Cache) write(path string, k [32]byte, t *tag.Tagger) error {
	b := make([]byte, headerSize, headerSize+8<<20)
	b, err := t.AppendBinary(b)
	if err != nil {
		return err
	}
	payload := b[headerSize:]
	copy(b, magic)
	copy(b[len(magic):], k[:])
	binary.LittleEndian.PutUint64(b[len(magic)+32:], uint64(len(payload)))
	binary.LittleEndian.PutUint32(b[len(magic)+40:], crc32.Checksum(payload, castagnoli))
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fmt.Errorf("rules cache: %w", err)
	}
	f, err := os.CreateTemp(c.dir, filePrefix+"*"+tempSuffix)
	if err != nil {
		return fmt.Errorf("rules cache: %w", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("rules cache: %w", err)
	}
	c.prune(path)
	return nil
}

// Pruning keeps the folder small: each new build of normtag, and each
// rules file, adds a file of a few megabytes.
const (
	// keepFiles is how many cache files are kept, the most recently used.
	keepFiles = 8
	// staleTemp is the age of a temporary file left by a run that died
	// while writing it.
	staleTemp = time.Hour
	// touchAfter is how old a file's time is before a read refreshes it
	// (its time is its last use, give or take this much).
	touchAfter = 24 * time.Hour
)

// touch marks the file at path as used now, at most once in touchAfter.
func touch(path string) {
	if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > touchAfter {
		now := time.Now()
		_ = os.Chtimes(path, now, now)
	}
}

// prune removes all but the keepFiles most recently used cache files
// (never just), and temporary files older than staleTemp. Another
// process may be reading one it removes: it has it open already, or
// finds it gone and builds.
func (c *Cache) prune(just string) {
	ents, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	type file struct {
		path string
		mod  time.Time
	}
	var files []file
	for _, e := range ents {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, filePrefix) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		p := filepath.Join(c.dir, name)
		switch {
		case strings.HasSuffix(name, tempSuffix):
			if time.Since(fi.ModTime()) > staleTemp {
				os.Remove(p)
			}
		case strings.HasSuffix(name, fileSuffix) && p != just:
			files = append(files, file{p, fi.ModTime()})
		}
	}
	if len(files) < keepFiles {
		return
	}
	slices.SortFunc(files, func(a, b file) int { return b.mod.Compare(a.mod) })
	for _, f := range files[keepFiles-1:] {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
	}
}

// programIdentity names this program for the cache key, once per
// process: its build information (version, commit, dependencies, build
// settings) and, unless that names a release or a clean checkout
// exactly, the executable's size and time, which change with every
// build of modified sources.
var programIdentity = sync.OnceValues(func() (string, bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	id := info.String()
	if buildinfo.Of(info).Exact() {
		return id, true
	}
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "", false
	}
	return fmt.Sprintf("%s\nexecutable %d bytes, modified %d", id, fi.Size(), fi.ModTime().UnixNano()), true
})
