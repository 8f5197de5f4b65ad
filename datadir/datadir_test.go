package datadir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/benchtext"
)

// makeDocs builds n documents of perDoc passages of policy-like text,
// each passage tagged with a norm.
func makeDocs(prefix string, n, perDoc int) []*corpus.Document {
	texts := benchtext.Passages(n * perDoc * 120)
	docs := make([]*corpus.Document, n)
	for i := range docs {
		d := &corpus.Document{ID: fmt.Sprintf("%s-%04d", prefix, i), FileName: fmt.Sprintf("%s-%04d.txt", prefix, i),
			Title: "Report " + prefix, Format: corpus.FormatText, PageCount: 1, Meta: map[string]string{"submitter": "Examplia"}}
		for s := range perDoc {
			d.Passages = append(d.Passages, corpus.Passage{Seq: s, Page: 1, Text: texts[(i*perDoc+s)%len(texts)],
				Tags: []corpus.Tag{{Norm: string(rune('a' + s%11)), Score: 1}}})
		}
		docs[i] = d
	}
	return docs
}

func openWriter(t *testing.T, dir string) *Dir {
	t.Helper()
	d, err := Open(context.Background(), dir, Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func openReader(t *testing.T, dir string) *Dir {
	t.Helper()
	d, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// storeOnly stores documents without indexing them, as a run killed
// between the store's commit and the index's leaves them.
// newIndexWriter is d's index writer; the test fails without one.
func newIndexWriter(t *testing.T, d *Dir) *IndexWriter {
	t.Helper()
	w, err := d.NewIndexWriter()
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// addAll adds docs to the index through w; the test fails on an error.
func addAll(t *testing.T, w *IndexWriter, docs []*corpus.Document) {
	t.Helper()
	for _, doc := range docs {
		if err := w.Add(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
	}
}

func storeOnly(t *testing.T, d *Dir, docs []*corpus.Document) {
	t.Helper()
	if _, err := d.Store.PutDocuments(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// healedWriter opens a writer on dir, stores docs and heals, so the
// store and the live index both hold them: the starting point of most
// tests here.
func healedWriter(t *testing.T, dir string, docs []*corpus.Document) *Dir {
	t.Helper()
	w := openWriter(t, dir)
	storeOnly(t, w, docs)
	if err := w.Heal(context.Background()); err != nil {
		t.Fatal(err)
	}
	return w
}

// indexed counts the passages in the live index.
func indexed(t *testing.T, d *Dir) uint64 {
	t.Helper()
	ix, err := d.OpenIndex(context.Background())
	if errors.Is(err, index.ErrMissing) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := ix.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// agree fails unless Check finds store and index in agreement.
func agree(t *testing.T, d *Dir) *CheckReport {
	t.Helper()
	rep, err := d.Check(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("store and index disagree: %+v", rep)
	}
	return rep
}

// The store committed, the index did not (a kill in between): the next
// writer's Open indexes the documents.
func TestOpenForWriteHealsUnindexedDocuments(t *testing.T) {
	dir := t.TempDir()
	w := openWriter(t, dir)
	first := makeDocs("first", 3, 5)
	ixw := newIndexWriter(t, w)
	storeOnly(t, w, first)
	for _, doc := range first {
		if err := ixw.Add(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := ixw.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	storeOnly(t, w, makeDocs("lost", 4, 5))
	w.Close()

	r := openReader(t, dir)
	if n := indexed(t, r); n != 15 {
		t.Fatalf("before healing the index holds %d passages, want the first 15", n)
	}
	w = openWriter(t, dir)
	if n := indexed(t, w); n != 35 {
		t.Fatalf("after Open for write the index holds %d passages, want 35", n)
	}
	if rep := agree(t, w); rep.Documents != 7 || rep.Unindexed != 0 {
		t.Fatalf("after healing: %+v", rep)
	}
}

// A document deleted from the store (its file changed or went away)
// while the index still held it: the queued delete reaches the index.
func TestHealAppliesPendingIndexDeletes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openWriter(t, dir)
	docs := makeDocs("doc", 3, 4)
	storeOnly(t, w, docs)
	if err := w.Heal(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Store.DeleteDocument(ctx, docs[1].ID); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if n := indexed(t, openReader(t, dir)); n != 12 {
		t.Fatalf("before healing: %d passages, want 12", n)
	}
	w = openWriter(t, dir)
	if n := indexed(t, w); n != 8 {
		t.Fatalf("after healing: %d passages, want 8", n)
	}
	if dels, _ := w.Store.PendingIndexDeletes(ctx); len(dels) != 0 {
		t.Fatalf("deletes still pending after healing: %v", dels)
	}
	agree(t, w)
}

// Index directories an interrupted rebuild left beside the live one are
// removed; the live one is kept.
func TestHealRemovesStaleIndexes(t *testing.T) {
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("doc", 2, 3))
	live, err := w.LiveIndexDir()
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	stale := filepath.Join(dir, "index.9")
	if err := os.MkdirAll(filepath.Join(stale, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	notIndex := filepath.Join(dir, "index.notes")
	if err := os.WriteFile(notIndex, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	w = openWriter(t, dir)
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale index.9 still there: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Fatalf("live index gone: %v", err)
	}
	if _, err := os.Stat(notIndex); err != nil {
		t.Fatalf("a file that is not an index.N was removed: %v", err)
	}
	if n := indexed(t, w); n != 6 {
		t.Fatalf("%d passages after healing, want 6", n)
	}
}

// A link to an index whose directory is gone (lost, or its creation was
// interrupted) makes the next writer rebuild it from the store.
func TestHealRebuildsAMissingIndex(t *testing.T) {
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("doc", 3, 3))
	live, _ := w.LiveIndexDir()
	w.Close()
	if err := os.RemoveAll(live); err != nil {
		t.Fatal(err)
	}
	w = openWriter(t, dir)
	if n := indexed(t, w); n != 9 {
		t.Fatalf("%d passages after rebuilding, want 9", n)
	}
	agree(t, w)
}

// Data directories of earlier versions link the live index with a
// symbolic link: readers follow it and the first writer replaces it by
// the portable link file.
func TestSymbolicIndexLinkIsReadAndReplaced(t *testing.T) {
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("doc", 2, 3))
	live, _ := w.LiveIndexDir()
	w.Close()
	link := filepath.Join(dir, IndexLink)
	os.Remove(link)
	if err := os.Symlink(filepath.Base(live), link); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
	if n := indexed(t, openReader(t, dir)); n != 6 {
		t.Fatalf("through the symbolic link: %d passages, want 6", n)
	}
	w = openWriter(t, dir)
	fi, err := os.Lstat(link)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("link after a writer opened: %v %v, want a regular file", fi, err)
	}
	if now, _ := w.LiveIndexDir(); now != live {
		t.Fatalf("link names %s after replacing, want %s", now, live)
	}
	if n := indexed(t, w); n != 6 {
		t.Fatalf("after replacing the link: %d passages, want 6", n)
	}
}

// A link that names something other than an index.N is refused by
// readers, never followed out of the data directory.
func TestBadIndexLinkIsRefused(t *testing.T) {
	dir := t.TempDir()
	openWriter(t, dir).Close()
	if err := os.WriteFile(filepath.Join(dir, IndexLink), []byte("../elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := openReader(t, dir).OpenIndex(context.Background())
	if !errors.Is(err, errBadLink) {
		t.Fatalf("open through a bad link: %v", err)
	}
}

// Rebuilding swaps in a new index directory, and a reader opened before
// the swap keeps answering from the old one.
func TestRebuildSwapsTheLiveIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("doc", 2, 3))
	before, _ := w.LiveIndexDir()
	ix, err := openReader(t, dir).OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := w.RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := w.LiveIndexDir()
	if after == before {
		t.Fatalf("rebuild kept the index directory %s", after)
	}
	if n, err := ix.DocCount(); err != nil || n != 6 {
		t.Fatalf("reader opened before the swap: %d passages, %v", n, err)
	}
	if n := indexed(t, w); n != 6 {
		t.Fatalf("rebuilt index: %d passages, want 6", n)
	}
}

// One writer at a time; readers see that one runs.
func TestWriterLock(t *testing.T) {
	dir := t.TempDir()
	openWriter(t, dir)
	_, err := Open(context.Background(), dir, Options{Write: true, LockWait: 150 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second writer: %v, want ErrLocked", err)
	}
	r := openReader(t, dir)
	if !r.WriterActive() {
		t.Fatal("a reader does not see the running writer")
	}
	if _, err := r.NewIndexWriter(); !errors.Is(err, errNotWriter) {
		t.Fatalf("index writer of a read-only Dir: %v", err)
	}
}

// Check reads the index read-only, so it answers while a reader holds
// the index open (a writer's handle would have to wait for it).
func TestCheckReadsWhileAReaderHoldsTheIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("doc", 2, 3))
	ix, err := openReader(t, dir).OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	rep, err := w.Check(short, false)
	if err != nil {
		t.Fatalf("check while a reader holds the index: %v", err)
	}
	if !rep.OK() || rep.IndexedPassages != 6 {
		t.Fatalf("check: %+v", rep)
	}
}

// Check with repair removes what the store does not hold and restores
// what the index lacks.
func TestCheckRepairs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openWriter(t, dir)
	docs := makeDocs("doc", 3, 3)
	storeOnly(t, w, docs)
	if err := w.Heal(ctx); err != nil {
		t.Fatal(err)
	}
	// Damage: a document only the index knows, and one it lost.
	err := w.updateIndex(ctx, func(ix *index.Index) error {
		if err := ix.IndexDocuments(ctx, makeDocs("ghost", 1, 2)); err != nil {
			return err
		}
		return ix.DeleteDocuments(ctx, []string{docs[0].ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := w.Check(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Extra) != 1 || len(rep.Missing) != 1 || !rep.Repaired {
		t.Fatalf("check of a damaged index: %+v", rep)
	}
	agree(t, w)
}

// A heal interrupted between two batches leaves the rest unindexed and
// nothing inconsistent; the next writer finishes it.
func TestInterruptedHealIsFinishedByTheNextWriter(t *testing.T) {
	dir := t.TempDir()
	w := healedWriter(t, dir, makeDocs("seed", 1, 10))
	storeOnly(t, w, makeDocs("backlog", 100, 100))
	r := openReader(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	healed := make(chan error, 1)
	go func() { healed <- w.Heal(ctx) }()
	// Interrupt once the first batch of the backlog is searchable.
	for {
		if n := indexed(t, r); n > 10 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-healed; !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted heal: %v, want context.Canceled", err)
	}
	left, err := w.Store.Unindexed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(left) == 0 {
		t.Fatal("the heal finished before it was interrupted; nothing was tested")
	}
	w.Close()
	w = openWriter(t, dir)
	if n := indexed(t, w); n != 10010 {
		t.Fatalf("after the next writer healed: %d passages, want 10010", n)
	}
	agree(t, w)
}
