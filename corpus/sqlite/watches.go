package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// watchesSchema holds saved searches (watches), the passages ingest found
// new to the corpus and has not yet checked against them (watch_pending),
// and the matches found (watch_matches). A match goes with its passage:
// when a document is deleted its matches are too.
const watchesSchema = `
CREATE TABLE IF NOT EXISTS watches (
	name       TEXT PRIMARY KEY,
	request    TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_pending (
	doc_id TEXT PRIMARY KEY,
	seqs   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_matches (
	watch  TEXT NOT NULL REFERENCES watches(name) ON DELETE CASCADE,
	doc_id TEXT NOT NULL,
	seq    INTEGER NOT NULL,
	at     INTEGER NOT NULL,
	PRIMARY KEY (watch, doc_id, seq),
	FOREIGN KEY (doc_id, seq) REFERENCES passages(doc_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS watch_matches_at ON watch_matches(watch, at);
CREATE INDEX IF NOT EXISTS watch_matches_passage ON watch_matches(doc_id, seq);
`

// Watch is a saved search as stored: its name, its request (JSON the
// watch package writes and reads) and when it was made.
type Watch struct {
	Name      string
	Request   string
	CreatedAt time.Time
}

// WatchMatch is a passage found matching a watch, and when it was found.
type WatchMatch struct {
	Watch string
	DocID string
	Seq   int
	At    time.Time
}

// ErrWatchExists is returned by AddWatch when the name is taken.
var ErrWatchExists = errors.New("a watch of that name exists")

// ErrNoWatch is returned for a watch name that is not stored.
var ErrNoWatch = errors.New("no such watch")

// AddWatch stores a new watch.
func (s *Store) AddWatch(ctx context.Context, w Watch) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM watches WHERE name = ?`, w.Name).Scan(&n); err != nil {
			return fmt.Errorf("add watch %s: %w", w.Name, err)
		}
		if n > 0 {
			return fmt.Errorf("add watch %s: %w", w.Name, ErrWatchExists)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO watches(name, request, created_at) VALUES(?,?,?)`, w.Name, w.Request, w.CreatedAt.UnixNano()); err != nil {
			return fmt.Errorf("add watch %s: %w", w.Name, err)
		}
		return nil
	})
}

// RemoveWatch deletes a watch and its matches.
func (s *Store) RemoveWatch(ctx context.Context, name string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM watches WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("remove watch %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("remove watch %s: %w", name, ErrNoWatch)
	}
	return nil
}

// Watches lists the stored watches by name.
func (s *Store) Watches(ctx context.Context) ([]Watch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, request, created_at FROM watches ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list watches: %w", err)
	}
	defer rows.Close()
	var out []Watch
	for rows.Next() {
		var w Watch
		var at int64
		if err := rows.Scan(&w.Name, &w.Request, &at); err != nil {
			return nil, fmt.Errorf("list watches: %w", err)
		}
		w.CreatedAt = time.Unix(0, at).UTC()
		out = append(out, w)
	}
	return out, rows.Err()
}

