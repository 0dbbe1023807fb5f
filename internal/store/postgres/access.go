package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
	"github.com/jackc/pgx/v5"
)

// PutDatasetGrant sets a principal's item permissions on a dataset, replacing earlier ones.
func (db *DB) PutDatasetGrant(ctx context.Context, g *store.DatasetGrant) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "datasets", "dataset", g.DatasetID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO dataset_grants
			(dataset_id, identifier, identifier_key, principal_type, can_read, can_build, can_reshare) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (dataset_id, identifier_key) DO UPDATE SET identifier = excluded.identifier,
			principal_type = excluded.principal_type, can_read = excluded.can_read, can_build = excluded.can_build,
			can_reshare = excluded.can_reshare`,
			g.DatasetID, g.Identifier, strings.ToLower(g.Identifier), string(g.PrincipalType),
			g.Permission.Read, g.Permission.Build, g.Permission.Reshare)
		if err != nil {
			return fmt.Errorf("postgres: put dataset grant: %w", err)
		}
		return nil
	})
}

// DatasetGrant returns a principal's item permissions on a dataset (zero when none).
func (db *DB) DatasetGrant(ctx context.Context, datasetID, identifier string, pt model.PrincipalType) (model.DatasetPermission, error) {
	var p model.DatasetPermission
	err := db.pool.QueryRow(ctx, `SELECT can_read, can_build, can_reshare FROM dataset_grants
		WHERE dataset_id = $1 AND identifier_key = $2 AND principal_type = $3`,
		datasetID, strings.ToLower(identifier), string(pt)).Scan(&p.Read, &p.Build, &p.Reshare)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.DatasetPermission{}, nil
	}
	if err != nil {
		return model.DatasetPermission{}, fmt.Errorf("postgres: dataset grant: %w", err)
	}
	return p, nil
}

// ListDatasetGrants returns a dataset's grants, by identifier.
func (db *DB) ListDatasetGrants(ctx context.Context, datasetID string) ([]*store.DatasetGrant, error) {
	rows, err := db.pool.Query(ctx, `SELECT identifier, principal_type, can_read, can_build, can_reshare
		FROM dataset_grants WHERE dataset_id = $1 ORDER BY identifier_key`, datasetID)
	return collect(rows, err, func(s scanner) (*store.DatasetGrant, error) {
		g := &store.DatasetGrant{DatasetID: datasetID}
		var pt string
		if err := s.Scan(&g.Identifier, &pt, &g.Permission.Read, &g.Permission.Build, &g.Permission.Reshare); err != nil {
			return nil, err
		}
		g.PrincipalType = model.PrincipalType(pt)
		return g, nil
	})
}

// ListGrantedDatasetIDs returns the datasets a principal may read by grant.
func (db *DB) ListGrantedDatasetIDs(ctx context.Context, identifier string) ([]string, error) {
	return queryStrings(ctx, db.pool, `SELECT dataset_id FROM dataset_grants WHERE identifier_key = $1 AND can_read ORDER BY dataset_id`,
		strings.ToLower(identifier))
}

// DeleteDatasetGrant removes a grant; NotFound when there is none.
func (db *DB) DeleteDatasetGrant(ctx context.Context, datasetID, identifier string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM dataset_grants WHERE dataset_id = $1 AND identifier_key = $2`,
			datasetID, strings.ToLower(identifier))
		if err != nil {
			return fmt.Errorf("postgres: delete dataset grant: %w", err)
		}
		return requireOne(tag, "dataset permission", identifier)
	})
}

