package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/normtag/normtag/corpus"
)

// The change feed is an outbox of what changed in the store, for search
// replicas. Once a writer has turned it on (EnableChangeFeed), triggers
// record the key of every document whose stored state changes — rows,
// paths, tags (through rules_version or judgements), metadata — in the
// same transaction as the change, so that no commit can be left out
// whichever writer made it (ingest, retag, review, prune) and whether or
// not it could reach NATS: a publisher reads the feed, sends each
// document's current state and only then deletes its entry. An entry
// changed again meanwhile has a new seq and stays. The failures table is
// one key, FailuresKey, sent whole.
const changeFeedSchema = `
CREATE TABLE IF NOT EXISTS change_feed (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	key TEXT NOT NULL UNIQUE
);
CREATE TRIGGER IF NOT EXISTS feed_documents_insert AFTER INSERT ON documents
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = NEW.id; INSERT INTO change_feed(key) VALUES (NEW.id); END;
CREATE TRIGGER IF NOT EXISTS feed_documents_delete AFTER DELETE ON documents
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = OLD.id; INSERT INTO change_feed(key) VALUES (OLD.id); END;
CREATE TRIGGER IF NOT EXISTS feed_documents_update AFTER UPDATE OF file_name, title, format, size, mod_time, meta, page_count, rules_version, near_dup_of ON documents
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = NEW.id; INSERT INTO change_feed(key) VALUES (NEW.id); END;
CREATE TRIGGER IF NOT EXISTS feed_paths_insert AFTER INSERT ON paths
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = NEW.doc_id; INSERT INTO change_feed(key) VALUES (NEW.doc_id); END;
CREATE TRIGGER IF NOT EXISTS feed_paths_delete AFTER DELETE ON paths
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = OLD.doc_id; INSERT INTO change_feed(key) VALUES (OLD.doc_id); END;
CREATE TRIGGER IF NOT EXISTS feed_paths_update AFTER UPDATE ON paths
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
	AND (OLD.doc_id IS NOT NEW.doc_id OR OLD.size IS NOT NEW.size OR OLD.mtime_ns IS NOT NEW.mtime_ns)
BEGIN
	DELETE FROM change_feed WHERE key IN (OLD.doc_id, NEW.doc_id);
	INSERT INTO change_feed(key) VALUES (OLD.doc_id);
	INSERT OR IGNORE INTO change_feed(key) VALUES (NEW.doc_id);
END;
CREATE TRIGGER IF NOT EXISTS feed_judgements_insert AFTER INSERT ON judgements
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = NEW.doc_id; INSERT INTO change_feed(key) VALUES (NEW.doc_id); END;
CREATE TRIGGER IF NOT EXISTS feed_judgements_update AFTER UPDATE ON judgements
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = NEW.doc_id; INSERT INTO change_feed(key) VALUES (NEW.doc_id); END;
CREATE TRIGGER IF NOT EXISTS feed_judgements_delete AFTER DELETE ON judgements
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = OLD.doc_id; INSERT INTO change_feed(key) VALUES (OLD.doc_id); END;
CREATE TRIGGER IF NOT EXISTS feed_failures_insert AFTER INSERT ON failures
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = '` + FailuresKey + `'; INSERT INTO change_feed(key) VALUES ('` + FailuresKey + `'); END;
CREATE TRIGGER IF NOT EXISTS feed_failures_update AFTER UPDATE ON failures
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = '` + FailuresKey + `'; INSERT INTO change_feed(key) VALUES ('` + FailuresKey + `'); END;
CREATE TRIGGER IF NOT EXISTS feed_failures_delete AFTER DELETE ON failures
WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'change_feed')
BEGIN DELETE FROM change_feed WHERE key = '` + FailuresKey + `'; INSERT INTO change_feed(key) VALUES ('` + FailuresKey + `'); END;
`

// FailuresKey is the change feed's key for the failures table. Document
// keys are hex SHA-256s, so it cannot clash with one.
const FailuresKey = "_failures"

// changeFeedSetting turns the triggers on.
const changeFeedSetting = "change_feed"

// replicaSetting, on a replica's store, names the store it follows.
const replicaSetting = "replica_of"

