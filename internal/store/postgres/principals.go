package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/store"
	"github.com/jackc/pgx/v5"
)

const userCols = `username, display_name, password_hash, disabled, created_at`

// CreateUser stores a new user, setting CreatedAt when zero.
func (db *DB) CreateUser(ctx context.Context, u *store.User) error {
	at := store.CreatedAt(u.CreatedAt)
	err := db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO users (username_key, `+userCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			store.NameKey(u.Username), u.Username, u.DisplayName, u.PasswordHash, u.Disabled, at)
		if _, ok := uniqueViolation(err); ok {
			return store.ErrDuplicateUser(u.Username)
		}
		if err != nil {
			return fmt.Errorf("postgres: create user: %w", err)
		}
		return nil
	})
	if err == nil {
		u.CreatedAt = at
	}
	return err
}

// GetUser returns the user, found case-insensitively, or a not-found error.
func (db *DB) GetUser(ctx context.Context, username string) (*store.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE username_key = $1`, store.NameKey(username)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.NotFound("user", username)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get user: %w", err)
	}
	return u, nil
}

// ListUsers returns every user, oldest first.
func (db *DB) ListUsers(ctx context.Context) ([]*store.User, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY created_at, username_key`)
	return collect(rows, err, scanUser)
}

// UpdateUser replaces display name, password hash and the disabled flag.
func (db *DB) UpdateUser(ctx context.Context, u *store.User) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET display_name = $1, password_hash = $2, disabled = $3 WHERE username_key = $4`,
			u.DisplayName, u.PasswordHash, u.Disabled, store.NameKey(u.Username))
		if err != nil {
			return fmt.Errorf("postgres: update user: %w", err)
		}
		return requireOne(tag, "user", u.Username)
	})
}

// DeleteUser removes the user.
func (db *DB) DeleteUser(ctx context.Context, username string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM users WHERE username_key = $1`, store.NameKey(username))
		if err != nil {
			return fmt.Errorf("postgres: delete user: %w", err)
		}
		return requireOne(tag, "user", username)
	})
}

func scanUser(s scanner) (*store.User, error) {
	var u store.User
	if err := s.Scan(&u.Username, &u.DisplayName, &u.PasswordHash, &u.Disabled, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

const appCols = `client_id, display_name, secret_hash, created_at, secret_rotated_at`

// CreateApp stores a new app, setting CreatedAt (and SecretRotatedAt) when zero.
func (db *DB) CreateApp(ctx context.Context, a *store.App) error {
	at := store.CreatedAt(a.CreatedAt)
	rot := at
	if !a.SecretRotatedAt.IsZero() {
		rot = store.CreatedAt(a.SecretRotatedAt)
	}
	err := db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO apps (`+appCols+`) VALUES ($1, $2, $3, $4, $5)`,
			a.ClientID, a.DisplayName, a.SecretHash, at, rot)
		if _, ok := uniqueViolation(err); ok {
			return store.ErrAlreadyExists("app", a.ClientID)
		}
		if err != nil {
			return fmt.Errorf("postgres: create app: %w", err)
		}
		return nil
	})
	if err == nil {
		a.CreatedAt, a.SecretRotatedAt = at, rot
	}
	return err
}

// GetApp returns the app or a not-found error.
func (db *DB) GetApp(ctx context.Context, clientID string) (*store.App, error) {
	a, err := scanApp(db.pool.QueryRow(ctx, `SELECT `+appCols+` FROM apps WHERE client_id = $1`, clientID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.NotFound("app", clientID)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get app: %w", err)
	}
	return a, nil
}

// ListApps returns every app, oldest first.
func (db *DB) ListApps(ctx context.Context) ([]*store.App, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+appCols+` FROM apps ORDER BY created_at, client_id`)
	return collect(rows, err, scanApp)
}

// SetAppSecret replaces the secret hash and records when.
func (db *DB) SetAppSecret(ctx context.Context, clientID, secretHash string, at time.Time) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE apps SET secret_hash = $1, secret_rotated_at = $2 WHERE client_id = $3`,
			secretHash, store.CreatedAt(at), clientID)
		if err != nil {
			return fmt.Errorf("postgres: set app secret: %w", err)
		}
		return requireOne(tag, "app", clientID)
	})
}

// DeleteApp removes the app.
func (db *DB) DeleteApp(ctx context.Context, clientID string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM apps WHERE client_id = $1`, clientID)
		if err != nil {
			return fmt.Errorf("postgres: delete app: %w", err)
		}
		return requireOne(tag, "app", clientID)
	})
}

func scanApp(s scanner) (*store.App, error) {
	var a store.App
	if err := s.Scan(&a.ClientID, &a.DisplayName, &a.SecretHash, &a.CreatedAt, &a.SecretRotatedAt); err != nil {
		return nil, err
	}
	a.CreatedAt, a.SecretRotatedAt = a.CreatedAt.UTC(), a.SecretRotatedAt.UTC()
	return &a, nil
}

// PutSigningKey stores a new signing key, setting CreatedAt when zero.
func (db *DB) PutSigningKey(ctx context.Context, k *store.SigningKey) error {
	at := store.CreatedAt(k.CreatedAt)
	err := db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO signing_keys (id, algorithm, private_key, created_at) VALUES ($1, $2, $3, $4)`,
			k.ID, k.Algorithm, k.PrivateKey, at)
		if _, ok := uniqueViolation(err); ok {
			return store.ErrAlreadyExists("signing key", k.ID)
		}
		if err != nil {
			return fmt.Errorf("postgres: put signing key: %w", err)
		}
		return nil
	})
	if err == nil {
		k.CreatedAt = at
	}
	return err
}

// ListSigningKeys returns every signing key, oldest first.
func (db *DB) ListSigningKeys(ctx context.Context) ([]*store.SigningKey, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, algorithm, private_key, created_at FROM signing_keys ORDER BY created_at, id`)
	return collect(rows, err, func(s scanner) (*store.SigningKey, error) {
		var k store.SigningKey
		if err := s.Scan(&k.ID, &k.Algorithm, &k.PrivateKey, &k.CreatedAt); err != nil {
			return nil, err
		}
		k.CreatedAt = k.CreatedAt.UTC()
		return &k, nil
	})
}

// DeleteSigningKey removes a signing key.
func (db *DB) DeleteSigningKey(ctx context.Context, id string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM signing_keys WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("postgres: delete signing key: %w", err)
		}
		return requireOne(tag, "signing key", id)
	})
}
