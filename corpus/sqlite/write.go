package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/normtag/normtag/corpus"
)

// MarkIndexed records whether documents are in the search index. A
// document is stored with indexed = false and marked once the index has
// committed it, so a crash in between is healed by indexing Unindexed.
func (s *Store) MarkIndexed(ctx context.Context, ids []string, indexed bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE documents SET indexed = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, boolInt(indexed), id); err != nil {
				return fmt.Errorf("mark %s indexed: %w", id, err)
			}
		}
		return nil
	})
}

// MarkAllIndexed sets the indexed flag of every document.
func (s *Store) MarkAllIndexed(ctx context.Context, indexed bool) error {
	_, err := s.db.ExecContext(ctx, `UPDATE documents SET indexed = ?`, boolInt(indexed))
	return err
}

// ClearIndexDeletes forgets pending index deletes once the index has
// committed them.
func (s *Store) ClearIndexDeletes(ctx context.Context, ids []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM index_deletes WHERE doc_id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecordFailure remembers that a path could not be stored and why. A later
// success for the same path clears it.
func (s *Store) RecordFailure(ctx context.Context, f corpus.Failure) error {
	if f.At.IsZero() {
		f.At = time.Now()
	}
	var mt int64
	if !f.ModTime.IsZero() {
		mt = f.ModTime.UnixNano()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO failures(path, doc_id, reason, detail, at, size, mtime_ns) VALUES(?,?,?,?,?,?,?)
		ON CONFLICT(path) DO UPDATE SET doc_id=excluded.doc_id, reason=excluded.reason, detail=excluded.detail, at=excluded.at,
		size=excluded.size, mtime_ns=excluded.mtime_ns`,
		f.Path, f.DocID, string(f.Reason), f.Detail, f.At.UnixNano(), f.Size, mt)
	if err != nil {
		return fmt.Errorf("record failure of %s: %w", f.Path, err)
	}
	return nil
}

// ReplaceTags replaces the tags of a document's passages (as re-tagged by
// a new rule set) and records the rules version, in one transaction. The
// document is marked unindexed so that the index picks up the change.
// Analysts' judgements are applied to the rules' tags: once stored, the
// passages' Tags are the tags they carry.
func (s *Store) ReplaceTags(ctx context.Context, docID string, passages []corpus.Passage, rulesVersion string) error {
	var judged []corpus.Passage
	err := s.inStmtTx(ctx, func(tx *stmtTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE doc_id = ?`, docID); err != nil {
			return err
		}
		var err error
		if judged, err = judgeInTx(ctx, tx, docID, passages); err != nil {
			return err
		}
		stored := passages
		if judged != nil {
			stored = judged
		}
		if err := insertTags(ctx, tx, docID, stored); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE documents SET rules_version = ?, indexed = 0 WHERE id = ?`, rulesVersion, docID)
		return err
	})
	if err != nil {
		return fmt.Errorf("replace tags of %s: %w", docID, err)
	}
	for i := range judged {
		passages[i].Tags = judged[i].Tags
	}
	return nil
}

// SetRulesVersion records that documents were re-tagged by rulesVersion
// without any change to their tags: only the version is written, and the
// index, which holds no rules version, stays as it is.
func (s *Store) SetRulesVersion(ctx context.Context, ids []string, rulesVersion string) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE documents SET rules_version = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, rulesVersion, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record rules version of %d documents: %w", len(ids), err)
	}
	return nil
}

// SetMeta merges fields into a document's metadata (a sidecar's values
// override extracted ones; an empty value deletes the key). A "title"
// field also sets the title. The document is marked unindexed.
func (s *Store) SetMeta(ctx context.Context, docID string, fields map[string]string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var raw, title string
		if err := tx.QueryRowContext(ctx, `SELECT meta, title FROM documents WHERE id = ?`, docID).Scan(&raw, &title); err != nil {
			return fmt.Errorf("meta of %s: %w", docID, err)
		}
		meta := map[string]string{}
		if err := json.Unmarshal([]byte(raw), &meta); err != nil || meta == nil {
			meta = map[string]string{}
		}
		changed := false
		for k, v := range fields {
			k = strings.ToLower(k)
			if k == "title" {
				if v != "" && v != title {
					title, changed = v, true
				}
				continue
			}
			if v == "" {
				if _, ok := meta[k]; ok {
					delete(meta, k)
					changed = true
				}
			} else if meta[k] != v {
				meta[k] = v
				changed = true
			}
		}
		if !changed {
			return nil
		}
		out, _ := json.Marshal(meta)
		_, err := tx.ExecContext(ctx, `UPDATE documents SET meta = ?, title = ?, indexed = 0 WHERE id = ?`, string(out), title, docID)
		return err
	})
}

// NearDuplicates returns the near-duplicate flag of every flagged
// document: document id → id of the document it nearly repeats.
func (s *Store) NearDuplicates(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, near_dup_of FROM documents WHERE near_dup_of != ''`)
	if err != nil {
		return nil, fmt.Errorf("load near-duplicate flags: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, of string
		if err := rows.Scan(&id, &of); err != nil {
			return nil, err
		}
		out[id] = of
	}
	return out, rows.Err()
}

// SetNearDuplicates sets the near-duplicate flag of the given documents
// (document id → the id it nearly repeats, "" to clear) in one
// transaction.
func (s *Store) SetNearDuplicates(ctx context.Context, flags map[string]string) error {
	if len(flags) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE documents SET near_dup_of = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for id, of := range flags {
			if _, err := stmt.ExecContext(ctx, of, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record near-duplicate flags of %d documents: %w", len(flags), err)
	}
	return nil
}

// ingestRunKey is the settings key holding the start time (Unix
// nanoseconds) of an ingest run that has not completed.
const ingestRunKey = "ingest_run_started"

// BeginIngestRun returns the start time of the ingest run that has begun
// but not completed — one that was interrupted — or else records now as
// the start of a new one and returns it. A run resumed after an
// interruption thus carries on as the same run (see EndIngestRun).
func (s *Store) BeginIngestRun(ctx context.Context, now time.Time) (time.Time, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?`, ingestRunKey).Scan(&v)
	switch {
	case err == nil:
		return time.Unix(0, v).UTC(), nil
	case !errors.Is(err, sql.ErrNoRows):
		return time.Time{}, fmt.Errorf("read ingest run: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)`, ingestRunKey, fmt.Sprint(now.UnixNano())); err != nil {
		return time.Time{}, fmt.Errorf("record ingest run: %w", err)
	}
	return time.Unix(0, now.UnixNano()).UTC(), nil
}

// EndIngestRun records that the ingest run begun by BeginIngestRun has
// completed: the next run is a new one.
func (s *Store) EndIngestRun(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, ingestRunKey); err != nil {
		return fmt.Errorf("record end of ingest run: %w", err)
	}
	return nil
}

// DocumentOrder lists every document id in the order documents are
// compared for near-duplicates: by the start of the ingest run that
// stored them (their ingested_at), then by the first path holding them,
// then by id.
func (s *Store) DocumentOrder(ctx context.Context) ([]string, error) {
	return s.ids(ctx, `SELECT d.id FROM documents d
		LEFT JOIN (SELECT doc_id, min(path) AS first FROM paths GROUP BY doc_id) p ON p.doc_id = d.id
		ORDER BY d.ingested_at, p.first, d.id`)
}