// FeedEntry is a key whose state changed: a document id or FailuresKey.
type FeedEntry struct {
	Seq int64
	Key string
}

// EnableChangeFeed turns the change feed on. The first time, every
// document and the failures are put in it, so that a publisher sends
// the whole corpus once; it reports whether that happened.
func (s *Store) EnableChangeFeed(ctx context.Context) (bool, error) {
	first := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO settings(key, value) VALUES(?, ?)`, changeFeedSetting, fmt.Sprint(time.Now().UnixNano()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		first = true
		return feedEverything(ctx, tx)
	})
	if err != nil {
		return false, fmt.Errorf("enable change feed: %w", err)
	}
	return first, nil
}

// FeedEverything puts every document and the failures in the change
// feed: the stream they go to was lost or is new.
func (s *Store) FeedEverything(ctx context.Context) error {
	if err := s.inTx(ctx, func(tx *sql.Tx) error { return feedEverything(ctx, tx) }); err != nil {
		return fmt.Errorf("queue the whole corpus for replicas: %w", err)
	}
	return nil
}

func feedEverything(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO change_feed(key) SELECT id FROM documents ORDER BY ingested_at, id`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO change_feed(key) VALUES (?)`, FailuresKey)
	return err
}

// PendingChanges returns up to limit entries of the change feed, oldest
// first.
func (s *Store) PendingChanges(ctx context.Context, limit int) ([]FeedEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, key FROM change_feed ORDER BY seq LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read change feed: %w", err)
	}
	defer rows.Close()
	var out []FeedEntry
	for rows.Next() {
		var e FeedEntry
		if err := rows.Scan(&e.Seq, &e.Key); err != nil {
			return nil, fmt.Errorf("read change feed: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ChangesSent deletes entries once their state is published. An entry
// whose key changed again since has another seq and stays.
func (s *Store) ChangesSent(ctx context.Context, entries []FeedEntry) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if _, err := tx.ExecContext(ctx, `DELETE FROM change_feed WHERE seq = ?`, e.Seq); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record published changes: %w", err)
	}
	return nil
}

// PathRecord is a path row as a replica stores it.
type PathRecord struct {
	Path    string
	Size    int64
	MTimeNs int64
	SeenAt  int64
}

// DocumentState is everything the store holds about one document: its
// row (with pages, passages, tags and MinHash signature), its paths and
// the judgements made on it.
type DocumentState struct {
	Doc        *corpus.Document
	Paths      []PathRecord
	Judgements []*corpus.Judgement
}

// DocumentState loads a document's whole state, or nil when it is not
// stored. The parts are read one after another: a writer's commit in
// between also puts the document in the change feed again, so a mixed
// state is always followed by the whole new one.
func (s *Store) DocumentState(ctx context.Context, id string) (*DocumentState, error) {
	doc, err := s.Document(ctx, id, corpus.WithAll)
	if errors.Is(err, corpus.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sig []byte
	if err := s.db.QueryRowContext(ctx, `SELECT signature FROM documents WHERE id = ?`, id).Scan(&sig); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("signature of %s: %w", id, err)
	}
	if len(sig) > 0 {
		doc.Signature = decodeSignature(sig)
	}
	st := &DocumentState{Doc: doc}
	rows, err := s.db.QueryContext(ctx, `SELECT path, size, mtime_ns, seen_at FROM paths WHERE doc_id = ? ORDER BY path`, id)
	if err != nil {
		return nil, fmt.Errorf("paths of %s: %w", id, err)
	}
	for rows.Next() {
		var p PathRecord
		if err := rows.Scan(&p.Path, &p.Size, &p.MTimeNs, &p.SeenAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("paths of %s: %w", id, err)
		}
		st.Paths = append(st.Paths, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("paths of %s: %w", id, err)
	}
	if st.Judgements, err = s.Judgements(ctx, id); err != nil {
		return nil, err
	}
	return st, nil
}

// Replicated is one change a replica applies: a document's new state,
// or its deletion (State nil).
type Replicated struct {
	ID    string
	State *DocumentState
}

// ReplicaBatch is what a replica applies in one transaction.
type ReplicaBatch struct {
	// Source is the store id of the corpus followed: a replica follows
	// one corpus only.
	Source string
	Docs   []Replicated
	// Failures, when not nil, replace the failures table.
	Failures *[]corpus.Failure
	// Cursor and CursorValue record how far the replica has read, in the
	// same transaction, so that a replica stopped anywhere resumes
	// exactly after what it applied.
	Cursor, CursorValue string
}

// ErrOtherSource is returned by ApplyReplicated when a replica's store
// follows another corpus than the batch comes from.
var ErrOtherSource = errors.New("the replica follows another corpus")

// ApplyReplicated applies a batch of changes from the corpus a replica
// follows: each document's rows are replaced by its state as sent (its
// tags as stored there, judgements already applied) or deleted, in one
// transaction. A document applied is left unindexed, a deleted one is
// queued for removal from the index, so the replica's index writer and
// Heal bring its index along as after an ingest.
func (s *Store) ApplyReplicated(ctx context.Context, b ReplicaBatch) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var source string
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, replicaSetting).Scan(&source)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)`, replicaSetting, b.Source); err != nil {
				return err
			}
		case err != nil:
			return err
		case source != b.Source:
			return fmt.Errorf("%w (store %s, not %s)", ErrOtherSource, source, b.Source)
		}
		for _, r := range b.Docs {
			if err := applyDocument(ctx, tx, r); err != nil {
				return fmt.Errorf("apply document %s: %w", r.ID, err)
			}
		}
		if b.Failures != nil {
			if err := replaceFailures(ctx, tx, *b.Failures); err != nil {
				return err
			}
		}
		if b.Cursor != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, b.Cursor, b.CursorValue); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("apply replicated changes: %w", err)
	}
	return nil
}

