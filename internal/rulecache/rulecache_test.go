package rulecache

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/segment"
	"github.com/normtag/normtag/pipeline/tag"
)

// Every test has a cache folder of its own: none depends on what an
// earlier run left in the user's cache.

const goldText = "../../../shared/labeled/gpd-norms-explainer.txt"

// goldPassages are the labelled explainer's passages, as `normtag tag`
// cuts them.
func goldPassages(t *testing.T) []corpus.Passage {
	t.Helper()
	if _, err := os.Stat(goldText); err != nil {
		t.Skip("../shared/labeled is absent; skipping the comparison on the gold document")
	}
	doc, err := extract.File(context.Background(), goldText, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return segment.Passages(doc.Pages)
}

// heldout are the tagger's held-out passages in its six languages.
func heldout(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../pipeline/tag/testdata/heldout*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no held-out sets (%v)", err)
	}
	var out []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var p struct{ Text string }
			if err := json.Unmarshal([]byte(line), &p); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, p.Text)
		}
	}
	return out
}

// sameTags fails unless a and b tag the gold document and the held-out
// passages alike: every tag, score and piece of evidence.
func sameTags(t *testing.T, a, b *tag.Tagger) {
	t.Helper()
	pa := goldPassages(t)
	pb := append([]corpus.Passage(nil), pa...)
	a.Tag(pa)
	b.Tag(pb)
	tags := 0
	for i := range pa {
		if !reflect.DeepEqual(pa[i].Tags, pb[i].Tags) {
			t.Fatalf("gold passage %d %q:\n%+v\n%+v", i, pa[i].Text, pa[i].Tags, pb[i].Tags)
		}
		tags += len(pa[i].Tags)
	}
	for _, text := range heldout(t) {
		ta, tb := a.TagText(text), b.TagText(text)
		if !reflect.DeepEqual(ta, tb) {
			t.Fatalf("%q:\n%+v\n%+v", text, ta, tb)
		}
		tags += len(ta)
	}
	if tags < 500 {
		t.Fatalf("only %d tags compared", tags)
	}
}

// cacheFiles lists the folder's cache files and any temporary ones.
func cacheFiles(t *testing.T, dir string) (files, temps []string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		switch {
		case strings.HasSuffix(e.Name(), fileSuffix):
			files = append(files, filepath.Join(dir, e.Name()))
		case strings.HasSuffix(e.Name(), tempSuffix):
			temps = append(temps, e.Name())
		}
	}
	return files, temps
}

// counts checks how c had its taggers.
func counts(t *testing.T, c *Cache, hits, builds int64) {
	t.Helper()
	if h, b := c.hits.Load(), c.builds.Load(); h != hits || b != builds {
		t.Fatalf("%d read from the cache and %d built, want %d and %d", h, b, hits, builds)
	}
}

// TestCachedTaggerTagsAsBuilt: the first run builds the embedded rules
// and stores them; the next reads them from the file, and tags the gold
// document and the held-out passages exactly as a fresh build does.
func TestCachedTaggerTagsAsBuilt(t *testing.T) {
	dir := t.TempDir()
	first := New(dir)
	if _, err := first.Default(); err != nil {
		t.Fatal(err)
	}
	counts(t, first, 0, 1)
	files, temps := cacheFiles(t, dir)
	if len(files) != 1 || len(temps) != 0 {
		t.Fatalf("files %v, temporary files %v; want one file", files, temps)
	}
	next := New(dir)
	cached, err := next.Default()
	if err != nil {
		t.Fatal(err)
	}
	counts(t, next, 1, 0)
	fresh, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	if cached.Version() != fresh.Version() {
		t.Fatalf("version %s, want %s", cached.Version(), fresh.Version())
	}
	sameTags(t, fresh, cached)
}

