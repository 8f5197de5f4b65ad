// Package sqlite is the SQLite system of record of a corpus: documents, paths,
// pages, passages, tags and failures.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/normtag/normtag/corpus"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"
)

// schemaVersion is bumped whenever the schema below changes shape.
const schemaVersion = 1

const schema = `
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
CREATE TABLE IF NOT EXISTS settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`

// Store is the SQLite system of record: documents, their paths, pages,
// passages and tags, and the failures of past runs. It is safe for
// concurrent use; SQLite in WAL mode lets readers proceed while one
// writer commits.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens or creates the store at path.
func Open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(30000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key='schema_version'`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = s.db.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES('schema_version', ?)`, fmt.Sprint(schemaVersion))
		return err
	case err != nil:
		return err
	case v != fmt.Sprint(schemaVersion):
		return fmt.Errorf("store has schema version %s, this normtag understands %d", v, schemaVersion)
	}
	return nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Path is the store's file name.
func (s *Store) Path() string { return s.path }

// PutDocument stores doc — pages, passages and tags — in one transaction,
// so a document is either fully stored or absent. doc.Path is recorded as
// one of its paths.
func (s *Store) PutDocument(ctx context.Context, doc *corpus.Document) (corpus.PutResult, error) {
	res, err := s.PutDocuments(ctx, []*corpus.Document{doc})
	if err != nil {
		return corpus.PutResult{}, err
	}
	return res[0], nil
}

// PutDocuments stores several documents in one transaction, each as
// PutDocument would: a commit costs far more than a small document's
// rows, so a writer with many documents ready groups them. The group is
// stored whole or not at all, so each document still is either complete
// or absent.
func (s *Store) PutDocuments(ctx context.Context, docs []*corpus.Document) ([]corpus.PutResult, error) {
	res := make([]corpus.PutResult, len(docs))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for i, doc := range docs {
			r, err := putDocument(ctx, tx, doc)
			if err != nil {
				return fmt.Errorf("store document %s (%s): %w", doc.ID, doc.Path, err)
			}
			res[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func putDocument(ctx context.Context, tx *sql.Tx, doc *corpus.Document) (corpus.PutResult, error) {
	var res corpus.PutResult
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, doc.ID).Scan(&exists); err != nil {
		return res, err
	}
	if exists == 0 {
		if err := insertDocument(ctx, tx, doc); err != nil {
			return res, err
		}
		res.Added = true
	}
	if doc.Path == "" {
		return res, nil
	}
	removed, err := setPath(ctx, tx, corpus.PathInfo{Path: doc.Path, DocID: doc.ID, Size: doc.Size, MTime: doc.ModTime})
	res.Removed = removed
	return res, err
}

func insertDocument(ctx context.Context, tx *sql.Tx, doc *corpus.Document) error {
	meta, err := json.Marshal(doc.Meta)
	if err != nil {
		return err
	}
	if doc.Meta == nil {
		meta = []byte("{}")
	}
	ingested := doc.IngestedAt
	if ingested.IsZero() {
		ingested = time.Now()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO documents(id, file_name, title, format, size, mod_time, meta, page_count, rules_version, ingested_at, near_dup_of, signature)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`,
		doc.ID, doc.FileName, doc.Title, string(doc.Format), doc.Size, doc.ModTime.UnixNano(), string(meta), doc.PageCount, doc.RulesVersion, ingested.UnixNano(),
		doc.NearDuplicateOf, encodeSignature(doc.Signature)); err != nil {
		return fmt.Errorf("insert document: %w", err)
	}
	pageStmt, err := tx.PrepareContext(ctx, `INSERT INTO pages(doc_id, number, text, headings) VALUES(?,?,?,?)`)
	if err != nil {
		return err
	}
	defer pageStmt.Close()
	for _, p := range doc.Pages {
		h, _ := json.Marshal(p.Headings)
		if p.Headings == nil {
			h = []byte("[]")
		}
		if _, err := pageStmt.ExecContext(ctx, doc.ID, p.Number, p.Text, string(h)); err != nil {
			return fmt.Errorf("insert page %d: %w", p.Number, err)
		}
	}
	return insertPassages(ctx, tx, doc.ID, doc.Passages)
}

func insertPassages(ctx context.Context, tx *sql.Tx, docID string, passages []corpus.Passage) error {
	psStmt, err := tx.PrepareContext(ctx, `INSERT INTO passages(doc_id, seq, page, start, "end", heading, level, text) VALUES(?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer psStmt.Close()
	for _, p := range passages {
		if _, err := psStmt.ExecContext(ctx, docID, p.Seq, p.Page, p.Start, p.End, boolInt(p.Heading), p.Level, p.Text); err != nil {
			return fmt.Errorf("insert passage %d: %w", p.Seq, err)
		}
	}
	return insertTags(ctx, tx, docID, passages)
}

func insertTags(ctx context.Context, tx *sql.Tx, docID string, passages []corpus.Passage) error {
	tagStmt, err := tx.PrepareContext(ctx, `INSERT INTO tags(doc_id, seq, norm, rank, score, inherited, evidence) VALUES(?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer tagStmt.Close()
	for _, p := range passages {
		for rank, t := range p.Tags {
			ev, err := json.Marshal(t.Evidence)
			if err != nil {
				return err
			}
			if _, err := tagStmt.ExecContext(ctx, docID, p.Seq, t.Norm, rank, t.Score, boolInt(t.Inherited), string(ev)); err != nil {
				return fmt.Errorf("insert tag %s of passage %d: %w", t.Norm, p.Seq, err)
			}
		}
	}
	return nil
}

// setPath points a path at a document. If the path held another document
// that no other path holds any more, that document is deleted (its file
// changed) and returned.
func setPath(ctx context.Context, tx *sql.Tx, pi corpus.PathInfo) ([]string, error) {
	var old string
	err := tx.QueryRowContext(ctx, `SELECT doc_id FROM paths WHERE path = ?`, pi.Path).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO paths(path, doc_id, size, mtime_ns, seen_at) VALUES(?,?,?,?,?)
		ON CONFLICT(path) DO UPDATE SET doc_id=excluded.doc_id, size=excluded.size, mtime_ns=excluded.mtime_ns, seen_at=excluded.seen_at`,
		pi.Path, pi.DocID, pi.Size, pi.MTime.UnixNano(), time.Now().UnixNano()); err != nil {
		return nil, fmt.Errorf("record path: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM failures WHERE path = ?`, pi.Path); err != nil {
		return nil, err
	}
	if old == "" || old == pi.DocID {
		return nil, nil
	}
	gone, err := deleteIfOrphan(ctx, tx, old)
	if err != nil || !gone {
		return nil, err
	}
	return []string{old}, nil
}

// deleteIfOrphan deletes a document that no path refers to any more and
// queues its removal from the index.
func deleteIfOrphan(ctx context.Context, tx *sql.Tx, id string) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM paths WHERE doc_id = ?`, id).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	return true, deleteDocument(ctx, tx, id)
}

func deleteDocument(ctx context.Context, tx *sql.Tx, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete document %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO index_deletes(doc_id) VALUES(?)`, id); err != nil {
		return fmt.Errorf("queue index delete of %s: %w", id, err)
	}
	return nil
}

// DeleteDocument removes a document, its paths, pages, passages and tags,
// and queues its removal from the index (see PendingIndexDeletes).
func (s *Store) DeleteDocument(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return deleteDocument(ctx, tx, id) })
}

// RemovePath forgets a path (its file is gone). The document it held is
// deleted when no other path holds it; its id is returned then.
func (s *Store) RemovePath(ctx context.Context, path string) (removed string, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT doc_id FROM paths WHERE path = ?`, path).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.ExecContext(ctx, `DELETE FROM failures WHERE path = ?`, path)
			return err
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM paths WHERE path = ?`, path); err != nil {
			return err
		}
		gone, err := deleteIfOrphan(ctx, tx, id)
		if gone {
			removed = id
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("remove path %s: %w", path, err)
	}
	return removed, nil
}

