// Package sqlite is the SQLite system of record of a corpus: documents, paths,
// pages, passages, tags and failures.
package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	msqlite "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/normtag/normtag/corpus"
)

// schemaVersion is bumped whenever the schema below changes shape.
const schemaVersion = 5

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
	notes    TEXT NOT NULL DEFAULT '[]',
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
	kind         TEXT NOT NULL DEFAULT 'body',
	heading_path TEXT NOT NULL DEFAULT '[]',
	page_end     INTEGER NOT NULL DEFAULT 0,
	pieces       TEXT NOT NULL DEFAULT '[]',
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
` + judgementsSchema + watchesSchema + changeFeedSchema

// Store is the SQLite system of record: documents, their paths, pages,
// passages and tags, and the failures of past runs. It is safe for
// concurrent use; SQLite in WAL mode lets readers proceed while one
// writer commits.
type Store struct {
	db    *sql.DB
	path  string
	stmts statements
}

// ErrDamaged is wrapped by errors opening a store file SQLite finds
// malformed or that is not a database at all.
var ErrDamaged = errors.New("the corpus store is damaged: restore corpus.db from a copy made by `normtag backup` (then run `normtag reindex`), or try `sqlite3 corpus.db .recover | sqlite3 recovered.db`")

// ErrNotStore is wrapped when a read-only open finds a database without
// a normtag corpus in it (an empty or foreign file).
var ErrNotStore = errors.New("the file holds no normtag corpus")

// Open opens or creates the store at path for reading and writing.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, false)
}

// OpenReadOnly opens an existing store for reading only: nothing is
// written to the file or beside it (SQLite's mode=ro and query_only), so
// a corpus on a read-only disk or owned by another user can be read. The
// schema is checked, never created or migrated.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, true)
}

func open(ctx context.Context, path string, readOnly bool) (*Store, error) {
	s, err := openWith(ctx, path, readOnly, false)
	if readOnly && err != nil && cannotShare(err) {
		// A store in WAL mode needs its -shm file, which a reader
		// cannot create in a read-only directory. No writer can work
		// there either, so the file is read as immutable: without the
		// WAL index or locks. What a writer committed but did not
		// checkpoint into the file (a -wal left by a crash) is not seen.
		s, err = openWith(ctx, path, true, true)
	}
	return s, err
}

// cannotShare reports whether SQLite could not open the files a shared
// read needs (SQLITE_READONLY or SQLITE_CANTOPEN and their variants).
func cannotShare(err error) bool {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code() & 0xff
	return c == sqlite3.SQLITE_READONLY || c == sqlite3.SQLITE_CANTOPEN
}

func openWith(ctx context.Context, path string, readOnly, immutable bool) (*Store, error) {
	q := url.Values{}
	if immutable {
		q.Set("immutable", "1")
	}
	pragmas := []string{"journal_mode(WAL)", "busy_timeout(30000)", "foreign_keys(1)", "synchronous(NORMAL)"}
	if readOnly {
		// journal_mode would be a write; a store made by normtag is in
		// WAL mode already.
		pragmas = []string{"busy_timeout(30000)", "query_only(1)"}
		q.Set("mode", "ro")
	}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// Ingest looks paths up from many goroutines at once (hundreds with
	// --nats); database/sql keeps two idle connections by default, so
	// each burst opened new SQLite connections (file, pragmas, schema)
	// only to close them again.
	db.SetMaxIdleConns(maxIdleConns)
	s := &Store{db: db, path: path}
	if readOnly {
		err = s.checkSchema(ctx)
	} else {
		err = s.migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, classify(err))
	}
	return s, nil
}

// maxIdleConns is how many connections the store keeps open between
// queries.
const maxIdleConns = 16

// classify marks errors that mean a damaged file with ErrDamaged, so
// that the user is told what to do instead of SQLite's bare words.
func classify(err error) error {
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%w (%w)", ErrDamaged, err)
		}
	}
	return err
}

// checkSchema verifies, reading only, that the store holds a corpus of
// the schema this normtag understands.
func (s *Store) checkSchema(ctx context.Context) error {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key='schema_version'`).Scan(&v)
	if err != nil {
		var se *msqlite.Error
		if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_ERROR || errors.Is(err, sql.ErrNoRows) {
			// No settings table or no version: not made by normtag.
			return fmt.Errorf("%w (%v)", ErrNotStore, err)
		}
		return fmt.Errorf("read schema version: %w", err)
	}
	if v != fmt.Sprint(schemaVersion) {
		return fmt.Errorf("store has schema version %s, this normtag understands %d: open it once with a writer (ingest, retag, reindex or check) that may write it", v, schemaVersion)
	}
	return nil
}

