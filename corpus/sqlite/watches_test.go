package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// A version-3 store (a store of today with the watch tables taken out and
// its version set back, as normtag wrote it before watches) is upgraded
// by a writer: its documents are intact and watches can be stored; a
// reader refuses it until then.
func TestUpgradeFromVersion3AddsWatches(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "corpus.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE watch_matches`, `DROP TABLE watch_pending`, `DROP TABLE watches`,
		`UPDATE settings SET value = '3' WHERE key = 'schema_version'`} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if _, err := OpenReadOnly(ctx, path); err == nil {
		t.Fatal("a reader opened a version-3 store")
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.storedVersion(ctx); err != nil || v != schemaVersion {
		t.Fatalf("version after upgrade: %d, %v", v, err)
	}
	doc, err := s.Document(ctx, "aa", 0)
	if err != nil || doc.Title != "Report aa" {
		t.Fatalf("document after upgrade: %+v, %v", doc, err)
	}
	ps, err := s.Passages(ctx, "aa")
	if err != nil || len(ps) != 3 || ps[2].Text != "Report vulnerabilities." {
		t.Fatalf("passages after upgrade: %+v, %v", ps, err)
	}
	if err := s.AddWatch(ctx, Watch{Name: "w", Request: `{}`, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if ws, err := s.Watches(ctx); err != nil || len(ws) != 1 {
		t.Fatalf("watches after upgrade: %+v, %v", ws, err)
	}
}

// Matches go with their passages (a deleted document takes its matches
// along) and their watch; recording the same match twice keeps one;
// pending rows of documents never stored are dropped, those of documents
// not yet indexed kept.
func TestWatchMatchesLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, id := range []string{"aa", "bb"} {
		if _, err := s.PutDocument(ctx, testDoc(id, "/in/"+id+".txt")); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"one", "two"} {
		if err := s.AddWatch(ctx, Watch{Name: name, Request: `{}`, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddWatch(ctx, Watch{Name: "one", Request: `{}`}); !errors.Is(err, ErrWatchExists) {
		t.Fatalf("duplicate watch: %v", err)
	}
	if err := s.AddWatchPending(ctx, map[string][]int{"aa": {1, 2}, "bb": {0}, "never-stored": {0}}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.WatchPending(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending of unindexed documents listed: %v, %v", p, err)
	}
	if err := s.MarkIndexed(ctx, []string{"aa", "bb"}, true); err != nil {
		t.Fatal(err)
	}
	p, err := s.WatchPending(ctx)
	if err != nil || len(p) != 2 || len(p["aa"]) != 2 {
		t.Fatalf("pending: %v, %v", p, err)
	}
	t1 := time.Unix(1800000000, 0)
	ms := []WatchMatch{{"one", "aa", 1, t1}, {"one", "aa", 2, t1}, {"one", "bb", 0, t1}, {"two", "bb", 0, t1}}
	added, err := s.FinishWatchPending(ctx, append(ms, ms[0]), []string{"aa", "bb"})
	if err != nil || added["one"] != 3 || added["two"] != 1 {
		t.Fatalf("finish: %v, %v", added, err)
	}
	var left int
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM watch_pending`).Scan(&left)
	if left != 0 {
		t.Errorf("%d pending rows left", left)
	}
	if again, err := s.FinishWatchPending(ctx, ms, nil); err != nil || len(again) != 0 {
		t.Errorf("recording again: %v, %v; want nothing new", again, err)
	}
	if got, err := s.WatchMatches(ctx, "one", t1.Add(-time.Second), 0, 0); err != nil || len(got) != 3 {
		t.Errorf("matches since before: %v, %v", got, err)
	}
	if got, err := s.WatchMatches(ctx, "one", t1, 1, 0); err != nil || len(got) != 2 {
		t.Errorf("matches since their time after the first: %v, %v; want two (since is inclusive)", got, err)
	}
	if got, err := s.WatchMatches(ctx, "one", t1.Add(time.Nanosecond), 0, 0); err != nil || len(got) != 0 {
		t.Errorf("matches since after their time: %v, %v; want none", got, err)
	}
	if _, err := s.WatchMatches(ctx, "nope", time.Time{}, 0, 0); !errors.Is(err, ErrNoWatch) {
		t.Errorf("unknown watch: %v", err)
	}
	if err := s.DeleteDocument(ctx, "aa"); err != nil {
		t.Fatal(err)
	}
	counts, err := s.WatchMatchCounts(ctx, time.Time{})
	if err != nil || counts["one"] != 1 || counts["two"] != 1 {
		t.Errorf("counts after deleting aa: %v, %v", counts, err)
	}
	if err := s.RemoveWatch(ctx, "two"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM watch_matches WHERE watch = 'two'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("matches of a removed watch: %d, %v", n, err)
	}
	if err := s.RemoveWatch(ctx, "two"); !errors.Is(err, ErrNoWatch) {
		t.Errorf("removing again: %v", err)
	}
}
