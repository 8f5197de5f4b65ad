package sqlite

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/textcut"
)

// firstPath is the path that names document id, the first of its paths
// in lexicographic order (see docColumns); "" when it has none.
func firstPath(ctx context.Context, tx execer, id string) (string, error) {
	var p string
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(min(path), '') FROM paths WHERE doc_id = ?`, id).Scan(&p); err != nil {
		return "", fmt.Errorf("first path of %s: %w", id, err)
	}
	return p, nil
}

// followFirstPath is called once document id's paths have changed, with
// the path that named it before. When another path names it now (a copy
// that sorts first was added, or the first copy is gone), the document
// takes that path's file name and is queued for indexing again: the
// index holds the path and file name of every passage's document, and
// they must not depend on the order the copies were met in.
func followFirstPath(ctx context.Context, tx execer, id, before string) error {
	after, err := firstPath(ctx, tx, id)
	if err != nil || after == before || after == "" {
		return err
	}
	name := textcut.Runes(filepath.Base(after), corpus.MaxFieldRunes)
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET file_name = ?, indexed = 0 WHERE id = ?`, name, id); err != nil {
		return fmt.Errorf("rename document %s after %s: %w", id, after, err)
	}
	return nil
}
