package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/bindery-dev/bindery/internal/store"
)

// ErrSchemaTooNew is returned by Open when the database was migrated by a
// newer Bindery than this one: running on it could corrupt data it does not
// understand.
var ErrSchemaTooNew = errors.New("sqlite: database schema is newer than this binary")

// migration is one schema step. Version i+1 is migrations[i].
type migration struct {
	name string
	up   func(ctx context.Context, tx *sql.Tx) error
}

// migrations is the schema history, oldest first. Append new steps at the
// end; never edit or reorder a released one. A step that is only SQL can be
// written as sqlStep("...", "..."); each step runs in its own transaction.
var migrations = []migration{
	{"metadata", sqlStep(schemaV1...)},
	{"principals", sqlStep(schemaPrincipals...)},
	{"access", sqlStep(schemaAccess...)},
	{"member_keys", migrateMemberKeys},
}

// SchemaVersion is the schema version this binary migrates to.
func SchemaVersion() int { return len(migrations) }

// sqlStep runs the statements in order.
func sqlStep(stmts ...string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TEXT NOT NULL
) STRICT`

// Version returns the schema version the database is at (0 for an empty file).
func (db *DB) Version(ctx context.Context) (int, error) {
	return version(ctx, db.r)
}

func version(ctx context.Context, q querier) (int, error) {
	var has int
	err := q.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&has)
	if err != nil {
		return 0, fmt.Errorf("sqlite: read schema version: %w", err)
	}
	if has == 0 {
		return 0, nil
	}
	var v int
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: read schema version: %w", err)
	}
	return v, nil
}

// migrate applies the missing steps, each in its own transaction. The
// version is re-read inside each transaction (which holds the write lock), so
// two processes opening the same file at once do not apply a step twice.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	for i, m := range migrations {
		want := i + 1
		err := db.write(ctx, func(tx *sql.Tx) error {
			cur, err := version(ctx, tx)
			if err != nil {
				return err
			}
			if cur > SchemaVersion() {
				return fmt.Errorf("%w: the database is at version %d, this binary knows versions up to %d; upgrade Bindery",
					ErrSchemaTooNew, cur, SchemaVersion())
			}
			if cur >= want {
				return nil
			}
			if err := m.up(ctx, tx); err != nil {
				return fmt.Errorf("sqlite: migration %d (%s): %w", want, m.name, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				want, m.name, formatTime(time.Now()))
			if err != nil {
				return fmt.Errorf("sqlite: record migration %d: %w", want, err)
			}
			db.log.Info("applied schema migration", "version", want, "name", m.name)
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Also refuses a too-new database when this binary has no steps at all.
	cur, err := version(ctx, db.w)
	if err != nil {
		return err
	}
	if cur > SchemaVersion() {
		return fmt.Errorf("%w: the database is at version %d, this binary knows versions up to %d; upgrade Bindery",
			ErrSchemaTooNew, cur, SchemaVersion())
	}
	return nil
}

// schemaV1: capacities, workspaces, members, datasets, reports.
// Timestamps are UTC text in timeFormat; definitions are JSON text.
var schemaV1 = []string{
	`CREATE TABLE capacities (
		id           TEXT PRIMARY KEY,
		display_name TEXT NOT NULL,
		sku          TEXT NOT NULL,
		state        TEXT NOT NULL,
		region       TEXT NOT NULL DEFAULT '',
		admins       TEXT NOT NULL, -- JSON array
		limits       TEXT NOT NULL, -- JSON object
		created_at   TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX capacities_created ON capacities (created_at, id)`,
	`CREATE TABLE workspaces (
		id          TEXT PRIMARY KEY,
		name        TEXT NOT NULL,
		name_key    TEXT NOT NULL UNIQUE, -- folded name: names are unique case-insensitively
		description TEXT NOT NULL DEFAULT '',
		capacity_id TEXT REFERENCES capacities (id),
		created_at  TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX workspaces_created ON workspaces (created_at, id)`,
	`CREATE INDEX workspaces_capacity ON workspaces (capacity_id)`,
	`CREATE TABLE members (
		workspace_id   TEXT NOT NULL REFERENCES workspaces (id),
		identifier     TEXT NOT NULL,
		display_name   TEXT NOT NULL DEFAULT '',
		principal_type TEXT NOT NULL,
		role           TEXT NOT NULL,
		created_at     TEXT NOT NULL,
		PRIMARY KEY (workspace_id, identifier)
	) STRICT`,
	`CREATE TABLE datasets (
		id            TEXT PRIMARY KEY,
		workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
		name          TEXT NOT NULL,
		storage_mode  TEXT NOT NULL,
		configured_by TEXT NOT NULL DEFAULT '',
		data_version  INTEGER NOT NULL DEFAULT 0,
		definition    TEXT NOT NULL, -- JSON model.DatasetDefinition
		created_at    TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX datasets_workspace ON datasets (workspace_id, created_at, id)`,
	`CREATE TABLE reports (
		id           TEXT PRIMARY KEY,
		workspace_id TEXT NOT NULL REFERENCES workspaces (id),
		name         TEXT NOT NULL,
		dataset_id   TEXT NOT NULL REFERENCES datasets (id),
		definition   TEXT NOT NULL, -- JSON model.ReportDefinition
		created_at   TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX reports_workspace ON reports (workspace_id, created_at, id)`,
	`CREATE INDEX reports_dataset ON reports (dataset_id)`,
}

// migrateMemberKeys makes member identifiers case-insensitive, as dataset
// grants are: it adds members.identifier_key (identifierKey of identifier)
// and a unique index on (workspace_id, identifier_key). Where rows differ only
// in case, the first in ListMembers order is kept, because that is the one
// authorization matched, so nobody's access changes.
func migrateMemberKeys(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `ALTER TABLE members ADD COLUMN identifier_key TEXT NOT NULL DEFAULT ''`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT workspace_id, identifier FROM members ORDER BY workspace_id, created_at, identifier`)
	if err != nil {
		return err
	}
	type row struct{ ws, id string }
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ws, &r.id); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	seen := map[row]bool{}
	for _, r := range all {
		k := row{r.ws, store.IdentifierKey(r.id)}
		q := `UPDATE members SET identifier_key = ? WHERE workspace_id = ? AND identifier = ?`
		args := []any{k.id, r.ws, r.id}
		if seen[k] {
			q, args = `DELETE FROM members WHERE workspace_id = ? AND identifier = ?`, args[1:]
		}
		seen[k] = true
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `CREATE UNIQUE INDEX members_key ON members (workspace_id, identifier_key)`)
	return err
}