// TestDamagedFileIsRebuilt: a cache file cut short, with a byte changed,
// emptied, replaced by another cache file or by other bytes is never
// trusted: the tagger is built, tags as a fresh one, and the file is
// written again whole.
func TestDamagedFileIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(dir).Default(); err != nil {
		t.Fatal(err)
	}
	files, _ := cacheFiles(t, dir)
	path := files[0]
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A file of other rules, renamed to this one's name.
	otherDir := t.TempDir()
	if _, err := New(otherDir).Load([]byte(smallRules)); err != nil {
		t.Fatal(err)
	}
	others, _ := cacheFiles(t, otherDir)
	other, err := os.ReadFile(others[0])
	if err != nil {
		t.Fatal(err)
	}
	flip := func(at int) []byte {
		b := bytes.Clone(good)
		b[at] ^= 0x10
		return b
	}
	fresh, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"cut in the header", good[:20]},
		{"cut in the middle", good[:len(good)/2]},
		{"last byte missing", good[:len(good)-1]},
		{"a byte too many", append(bytes.Clone(good), 0)},
		{"a byte of the payload changed", flip(len(good) / 3)},
		{"the last byte changed", flip(len(good) - 1)},
		{"the key changed", flip(len(magic) + 3)},
		{"another cache file", other},
		{"not a cache file", []byte("threshold: 0.5\n")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(path, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			cache := New(dir)
			got, err := cache.Default()
			if err != nil {
				t.Fatal(err)
			}
			counts(t, cache, 0, 1)
			if c.name == "a byte of the payload changed" {
				sameTags(t, fresh, got)
			}
			if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, good) {
				t.Fatalf("the file was not written again whole (%v)", err)
			}
		})
	}
}

const smallRules = `
norms:
  g:
    - name: hospitals
      weight: 0.9
      any: ["hospital backups"]
`

// TestRulesChangeMissesTheCache: a rules file read again is read from
// the cache; an edited one is built and stored beside it, and tags by
// its own rules.
func TestRulesChangeMissesTheCache(t *testing.T) {
	dir := t.TempDir()
	c := New(dir)
	text := "Every hospital keeps hospital backups offline, and the power grid is resilient."
	before, err := c.Load([]byte(smallRules))
	if err != nil {
		t.Fatal(err)
	}
	edited := smallRules + "  f:\n    - name: grid\n      weight: 0.8\n      any: [\"power grid\"]\n"
	after, err := c.Load([]byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	counts(t, c, 0, 2)
	if got := norms(before.TagText(text)); got != "g" {
		t.Fatalf("rules before the edit: %s, want g", got)
	}
	if got := norms(after.TagText(text)); got != "g,f" {
		t.Fatalf("rules after the edit: %s, want g,f", got)
	}
	if before.Version() == after.Version() {
		t.Fatal("the edit did not change the version")
	}
	again, err := c.Load([]byte(smallRules))
	if err != nil {
		t.Fatal(err)
	}
	counts(t, c, 1, 2)
	if got := norms(again.TagText(text)); got != "g" || again.Version() != before.Version() {
		t.Fatalf("rules read back: %s version %s, want g version %s", got, again.Version(), before.Version())
	}
	if files, _ := cacheFiles(t, dir); len(files) != 2 {
		t.Fatalf("%d cache files, want 2", len(files))
	}
	// Rules that do not compile give Load's error, and store nothing.
	if _, err := c.Load([]byte("norms:\n  z:\n    - name: x\n      weight: 2\n")); err == nil {
		t.Fatal("bad rules loaded")
	}
	if files, _ := cacheFiles(t, dir); len(files) != 2 {
		t.Fatalf("%d cache files after bad rules, want 2", len(files))
	}
}

func norms(tags []corpus.Tag) string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Norm)
	}
	return strings.Join(out, ",")
}

// TestOtherProgramMissesTheCache: a file written by another build of
// normtag is not read: the program is part of the key.
func TestOtherProgramMissesTheCache(t *testing.T) {
	dir := t.TempDir()
	a := New(dir)
	a.build = func() (string, bool) { return "normtag build A", true }
	b := New(dir)
	b.build = func() (string, bool) { return "normtag build B", true }
	for _, c := range []*Cache{a, b, a, b} {
		if _, err := c.Load([]byte(smallRules)); err != nil {
			t.Fatal(err)
		}
	}
	counts(t, a, 1, 1)
	counts(t, b, 1, 1)
	unknown := New(dir)
	unknown.build = func() (string, bool) { return "", false }
	if _, err := unknown.Load([]byte(smallRules)); err != nil {
		t.Fatal(err)
	}
	if h := unknown.hits.Load(); h != 0 {
		t.Fatal("a program that cannot name itself read the cache")
	}
}

// TestOnlyRegularFilesAreRead: a pipe or a folder at a cache file's name
// is not read (a pipe would block the run): the tagger is built.
func TestOnlyRegularFilesAreRead(t *testing.T) {
	dir := t.TempDir()
	c := New(dir)
	if _, err := c.Load([]byte(smallRules)); err != nil {
		t.Fatal(err)
	}
	files, _ := cacheFiles(t, dir)
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(files[0], 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load([]byte(smallRules)); err != nil {
		t.Fatal(err)
	}
	counts(t, c, 0, 2)
	if err := mkfifo(files[0]); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Load([]byte(smallRules))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("loading blocked on a pipe at the cache file's name")
	}
	counts(t, c, 0, 3)
}

