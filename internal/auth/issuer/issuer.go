// Package issuer makes Bindery an OAuth 2.0 / OpenID Connect issuer for its
// own principals, built on github.com/zitadel/oidc/v3's op package:
//
//   - discovery at /.well-known/openid-configuration and JWKS at /oauth2/keys;
//   - the token endpoint /oauth2/token: client_credentials for apps,
//     authorization_code with PKCE (S256, required) for users who sign in on
//     the login page (/login) through a registered public client, and
//     refresh_token (rotated on each use);
//   - access tokens are ES256 JWTs with a kid, audience Options.Audience and a
//     bindery_kind claim (User or App); Verify checks them locally.
//
// Signing keys live in the store and rotate (Rotate, or automatically after
// Options.KeyRotation); a superseded key keeps verifying until every token
// it signed has expired. Failed token requests and sign-ins are throttled
// per client (or username) and per remote address.
package issuer

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/auth/throttle"
	"github.com/bindery-dev/bindery/internal/store"
)

// Paths the issuer serves; mount Handler at each of them.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	OAuthPrefix   = "/oauth2/" // authorize, token, keys, userinfo, introspect, revoke, end_session
	LoginPath     = "/login"
	TokenPath     = "/oauth2/token"
	KeysPath      = "/oauth2/keys"
	AuthorizePath = "/oauth2/authorize"
)

// ClaimKind is the access-token claim naming the principal kind.
const ClaimKind = "bindery_kind"

// Defaults for Options.
const (
	DefaultAudience             = "bindery"
	DefaultAccessTokenLifetime  = time.Hour
	DefaultRefreshTokenLifetime = 24 * time.Hour
	DefaultKeyRotation          = 30 * 24 * time.Hour
	// keyGrace is added to the access-token lifetime to decide how long a
	// superseded key keeps verifying (clock skew between nodes).
	keyGrace = 5 * time.Minute
)

// Options configure an Issuer.
type Options struct {
	// URL is the issuer identifier: the server's public base URL, without a
	// trailing slash (e.g. "https://bindery.example.com"). Required.
	URL string
	// Principals checks passwords and secrets. Required.
	Principals *principals.Service
	// Keys persists the signing keys. Required.
	Keys store.Principals
	// Audience is the aud of every access token. Default "bindery".
	Audience             string
	AccessTokenLifetime  time.Duration
	RefreshTokenLifetime time.Duration
	// KeyRotation is the age at which the signing key is replaced; negative
	// means only Rotate replaces it.
	KeyRotation time.Duration
	// PublicClients are the browser applications users sign in through.
	PublicClients []PublicClient
	// Limiter throttles failures; nil: throttle.New with its defaults and Now.
	Limiter *throttle.Limiter
	// Logger is kept for the issuer's own messages; the op library logs to slog.Default.
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

// Issuer is the OAuth 2.0 / OIDC provider. It is safe for concurrent use.
type Issuer struct {
	opts     Options
	keys     *Keyring
	storage  *storage
	provider *op.Provider
	handler  http.Handler
}

// New builds the issuer. It does not touch the network; keys are loaded (and
// the first one made) on first use.
func New(o Options) (*Issuer, error) {
	if o.URL == "" || o.Principals == nil || o.Keys == nil {
		return nil, errors.New("issuer: URL, Principals and Keys are required")
	}
	o.URL = strings.TrimRight(o.URL, "/")
	if o.Audience == "" {
		o.Audience = DefaultAudience
	}
	if o.AccessTokenLifetime <= 0 {
		o.AccessTokenLifetime = DefaultAccessTokenLifetime
	}
	if o.RefreshTokenLifetime <= 0 {
		o.RefreshTokenLifetime = DefaultRefreshTokenLifetime
	}
	if o.KeyRotation == 0 {
		o.KeyRotation = DefaultKeyRotation
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Limiter == nil {
		o.Limiter = throttle.New(throttle.Options{Now: o.Now})
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	for _, pc := range o.PublicClients {
		if pc.ClientID == "" || len(pc.RedirectURIs) == 0 {
			return nil, fmt.Errorf("issuer: public client %q needs a client id and redirect URIs", pc.ClientID)
		}
	}
	i := &Issuer{opts: o}
	i.keys = newKeyring(o.Keys, o.KeyRotation, o.AccessTokenLifetime+keyGrace, o.Now)
	i.storage = newStorage(&i.opts, i.keys)

	// CryptoKey encrypts authorization codes (which name in-memory,
	// per-node sign-ins), so a per-process random key is enough.
	var ck [32]byte
	if _, err := rand.Read(ck[:]); err != nil {
		return nil, err
	}
	cfg := &op.Config{
		CryptoKey:             ck,
		CodeMethodS256:        true,
		AuthMethodPost:        true, // client_secret_post besides HTTP Basic
		GrantTypeRefreshToken: true,
		SupportedUILocales:    []language.Tag{language.English},
	}
	opts := []op.Option{
		op.WithCustomEndpoints(
			op.NewEndpoint("oauth2/authorize"), op.NewEndpoint("oauth2/token"), op.NewEndpoint("oauth2/userinfo"),
			op.NewEndpoint("oauth2/revoke"), op.NewEndpoint("oauth2/end_session"), op.NewEndpoint("oauth2/keys")),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint("oauth2/introspect")),
		op.WithCustomDeviceAuthorizationEndpoint(op.NewEndpoint("oauth2/device_authorization")),
	}
	if strings.HasPrefix(o.URL, "http://") {
		opts = append(opts, op.WithAllowInsecure())
	}
	p, err := op.NewProvider(cfg, i.storage, op.StaticIssuer(o.URL), opts...)
	if err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	i.provider = p

	mux := http.NewServeMux()
	mux.Handle(DiscoveryPath, p)
	mux.Handle(OAuthPrefix, p)
	mux.Handle(TokenPath, i.throttleToken(p))
	lg := &login{iss: i, callback: op.AuthCallbackURL(p)}
	mux.Handle("GET "+LoginPath, http.HandlerFunc(lg.show))
	mux.Handle("POST "+LoginPath, op.NewIssuerInterceptor(p.IssuerFromRequest).HandlerFunc(lg.submit))
	i.handler = mux
	return i, nil
}

// Handler serves discovery, /oauth2/... and /login.
func (i *Issuer) Handler() http.Handler { return i.handler }

// URL is the issuer identifier (the iss of its tokens).
func (i *Issuer) URL() string { return i.opts.URL }

// TokenURL is the token endpoint's absolute URL.
func (i *Issuer) TokenURL() string { return i.opts.URL + TokenPath }

// Audience is the aud of the issuer's access tokens.
func (i *Issuer) Audience() string { return i.opts.Audience }

// Rotate replaces the signing key now.
func (i *Issuer) Rotate(ctx context.Context) error { return i.keys.Rotate(ctx) }

// Limiter is the failure throttle (shared by the token endpoint and the login page).
func (i *Issuer) Limiter() *throttle.Limiter { return i.opts.Limiter }
