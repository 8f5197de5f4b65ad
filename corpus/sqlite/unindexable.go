package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// indexedSkipped is the documents.indexed value of a document the index
// cannot take (see MarkUnindexable): neither indexed (1) nor waiting for
// the index (0), so writers do not try it again. Every change to a
// document sets indexed = 0, which makes the next writer try it anew.
const indexedSkipped = 2

// Unindexable is a stored document the search index could not take.
type Unindexable struct {
	ID     string    `json:"id"`
	Path   string    `json:"path"` // its first path, "" if it has none
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// MarkUnindexable records that the index cannot take a document, and
// why. The document stays stored; it is left out of the index, and out
// of Unindexed, until it changes or RetryUnindexable is called.
func (s *Store) MarkUnindexable(ctx context.Context, id, reason string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET indexed = ? WHERE id = ?`, indexedSkipped, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // deleted meanwhile
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO unindexable(doc_id, reason, at) VALUES(?, ?, ?)`,
			id, reason, time.Now().UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("mark %s unindexable: %w", id, err)
	}
	return nil
}

// Unindexable lists the documents the index could not take, by id, with
// the reason recorded. A store written by a normtag from before this
// record has none.
func (s *Store) Unindexable(ctx context.Context) ([]Unindexable, error) {
	var tables int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'unindexable'`).Scan(&tables); err != nil {
		return nil, fmt.Errorf("list unindexable documents: %w", err)
	}
	if tables == 0 {
		return []Unindexable{}, nil // an older store opened read-only
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.id,
		coalesce((SELECT path FROM paths WHERE doc_id = d.id ORDER BY path LIMIT 1), ''),
		coalesce(u.reason, ''), coalesce(u.at, 0)
		FROM documents d LEFT JOIN unindexable u ON u.doc_id = d.id
		WHERE d.indexed = ? ORDER BY d.id`, indexedSkipped)
	if err != nil {
		return nil, fmt.Errorf("list unindexable documents: %w", err)
	}
	defer rows.Close()
	out := []Unindexable{}
	for rows.Next() {
		var u Unindexable
		var at int64
		if err := rows.Scan(&u.ID, &u.Path, &u.Reason, &at); err != nil {
			return nil, fmt.Errorf("list unindexable documents: %w", err)
		}
		u.At = time.Unix(0, at)
		out = append(out, u)
	}
	return out, rows.Err()
}

// RetryUnindexable marks every document the index could not take as
// waiting for the index again, for an explicit repair that tries each
// once more.
func (s *Store) RetryUnindexable(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE documents SET indexed = 0 WHERE indexed = ?`, indexedSkipped)
	if err != nil {
		return 0, fmt.Errorf("retry unindexable documents: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// PassageCount counts a document's stored passages without loading
// them, so that a document too large to index can be told before it is
// read.
func (s *Store) PassageCount(ctx context.Context, id string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM passages WHERE doc_id = ?`, id).Scan(&n); err != nil {
		return 0, fmt.Errorf("count passages of %s: %w", id, err)
	}
	return n, nil
}
