package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Settings reads the values of keys from the settings table; keys without
// a value are absent from the map. Other packages keep small pieces of
// data-directory state here (datadir's remembered rules), so that a backup
// of the store carries them and a write of them is one transaction.
func (s *Store) Settings(ctx context.Context, keys ...string) (map[string]string, error) {
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		var v string
		err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, k).Scan(&v)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return nil, fmt.Errorf("read setting %s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

// SetSettings writes values and deletes the keys listed in remove, in one
// transaction: a reader sees all of the change or none of it.
func (s *Store) SetSettings(ctx context.Context, values map[string]string, remove ...string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range remove {
			if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, k); err != nil {
				return fmt.Errorf("delete setting %s: %w", k, err)
			}
		}
		for k, v := range values {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, k, v)
			if err != nil {
				return fmt.Errorf("write setting %s: %w", k, err)
			}
		}
		return nil
	})
}
