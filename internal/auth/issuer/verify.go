package issuer

import (
	"context"
	"errors"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/errs"
)

// leeway tolerates clock differences between nodes.
const leeway = 30 * time.Second

func invalidToken() *errs.Error {
	return errs.New(errs.KindUnauthorized, "InvalidToken", "the access token is not valid")
}

// accessClaims are the claims Verify reads.
type accessClaims struct {
	jwt.Claims
	Kind     string `json:"bindery_kind"`
	ClientID string `json:"client_id"`
}

// Verify checks one of the issuer's access tokens — signature (ES256 only,
// key by kid from the cached key set), issuer, audience, expiry and the
// bindery_kind claim — and returns its principal. Errors are *errs.Error of
// KindUnauthorized: InvalidToken or TokenExpired.
func (i *Issuer) Verify(ctx context.Context, raw string) (*auth.Principal, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{Algorithm})
	if err != nil || len(tok.Headers) != 1 {
		return nil, invalidToken()
	}
	pub, ok := i.keys.publicKey(ctx, tok.Headers[0].KeyID)
	if !ok {
		return nil, invalidToken()
	}
	var c accessClaims
	if err := tok.Claims(pub, &c); err != nil {
		return nil, invalidToken()
	}
	exp := jwt.Expected{Issuer: i.opts.URL, AnyAudience: jwt.Audience{i.opts.Audience}, Time: i.opts.Now()}
	if err := c.ValidateWithLeeway(exp, leeway); err != nil {
		if errors.Is(err, jwt.ErrExpired) {
			return nil, errs.New(errs.KindUnauthorized, "TokenExpired", "the access token has expired")
		}
		return nil, invalidToken()
	}
	kind := auth.Kind(c.Kind)
	if c.Subject == "" || c.Expiry == nil || !slices.Contains([]auth.Kind{auth.KindUser, auth.KindApp}, kind) {
		return nil, invalidToken() // e.g. an ID token, which has no kind claim
	}
	return &auth.Principal{Kind: kind, Identifier: c.Subject, Issuer: i.opts.URL, Expiry: c.Expiry.Time()}, nil
}
