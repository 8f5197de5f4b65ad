package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// schemaV1 is the schema of version 1 stores, as normtag wrote them
// before passage kinds: the fixture the upgrade to version 2 starts from.
const schemaV1 = `
CREATE TABLE IF NOT EXISTS documents (
	id            TEXT PRIMARY KEY,
	file_name     TEXT NOT NULL,
	title         TEXT NOT NULL,
	format        TEXT NOT NULL,
	size          INTEGER NOT NULL,
	mod_time      INTEGER NOT NULL,
	meta          TEXT NOT NULL DEFAULT '{}',
	page_count    INTEGER NOT NULL,
	rules_version TEXT NOT NULL,
	ingested_at   INTEGER NOT NULL,
	indexed       INTEGER NOT NULL DEFAULT 0,
	near_dup_of   TEXT NOT NULL DEFAULT '',
	signature     BLOB
);
CREATE INDEX IF NOT EXISTS documents_unindexed ON documents(indexed) WHERE indexed = 0;
CREATE TABLE IF NOT EXISTS paths (
	path     TEXT PRIMARY KEY,
	doc_id   TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	size     INTEGER NOT NULL,
	mtime_ns INTEGER NOT NULL,
	seen_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS paths_doc ON paths(doc_id);
CREATE TABLE IF NOT EXISTS pages (
	doc_id   TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	number   INTEGER NOT NULL,
	text     TEXT NOT NULL,
	headings TEXT NOT NULL DEFAULT '[]',
	PRIMARY KEY (doc_id, number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS passages (
	doc_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	page    INTEGER NOT NULL,
	start   INTEGER NOT NULL,
	"end"   INTEGER NOT NULL,
	heading INTEGER NOT NULL,
	level   INTEGER NOT NULL,
	text    TEXT NOT NULL,
	PRIMARY KEY (doc_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tags (
	doc_id    TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	norm      TEXT NOT NULL,
	rank      INTEGER NOT NULL,
	score     REAL NOT NULL,
	inherited INTEGER NOT NULL,
	evidence  TEXT NOT NULL,
	PRIMARY KEY (doc_id, seq, norm),
	FOREIGN KEY (doc_id, seq) REFERENCES passages(doc_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_norm ON tags(norm);
CREATE TABLE IF NOT EXISTS failures (
	path     TEXT PRIMARY KEY,
	doc_id   TEXT NOT NULL,
	reason   TEXT NOT NULL,
	detail   TEXT NOT NULL,
	at       INTEGER NOT NULL,
	size     INTEGER NOT NULL DEFAULT 0,
	mtime_ns INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS index_deletes (
	doc_id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS unindexable (
	doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
	reason TEXT NOT NULL,
	at     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`

