package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrSchemaTooNew is returned by Open when the database was migrated by a
// newer Bindery than this one: running on it could corrupt data it does not
// understand.
var ErrSchemaTooNew = errors.New("postgres: database schema is newer than this binary")

// migration is one schema step. Version i+1 is migrations[i].
type migration struct {
	name string
	up   func(ctx context.Context, tx pgx.Tx) error
}

// migrations is the schema history, oldest first. Append new steps at the
// end; never edit or reorder a released one. Each step runs in its own
// transaction, holding the migration lock.
var migrations = []migration{
	{"metadata", sqlStep(schemaMetadata...)},
	{"principals", sqlStep(schemaPrincipals...)},
	{"access", sqlStep(schemaAccess...)},
}

// SchemaVersion is the schema version this binary migrates to.
func SchemaVersion() int { return len(migrations) }

// sqlStep runs the statements in order.
func sqlStep(stmts ...string) func(context.Context, pgx.Tx) error {
	return func(ctx context.Context, tx pgx.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}

// lockMigrations takes a transaction-scoped advisory lock for the current
// schema, so nodes starting at once migrate one after the other (and tests
// in other schemas of the same database do not wait for each other).
const lockMigrations = `SELECT pg_advisory_xact_lock(hashtext('bindery.schema_migrations.' || coalesce(current_schema(), '')))`

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL
)`

// Version returns the schema version the database is at (0 for an empty schema).
func (db *DB) Version(ctx context.Context) (int, error) {
	return version(ctx, db.pool)
}

func version(ctx context.Context, q querier) (int, error) {
	var has bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&has); err != nil {
		return 0, fmt.Errorf("postgres: read schema version: %w", err)
	}
	if !has {
		return 0, nil
	}
	var v int
	if err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgres: read schema version: %w", err)
	}
	return v, nil
}

func tooNew(cur int) error {
	return fmt.Errorf("%w: the database is at version %d, this binary knows versions up to %d; upgrade Bindery",
		ErrSchemaTooNew, cur, SchemaVersion())
}

// migrate applies the missing steps, each in its own transaction under the
// advisory lock. The version is re-read after taking the lock, so a node
// that waited for another's migration sees it done and applies nothing twice.
func (db *DB) migrate(ctx context.Context) error {
	for i, m := range migrations {
		want := i + 1
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, lockMigrations); err != nil {
				return fmt.Errorf("postgres: lock for migration: %w", err)
			}
			if _, err := tx.Exec(ctx, createMigrationsTable); err != nil {
				return fmt.Errorf("postgres: create schema_migrations: %w", err)
			}
			cur, err := version(ctx, tx)
			if err != nil {
				return err
			}
			if cur > SchemaVersion() {
				return tooNew(cur)
			}
			if cur >= want {
				return nil
			}
			if err := m.up(ctx, tx); err != nil {
				return fmt.Errorf("postgres: migration %d (%s): %w", want, m.name, err)
			}
			_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				want, m.name, time.Now())
			if err != nil {
				return fmt.Errorf("postgres: record migration %d: %w", want, err)
			}
			db.log.Info("applied schema migration", "version", want, "name", m.name)
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Also refuses a too-new database when this binary has no steps at all.
	cur, err := version(ctx, db.pool)
	if err != nil {
		return err
	}
	if cur > SchemaVersion() {
		return tooNew(cur)
	}
	return nil
}

// Identifiers and other keys that lists order by are COLLATE "C", so they
// sort byte-wise as in SQLite whatever the database's locale.

// schemaMetadata: capacities, workspaces, members, datasets, reports.
// Definitions and capacity admins and limits are JSON kept as text, so a
// raw filter comes back byte for byte.
var schemaMetadata = []string{
	`CREATE TABLE capacities (
		id           text COLLATE "C" PRIMARY KEY,
		display_name text NOT NULL,
		sku          text NOT NULL,
		state        text NOT NULL,
		region       text NOT NULL DEFAULT '',
		admins       text NOT NULL, -- JSON array
		limits       text NOT NULL, -- JSON object
		created_at   timestamptz NOT NULL
	)`,
	`CREATE INDEX capacities_created ON capacities (created_at, id)`,
	`CREATE TABLE workspaces (
		id          text COLLATE "C" PRIMARY KEY,
		name        text NOT NULL,
		name_key    text NOT NULL CONSTRAINT workspaces_name_key UNIQUE, -- folded name: unique case-insensitively
		description text NOT NULL DEFAULT '',
		capacity_id text COLLATE "C" REFERENCES capacities (id),
		created_at  timestamptz NOT NULL
	)`,
	`CREATE INDEX workspaces_created ON workspaces (created_at, id)`,
	`CREATE INDEX workspaces_capacity ON workspaces (capacity_id)`,
	`CREATE TABLE members (
		workspace_id   text COLLATE "C" NOT NULL REFERENCES workspaces (id),
		identifier     text COLLATE "C" NOT NULL,
		identifier_key text NOT NULL, -- folded identifier: members match case-insensitively
		display_name   text NOT NULL DEFAULT '',
		principal_type text NOT NULL,
		role           text NOT NULL,
		created_at     timestamptz NOT NULL,
		PRIMARY KEY (workspace_id, identifier_key)
	)`,
	`CREATE TABLE datasets (
		id            text COLLATE "C" PRIMARY KEY,
		workspace_id  text COLLATE "C" NOT NULL REFERENCES workspaces (id),
		name          text NOT NULL,
		storage_mode  text NOT NULL,
		configured_by text NOT NULL DEFAULT '',
		data_version  bigint NOT NULL DEFAULT 0,
		definition    text NOT NULL, -- JSON model.DatasetDefinition
		created_at    timestamptz NOT NULL
	)`,
	`CREATE INDEX datasets_workspace ON datasets (workspace_id, created_at, id)`,
	`CREATE TABLE reports (
		id           text COLLATE "C" PRIMARY KEY,
		workspace_id text COLLATE "C" NOT NULL REFERENCES workspaces (id),
		name         text NOT NULL,
		dataset_id   text COLLATE "C" NOT NULL REFERENCES datasets (id),
		definition   text NOT NULL, -- JSON model.ReportDefinition
		created_at   timestamptz NOT NULL
	)`,
	`CREATE INDEX reports_workspace ON reports (workspace_id, created_at, id)`,
	`CREATE INDEX reports_dataset ON reports (dataset_id)`,
}

// schemaPrincipals: users, apps (service principals) and the issuer's signing keys.
var schemaPrincipals = []string{
	`CREATE TABLE users (
		username      text NOT NULL,
		username_key  text COLLATE "C" PRIMARY KEY, -- folded: usernames are unique case-insensitively
		display_name  text NOT NULL DEFAULT '',
		password_hash text NOT NULL,
		disabled      boolean NOT NULL DEFAULT false,
		created_at    timestamptz NOT NULL
	)`,
	`CREATE TABLE apps (
		client_id         text COLLATE "C" PRIMARY KEY,
		display_name      text NOT NULL DEFAULT '',
		secret_hash       text NOT NULL,
		created_at        timestamptz NOT NULL,
		secret_rotated_at timestamptz NOT NULL
	)`,
	`CREATE TABLE signing_keys (
		id          text COLLATE "C" PRIMARY KEY,
		algorithm   text NOT NULL,
		private_key bytea NOT NULL, -- PKCS #8 DER
		created_at  timestamptz NOT NULL
	)`,
}

// schemaAccess holds dataset grants, the embed-token audit log and the embed signing keys.
var schemaAccess = []string{
	`CREATE TABLE dataset_grants (
		dataset_id     text COLLATE "C" NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
		identifier     text NOT NULL,
		identifier_key text COLLATE "C" NOT NULL,
		principal_type text NOT NULL,
		can_read       boolean NOT NULL,
		can_build      boolean NOT NULL,
		can_reshare    boolean NOT NULL,
		PRIMARY KEY (dataset_id, identifier_key)
	)`,
	`CREATE INDEX dataset_grants_identifier ON dataset_grants (identifier_key) WHERE can_read`,
	`CREATE TABLE embed_tokens (
		token_id    text COLLATE "C" PRIMARY KEY,
		caller      text NOT NULL,
		caller_kind text NOT NULL,
		issued_at   timestamptz NOT NULL,
		expiry      timestamptz NOT NULL,
		claims      text NOT NULL, -- JSON, kept byte for byte
		revoked_at  timestamptz,
		revoked_by  text NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX embed_tokens_issued ON embed_tokens (issued_at DESC, token_id)`,
	`CREATE INDEX embed_tokens_revoked ON embed_tokens (expiry) WHERE revoked_at IS NOT NULL`,
	`CREATE TABLE embed_keys (
		seq  integer PRIMARY KEY,
		data text NOT NULL -- JWK JSON
	)`,
}