// LookupPath returns what the store knows of path.
func (s *Store) LookupPath(ctx context.Context, path string) (corpus.PathInfo, bool, error) {
	pi := corpus.PathInfo{Path: path}
	var mt int64
	err := s.db.QueryRowContext(ctx, `SELECT doc_id, size, mtime_ns FROM paths WHERE path = ?`, path).Scan(&pi.DocID, &pi.Size, &mt)
	if errors.Is(err, sql.ErrNoRows) {
		return pi, false, nil
	}
	if err != nil {
		return pi, false, fmt.Errorf("look up path %s: %w", path, err)
	}
	pi.MTime = time.Unix(0, mt)
	return pi, true, nil
}

// Paths lists every recorded path, sorted.
func (s *Store) Paths(ctx context.Context) ([]corpus.PathInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT path, doc_id, size, mtime_ns FROM paths ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("list paths: %w", err)
	}
	defer rows.Close()
	var out []corpus.PathInfo
	for rows.Next() {
		var pi corpus.PathInfo
		var mt int64
		if err := rows.Scan(&pi.Path, &pi.DocID, &pi.Size, &mt); err != nil {
			return nil, err
		}
		pi.MTime = time.Unix(0, mt)
		out = append(out, pi)
	}
	return out, rows.Err()
}

// TouchPath records a path as holding an already stored document, e.g. a
// second copy of the same bytes. Like PutDocument, it deletes the document
// the path held before if nothing else holds it, and returns it.
func (s *Store) TouchPath(ctx context.Context, pi corpus.PathInfo) ([]string, error) {
	var removed []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		removed, err = setPath(ctx, tx, pi)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record path %s: %w", pi.Path, err)
	}
	return removed, nil
}

// HasDocument reports whether a document with this id is stored.
func (s *Store) HasDocument(ctx context.Context, id string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("look up document %s: %w", id, err)
	}
	return n > 0, nil
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func encodeSignature(sig []uint64) []byte {
	if len(sig) == 0 {
		return nil
	}
	out := make([]byte, 8*len(sig))
	for i, v := range sig {
		binary.LittleEndian.PutUint64(out[8*i:], v)
	}
	return out
}

func decodeSignature(b []byte) []uint64 {
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
