package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

func testDoc(id, path string) *corpus.Document {
	return &corpus.Document{
		ID: id, Path: path, FileName: filepath.Base(path), Title: "Report " + id, Format: corpus.FormatText,
		Size: 10, ModTime: time.Unix(1700000000, 0), Meta: map[string]string{"author": "Examplia"}, PageCount: 2,
		Pages: []corpus.Page{{Number: 1, Text: "Norm 7\n\nProtect infrastructure."}, {Number: 2, Text: "Report vulnerabilities."}},
		Passages: []corpus.Passage{
			{Seq: 0, Page: 1, Start: 0, End: 6, Heading: true, Level: 2, Text: "Norm 7", Tags: []corpus.Tag{{Norm: "g", Score: 1, Evidence: []corpus.Evidence{{Rule: "reference", Match: "Norm 7", End: 6}}}}},
			{Seq: 1, Page: 1, Start: 8, End: 31, Text: "Protect infrastructure.", Tags: []corpus.Tag{{Norm: "g", Score: 0.6, Inherited: true, Evidence: []corpus.Evidence{{Rule: "section", Match: "Norm 7"}}}}},
			{Seq: 2, Page: 2, Start: 0, End: 23, Text: "Report vulnerabilities.", Tags: []corpus.Tag{{Norm: "j", Score: 0.8}, {Norm: "i", Score: 0.3}}},
		},
		RulesVersion: "v1",
	}
}

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "corpus.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	in := testDoc("aa", "/in/a.txt")
	res, err := s.PutDocument(ctx, in)
	if err != nil || !res.Added {
		t.Fatalf("put: %v %+v", err, res)
	}
	got, err := s.Document(ctx, "aa", corpus.WithAll)
	if err != nil {
		t.Fatal(err)
	}
	if got.Path != "/in/a.txt" || got.Title != in.Title || got.Meta["author"] != "Examplia" || len(got.Pages) != 2 || len(got.Passages) != 3 {
		t.Fatalf("round trip lost data: %+v", got)
	}
	if p := got.Passages[2]; len(p.Tags) != 2 || p.Tags[0].Norm != "j" || p.Tags[1].Norm != "i" {
		t.Fatalf("tag order lost: %+v", p.Tags)
	}
	if p := got.Passages[1]; !p.Tags[0].Inherited || p.Tags[0].Evidence[0].Rule != "section" {
		t.Fatalf("inherited tag lost: %+v", p.Tags)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 1 || st.Pages != 2 || st.Passages != 3 || st.Norms["g"] != 2 || st.DirectNorms["g"] != 1 || st.Norms["j"] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestStoreSameBytesTwoPaths(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	res, err := s.PutDocument(ctx, testDoc("aa", "/in/copy.txt"))
	if err != nil || res.Added {
		t.Fatalf("second put of same bytes must not add: %v %+v", err, res)
	}
	paths, _ := s.Paths(ctx)
	st, _ := s.Stats(ctx)
	if len(paths) != 2 || st.Documents != 1 || st.Passages != 3 {
		t.Fatalf("paths %v stats %+v", paths, st)
	}
	if removed, _ := s.RemovePath(ctx, "/in/a.txt"); removed != "" {
		t.Fatal("document removed while another path holds it")
	}
	if removed, _ := s.RemovePath(ctx, "/in/copy.txt"); removed != "aa" {
		t.Fatal("last path removed but document kept")
	}
	if _, err := s.Document(ctx, "aa", 0); !errors.Is(err, corpus.ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	if st, _ := s.Stats(ctx); st.Passages != 0 || st.Norms["g"] != 0 {
		t.Fatalf("cascade failed: %+v", st)
	}
	if pend, _ := s.PendingIndexDeletes(ctx); len(pend) != 1 || pend[0] != "aa" {
		t.Fatalf("index delete not queued: %v", pend)
	}
}

func TestStoreChangedFileReplacesOldVersion(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.PutDocument(ctx, testDoc("aa", "/in/a.txt"))
	res, err := s.PutDocument(ctx, testDoc("bb", "/in/a.txt"))
	if err != nil || !res.Added || len(res.Removed) != 1 || res.Removed[0] != "aa" {
		t.Fatalf("%v %+v", err, res)
	}
	ids, _ := s.DocumentIDs(ctx)
	if len(ids) != 1 || ids[0] != "bb" {
		t.Fatalf("ids %v", ids)
	}
}

func TestStoreFailuresClearedBySuccess(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.RecordFailure(ctx, corpus.Failure{Path: "/in/a.txt", Reason: corpus.ReasonMalformed, Detail: "bad xref"})
	s.RecordFailure(ctx, corpus.Failure{Path: "/in/b.pdf", Reason: corpus.ReasonEncrypted, Detail: "password"})
	if st, _ := s.Stats(ctx); st.Failed[corpus.ReasonMalformed] != 1 || st.Failed[corpus.ReasonEncrypted] != 1 {
		t.Fatalf("%+v", st)
	}
	s.PutDocument(ctx, testDoc("aa", "/in/a.txt"))
	fs, _ := s.Failures(ctx)
	if len(fs) != 1 || fs[0].Path != "/in/b.pdf" {
		t.Fatalf("failures %+v", fs)
	}
}

func TestStoreIndexedFlagsAndRetag(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.PutDocument(ctx, testDoc("aa", "/in/a.txt"))
	if u, _ := s.Unindexed(ctx); len(u) != 1 {
		t.Fatalf("new document must be unindexed: %v", u)
	}
	s.MarkIndexed(ctx, []string{"aa"}, true)
	if u, _ := s.Unindexed(ctx); len(u) != 0 {
		t.Fatalf("unindexed %v", u)
	}
	d, _ := s.Document(ctx, "aa", corpus.WithPassages)
	for i := range d.Passages {
		d.Passages[i].Tags = []corpus.Tag{{Norm: "k", Score: 0.9}}
	}
	if err := s.ReplaceTags(ctx, "aa", d.Passages, "v2"); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(ctx)
	if st.Norms["k"] != 3 || st.Norms["g"] != 0 || st.RulesVersions["v2"] != 1 {
		t.Fatalf("%+v", st)
	}
	if u, _ := s.Unindexed(ctx); len(u) != 1 {
		t.Fatal("retag must mark the document for reindexing")
	}
}

func TestStoreConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := string(rune('a'+i)) + "x"
			_, err := s.PutDocument(ctx, testDoc(id, "/in/"+id))
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := s.Stats(ctx); st.Documents != 20 || st.Passages != 60 {
		t.Fatalf("%+v", st)
	}
}

func TestStoreSetMeta(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.PutDocument(ctx, testDoc("aa", "/in/a.txt"))
	s.MarkIndexed(ctx, []string{"aa"}, true)
	if err := s.SetMeta(ctx, "aa", map[string]string{"Submitter": "Examplia", "title": "National report", "author": ""}); err != nil {
		t.Fatal(err)
	}
	d, _ := s.Document(ctx, "aa", 0)
	if d.Title != "National report" || d.Meta["submitter"] != "Examplia" || d.Meta["author"] != "" {
		t.Fatalf("%+v", d)
	}
}

func TestCoverageAndCooccurrence(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.PutDocument(ctx, testDoc("aa", "/in/a.txt"))
	cov, err := s.Coverage(ctx)
	if err != nil || cov["aa"]["g"] != 2 || cov["aa"]["j"] != 1 {
		t.Fatalf("%v %v", cov, err)
	}
	co, err := s.Cooccurrence(ctx)
	if err != nil || co["i"]["j"] != 1 || co["j"]["i"] != 1 || co["g"]["g"] != 2 || co["g"]["j"] != 0 {
		t.Fatalf("%v %v", co, err)
	}
}

// Documents stored as a group: the same bytes twice in one group add one
// document with two paths, and a group with a failing document stores
// nothing of it.
func TestStorePutDocumentsGroup(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	res, err := s.PutDocuments(ctx, []*corpus.Document{testDoc("aa", "/in/a.txt"), testDoc("bb", "/in/b.txt"), testDoc("aa", "/in/copy.txt")})
	if err != nil || !res[0].Added || !res[1].Added || res[2].Added {
		t.Fatalf("%v %+v", err, res)
	}
	paths, _ := s.Paths(ctx)
	st, _ := s.Stats(ctx)
	if len(paths) != 3 || st.Documents != 2 {
		t.Fatalf("paths %v stats %+v", paths, st)
	}
	bad := testDoc("cc", "/in/c.txt")
	bad.Passages = append(bad.Passages, bad.Passages[0]) // same passage number twice
	if _, err := s.PutDocuments(ctx, []*corpus.Document{testDoc("dd", "/in/d.txt"), bad}); err == nil {
		t.Fatal("a group with a broken document was stored")
	}
	if st, _ := s.Stats(ctx); st.Documents != 2 {
		t.Fatalf("part of a failed group was stored: %+v", st)
	}
}

// TestBodyCoverageLeavesOutHeadings: the heading tagged (g) and the
// passage under it that inherits (g) count twice in Coverage, once in
// BodyCoverage; body passages' own norms count the same in both.
func TestBodyCoverageLeavesOutHeadings(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	all, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	body, err := s.BodyCoverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if all["aa"]["g"] != 2 || all["aa"]["j"] != 1 {
		t.Errorf("coverage %v", all)
	}
	if want := map[string]int{"g": 1, "i": 1, "j": 1}; !maps.Equal(body["aa"], want) {
		t.Errorf("body coverage %v, want %v", body["aa"], want)
	}
}

// A store written by a newer normtag is refused by name, not opened and
// half understood; reopening a current store keeps its version and data.
func TestSchemaVersionIsCheckedOnOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "corpus.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	doc := testDoc("v", "/in/a.txt")
	if _, err := s.PutDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE settings SET value=? WHERE key='schema_version'`, fmt.Sprint(schemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer normtag") {
		t.Fatalf("opening a newer store: got %v, want an error asking for a newer normtag", err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE settings SET value=? WHERE key='schema_version'`, fmt.Sprint(schemaVersion)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.storedVersion(ctx); err != nil || v != schemaVersion {
		t.Fatalf("version after reopening: %d, %v", v, err)
	}
	if _, err := s.Document(ctx, doc.ID, 0); err != nil {
		t.Fatalf("document lost on reopening: %v", err)
	}
}
