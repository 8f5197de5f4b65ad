package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// statements holds the store's prepared statements for the queries run
// once or more per document: loading a document, its passages and its
// tags, and every query with arguments of the write transactions that
// store documents (see stmtTx). A retag, reindex or ingest of thousands
// of small documents otherwise spent a fair part of its time having
// SQLite parse and plan the same text again. database/sql prepares a
// Stmt anew on each connection that runs it and keeps it there, so the
// readers working at once each reuse theirs, and a writer its own. The
// set of texts is bounded: every query is a constant of this package,
// or one of a few built from them (insertRows' sizes).
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

// execer is what the write paths ask of a transaction: a *sql.Tx, or a
// *stmtTx, which runs the same queries through prepared statements.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// stmtTx is a write transaction whose queries with arguments run the
// store's prepared statements: storing a document runs some fifteen
// statements, which SQLite otherwise parsed and planned anew for every
// document of every batch. A query without arguments (schema changes,
// several statements at once) runs as given.
type stmtTx struct {
	*sql.Tx
	s *Store
	// stmts holds the transaction's handles on the store's statements,
	// each taken once.
	stmts map[string]*sql.Stmt
}

// inStmtTx runs fn in a transaction as inTx does, with the store's
// prepared statements.
func (s *Store) inStmtTx(ctx context.Context, fn func(*stmtTx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return fn(&stmtTx{Tx: tx, s: s, stmts: map[string]*sql.Stmt{}})
	})
}

// stmt is the store's statement for query, bound to the transaction.
// database/sql reuses the statement prepared on the transaction's
// connection when there is one, else prepares it there for later
// transactions too.
func (t *stmtTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	ps, err := t.s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	st := t.Tx.StmtContext(ctx, ps)
	t.stmts[query] = st
	return st, nil
}

// ExecContext runs query with args through its prepared statement.
func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if len(args) == 0 {
		return t.Tx.ExecContext(ctx, query)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext runs query with args through its prepared statement.
func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if len(args) == 0 {
		return t.Tx.QueryContext(ctx, query)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs query with args through its prepared statement.
func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if len(args) == 0 {
		return t.Tx.QueryRowContext(ctx, query)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		// A *sql.Row cannot be made to hold an error here: the query
		// as given fails again, with it.
		return t.Tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// PrepareContext returns the store's statement for query, bound to the
// transaction; closing it leaves the store's statement prepared.
func (t *stmtTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	ps, err := t.s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return t.Tx.StmtContext(ctx, ps), nil
}
