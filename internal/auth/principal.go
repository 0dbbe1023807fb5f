// Package auth knows who is calling: principals, the ways they prove it, and
// the request context that carries them.
package auth

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

// Kind tells what sort of principal called.
type Kind string

// Principal kinds.
const (
	KindAdmin Kind = "Admin" // holder of the server's admin key: may do everything
	KindUser  Kind = "User"
	KindApp   Kind = "App"
)

// Principal is an authenticated caller.
type Principal struct {
	Kind        Kind
	Identifier  string // user name or app client id; "admin" for the admin key
	DisplayName string
	// Expiry is when the credential the principal presented expires (zero: never,
	// as for the admin key). Embed tokens it mints never outlive it.
	Expiry time.Time
	// Issuer is the iss of the token the principal presented ("" for the admin key).
	Issuer string
}

// IsAdmin reports whether the principal may do everything.
func (p *Principal) IsAdmin() bool { return p != nil && p.Kind == KindAdmin }

type ctxKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's principal, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// Authenticator identifies the caller of a request.
type Authenticator interface {
	// Authenticate returns the principal, or an *errs.Error of KindUnauthorized.
	Authenticate(r *http.Request) (*Principal, error)
}

// BearerToken returns the token of an "Authorization: Bearer" header.
func BearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// AdminKey authenticates the holder of one static key as the administrator.
type AdminKey struct{ Key string }

// Authenticate compares the bearer token with the key in constant time.
func (a AdminKey) Authenticate(r *http.Request) (*Principal, error) {
	tok, ok := BearerToken(r)
	if !ok {
		return nil, errs.New(errs.KindUnauthorized, "TokenRequired", "an Authorization: Bearer token is required")
	}
	if a.Key == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(a.Key)) != 1 {
		return nil, errs.New(errs.KindUnauthorized, "InvalidToken", "the access token is not valid")
	}
	return &Principal{Kind: KindAdmin, Identifier: "admin", DisplayName: "Administrator"}, nil
}
