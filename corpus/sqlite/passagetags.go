package sqlite

import (
	"context"

	"github.com/normtag/normtag/corpus"
)

// PassageTags loads the tags of one passage, best first, with their
// evidence (what the tagger matched): the search page marks those words
// in its hits without loading whole documents.
func (s *Store) PassageTags(ctx context.Context, docID string, seq int) ([]corpus.Tag, error) {
	return passageTags(ctx, s.db, docID, seq)
}
