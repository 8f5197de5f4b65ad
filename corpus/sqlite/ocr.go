package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/normtag/normtag/corpus"
)

// ocrStats counts the pages read by OCR and their documents, from the
// record each such document keeps in its metadata (corpus.MetaOCRPages).
func (s *Store) ocrStats(ctx context.Context, st *corpus.Stats) error {
	rows, err := s.db.QueryContext(ctx, `SELECT meta FROM documents WHERE meta LIKE '%"`+corpus.MetaOCRPages+`"%'`)
	if err != nil {
		return fmt.Errorf("stats: OCR pages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return fmt.Errorf("stats: OCR pages: %w", err)
		}
		d := corpus.Document{}
		if json.Unmarshal([]byte(raw), &d.Meta) != nil {
			continue
		}
		if n := len(d.OCRPages()); n > 0 {
			st.OCRPages += n
			st.OCRDocuments++
		}
	}
	return rows.Err()
}