// HasWatches reports whether any watch is stored or any passage awaits
// checking against them: whether ingest has watch work to do.
func (s *Store) HasWatches(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM watches LIMIT 1)) + (SELECT count(*) FROM (SELECT 1 FROM watch_pending LIMIT 1))`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up watches: %w", err)
	}
	return n > 0, nil
}

// AddWatchPending records, per document, the passages new to the corpus
// that watches have yet to be checked against. Ingest writes them before
// the document itself, so that a document stored is never left
// unchecked; a row whose document never got stored is dropped by
// FinishWatchPending.
func (s *Store) AddWatchPending(ctx context.Context, pending map[string][]int) error {
	if len(pending) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for doc, seqs := range pending {
			b, _ := json.Marshal(seqs)
			if _, err := tx.ExecContext(ctx, `INSERT INTO watch_pending(doc_id, seqs) VALUES(?, ?)
				ON CONFLICT(doc_id) DO UPDATE SET seqs = excluded.seqs`, doc, string(b)); err != nil {
				return fmt.Errorf("record new passages of %s: %w", doc, err)
			}
		}
		return nil
	})
}

// WatchPending lists the pending passages of documents that are stored
// and indexed (those not indexed yet stay pending: watches search the
// index).
func (s *Store) WatchPending(ctx context.Context) (map[string][]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.doc_id, p.seqs FROM watch_pending p JOIN documents d ON d.id = p.doc_id WHERE d.indexed != 0`)
	if err != nil {
		return nil, fmt.Errorf("list new passages: %w", err)
	}
	defer rows.Close()
	out := map[string][]int{}
	for rows.Next() {
		var doc, raw string
		if err := rows.Scan(&doc, &raw); err != nil {
			return nil, fmt.Errorf("list new passages: %w", err)
		}
		var seqs []int
		if err := json.Unmarshal([]byte(raw), &seqs); err != nil {
			return nil, fmt.Errorf("new passages of %s: %w", doc, err)
		}
		out[doc] = seqs
	}
	return out, rows.Err()
}

// FinishWatchPending records matches and forgets the pending passages of
// docs, and of documents no longer stored, in one transaction. A match
// already recorded is kept as it was, so that finishing the same
// documents twice (after an interruption) records nothing twice. It
// returns how many matches were new per watch.
func (s *Store) FinishWatchPending(ctx context.Context, matches []WatchMatch, docs []string) (map[string]int, error) {
	added := map[string]int{}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO watch_matches(watch, doc_id, seq, at) VALUES(?,?,?,?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, m := range matches {
			res, err := stmt.ExecContext(ctx, m.Watch, m.DocID, m.Seq, m.At.UnixNano())
			if err != nil {
				return fmt.Errorf("record match of %s in %s/%d: %w", m.Watch, m.DocID, m.Seq, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added[m.Watch]++
			}
		}
		for _, d := range docs {
			if _, err := tx.ExecContext(ctx, `DELETE FROM watch_pending WHERE doc_id = ?`, d); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM watch_pending WHERE doc_id NOT IN (SELECT id FROM documents)`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record watch matches: %w", err)
	}
	return added, nil
}

// WatchMatches lists a watch's matches found at or after since (all for
// a zero since), oldest first, skipping offset of them and listing at
// most limit (0: all).
func (s *Store) WatchMatches(ctx context.Context, name string, since time.Time, offset, limit int) ([]WatchMatch, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM watches WHERE name = ?`, name).Scan(&n); err != nil {
		return nil, fmt.Errorf("matches of watch %s: %w", name, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("matches of watch %s: %w", name, ErrNoWatch)
	}
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT doc_id, seq, at FROM watch_matches WHERE watch = ? AND at >= ?
		ORDER BY at, doc_id, seq LIMIT ? OFFSET ?`, name, sinceNanos(since), limit, max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("matches of watch %s: %w", name, err)
	}
	defer rows.Close()
	var out []WatchMatch
	for rows.Next() {
		m := WatchMatch{Watch: name}
		var at int64
		if err := rows.Scan(&m.DocID, &m.Seq, &at); err != nil {
			return nil, fmt.Errorf("matches of watch %s: %w", name, err)
		}
		m.At = time.Unix(0, at).UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// WatchMatchCounts counts each watch's matches found at or after since
// (all for a zero since); watches without any are absent.
func (s *Store) WatchMatchCounts(ctx context.Context, since time.Time) (map[string]int, error) {
	return s.countsByKey(ctx, "count watch matches", `SELECT watch, count(*) FROM watch_matches WHERE at >= ? GROUP BY watch`, sinceNanos(since))
}

// sinceNanos is the stored form of a since bound: before every match for
// a zero time.
func sinceNanos(since time.Time) int64 {
	if since.IsZero() {
		return -1 << 62
	}
	return since.UnixNano()
}
