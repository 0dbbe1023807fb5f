package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/bindery-dev/bindery/internal/model"
)

// Grants persists dataset item permissions (Read, Build, Reshare) given to principals.
type Grants interface {
	// PutDatasetGrant sets a principal's permissions on a dataset, replacing earlier ones.
	PutDatasetGrant(ctx context.Context, g *DatasetGrant) error
	// DatasetGrant returns the permissions granted on a dataset to a principal of the given type; zero when none
	// (identifiers match case-insensitively; a grant to a user never applies to an app of the same name, or back).
	DatasetGrant(ctx context.Context, datasetID, identifier string, pt model.PrincipalType) (model.DatasetPermission, error)
	ListDatasetGrants(ctx context.Context, datasetID string) ([]*DatasetGrant, error)
	DeleteDatasetGrant(ctx context.Context, datasetID, identifier string) error
	// ListGrantedDatasetIDs returns the ids of the datasets a principal holds Read on by grant.
	ListGrantedDatasetIDs(ctx context.Context, identifier string) ([]string, error)
}

// DatasetGrant is one principal's item permissions on one dataset.
type DatasetGrant struct {
	DatasetID     string
	Identifier    string
	PrincipalType model.PrincipalType
	Permission    model.DatasetPermission
}

// Tokens persists the audit record of every minted embed token, revocations,
// and the embed-token signing keys every node shares.
type Tokens interface {
	RecordToken(ctx context.Context, r *TokenRecord) error
	GetToken(ctx context.Context, tokenID string) (*TokenRecord, error)
	// ListTokens returns records newest first, at most limit of them.
	ListTokens(ctx context.Context, f TokenFilter) ([]*TokenRecord, error)
	// RevokeToken marks a token revoked; revoking twice keeps the first revocation.
	RevokeToken(ctx context.Context, tokenID, by string, at time.Time) error
	// ListRevoked returns the revoked tokens that expire after now, with their expiry.
	ListRevoked(ctx context.Context, now time.Time) ([]RevokedToken, error)

	// ReplaceEmbedKeys stores the complete set of signing keys (JWK JSON each) in one transaction.
	ReplaceEmbedKeys(ctx context.Context, keys [][]byte) error
	ListEmbedKeys(ctx context.Context) ([][]byte, error)
	// InitEmbedKeys stores keys only when no key is stored yet, and returns the stored set:
	// of nodes starting together on an empty store, exactly one set wins and all use it.
	InitEmbedKeys(ctx context.Context, keys [][]byte) ([][]byte, error)
}

// TokenRecord is the audit record of one embed token. The token itself is never stored.
type TokenRecord struct {
	TokenID    string
	Caller     string
	CallerKind string
	IssuedAt   time.Time
	Expiry     time.Time
	Claims     json.RawMessage // reports, datasets, target workspaces, identities
	RevokedAt  time.Time       // zero when not revoked
	RevokedBy  string
}

// RevokedToken is a revoked token that has not expired yet.
type RevokedToken struct {
	TokenID string
	Expiry  time.Time
}

// TokenFilter narrows ListTokens.
type TokenFilter struct {
	Caller string // "" for every caller
	Limit  int    // 0 means 100
}
