package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// statements holds the store's prepared statements for the queries run
// once per document (loading a document, its passages, its tags): a
// retag or a reindex of thousands of small documents otherwise spent a
// fair part of its time having SQLite parse and plan the same text
// again. database/sql prepares a Stmt anew on each connection that runs
// it and keeps it there, so the readers working at once each reuse
// theirs.
type statements struct {
	mu     sync.Mutex
	byText map[string]*sql.Stmt
	closed bool
}

// prepared returns the statement for query, preparing it the first time.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if s.stmts.closed {
		return nil, fmt.Errorf("store %s is closed", s.path)
	}
	if st := s.stmts.byText[query]; st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if s.stmts.byText == nil {
		s.stmts.byText = map[string]*sql.Stmt{}
	}
	s.stmts.byText[query] = st
	return st, nil
}

// closeStatements closes the prepared statements; later calls to
// prepared fail as queries on a closed database do.
func (s *Store) closeStatements() error {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	s.stmts.closed = true
	var errs []error
	for _, st := range s.stmts.byText {
		errs = append(errs, st.Close())
	}
	s.stmts.byText = nil
	return errors.Join(errs...)
}
