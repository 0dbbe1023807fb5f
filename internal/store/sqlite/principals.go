package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/store"
)

// schemaPrincipals: users, apps (service principals) and the issuer's signing keys.
var schemaPrincipals = []string{
	`CREATE TABLE users (
		username      TEXT NOT NULL,
		username_key  TEXT PRIMARY KEY, -- folded: usernames are unique case-insensitively
		display_name  TEXT NOT NULL DEFAULT '',
		password_hash TEXT NOT NULL,
		disabled      INTEGER NOT NULL DEFAULT 0,
		created_at    TEXT NOT NULL
	) STRICT`,
	`CREATE TABLE apps (
		client_id         TEXT PRIMARY KEY,
		display_name      TEXT NOT NULL DEFAULT '',
		secret_hash       TEXT NOT NULL,
		created_at        TEXT NOT NULL,
		secret_rotated_at TEXT NOT NULL
	) STRICT`,
	`CREATE TABLE signing_keys (
		id          TEXT PRIMARY KEY,
		algorithm   TEXT NOT NULL,
		private_key BLOB NOT NULL, -- PKCS #8 DER
		created_at  TEXT NOT NULL
	) STRICT`,
}

const userCols = `username, display_name, password_hash, disabled, created_at`

// CreateUser stores a new user, setting CreatedAt when zero.
func (db *DB) CreateUser(ctx context.Context, u *store.User) error {
	at := store.CreatedAt(u.CreatedAt)
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (username_key, `+userCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
			store.NameKey(u.Username), u.Username, u.DisplayName, u.PasswordHash, u.Disabled, formatTime(at))
		if isUniqueViolation(err) {
			return store.ErrDuplicateUser(u.Username)
		}
		if err != nil {
			return fmt.Errorf("sqlite: create user: %w", err)
		}
		return nil
	})
	if err == nil {
		u.CreatedAt = at
	}
	return err
}

// GetUser returns the user or a not-found error.
func (db *DB) GetUser(ctx context.Context, username string) (*store.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username_key = ?`, store.NameKey(username)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("user", username)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get user: %w", err)
	}
	return u, nil
}

// ListUsers returns every user, oldest first.
func (db *DB) ListUsers(ctx context.Context) ([]*store.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY created_at, username_key`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	return collect(rows, scanUser)
}

// UpdateUser replaces display name, password hash and the disabled flag.
func (db *DB) UpdateUser(ctx context.Context, u *store.User) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, password_hash = ?, disabled = ? WHERE username_key = ?`,
			u.DisplayName, u.PasswordHash, u.Disabled, store.NameKey(u.Username))
		if err != nil {
			return fmt.Errorf("sqlite: update user: %w", err)
		}
		return requireOne(res, "user", u.Username)
	})
}

// DeleteUser removes the user.
func (db *DB) DeleteUser(ctx context.Context, username string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE username_key = ?`, store.NameKey(username))
		if err != nil {
			return fmt.Errorf("sqlite: delete user: %w", err)
		}
		return requireOne(res, "user", username)
	})
}

func scanUser(s scanner) (*store.User, error) {
	var u store.User
	var at string
	if err := s.Scan(&u.Username, &u.DisplayName, &u.PasswordHash, &u.Disabled, &at); err != nil {
		return nil, err
	}
	var err error
	u.CreatedAt, err = parseTime(at)
	return &u, err
}

const appCols = `client_id, display_name, secret_hash, created_at, secret_rotated_at`

// CreateApp stores a new app, setting CreatedAt (and SecretRotatedAt) when zero.
func (db *DB) CreateApp(ctx context.Context, a *store.App) error {
	at := store.CreatedAt(a.CreatedAt)
	rot := at
	if !a.SecretRotatedAt.IsZero() {
		rot = store.CreatedAt(a.SecretRotatedAt)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO apps (`+appCols+`) VALUES (?, ?, ?, ?, ?)`,
			a.ClientID, a.DisplayName, a.SecretHash, formatTime(at), formatTime(rot))
		if isUniqueViolation(err) {
			return store.ErrAlreadyExists("app", a.ClientID)
		}
		if err != nil {
			return fmt.Errorf("sqlite: create app: %w", err)
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
	a, err := scanApp(db.r.QueryRowContext(ctx, `SELECT `+appCols+` FROM apps WHERE client_id = ?`, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("app", clientID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get app: %w", err)
	}
	return a, nil
}

// ListApps returns every app, oldest first.
func (db *DB) ListApps(ctx context.Context) ([]*store.App, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+appCols+` FROM apps ORDER BY created_at, client_id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list apps: %w", err)
	}
	return collect(rows, scanApp)
}

// SetAppSecret replaces the secret hash.
func (db *DB) SetAppSecret(ctx context.Context, clientID, secretHash string, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE apps SET secret_hash = ?, secret_rotated_at = ? WHERE client_id = ?`,
			secretHash, formatTime(store.CreatedAt(at)), clientID)
		if err != nil {
			return fmt.Errorf("sqlite: set app secret: %w", err)
		}
		return requireOne(res, "app", clientID)
	})
}

// DeleteApp removes the app.
func (db *DB) DeleteApp(ctx context.Context, clientID string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM apps WHERE client_id = ?`, clientID)
		if err != nil {
			return fmt.Errorf("sqlite: delete app: %w", err)
		}
		return requireOne(res, "app", clientID)
	})
}

func scanApp(s scanner) (*store.App, error) {
	var a store.App
	var at, rot string
	if err := s.Scan(&a.ClientID, &a.DisplayName, &a.SecretHash, &at, &rot); err != nil {
		return nil, err
	}
	var err1, err2 error
	a.CreatedAt, err1 = parseTime(at)
	a.SecretRotatedAt, err2 = parseTime(rot)
	return &a, errors.Join(err1, err2)
}

// PutSigningKey stores a new signing key, setting CreatedAt when zero.
func (db *DB) PutSigningKey(ctx context.Context, k *store.SigningKey) error {
	at := store.CreatedAt(k.CreatedAt)
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO signing_keys (id, algorithm, private_key, created_at) VALUES (?, ?, ?, ?)`,
			k.ID, k.Algorithm, k.PrivateKey, formatTime(at))
		if isUniqueViolation(err) {
			return store.ErrAlreadyExists("signing key", k.ID)
		}
		if err != nil {
			return fmt.Errorf("sqlite: put signing key: %w", err)
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
	rows, err := db.r.QueryContext(ctx, `SELECT id, algorithm, private_key, created_at FROM signing_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list signing keys: %w", err)
	}
	return collect(rows, func(s scanner) (*store.SigningKey, error) {
		var k store.SigningKey
		var at string
		if err := s.Scan(&k.ID, &k.Algorithm, &k.PrivateKey, &at); err != nil {
			return nil, err
		}
		var err error
		k.CreatedAt, err = parseTime(at)
		return &k, err
	})
}

// DeleteSigningKey removes a signing key.
func (db *DB) DeleteSigningKey(ctx context.Context, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM signing_keys WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("sqlite: delete signing key: %w", err)
		}
		return requireOne(res, "signing key", id)
	})
}