// upgrades[i] brings a store from schema version i+1 to i+2. A step runs
// before schema (which creates the newest shape of every table that does
// not exist yet), so a step may add columns that schema's indexes use.
// Changing the schema means: add the new shape to schema, append a step
// that turns the previous version's tables into it, bump schemaVersion.
var upgrades = []string{
	// 1 → 2: passage kinds, heading paths and page spans. Passages stored
	// before are body text or headings on one page.
	`ALTER TABLE pages ADD COLUMN notes TEXT NOT NULL DEFAULT '[]';
	ALTER TABLE passages ADD COLUMN kind TEXT NOT NULL DEFAULT 'body';
	ALTER TABLE passages ADD COLUMN heading_path TEXT NOT NULL DEFAULT '[]';
	ALTER TABLE passages ADD COLUMN page_end INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE passages ADD COLUMN pieces TEXT NOT NULL DEFAULT '[]';
	UPDATE passages SET kind = 'heading' WHERE heading != 0;
	UPDATE passages SET page_end = page;`,
	// 2 → 3: analysts' judgements.
	judgementsSchema,
	// 3 → 4: saved searches (watches) and their matches.
	watchesSchema,
	// 4 → 5: the change feed search replicas are sent from (off until a
	// writer publishes to NATS).
	changeFeedSchema,
}