func applyDocument(ctx context.Context, tx *sql.Tx, r Replicated) error {
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, r.ID).Scan(&exists); err != nil {
		return err
	}
	if r.State == nil {
		if exists == 0 {
			return nil
		}
		return deleteDocument(ctx, tx, r.ID)
	}
	// Rows cascade from the document; the index replaces what it holds
	// for the id when the document is indexed again.
	if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, r.ID); err != nil {
		return err
	}
	if err := insertDocument(ctx, tx, r.State.Doc); err != nil {
		return err
	}
	for _, p := range r.State.Paths {
		// The path may still name the document it held before here: its
		// change (or deletion) comes in its own record.
		if _, err := tx.ExecContext(ctx, `INSERT INTO paths(path, doc_id, size, mtime_ns, seen_at) VALUES(?,?,?,?,?)
			ON CONFLICT(path) DO UPDATE SET doc_id=excluded.doc_id, size=excluded.size, mtime_ns=excluded.mtime_ns, seen_at=excluded.seen_at`,
			p.Path, r.ID, p.Size, p.MTimeNs, p.SeenAt); err != nil {
			return fmt.Errorf("record path %s: %w", p.Path, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM judgements WHERE doc_id = ?`, r.ID); err != nil {
		return err
	}
	for _, j := range r.State.Judgements {
		if err := saveJudgement(ctx, tx, j); err != nil {
			return err
		}
	}
	return nil
}

func replaceFailures(ctx context.Context, tx *sql.Tx, fs []corpus.Failure) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM failures`); err != nil {
		return fmt.Errorf("replace failures: %w", err)
	}
	for _, f := range fs {
		var mt int64
		if !f.ModTime.IsZero() {
			mt = f.ModTime.UnixNano()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO failures(path, doc_id, reason, detail, at, size, mtime_ns) VALUES(?,?,?,?,?,?,?)`,
			f.Path, f.DocID, string(f.Reason), f.Detail, f.At.UnixNano(), f.Size, mt); err != nil {
			return fmt.Errorf("replace failure of %s: %w", f.Path, err)
		}
	}
	return nil
}

// ReplicaOf returns the store id of the corpus this store is a replica
// of, or "" for a store that is no replica.
func (s *Store) ReplicaOf(ctx context.Context) (string, error) {
	m, err := s.Settings(ctx, replicaSetting)
	if err != nil {
		return "", err
	}
	return m[replicaSetting], nil
}
