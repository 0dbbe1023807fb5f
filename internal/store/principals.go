package store

import (
	"context"
	"time"
)

// Principals persists Bindery's own principals — users and apps (service
// principals) — and the OAuth issuer's signing keys. Secrets are stored only
// as hashes (internal/auth/password); the store never sees a plain one.
type Principals interface {
	// CreateUser fails with a conflict when the username is taken (case-insensitively).
	CreateUser(ctx context.Context, u *User) error
	// GetUser finds a user by username, case-insensitively.
	GetUser(ctx context.Context, username string) (*User, error)
	ListUsers(ctx context.Context) ([]*User, error)
	// UpdateUser replaces display name, password hash and the disabled flag.
	UpdateUser(ctx context.Context, u *User) error
	DeleteUser(ctx context.Context, username string) error

	// CreateApp fails with a conflict when the client id is taken.
	CreateApp(ctx context.Context, a *App) error
	GetApp(ctx context.Context, clientID string) (*App, error)
	ListApps(ctx context.Context) ([]*App, error)
	// SetAppSecret replaces the app's secret hash and sets SecretRotatedAt to at.
	SetAppSecret(ctx context.Context, clientID, secretHash string, at time.Time) error
	DeleteApp(ctx context.Context, clientID string) error

	// PutSigningKey stores a new signing key; ids are unique.
	PutSigningKey(ctx context.Context, k *SigningKey) error
	// ListSigningKeys returns every key, oldest first.
	ListSigningKeys(ctx context.Context) ([]*SigningKey, error)
	DeleteSigningKey(ctx context.Context, id string) error
}

// User is a person who signs in with a username and password.
type User struct {
	Username     string // unique, case-insensitively; kept as first written
	DisplayName  string
	PasswordHash string // argon2id PHC string
	Disabled     bool
	CreatedAt    time.Time
}

// App is a service principal: it authenticates with client credentials.
type App struct {
	ClientID        string // a GUID
	DisplayName     string
	SecretHash      string // argon2id PHC string
	CreatedAt       time.Time
	SecretRotatedAt time.Time // when the current secret was set
}

// SigningKey is one of the issuer's token signing keys.
type SigningKey struct {
	ID         string // the JWS "kid"
	Algorithm  string // JWS algorithm, e.g. "ES256"
	PrivateKey []byte // PKCS #8 DER
	CreatedAt  time.Time
}