// A version-1 store (built here with the version-1 schema) is upgraded
// by a writer: its documents, pages, passages and tags are intact, its
// headings become heading passages, everything else body, every passage
// on one page; a reader then opens it and new passages keep their kinds.
func TestUpgradeFromVersion1KeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "corpus.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		schemaV1,
		`INSERT INTO settings(key, value) VALUES('schema_version', '1'), ('store_id', 'old')`,
		`INSERT INTO documents(id, file_name, title, format, size, mod_time, page_count, rules_version, ingested_at)
			VALUES('aa', 'a.txt', 'Report aa', 'text', 10, 0, 2, 'v1', 1)`,
		`INSERT INTO paths(path, doc_id, size, mtime_ns, seen_at) VALUES('/in/a.txt', 'aa', 10, 0, 1)`,
		`INSERT INTO pages(doc_id, number, text, headings) VALUES('aa', 1, 'Norm 7` + "\n\n" + `Protect infrastructure.', '[{"start":0,"end":6,"level":2}]'),
			('aa', 2, 'Report vulnerabilities.', '[]')`,
		`INSERT INTO passages(doc_id, seq, page, start, "end", heading, level, text) VALUES
			('aa', 0, 1, 0, 6, 1, 2, 'Norm 7'), ('aa', 1, 1, 8, 31, 0, 0, 'Protect infrastructure.'), ('aa', 2, 2, 0, 23, 0, 0, 'Report vulnerabilities.')`,
		`INSERT INTO tags(doc_id, seq, norm, rank, score, inherited, evidence) VALUES
			('aa', 0, 'g', 0, 1, 0, '[]'), ('aa', 1, 'g', 0, 0.6, 1, '[{"rule":"section","match":"Norm 7","start":0,"end":6}]'), ('aa', 2, 'j', 0, 0.8, 0, '[]')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("build version-1 store: %v\n%s", err, q)
		}
	}
	raw.Close()

	if _, err := OpenReadOnly(ctx, path); err == nil {
		t.Fatal("a reader opened a version-1 store it cannot read")
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade version-1 store: %v", err)
	}
	if v, err := s.storedVersion(ctx); err != nil || v != schemaVersion {
		t.Fatalf("version after upgrade: %d, %v", v, err)
	}
	if id, err := s.ID(ctx); err != nil || id != "old" {
		t.Fatalf("store id after upgrade: %q, %v", id, err)
	}
	doc, err := s.Document(ctx, "aa", corpus.WithAll)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Path != "/in/a.txt" || doc.Title != "Report aa" || len(doc.Pages) != 2 || len(doc.Pages[0].Headings) != 1 || doc.Pages[0].Notes != nil {
		t.Fatalf("document after upgrade: %+v", doc)
	}
	wantKinds := []corpus.Kind{corpus.KindHeading, corpus.KindBody, corpus.KindBody}
	if len(doc.Passages) != 3 {
		t.Fatalf("%d passages after upgrade, want 3", len(doc.Passages))
	}
	for i, p := range doc.Passages {
		if p.Kind != wantKinds[i] || p.Heading != (i == 0) || p.PageEnd != p.Page || p.Pieces != nil || p.HeadingPath != nil {
			t.Errorf("passage %d after upgrade: %+v", i, p)
		}
		if len(p.Tags) != 1 {
			t.Errorf("passage %d has %d tags after upgrade, want 1", i, len(p.Tags))
		}
	}
	if tg := doc.Passages[1].Tags[0]; !tg.Inherited || tg.Norm != "g" || tg.Evidence[0].Match != "Norm 7" {
		t.Errorf("inherited tag after upgrade: %+v", tg)
	}

	// A passage stored after the upgrade keeps its kind, path and pieces.
	nd := testDoc("bb", "/in/b.txt")
	nd.Passages[2].Kind = corpus.KindNote
	nd.Passages[1].HeadingPath = []string{"Norm 7"}
	nd.Passages[1].PageEnd = 2
	nd.Passages[1].Pieces = []corpus.Piece{{Page: 1, Start: 8, End: 31}, {Page: 2, Start: 0, End: 6}}
	nd.Pages[1].Notes = []corpus.Span{{Start: 0, End: 23}}
	if _, err := s.PutDocument(ctx, nd); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("read upgraded store: %v", err)
	}
	defer r.Close()
	got, err := r.Document(ctx, "bb", corpus.WithAll)
	if err != nil {
		t.Fatal(err)
	}
	p0, p1, p2 := got.Passages[0], got.Passages[1], got.Passages[2]
	if p0.Kind != corpus.KindHeading || p2.Kind != corpus.KindNote || p2.Heading {
		t.Errorf("kinds read back: %q %q", p0.Kind, p2.Kind)
	}
	if !slices.Equal(p1.HeadingPath, []string{"Norm 7"}) || p1.PageEnd != 2 || !slices.Equal(p1.Pieces, nd.Passages[1].Pieces) || p1.PageCite() != "pp. 1–2" {
		t.Errorf("span read back: %+v", p1)
	}
	if len(got.Pages[1].Notes) != 1 || got.Pages[1].Notes[0].End != 23 {
		t.Errorf("page notes read back: %+v", got.Pages[1].Notes)
	}
}

// Norm counts count body text and headings unless asked for other kinds:
// a note's direct tag and a contents line's are left out by default and
// counted with every kind.
func TestCountsByKind(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	doc := testDoc("aa", "/in/a.txt")
	doc.Passages = append(doc.Passages,
		corpus.Passage{Seq: 3, Page: 2, Kind: corpus.KindNote, Text: "1. See the g report.", Tags: []corpus.Tag{{Norm: "g", Score: 0.7}}},
		corpus.Passage{Seq: 4, Page: 2, Kind: corpus.KindTOC, Text: "Norm 10 ..... 4", Tags: []corpus.Tag{{Norm: "j", Score: 1}}},
	)
	if _, err := s.PutDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	cov, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Coverage(ctx, corpus.Kinds...)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := s.Coverage(ctx, corpus.KindNote)
	if err != nil {
		t.Fatal(err)
	}
	if cov["aa"]["g"] != 2 || cov["aa"]["j"] != 1 || all["aa"]["g"] != 3 || all["aa"]["j"] != 2 || notes["aa"]["g"] != 1 || notes["aa"]["j"] != 0 {
		t.Errorf("coverage: default %v, all %v, notes %v", cov["aa"], all["aa"], notes["aa"])
	}
	body, err := s.BodyCoverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if body["aa"]["g"] != 1 || body["aa"]["j"] != 1 {
		t.Errorf("body coverage %v", body["aa"])
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stAll, err := s.Stats(ctx, corpus.Kinds...)
	if err != nil {
		t.Fatal(err)
	}
	if st.Norms["g"] != 2 || st.DirectNorms["g"] != 1 || stAll.Norms["g"] != 3 || stAll.DirectNorms["j"] != 2 ||
		st.Kinds[corpus.KindNote] != 1 || st.Kinds[corpus.KindBody] != 2 || len(st.CountedKinds) != 2 {
		t.Errorf("stats: default %+v, all %+v", st, stAll)
	}
	co, err := s.Cooccurrence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	coAll, err := s.Cooccurrence(ctx, corpus.Kinds...)
	if err != nil {
		t.Fatal(err)
	}
	if co["j"]["j"] != 1 || coAll["j"]["j"] != 2 {
		t.Errorf("co-occurrence: default %v, all %v", co["j"], coAll["j"])
	}
	if _, err := corpus.ParseKinds("body,gossip"); err == nil || !strings.Contains(err.Error(), `"gossip"`) {
		t.Errorf("an unknown kind: %v", err)
	}
	if k, err := corpus.ParseKinds("note, toc,note"); err != nil || !slices.Equal(k, []corpus.Kind{corpus.KindNote, corpus.KindTOC}) {
		t.Errorf("ParseKinds: %v %v", k, err)
	}
}
