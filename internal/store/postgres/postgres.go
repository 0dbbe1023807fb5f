// Package postgres is the shared metadata store: store.Store on PostgreSQL
// through pgx, so that several stateless Bindery nodes can serve the same
// capacities, workspaces, principals and embed tokens (DESIGN.md §5).
//
// It keeps the sqlite store's semantics exactly (storetest.Run checks both).
// Where the sqlite store relies on its single writer, this one runs every
// write in a SERIALIZABLE transaction and retries it when PostgreSQL reports
// a serialization failure or a deadlock, so check-then-write rules (unique
// names, DatasetInUse, data versions) hold across nodes. Open applies the
// schema migrations in migrate.go under an advisory lock.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults for Options.
const (
	DefaultMaxConns = 10
	// maxAttempts bounds how often a write is retried after a serialization failure.
	maxAttempts = 10
)

// Options configure Open. Zero values take the defaults above.
type Options struct {
	// URL is a postgres:// or postgresql:// connection URL (or a key=value
	// DSN). A search_path parameter selects the schema. Required.
	URL string
	// Logger receives migration and lifecycle messages; nil discards them.
	Logger *slog.Logger
	// MaxConns bounds the connection pool.
	MaxConns int
}

// DB is a PostgreSQL metadata store. It implements store.Store and is safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

var _ store.Store = (*DB)(nil)

// Open connects to the database and migrates it to SchemaVersion(). A
// database written by a newer Bindery is refused with an error wrapping
// ErrSchemaTooNew.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.URL == "" {
		return nil, errors.New("postgres: Options.URL is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	cfg, err := pgxpool.ParseConfig(opts.URL)
	if err != nil {
		// pgx's message names the problem but never the password.
		return nil, fmt.Errorf("postgres: connection URL: %w", err)
	}
	cfg.MaxConns = int32(opts.MaxConns)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	db := &DB{pool: pool, log: opts.Logger.With("component", "store.postgres")}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool. It is safe to call more than once.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// write runs fn in one SERIALIZABLE transaction, committing when it returns
// nil and rolling back otherwise. A serialization failure or deadlock
// (another node wrote what fn read) runs fn again on fresh data, so fn must
// not keep state from an earlier attempt.
func (db *DB) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.Serializable}, fn)
		if err == nil || !retryable(err) {
			return err
		}
		if attempt == maxAttempts {
			return fmt.Errorf("postgres: gave up after %d conflicting attempts: %w", attempt, err)
		}
		// Jittered backoff, so two nodes that collided do not collide again.
		d := time.Duration(attempt) * time.Duration(1+rand.IntN(5)) * time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
}

// retryable reports a serialization failure or a deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// querier is what the pool and a transaction share, so lookups run in or out of a write.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type scanner interface{ Scan(dest ...any) error }

// exists reports whether a row with the id is in table (a constant from this package).
func exists(ctx context.Context, q querier, table, id string) (bool, error) {
	var one int
	err := q.QueryRow(ctx, "SELECT 1 FROM "+table+" WHERE id = $1", id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: look up %s: %w", table, err)
	}
	return true, nil
}

// mustExist returns errs.NotFound(what, id) when the row is missing.
func mustExist(ctx context.Context, q querier, table, what, id string) error {
	ok, err := exists(ctx, q, table, id)
	if err != nil {
		return err
	}
	if !ok {
		return errs.NotFound(what, id)
	}
	return nil
}

// uniqueViolation returns the violated constraint's name, or "" when err is
// not a unique violation.
func uniqueViolation(err error) (constraint string, ok bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName, true
	}
	return "", false
}

// nullable stores "" as NULL (for optional references).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// collect scans every row with scan and closes rows.
func collect[T any](rows pgx.Rows, err error, scan func(scanner) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, fmt.Errorf("postgres: query: %w", err)
	}
	defer rows.Close()
	out := []*T{} // empty, not nil: lists encode as []
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read rows: %w", err)
	}
	return out, nil
}

// queryStrings returns the first column of every row.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: query: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: scan: %w", err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// requireOne turns an UPDATE or DELETE that touched no row into a not-found error.
func requireOne(tag pgconn.CommandTag, what, id string) error {
	if tag.RowsAffected() == 0 {
		return errs.NotFound(what, id)
	}
	return nil
}
