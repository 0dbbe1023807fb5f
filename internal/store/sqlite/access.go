package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// schemaAccess holds dataset grants, the embed-token audit log and the embed signing keys.
var schemaAccess = []string{
	`CREATE TABLE dataset_grants (
		dataset_id     TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
		identifier     TEXT NOT NULL,
		identifier_key TEXT NOT NULL,
		principal_type TEXT NOT NULL,
		can_read       INTEGER NOT NULL,
		can_build      INTEGER NOT NULL,
		can_reshare    INTEGER NOT NULL,
		PRIMARY KEY (dataset_id, identifier_key)
	)`,
	`CREATE TABLE embed_tokens (
		token_id    TEXT PRIMARY KEY,
		caller      TEXT NOT NULL,
		caller_kind TEXT NOT NULL,
		issued_at   TEXT NOT NULL,
		expiry      TEXT NOT NULL,
		claims      TEXT NOT NULL,
		revoked_at  TEXT,
		revoked_by  TEXT NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX embed_tokens_issued ON embed_tokens (issued_at DESC)`,
	`CREATE INDEX embed_tokens_revoked ON embed_tokens (expiry) WHERE revoked_at IS NOT NULL`,
	`CREATE TABLE embed_keys (
		seq  INTEGER PRIMARY KEY,
		data TEXT NOT NULL
	)`,
}

// PutDatasetGrant sets a principal's item permissions on a dataset.
func (db *DB) PutDatasetGrant(ctx context.Context, g *store.DatasetGrant) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "datasets", "dataset", g.DatasetID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO dataset_grants
			(dataset_id, identifier, identifier_key, principal_type, can_read, can_build, can_reshare) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (dataset_id, identifier_key) DO UPDATE SET identifier = excluded.identifier,
			principal_type = excluded.principal_type, can_read = excluded.can_read, can_build = excluded.can_build,
			can_reshare = excluded.can_reshare`,
			g.DatasetID, g.Identifier, strings.ToLower(g.Identifier), string(g.PrincipalType),
			g.Permission.Read, g.Permission.Build, g.Permission.Reshare)
		if err != nil {
			return fmt.Errorf("sqlite: put dataset grant: %w", err)
		}
		return nil
	})
}

// DatasetGrant returns a principal's item permissions on a dataset (zero when none).
func (db *DB) DatasetGrant(ctx context.Context, datasetID, identifier string, pt model.PrincipalType) (model.DatasetPermission, error) {
	var p model.DatasetPermission
	err := db.r.QueryRowContext(ctx, `SELECT can_read, can_build, can_reshare FROM dataset_grants
		WHERE dataset_id = ? AND identifier_key = ? AND principal_type = ?`, datasetID, strings.ToLower(identifier), string(pt)).Scan(&p.Read, &p.Build, &p.Reshare)
	if errors.Is(err, sql.ErrNoRows) {
		return model.DatasetPermission{}, nil
	}
	if err != nil {
		return p, fmt.Errorf("sqlite: dataset grant: %w", err)
	}
	return p, nil
}

// ListDatasetGrants returns a dataset's grants, by identifier.
func (db *DB) ListDatasetGrants(ctx context.Context, datasetID string) ([]*store.DatasetGrant, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT identifier, principal_type, can_read, can_build, can_reshare
		FROM dataset_grants WHERE dataset_id = ? ORDER BY identifier_key`, datasetID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list dataset grants: %w", err)
	}
	defer rows.Close()
	out := []*store.DatasetGrant{}
	for rows.Next() {
		g := &store.DatasetGrant{DatasetID: datasetID}
		var pt string
		if err := rows.Scan(&g.Identifier, &pt, &g.Permission.Read, &g.Permission.Build, &g.Permission.Reshare); err != nil {
			return nil, fmt.Errorf("sqlite: scan dataset grant: %w", err)
		}
		g.PrincipalType = model.PrincipalType(pt)
		out = append(out, g)
	}
	return out, rows.Err()
}

// ListGrantedDatasetIDs returns the datasets a principal may read by grant.
func (db *DB) ListGrantedDatasetIDs(ctx context.Context, identifier string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT dataset_id FROM dataset_grants WHERE identifier_key = ? AND can_read ORDER BY dataset_id`,
		strings.ToLower(identifier))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list granted datasets: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// DeleteDatasetGrant removes a grant; NotFound when there is none.
func (db *DB) DeleteDatasetGrant(ctx context.Context, datasetID, identifier string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM dataset_grants WHERE dataset_id = ? AND identifier_key = ?`,
			datasetID, strings.ToLower(identifier))
		if err != nil {
			return fmt.Errorf("sqlite: delete dataset grant: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("dataset permission", identifier)
		}
		return nil
	})
}

