package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
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
func (s *Store) ReplaceTags(ctx context.Context, docID string, passages []corpus.Passage, rulesVersion string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE doc_id = ?`, docID); err != nil {
			return err
		}
		if err := insertTags(ctx, tx, docID, passages); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE documents SET rules_version = ?, indexed = 0 WHERE id = ?`, rulesVersion, docID)
		return err
	})
	if err != nil {
		return fmt.Errorf("replace tags of %s: %w", docID, err)
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
