// Package authn is Bindery's request authenticator: it accepts the admin
// key, access tokens from Bindery's own issuer (verified locally against its
// key set) and tokens from trusted external OpenID Connect issuers (verified
// with github.com/coreos/go-oidc/v3 against their published keys, which it
// caches and refetches when it meets an unknown key id).
package authn

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/errs"
)

// DefaultUserClaim names the user of an external token when External.UserClaim is empty.
const DefaultUserClaim = "preferred_username"

// rediscoverAfter spaces retries of a failed discovery, so an unreachable
// issuer does not turn every request into an outbound call.
const rediscoverAfter = 10 * time.Second

// External is a trusted external issuer (a company's own identity provider).
type External struct {
	Issuer    string // the issuer URL, exactly as its tokens' iss and its discovery document say
	Audience  string // the aud its tokens for Bindery carry (required)
	UserClaim string // claim whose string value is the Bindery user name; default preferred_username
}

// Local is Bindery's own issuer, as the authenticator needs it.
type Local interface {
	URL() string
	Verify(ctx context.Context, raw string) (*auth.Principal, error)
}

// Options configure an Authenticator.
type Options struct {
	AdminKey string // "" disables the admin key
	Local    Local  // nil: Bindery issues no tokens
	External []External
	// HTTPClient fetches external discovery documents and keys; nil: a client with a 10s timeout.
	HTTPClient *http.Client
	Now        func() time.Time // nil: time.Now
}

// Authenticator implements auth.Authenticator. It is safe for concurrent use.
type Authenticator struct {
	admin    string
	local    Local
	external map[string]*external // by issuer URL
}

var _ auth.Authenticator = (*Authenticator)(nil)

type external struct {
	cfg    External
	ctx    context.Context // carries the HTTP client; never cancelled
	now    func() time.Time
	mu     sync.Mutex
	v      *oidc.IDTokenVerifier
	failed time.Time
}

// New checks the options and returns an Authenticator. External issuers are
// discovered on first use, so a down identity provider does not stop startup.
func New(o Options) (*Authenticator, error) {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &Authenticator{admin: o.AdminKey, local: o.Local, external: map[string]*external{}}
	ctx := oidc.ClientContext(context.Background(), o.HTTPClient)
	for i, e := range o.External {
		if e.Issuer == "" || e.Audience == "" {
			return nil, fmt.Errorf("authn: external issuer %d: issuer URL and audience are required", i)
		}
		if o.Local != nil && e.Issuer == o.Local.URL() {
			return nil, fmt.Errorf("authn: external issuer %s is Bindery's own issuer", e.Issuer)
		}
		if e.UserClaim == "" {
			e.UserClaim = DefaultUserClaim
		}
		a.external[e.Issuer] = &external{cfg: e, ctx: ctx, now: o.Now}
	}
	return a, nil
}

func tokenRequired() *errs.Error {
	return errs.New(errs.KindUnauthorized, "TokenRequired", "an Authorization: Bearer token is required")
}

func invalidToken() *errs.Error {
	return errs.New(errs.KindUnauthorized, "InvalidToken", "the access token is not valid")
}

// Authenticate identifies the caller from the Authorization: Bearer header.
func (a *Authenticator) Authenticate(r *http.Request) (*auth.Principal, error) {
	tok, ok := auth.BearerToken(r)
	if !ok {
		return nil, tokenRequired()
	}
	return a.AuthenticateToken(r.Context(), tok)
}

// AuthenticateToken identifies the holder of a bearer token.
func (a *Authenticator) AuthenticateToken(ctx context.Context, tok string) (*auth.Principal, error) {
	if a.admin != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(a.admin)) == 1 {
		return &auth.Principal{Kind: auth.KindAdmin, Identifier: "admin", DisplayName: "Administrator"}, nil
	}
	iss, ok := unverifiedIssuer(tok)
	if !ok {
		return nil, invalidToken()
	}
	if a.local != nil && iss == a.local.URL() {
		return a.local.Verify(ctx, tok)
	}
	if e := a.external[iss]; e != nil {
		return e.verify(ctx, tok)
	}
	return nil, invalidToken()
}

// unverifiedIssuer reads the iss claim of a compact JWS, only to pick the
// verifier; nothing else is trusted before the signature is checked.
func unverifiedIssuer(tok string) (string, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(parts[1]) > 16<<10 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", false
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Iss == "" {
		return "", false
	}
	return c.Iss, true
}

func (e *external) verifier() (*oidc.IDTokenVerifier, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.v != nil {
		return e.v, nil
	}
	if !e.failed.IsZero() && e.now().Sub(e.failed) < rediscoverAfter {
		return nil, errors.New("discovery failed recently")
	}
	p, err := oidc.NewProvider(e.ctx, e.cfg.Issuer)
	if err != nil {
		e.failed = e.now()
		return nil, err
	}
	e.v = p.Verifier(&oidc.Config{ClientID: e.cfg.Audience, Now: e.now})
	return e.v, nil
}

func (e *external) verify(ctx context.Context, tok string) (*auth.Principal, error) {
	v, err := e.verifier()
	if err != nil {
		return nil, errs.New(errs.KindUnavailable, "IssuerUnavailable", "the token's issuer cannot be reached to verify it").Wrap(err)
	}
	idt, err := v.Verify(ctx, tok)
	if err != nil {
		var te *oidc.TokenExpiredError
		if errors.As(err, &te) {
			return nil, errs.New(errs.KindUnauthorized, "TokenExpired", "the access token has expired")
		}
		return nil, invalidToken().Wrap(err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, invalidToken().Wrap(err)
	}
	name, _ := claims[e.cfg.UserClaim].(string)
	if name == "" {
		return nil, errs.New(errs.KindUnauthorized, "InvalidToken", "the access token does not name a user in claim %q", e.cfg.UserClaim)
	}
	return &auth.Principal{Kind: auth.KindUser, Identifier: name, Issuer: e.cfg.Issuer, Expiry: idt.Expiry}, nil
}