func (s *Store) migrate(ctx context.Context) error {
	if len(upgrades) != schemaVersion-1 {
		return fmt.Errorf("internal: %d schema upgrade steps for version %d", len(upgrades), schemaVersion)
	}
	v, err := s.storedVersion(ctx)
	if err != nil {
		return err
	}
	if v > schemaVersion {
		return fmt.Errorf("store has schema version %d, this normtag understands up to %d: use a newer normtag", v, schemaVersion)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for from := max(v, 1); v > 0 && from < schemaVersion; from++ {
		if _, err := tx.ExecContext(ctx, upgrades[from-1]); err != nil {
			return fmt.Errorf("upgrade schema from version %d to %d: %w", from, from+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	if v != schemaVersion {
		_, err = tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES('schema_version', ?)
			ON CONFLICT(key) DO UPDATE SET value=excluded.value`, fmt.Sprint(schemaVersion))
		if err != nil {
			return fmt.Errorf("record schema version: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit schema: %w", err)
	}
	// Every store has an identity, so that an index can tell whether it
	// was built from this store or from one that was replaced.
	var id [16]byte
	rand.Read(id[:])
	_, err = s.db.ExecContext(ctx, `INSERT OR IGNORE INTO settings(key, value) VALUES('store_id', ?)`, hex.EncodeToString(id[:]))
	return err
}

// storedVersion is the schema version the store records, 0 for a store
// being created (no settings table, or no version in it).
func (s *Store) storedVersion(ctx context.Context) (int, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key='schema_version'`).Scan(&v)
	var se *msqlite.Error
	switch {
	case errors.Is(err, sql.ErrNoRows), errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_ERROR:
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("store has schema version %q, not a version normtag writes", v)
	}
	return n, nil
}

// ID is the store's identity: random, made when the store was created
// (or first opened for writing by a normtag that records it), and kept
// by copies (backups). Empty for an older store opened read-only.
func (s *Store) ID(ctx context.Context) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key='store_id'`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read store id: %w", err)
	}
	return id, nil
}

// Backup writes a consistent copy of the store to path, while readers
// and a writer keep working (SQLite's VACUUM INTO reads one snapshot).
// The copy is made beside path and renamed into place, so path is
// either the old file or a complete copy, never a partial one.
func (s *Store) Backup(ctx context.Context, path string) error {
	tmp := path + ".tmp"
	os.Remove(tmp)
	// A connection of its own, read-only but not query_only (which
	// refuses VACUUM INTO even though the store is only read).
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(30000)")
	db, err := sql.Open("sqlite", "file:"+s.path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("back up store to %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("back up store to %s: %w", path, classify(err))
	}
	if f, err := os.Open(tmp); err == nil {
		err = f.Sync()
		f.Close()
		if err != nil {
			os.Remove(tmp)
			return fmt.Errorf("back up store to %s: %w", path, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("back up store to %s: %w", path, err)
	}
	return nil
}

// Close closes the store.
func (s *Store) Close() error {
	serr := s.closeStatements()
	return errors.Join(serr, s.db.Close())
}

// Path is the store's file name.
func (s *Store) Path() string { return s.path }

// PutDocument stores doc — pages, passages and tags — in one transaction,
// so a document is either fully stored or absent. doc.Path is recorded as
// one of its paths. The passages' tags are taken as the rules gave them:
// analysts' judgements on passages with the same text (see Judge) are
// applied before they are stored, and once stored doc.Passages carry
// them, so that what is indexed next is what is stored.
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
	judged := make([][]corpus.Passage, len(docs))
	err := s.inStmtTx(ctx, func(tx *stmtTx) error {
		for i, doc := range docs {
			r, ps, err := putDocument(ctx, tx, doc)
			if err != nil {
				return fmt.Errorf("store document %s (%s): %w", doc.ID, doc.Path, err)
			}
			res[i], judged[i] = r, ps
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, doc := range docs {
		if judged[i] != nil {
			doc.Passages = judged[i]
		}
	}
	return res, nil
}

// putDocument stores doc unless it is stored already. Passages judged by
// analysts are stored with the tags they carry, which it returns (nil
// when no judgement applies) for PutDocuments to give doc once stored.
func putDocument(ctx context.Context, tx execer, doc *corpus.Document) (corpus.PutResult, []corpus.Passage, error) {
	var res corpus.PutResult
	var judged []corpus.Passage
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, doc.ID).Scan(&exists); err != nil {
		return res, nil, err
	}
	if exists == 0 {
		if err := carryFromPath(ctx, tx, doc); err != nil {
			return res, nil, err
		}
		var err error
		if judged, err = judgeInTx(ctx, tx, doc.ID, doc.Passages); err != nil {
			return res, nil, err
		}
		stored := doc
		if judged != nil {
			copied := *doc
			copied.Passages = judged
			stored = &copied
		}
		if err := insertDocument(ctx, tx, stored); err != nil {
			return res, nil, err
		}
		res.Added = true
	}
	if doc.Path == "" {
		return res, judged, nil
	}
	removed, err := setPath(ctx, tx, corpus.PathInfo{Path: doc.Path, DocID: doc.ID, Size: doc.Size, MTime: doc.ModTime})
	res.Removed = removed
	return res, judged, err
}

// carryFromPath gives a new document the judgements made on the
// document its path held before, where their passages' text is unchanged.
func carryFromPath(ctx context.Context, tx execer, doc *corpus.Document) error {
	if doc.Path == "" {
		return nil
	}
	var old string
	err := tx.QueryRowContext(ctx, `SELECT doc_id FROM paths WHERE path = ?`, doc.Path).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) || err == nil && old == doc.ID {
		return nil
	}
	if err != nil {
		return err
	}
	return carryJudgements(ctx, tx, old, doc)
}

func insertDocument(ctx context.Context, tx execer, doc *corpus.Document) error {
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
	err = insertRows(ctx, tx, `INSERT INTO pages(doc_id, number, text, headings, notes) VALUES`, 5, len(doc.Pages), func(i int, row []any) error {
		p := doc.Pages[i]
		row[0], row[1], row[2], row[3], row[4] = doc.ID, p.Number, p.Text, spansJSON(p.Headings), spansJSON(p.Notes)
		return nil
	})
	if err != nil {
		return fmt.Errorf("insert pages: %w", err)
	}
	return insertPassages(ctx, tx, doc.ID, doc.Passages)
}

func insertPassages(ctx context.Context, tx execer, docID string, passages []corpus.Passage) error {
	err := insertRows(ctx, tx, `INSERT INTO passages(doc_id, seq, page, start, "end", heading, level, text, kind, heading_path, page_end, pieces) VALUES`,
		12, len(passages), func(i int, row []any) error {
			p := &passages[i]
			path, pieces := "[]", "[]"
			if len(p.HeadingPath) > 0 {
				b, _ := json.Marshal(p.HeadingPath)
				path = string(b)
			}
			if len(p.Pieces) > 0 {
				b, _ := json.Marshal(p.Pieces)
				pieces = string(b)
			}
			kind := p.KindOf()
			row[0], row[1], row[2], row[3], row[4], row[5] = docID, p.Seq, p.Page, p.Start, p.End, boolInt(kind == corpus.KindHeading)
			row[6], row[7], row[8], row[9], row[10], row[11] = p.Level, p.Text, string(kind), path, p.LastPage(), pieces
			return nil
		})
	if err != nil {
		return fmt.Errorf("insert passages: %w", err)
	}
	return insertTags(ctx, tx, docID, passages)
}

// taggedPassage is one tag of a passage, with its rank there.
type taggedPassage struct {
	seq, rank int
	tag       *corpus.Tag
}

func insertTags(ctx context.Context, tx execer, docID string, passages []corpus.Passage) error {
	var tags []taggedPassage
	for i := range passages {
		for rank := range passages[i].Tags {
			tags = append(tags, taggedPassage{passages[i].Seq, rank, &passages[i].Tags[rank]})
		}
	}
	err := insertRows(ctx, tx, `INSERT INTO tags(doc_id, seq, norm, rank, score, inherited, evidence) VALUES`, 7, len(tags), func(i int, row []any) error {
		t := tags[i]
		ev, err := json.Marshal(t.tag.Evidence)
		if err != nil {
			return fmt.Errorf("evidence of tag %s of passage %d: %w", t.tag.Norm, t.seq, err)
		}
		row[0], row[1], row[2], row[3], row[4], row[5], row[6] = docID, t.seq, t.tag.Norm, t.rank, t.tag.Score, boolInt(t.tag.Inherited), string(ev)
		return nil
	})
	if err != nil {
		return fmt.Errorf("insert tags: %w", err)
	}
	return nil
}

// insertSizes are how many rows insertRows puts in one INSERT, largest
// first: a statement of many rows costs SQLite and database/sql little
// more than one of a single row, and a few sizes keep the statements
// prepared per table few. 64 rows of the widest table (passages, 12
// columns) stay far below SQLite's limit on parameters.
var insertSizes = [...]int{64, 16, 4, 1}

// insertRows inserts n rows of cols columns with head ("INSERT INTO
// t(...) VALUES"), as many at a time as insertSizes allow. fill sets the
// values of row i.
func insertRows(ctx context.Context, tx execer, head string, cols, n int, fill func(i int, row []any) error) error {
	one := "(" + strings.Repeat("?,", cols-1) + "?)"
	args := make([]any, cols*min(n, insertSizes[0]))
	i := 0
	for _, k := range insertSizes {
		if n-i < k {
			continue
		}
		query := head + strings.Repeat(one+",", k-1) + one
		for ; n-i >= k; i += k {
			for j := range k {
				if err := fill(i+j, args[cols*j:cols*(j+1)]); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, query, args[:cols*k]...); err != nil {
				if k == 1 {
					return fmt.Errorf("row %d: %w", i, err)
				}
				return fmt.Errorf("rows %d to %d: %w", i, i+k-1, err)
			}
		}
	}
	return nil
}

// setPath points a path at a document. If the path held another document
// that no other path holds any more, that document is deleted (its file
// changed) and returned.
func setPath(ctx context.Context, tx execer, pi corpus.PathInfo) ([]string, error) {
	var old string
	err := tx.QueryRowContext(ctx, `SELECT doc_id FROM paths WHERE path = ?`, pi.Path).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	named, err := firstPath(ctx, tx, pi.DocID)
	if err != nil {
		return nil, err
	}
	oldNamed := ""
	if old != "" && old != pi.DocID {
		if oldNamed, err = firstPath(ctx, tx, old); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO paths(path, doc_id, size, mtime_ns, seen_at) VALUES(?,?,?,?,?)
		ON CONFLICT(path) DO UPDATE SET doc_id=excluded.doc_id, size=excluded.size, mtime_ns=excluded.mtime_ns, seen_at=excluded.seen_at`,
		pi.Path, pi.DocID, pi.Size, pi.MTime.UnixNano(), time.Now().UnixNano()); err != nil {
		return nil, fmt.Errorf("record path: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM failures WHERE path = ?`, pi.Path); err != nil {
		return nil, err
	}
	if named != "" { // "": a document being stored, named by this path already
		if err := followFirstPath(ctx, tx, pi.DocID, named); err != nil {
			return nil, err
		}
	}
	if old == "" || old == pi.DocID {
		return nil, nil
	}
	gone, err := deleteIfOrphan(ctx, tx, old)
	if err != nil {
		return nil, err
	}
	if !gone {
		return nil, followFirstPath(ctx, tx, old, oldNamed)
	}
	return []string{old}, nil
}

// deleteIfOrphan deletes a document that no path refers to any more and
// queues its removal from the index.
func deleteIfOrphan(ctx context.Context, tx execer, id string) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM paths WHERE doc_id = ?`, id).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	return true, deleteDocument(ctx, tx, id)
}

func deleteDocument(ctx context.Context, tx execer, id string) error {
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
		named, err := firstPath(ctx, tx, id)
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
		if err != nil || gone {
			return err
		}
		return followFirstPath(ctx, tx, id, named)
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

// spansJSON is the stored form of a page's spans: a JSON array, "[]" for none.
func spansJSON(spans []corpus.Span) string {
	if len(spans) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(spans)
	return string(b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
