package datadir

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// openLogged opens dir for writing with a passage limit, logging to the
// returned buffer.
func openLogged(t *testing.T, dir string, maxPassages int) (*Dir, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	d, err := Open(context.Background(), dir, Options{Write: true, MaxPassages: maxPassages,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("open for write with a document over the limit: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d, &logs
}

// A document stored with more passages than the limit (stored before the
// limit existed) is left out of the index and recorded, once, while the
// documents around it are indexed; no later writer dies on it or tries
// it again until it changes or a repair is asked for.
func TestHealSkipsADocumentOverThePassageLimit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openWriter(t, dir)
	normal := makeDocs("normal", 3, 5)
	big := makeDocs("big", 1, 30)[0]
	big.Path = "/submissions/big.txt"
	storeOnly(t, w, append(normal, big))
	w.Close()

	w, logs := openLogged(t, dir, 10)
	if n := indexed(t, w); n != 15 {
		t.Fatalf("the index holds %d passages, want the 15 of the normal documents", n)
	}
	if !strings.Contains(logs.String(), big.ID) || !strings.Contains(logs.String(), big.Path) {
		t.Fatalf("the skip is not logged with the document's id and path:\n%s", logs)
	}
	u, err := w.Store.Unindexable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(u) != 1 || u[0].ID != big.ID || u[0].Path != big.Path || !strings.Contains(u[0].Reason, "30 passages") {
		t.Fatalf("unindexable documents: %+v, want %s with its 30 passages as reason", u, big.ID)
	}
	st, err := w.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Unindexable != 1 || st.IndexBehind != 0 {
		t.Fatalf("stats: %d unindexable, %d behind; want 1 and 0", st.Unindexable, st.IndexBehind)
	}
	rep, err := w.Check(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || len(rep.Unindexable) != 1 || len(rep.Missing) != 0 {
		t.Fatalf("check: OK %v, unindexable %+v, missing %v; want not OK, the big document alone, none missing", rep.OK(), rep.Unindexable, rep.Missing)
	}
	w.Close()

	w, logs = openLogged(t, dir, 10)
	if strings.Contains(logs.String(), big.ID) {
		t.Fatalf("the second writer tried the document again:\n%s", logs)
	}
	// An explicit repair tries it once more; under the same limit it is
	// left out again, and check still says so.
	rep, err = w.Check(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Repaired || len(rep.Unindexable) != 1 || rep.OK() {
		t.Fatalf("after repair: repaired %v, unindexable %+v", rep.Repaired, rep.Unindexable)
	}
	if !strings.Contains(logs.String(), big.ID) {
		t.Fatalf("the repair did not try the document again:\n%s", logs)
	}
	// A change to the document (here its metadata) makes the next
	// writer try it again; under a higher limit it goes in.
	if err := w.Store.SetMeta(ctx, big.ID, map[string]string{"submitter": "Otherland"}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, _ = openLogged(t, dir, 100)
	if n := indexed(t, w); n != 45 {
		t.Fatalf("after the change the index holds %d passages, want 45", n)
	}
	if rep := agree(t, w); len(rep.Unindexable) != 0 {
		t.Fatalf("still unindexable: %+v", rep.Unindexable)
	}
}

// Rebuilding the index (reindex, check --repair of a damaged index)
// leaves out a document over the limit instead of failing.
func TestRebuildSkipsADocumentOverThePassageLimit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, _ := openLogged(t, dir, 10)
	big := makeDocs("big", 1, 30)[0]
	storeOnly(t, w, append(makeDocs("normal", 3, 5), big))
	if err := w.RebuildIndex(ctx); err != nil {
		t.Fatalf("rebuild with a document over the limit: %v", err)
	}
	if n := indexed(t, w); n != 15 {
		t.Fatalf("the rebuilt index holds %d passages, want 15", n)
	}
	u, err := w.Store.Unindexable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(u) != 1 || u[0].ID != big.ID {
		t.Fatalf("unindexable after rebuild: %+v, want %s", u, big.ID)
	}
	b, err := w.Store.IndexBacklog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b.Behind() || b.Unindexable != 1 {
		t.Fatalf("backlog after rebuild: %+v", b)
	}
}