// TestUnwritableFolderBuilds: when the folder cannot be made, taggers
// are built, without an error.
func TestUnwritableFolderBuilds(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := New(filepath.Join(file, "cache")) // under a file: never a folder, even for root
	for range 2 {
		tg, err := c.Load([]byte(smallRules))
		if err != nil || norms(tg.TagText("hospital backups")) != "g" {
			t.Fatalf("tagger %v, %v", tg, err)
		}
	}
	counts(t, c, 0, 2)
	off := New("")
	if _, err := off.Default(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentRuns: runs that miss together each build and write; none
// reads half a file, and the folder ends with one whole file and no
// temporary ones.
func TestConcurrentRuns(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	tags := make([]string, 8)
	errs := make([]error, 8)
	for i := range tags {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tg, err := New(dir).Load([]byte(smallRules))
			if err != nil {
				errs[i] = err
				return
			}
			tags[i] = norms(tg.TagText("two hospital backups"))
		}()
	}
	wg.Wait()
	for i := range tags {
		if errs[i] != nil || tags[i] != "g" {
			t.Fatalf("run %d: %q, %v", i, tags[i], errs[i])
		}
	}
	files, temps := cacheFiles(t, dir)
	if len(files) != 1 || len(temps) != 0 {
		t.Fatalf("files %v, temporary files %v", files, temps)
	}
	c := New(dir)
	if _, err := c.Load([]byte(smallRules)); err != nil {
		t.Fatal(err)
	}
	counts(t, c, 1, 0)
}

// TestPruneKeepsTheRecent: the folder keeps the keepFiles most recently
// used files, and drops stale temporary ones.
func TestPruneKeepsTheRecent(t *testing.T) {
	dir := t.TempDir()
	c := New(dir)
	stale := filepath.Join(dir, filePrefix+"dead"+tempSuffix)
	if err := os.WriteFile(stale, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	rulesN := func(i int) []byte { return []byte(fmt.Sprintf("%s      not: [\"word%d\"]\n", smallRules, i)) }
	for i := range keepFiles + 3 {
		if _, err := c.Load(rulesN(i)); err != nil {
			t.Fatal(err)
		}
		// Each file older than the next, as runs days apart leave them.
		files, _ := cacheFiles(t, dir)
		for _, f := range files {
			fi, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(f, fi.ModTime().Add(-time.Hour), fi.ModTime().Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, temps := cacheFiles(t, dir)
	if len(files) != keepFiles || len(temps) != 0 {
		t.Fatalf("%d files and temporary files %v, want %d and none", len(files), temps, keepFiles)
	}
	// The newest are kept: the last rules are read, the first built.
	hits := c.hits.Load()
	if _, err := c.Load(rulesN(keepFiles + 2)); err != nil {
		t.Fatal(err)
	}
	if c.hits.Load() != hits+1 {
		t.Fatal("the newest file was pruned")
	}
	builds := c.builds.Load()
	if _, err := c.Load(rulesN(0)); err != nil {
		t.Fatal(err)
	}
	if c.builds.Load() != builds+1 {
		t.Fatal("the oldest file was kept")
	}
}

// TestDir: NORMTAG_CACHE_DIR chooses the folder, "off" turns the cache
// off, and the default is normtag in the user's cache folder.
func TestDir(t *testing.T) {
	t.Setenv(EnvDir, "/some/where")
	if got := Dir(); got != "/some/where" {
		t.Fatalf("Dir = %q", got)
	}
	t.Setenv(EnvDir, "off")
	if got := Dir(); got != "" {
		t.Fatalf("Dir with off = %q", got)
	}
	t.Setenv(EnvDir, "")
	base, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache folder here: %v", err)
	}
	if got := Dir(); got != filepath.Join(base, "normtag") {
		t.Fatalf("Dir = %q, want normtag under %s", got, base)
	}
}

// BenchmarkHit loads the embedded rules from a warm cache, as every run
// but the first does.
func BenchmarkHit(b *testing.B) {
	c := New(b.TempDir())
	if _, err := c.Default(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMiss builds the embedded rules and stores them, as the first
// run of a new normtag does; BenchmarkBuild builds them without a cache.
func BenchmarkMiss(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		os.RemoveAll(dir)
		if _, err := New(dir).Default(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	for b.Loop() {
		if _, err := New("").Default(); err != nil {
			b.Fatal(err)
		}
	}
}