// RecordToken stores an embed token's audit record.
func (db *DB) RecordToken(ctx context.Context, r *store.TokenRecord) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO embed_tokens (token_id, caller, caller_kind, issued_at, expiry, claims)
			VALUES (?, ?, ?, ?, ?, ?)`, r.TokenID, r.Caller, r.CallerKind, formatTime(r.IssuedAt), formatTime(r.Expiry), string(r.Claims))
		if err != nil {
			return fmt.Errorf("sqlite: record token: %w", err)
		}
		return nil
	})
}

const tokenCols = `token_id, caller, caller_kind, issued_at, expiry, claims, revoked_at, revoked_by`

func scanToken(sc interface{ Scan(...any) error }) (*store.TokenRecord, error) {
	var r store.TokenRecord
	var issued, expiry, claims string
	var revoked sql.NullString
	if err := sc.Scan(&r.TokenID, &r.Caller, &r.CallerKind, &issued, &expiry, &claims, &revoked, &r.RevokedBy); err != nil {
		return nil, err
	}
	var err error
	if r.IssuedAt, err = parseTime(issued); err != nil {
		return nil, err
	}
	if r.Expiry, err = parseTime(expiry); err != nil {
		return nil, err
	}
	if revoked.Valid {
		if r.RevokedAt, err = parseTime(revoked.String); err != nil {
			return nil, err
		}
	}
	r.Claims = []byte(claims)
	return &r, nil
}

// GetToken returns one audit record.
func (db *DB) GetToken(ctx context.Context, tokenID string) (*store.TokenRecord, error) {
	r, err := scanToken(db.r.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM embed_tokens WHERE token_id = ?`, tokenID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("embed token", tokenID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get token: %w", err)
	}
	return r, nil
}

// ListTokens returns audit records, newest first.
func (db *DB) ListTokens(ctx context.Context, f store.TokenFilter) ([]*store.TokenRecord, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := `SELECT ` + tokenCols + ` FROM embed_tokens`
	args := []any{}
	if f.Caller != "" {
		q += ` WHERE caller = ?`
		args = append(args, f.Caller)
	}
	q += ` ORDER BY issued_at DESC, token_id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list tokens: %w", err)
	}
	defer rows.Close()
	out := []*store.TokenRecord{}
	for rows.Next() {
		r, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan token: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RevokeToken marks a token revoked.
func (db *DB) RevokeToken(ctx context.Context, tokenID, by string, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE embed_tokens SET revoked_at = COALESCE(revoked_at, ?),
			revoked_by = CASE WHEN revoked_at IS NULL THEN ? ELSE revoked_by END WHERE token_id = ?`,
			formatTime(at.UTC()), by, tokenID)
		if err != nil {
			return fmt.Errorf("sqlite: revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("embed token", tokenID)
		}
		return nil
	})
}

// ListRevoked returns the revoked tokens that are not yet expired.
func (db *DB) ListRevoked(ctx context.Context, now time.Time) ([]store.RevokedToken, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT token_id, expiry FROM embed_tokens WHERE revoked_at IS NOT NULL AND expiry > ?
		ORDER BY token_id`, formatTime(now.UTC()))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list revoked: %w", err)
	}
	defer rows.Close()
	out := []store.RevokedToken{}
	for rows.Next() {
		var r store.RevokedToken
		var exp string
		if err := rows.Scan(&r.TokenID, &exp); err != nil {
			return nil, err
		}
		if r.Expiry, err = parseTime(exp); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReplaceEmbedKeys stores the whole key set atomically.
func (db *DB) ReplaceEmbedKeys(ctx context.Context, keys [][]byte) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM embed_keys`); err != nil {
			return fmt.Errorf("sqlite: replace embed keys: %w", err)
		}
		for i, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO embed_keys (seq, data) VALUES (?, ?)`, i, string(k)); err != nil {
				return fmt.Errorf("sqlite: replace embed keys: %w", err)
			}
		}
		return nil
	})
}

// InitEmbedKeys stores keys when none are stored, under the single writer, and returns the stored set.
func (db *DB) InitEmbedKeys(ctx context.Context, keys [][]byte) ([][]byte, error) {
	err := db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM embed_keys`).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: init embed keys: %w", err)
		}
		if n > 0 {
			return nil
		}
		for i, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO embed_keys (seq, data) VALUES (?, ?)`, i, string(k)); err != nil {
				return fmt.Errorf("sqlite: init embed keys: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.ListEmbedKeys(ctx)
}

// ListEmbedKeys returns the stored key set in order.
func (db *DB) ListEmbedKeys(ctx context.Context) ([][]byte, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT data FROM embed_keys ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list embed keys: %w", err)
	}
	defer rows.Close()
	out := [][]byte{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, []byte(s))
	}
	return out, rows.Err()
}
