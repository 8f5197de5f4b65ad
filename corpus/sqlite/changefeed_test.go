package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

func feedKeys(t *testing.T, s *Store) []string {
	t.Helper()
	es, err := s.PendingChanges(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range es {
		keys = append(keys, e.Key)
	}
	return keys
}

func sendAll(t *testing.T, s *Store) {
	t.Helper()
	es, err := s.PendingChanges(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangesSent(context.Background(), es); err != nil {
		t.Fatal(err)
	}
}

// The feed is off until enabled; enabling queues the whole corpus once;
// every kind of write then queues what it changed, and marking documents
// indexed queues nothing.
func TestChangeFeedRecordsEveryWriter(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	if k := feedKeys(t, s); len(k) != 0 {
		t.Fatalf("feed off but queued %v", k)
	}
	first, err := s.EnableChangeFeed(ctx)
	if err != nil || !first {
		t.Fatalf("enable: %v %v", first, err)
	}
	if k := feedKeys(t, s); !slices.Equal(k, []string{"aa", FailuresKey}) {
		t.Fatalf("enabling queued %v", k)
	}
	if again, err := s.EnableChangeFeed(ctx); err != nil || again {
		t.Fatalf("second enable: %v %v", again, err)
	}
	sendAll(t, s)

	steps := []struct {
		what string
		do   func() error
		want []string
	}{
		{"put", func() error { _, err := s.PutDocument(ctx, testDoc("bb", "/in/b.txt")); return err }, []string{"bb"}},
		{"mark indexed", func() error { return s.MarkIndexed(ctx, []string{"aa", "bb"}, true) }, nil},
		{"retag", func() error {
			return s.ReplaceTags(ctx, "aa", testDoc("aa", "").Passages, "v2")
		}, []string{"aa"}},
		{"rules version", func() error { return s.SetRulesVersion(ctx, []string{"bb"}, "v2") }, []string{"bb"}},
		{"judge", func() error {
			_, err := s.Judge(ctx, corpus.Judgement{DocID: "bb", Seq: 2, Norm: "j", Verdict: corpus.Reject, By: "ana"})
			return err
		}, []string{"bb"}},
		{"meta", func() error { return s.SetMeta(ctx, "aa", map[string]string{"country": "Examplia"}) }, []string{"aa"}},
		{"second path", func() error {
			_, err := s.TouchPath(ctx, corpus.PathInfo{Path: "/in/copy.txt", DocID: "aa", Size: 10, MTime: time.Unix(1, 0)})
			return err
		}, []string{"aa"}},
		{"failure", func() error {
			return s.RecordFailure(ctx, corpus.Failure{Path: "/in/bad.pdf", Reason: corpus.ReasonUnreadable, Detail: "broken"})
		}, []string{FailuresKey}},
		{"remove path", func() error { _, err := s.RemovePath(ctx, "/in/b.txt"); return err }, []string{"bb"}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		if k := feedKeys(t, s); !slices.Equal(k, st.want) {
			t.Fatalf("%s queued %v, want %v", st.what, k, st.want)
		}
		sendAll(t, s)
	}
	if ok, _ := s.HasDocument(ctx, "bb"); ok {
		t.Fatal("bb should be gone with its only path")
	}
	if st, err := s.DocumentState(ctx, "bb"); err != nil || st != nil {
		t.Fatalf("state of a deleted document: %+v %v", st, err)
	}
}

// An entry changed again after it was read stays in the feed when the
// old one is marked sent.
func TestChangeFeedKeepsWhatChangedAgain(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.EnableChangeFeed(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	read, err := s.PendingChanges(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetRulesVersion(ctx, []string{"aa"}, "v9"); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangesSent(ctx, read); err != nil {
		t.Fatal(err)
	}
	if k := feedKeys(t, s); !slices.Contains(k, "aa") {
		t.Fatalf("the second change of aa was dropped: %v", k)
	}
}

// A replica that applies every document's state and the failures holds
// what the source holds: the same stats, documents, passages, tags,
// paths and judgements; a deletion applies; another corpus is refused.
func TestApplyReplicatedCopiesTheCorpus(t *testing.T) {
	ctx := context.Background()
	src, dst := openTest(t), openTest(t)
	for _, d := range []*corpus.Document{testDoc("aa", "/in/a.txt"), testDoc("bb", "/in/b.txt"), testDoc("cc", "/in/c.txt")} {
		if _, err := src.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := src.TouchPath(ctx, corpus.PathInfo{Path: "/in/a-copy.txt", DocID: "aa", Size: 10, MTime: time.Unix(5, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Judge(ctx, corpus.Judgement{DocID: "bb", Seq: 2, Norm: "j", Verdict: corpus.Reject, By: "ana"}); err != nil {
		t.Fatal(err)
	}
	if err := src.RecordFailure(ctx, corpus.Failure{Path: "/in/bad.pdf", Reason: corpus.ReasonUnreadable, Detail: "broken", ModTime: time.Unix(9, 0)}); err != nil {
		t.Fatal(err)
	}
	srcID, _ := src.ID(ctx)
	apply := func(ids ...string) {
		t.Helper()
		b := ReplicaBatch{Source: srcID, Cursor: "test_cursor", CursorValue: "7"}
		for _, id := range ids {
			st, err := src.DocumentState(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			b.Docs = append(b.Docs, Replicated{ID: id, State: st})
		}
		fs, err := src.Failures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b.Failures = &fs
		if err := dst.ApplyReplicated(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	apply("aa", "bb", "cc")
	apply("aa", "bb") // again: idempotent
	same := func() {
		t.Helper()
		for _, f := range []func(*Store) (any, error){
			func(s *Store) (any, error) { return s.Stats(ctx) },
			func(s *Store) (any, error) { return s.Paths(ctx) },
			func(s *Store) (any, error) { return s.Failures(ctx) },
			func(s *Store) (any, error) { return s.Judgements(ctx, "") },
			func(s *Store) (any, error) { return s.Documents(ctx) },
			func(s *Store) (any, error) { return s.Signatures(ctx) },
		} {
			a, err := f(src)
			if err != nil {
				t.Fatal(err)
			}
			b, err := f(dst)
			if err != nil {
				t.Fatal(err)
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if string(ja) != string(jb) {
				t.Fatalf("replica differs:\nsource  %s\nreplica %s", ja, jb)
			}
		}
		ids, _ := src.DocumentIDs(ctx)
		for _, id := range ids {
			a, _ := src.Passages(ctx, id)
			b, _ := dst.Passages(ctx, id)
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if string(ja) != string(jb) {
				t.Fatalf("passages of %s differ:\nsource  %s\nreplica %s", id, ja, jb)
			}
		}
	}
	same()
	if un, _ := dst.Unindexed(ctx); len(un) != 3 {
		t.Fatalf("applied documents should wait for the index: %v", un)
	}
	if _, err := src.RemovePath(ctx, "/in/c.txt"); err != nil {
		t.Fatal(err)
	}
	apply("cc")
	same()
	if dels, _ := dst.PendingIndexDeletes(ctx); !slices.Equal(dels, []string{"cc"}) {
		t.Fatalf("deletion not queued for the index: %v", dels)
	}
	if v, _ := dst.Settings(ctx, "test_cursor"); v["test_cursor"] != "7" {
		t.Fatalf("cursor not recorded: %v", v)
	}
	if of, err := dst.ReplicaOf(ctx); err != nil || of != srcID {
		t.Fatalf("replica of %q, %v", of, err)
	}
	err := dst.ApplyReplicated(ctx, ReplicaBatch{Source: "another"})
	if !errors.Is(err, ErrOtherSource) {
		t.Fatalf("a batch from another corpus: %v", err)
	}
}

// A version-4 store (the change feed's table and triggers removed) is
// upgraded with its data intact and the feed off.
func TestUpgradeFromVersion4AddsChangeFeed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "corpus.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'feed_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var drops []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		drops = append(drops, `DROP TRIGGER `+n)
	}
	rows.Close()
	if len(drops) < 10 {
		t.Fatalf("only %d feed triggers", len(drops))
	}
	for _, q := range append(drops, `DROP TABLE change_feed`, `UPDATE settings SET value = '4' WHERE key = 'schema_version'`) {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if _, err := OpenReadOnly(ctx, path); err == nil {
		t.Fatal("a reader opened a version-4 store")
	}
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.storedVersion(ctx); err != nil || v != schemaVersion {
		t.Fatalf("version after upgrade: %d, %v", v, err)
	}
	if ps, err := s.Passages(ctx, "aa"); err != nil || len(ps) != 3 {
		t.Fatalf("passages after upgrade: %+v, %v", ps, err)
	}
	if k := feedKeys(t, s); len(k) != 0 {
		t.Fatalf("feed on after upgrade: %v", k)
	}
	if _, err := s.EnableChangeFeed(ctx); err != nil {
		t.Fatal(err)
	}
	if k := feedKeys(t, s); !slices.Equal(k, []string{"aa", FailuresKey}) {
		t.Fatalf("feed after enabling: %v", k)
	}
}