// RecordToken stores an embed token's audit record.
func (db *DB) RecordToken(ctx context.Context, r *store.TokenRecord) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO embed_tokens (token_id, caller, caller_kind, issued_at, expiry, claims)
			VALUES ($1, $2, $3, $4, $5, $6)`, r.TokenID, r.Caller, r.CallerKind, r.IssuedAt, r.Expiry, string(r.Claims))
		if _, ok := uniqueViolation(err); ok {
			return store.ErrAlreadyExists("embed token", r.TokenID)
		}
		if err != nil {
			return fmt.Errorf("postgres: record token: %w", err)
		}
		return nil
	})
}

const tokenCols = `token_id, caller, caller_kind, issued_at, expiry, claims, revoked_at, revoked_by`

func scanToken(s scanner) (*store.TokenRecord, error) {
	var (
		r       store.TokenRecord
		claims  string
		revoked *time.Time
	)
	if err := s.Scan(&r.TokenID, &r.Caller, &r.CallerKind, &r.IssuedAt, &r.Expiry, &claims, &revoked, &r.RevokedBy); err != nil {
		return nil, err
	}
	r.IssuedAt, r.Expiry = r.IssuedAt.UTC(), r.Expiry.UTC()
	if revoked != nil {
		r.RevokedAt = revoked.UTC()
	}
	r.Claims = []byte(claims)
	return &r, nil
}

// GetToken returns one audit record.
func (db *DB) GetToken(ctx context.Context, tokenID string) (*store.TokenRecord, error) {
	r, err := scanToken(db.pool.QueryRow(ctx, `SELECT `+tokenCols+` FROM embed_tokens WHERE token_id = $1`, tokenID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.NotFound("embed token", tokenID)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get token: %w", err)
	}
	return r, nil
}

// ListTokens returns audit records, newest first.
func (db *DB) ListTokens(ctx context.Context, f store.TokenFilter) ([]*store.TokenRecord, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	// An empty caller matches every caller.
	rows, err := db.pool.Query(ctx, `SELECT `+tokenCols+` FROM embed_tokens WHERE ($1 = '' OR caller = $1)
		ORDER BY issued_at DESC, token_id LIMIT $2`, f.Caller, f.Limit)
	return collect(rows, err, scanToken)
}

// RevokeToken marks a token revoked; revoking twice keeps the first revocation.
func (db *DB) RevokeToken(ctx context.Context, tokenID, by string, at time.Time) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE embed_tokens SET revoked_at = COALESCE(revoked_at, $1),
			revoked_by = CASE WHEN revoked_at IS NULL THEN $2 ELSE revoked_by END WHERE token_id = $3`,
			at.UTC(), by, tokenID)
		if err != nil {
			return fmt.Errorf("postgres: revoke token: %w", err)
		}
		return requireOne(tag, "embed token", tokenID)
	})
}

// ListRevoked returns the revoked tokens that are not yet expired.
func (db *DB) ListRevoked(ctx context.Context, now time.Time) ([]store.RevokedToken, error) {
	rows, err := db.pool.Query(ctx, `SELECT token_id, expiry FROM embed_tokens WHERE revoked_at IS NOT NULL AND expiry > $1
		ORDER BY token_id`, now.UTC())
	if err != nil {
		return nil, fmt.Errorf("postgres: list revoked: %w", err)
	}
	defer rows.Close()
	out := []store.RevokedToken{}
	for rows.Next() {
		var r store.RevokedToken
		if err := rows.Scan(&r.TokenID, &r.Expiry); err != nil {
			return nil, fmt.Errorf("postgres: list revoked: %w", err)
		}
		r.Expiry = r.Expiry.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReplaceEmbedKeys stores the whole key set atomically.
func (db *DB) ReplaceEmbedKeys(ctx context.Context, keys [][]byte) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM embed_keys`); err != nil {
			return fmt.Errorf("postgres: replace embed keys: %w", err)
		}
		for i, k := range keys {
			if _, err := tx.Exec(ctx, `INSERT INTO embed_keys (seq, data) VALUES ($1, $2)`, i, string(k)); err != nil {
				return fmt.Errorf("postgres: replace embed keys: %w", err)
			}
		}
		return nil
	})
}

// InitEmbedKeys stores keys when none are stored, in one serializable transaction, and returns the stored set.
func (db *DB) InitEmbedKeys(ctx context.Context, keys [][]byte) ([][]byte, error) {
	err := db.write(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM embed_keys`).Scan(&n); err != nil {
			return fmt.Errorf("postgres: init embed keys: %w", err)
		}
		if n > 0 {
			return nil
		}
		for i, k := range keys {
			if _, err := tx.Exec(ctx, `INSERT INTO embed_keys (seq, data) VALUES ($1, $2)`, i, string(k)); err != nil {
				return fmt.Errorf("postgres: init embed keys: %w", err)
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
	keys, err := queryStrings(ctx, db.pool, `SELECT data FROM embed_keys ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = []byte(k)
	}
	return out, nil
}
