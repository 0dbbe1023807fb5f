// Package sqlite is the embedded metadata store: store.Store on one SQLite
// file through the pure-Go modernc.org/sqlite driver.
//
// The file is opened the same way every time (busy_timeout first, then WAL,
// synchronous=NORMAL and foreign_keys=ON on every connection). Writes go
// through a pool of exactly one connection whose transactions begin
// IMMEDIATE, so writers queue in Go instead of failing with "database is
// locked"; reads use a separate pool and, thanks to WAL, never wait for the
// writer. Open applies the schema migrations in migrations.go.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/store"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Defaults for Options.
const (
	DefaultBusyTimeout = 10 * time.Second
	DefaultReadConns   = 4
)

// Options configure Open. Zero values take the defaults above.
type Options struct {
	// Path is the database file; it is created when missing. Required.
	Path string
	// Logger receives migration and lifecycle messages; nil discards them.
	Logger *slog.Logger
	// BusyTimeout is how long a connection waits for a lock held by another
	// process before failing.
	BusyTimeout time.Duration
	// ReadConns bounds the read pool.
	ReadConns int
}

// DB is a SQLite metadata store. It implements store.Store and is safe for concurrent use.
type DB struct {
	w   *sql.DB // one connection: all writes, serialised
	r   *sql.DB // read pool
	log *slog.Logger
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the database at opts.Path and migrates it
// to SchemaVersion(). A database written by a newer Bindery is refused with
// an error wrapping ErrSchemaTooNew.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.Path == "" {
		return nil, errors.New("sqlite: Options.Path is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = DefaultBusyTimeout
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = DefaultReadConns
	}

	// Create a missing file 0600 up front, so it is never readable by others.
	f, err := os.OpenFile(opts.Path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", opts.Path, err)
	}
	f.Close()
	w, err := sql.Open("sqlite", dsn(opts, true))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", opts.Path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Ping the writer first so the file exists and is in WAL mode before
	// readers connect.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", opts.Path, err)
	}
	if err := restrictFiles(opts.Path); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(opts, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", opts.Path, err)
	}
	r.SetMaxOpenConns(opts.ReadConns)
	r.SetMaxIdleConns(opts.ReadConns)

	db := &DB{w: w, r: r, log: opts.Logger.With("component", "store.sqlite")}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// restrictFiles makes the database and its -wal and -shm files readable by
// the owner only: they hold signing keys and credentials. It also tightens
// files an older Bindery created 0644; SQLite gives -wal and -shm files it
// creates later the database file's mode.
func restrictFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sqlite: restrict permissions: %w", err)
		}
	}
	return nil
}

// dsn builds the modernc.org/sqlite connection string. The driver runs
// busy_timeout before the other pragmas, on every new connection.
func dsn(opts Options, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	if writer {
		// Take the write lock at BEGIN: a deferred transaction that upgrades
		// from read to write can fail with SQLITE_BUSY without waiting.
		q.Set("_txlock", "immediate")
	}
	// The path is a URI path: escape the characters that would end it.
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(opts.Path)
	return "file:" + p + "?" + q.Encode()
}

// Close closes both pools. It is safe to call more than once.
func (db *DB) Close() error {
	return errors.Join(db.r.Close(), db.w.Close())
}

// write runs fn in one transaction on the writer connection, committing when
// it returns nil and rolling back otherwise.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx share, so lookups run in or out of a write.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type scanner interface{ Scan(dest ...any) error }

// exists reports whether a row with the id is in table (a constant from this package).
func exists(ctx context.Context, q querier, table, id string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: look up %s: %w", table, err)
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

// timeFormat is fixed-width so that text order is time order.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: bad timestamp %q: %w", s, err)
	}
	return t, nil
}

// isUniqueViolation reports a UNIQUE or PRIMARY KEY constraint failure.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code()
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// nullable stores "" as NULL (for optional references).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
