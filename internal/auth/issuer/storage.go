package issuer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// authRequestTTL bounds how long a user may take on the login page.
const authRequestTTL = 10 * time.Minute

var errNotFound = errors.New("not found or expired")

// storage is the op.Storage of the issuer. Users and apps come from the
// principals service, keys from the keyring. Pending sign-ins and refresh
// tokens are kept in memory (per node): a restart signs browser users out.
type storage struct {
	opts *Options
	svc  *principals.Service
	keys *Keyring

	mu      sync.Mutex
	reqs    map[string]*authRequest
	codes   map[string]string // code -> auth request id
	refresh map[string]*refreshToken
}

var (
	_ op.Storage                        = (*storage)(nil)
	_ op.ClientCredentialsStorage       = (*storage)(nil)
	_ op.CanGetPrivateClaimsFromRequest = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest      = (*storage)(nil)
)

func newStorage(o *Options, keys *Keyring) *storage {
	return &storage{opts: o, svc: o.Principals, keys: keys,
		reqs: map[string]*authRequest{}, codes: map[string]string{}, refresh: map[string]*refreshToken{}}
}

// authRequest is a sign-in in progress (an op.AuthRequest).
type authRequest struct {
	id        string
	created   time.Time
	req       oidc.AuthRequest
	audience  []string
	user      string // username once signed in
	authTime  time.Time
	challenge *oidc.CodeChallenge
}

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAMR() []string                      { return amr(a.user != "") }
func (a *authRequest) GetAudience() []string                 { return a.audience }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.req.ClientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.req.Nonce }
func (a *authRequest) GetRedirectURI() string                { return a.req.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.req.ResponseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.req.ResponseMode }
func (a *authRequest) GetScopes() []string                   { return a.req.Scopes }
func (a *authRequest) GetState() string                      { return a.req.State }
func (a *authRequest) GetSubject() string                    { return a.user }
func (a *authRequest) Done() bool                            { return a.user != "" }

func amr(done bool) []string {
	if done {
		return []string{"pwd"}
	}
	return nil
}

// appTokenRequest is the token request of an app's client_credentials grant.
type appTokenRequest struct {
	clientID string
	audience []string
	scopes   []string
}

func (r *appTokenRequest) GetSubject() string    { return r.clientID }
func (r *appTokenRequest) GetAudience() []string { return r.audience }
func (r *appTokenRequest) GetScopes() []string   { return r.scopes }

// refreshToken is a user's refresh token (an op.RefreshTokenRequest). Only
// its SHA-256 is the map key; each use replaces it with a new one.
type refreshToken struct {
	id, user, clientID string
	audience, scopes   []string
	authTime, expires  time.Time
}

func (r *refreshToken) GetAMR() []string                 { return amr(true) }
func (r *refreshToken) GetAudience() []string            { return r.audience }
func (r *refreshToken) GetAuthTime() time.Time           { return r.authTime }
func (r *refreshToken) GetClientID() string              { return r.clientID }
func (r *refreshToken) GetScopes() []string              { return r.scopes }
func (r *refreshToken) GetSubject() string               { return r.user }
func (r *refreshToken) SetCurrentScopes(scopes []string) { r.scopes = scopes }

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// --- clients ---

func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	for _, pc := range s.opts.PublicClients {
		if pc.ClientID == id {
			return &client{id: id, public: true, redirectURIs: pc.RedirectURIs, lifetime: s.opts.AccessTokenLifetime}, nil
		}
	}
	if _, err := s.svc.GetApp(ctx, id); err != nil {
		if errs.KindOf(err) == errs.KindNotFound {
			return nil, errors.New("unknown client")
		}
		return nil, oidc.ErrServerError().WithParent(err)
	}
	return &client{id: id, lifetime: s.opts.AccessTokenLifetime}, nil
}

func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	_, err := s.ClientCredentials(ctx, id, secret)
	return err
}

func (s *storage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	if _, err := s.svc.CheckSecret(ctx, id, secret); err != nil {
		if errs.KindOf(err) == errs.KindUnauthorized {
			return nil, errors.New("wrong client id or secret")
		}
		return nil, oidc.ErrServerError().WithParent(err)
	}
	return &client{id: id, lifetime: s.opts.AccessTokenLifetime}, nil
}

func (s *storage) ClientCredentialsTokenRequest(_ context.Context, id string, scopes []string) (op.TokenRequest, error) {
	return &appTokenRequest{clientID: id, audience: []string{s.opts.Audience}, scopes: scopes}, nil
}

// --- sign-in (authorization code + PKCE) ---

func (s *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if r.CodeChallenge == "" || r.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE with code_challenge_method=S256 is required")
	}
	if slices.Contains(r.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired()
	}
	now := s.opts.Now()
	a := &authRequest{
		id: model.NewID(), created: now, req: *r,
		audience:  []string{r.ClientID, s.opts.Audience},
		challenge: &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod},
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.reqs { // drop abandoned sign-ins
		if now.Sub(old.created) > authRequestTTL {
			delete(s.reqs, id)
		}
	}
	s.reqs[a.id] = a
	return a, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authRequest(id)
}

func (s *storage) authRequest(id string) (*authRequest, error) {
	a, ok := s.reqs[id]
	if !ok || s.opts.Now().Sub(a.created) > authRequestTTL {
		return nil, errNotFound
	}
	return a, nil
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		return nil, errNotFound
	}
	return s.authRequest(id)
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest runs when the code is exchanged: the code is single-use.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.reqs, id)
	for c, rid := range s.codes {
		if rid == id {
			delete(s.codes, c)
		}
	}
	return nil
}

// completeLogin records that the user signed in for the pending request.
func (s *storage) completeLogin(id, username string) (clientID string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authRequest(id)
	if err != nil {
		return "", err
	}
	a.user, a.authTime = username, s.opts.Now()
	return a.req.ClientID, nil
}

// pendingClient returns the client id of a pending sign-in.
func (s *storage) pendingClient(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authRequest(id)
	if err != nil {
		return "", false
	}
	return a.req.ClientID, true
}

// --- tokens ---

func (s *storage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return model.NewID(), s.opts.Now().Add(s.opts.AccessTokenLifetime), nil
}

func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	now := s.opts.Now()
	rt := &refreshToken{id: model.NewID(), user: req.GetSubject(), audience: req.GetAudience(), scopes: req.GetScopes(),
		expires: now.Add(s.opts.RefreshTokenLifetime)}
	switch r := req.(type) {
	case *authRequest:
		rt.clientID, rt.authTime = r.req.ClientID, r.authTime
	case *refreshToken:
		rt.clientID, rt.authTime = r.clientID, r.authTime
	default:
		return "", "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	token := randomToken()
	s.mu.Lock()
	if current != "" { // rotation: the presented token is spent
		delete(s.refresh, hashToken(current))
	}
	for k, old := range s.refresh {
		if now.After(old.expires) {
			delete(s.refresh, k)
		}
	}
	s.refresh[hashToken(token)] = rt
	s.mu.Unlock()
	return model.NewID(), token, now.Add(s.opts.AccessTokenLifetime), nil
}

// TokenRequestByRefreshToken also checks that the user still exists and is
// enabled, so removing or disabling a user ends their sessions.
func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	rt, ok := s.refresh[hashToken(token)]
	s.mu.Unlock()
	if !ok || s.opts.Now().After(rt.expires) {
		return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token is not valid")
	}
	u, err := s.svc.GetUser(ctx, rt.user)
	if err != nil || u.Disabled {
		return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token is not valid")
	}
	cp := *rt
	return &cp, nil
}

func (s *storage) GetRefreshTokenInfo(_ context.Context, _ string, token string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[hashToken(token)]
	if !ok {
		return "", "", op.ErrInvalidRefreshToken
	}
	return rt.user, rt.id, nil
}

func (s *storage) TerminateSession(_ context.Context, user, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, rt := range s.refresh {
		if rt.user == user && rt.clientID == clientID {
			delete(s.refresh, k)
		}
	}
	return nil
}

// RevokeToken revokes refresh tokens. Access tokens are self-contained JWTs
// and end at their (short) expiry.
func (s *storage) RevokeToken(_ context.Context, token, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := hashToken(token)
	if rt, ok := s.refresh[k]; ok {
		if rt.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
		}
		delete(s.refresh, k)
	}
	return nil
}

// --- claims ---

// GetPrivateClaimsFromRequest puts the principal kind in access tokens (and
// only there: ID tokens lack it, so they are refused as access tokens).
func (s *storage) GetPrivateClaimsFromRequest(_ context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	kind := auth.KindUser
	if _, ok := req.(*appTokenRequest); ok {
		kind = auth.KindApp
	}
	return map[string]any{ClaimKind: string(kind)}, nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return map[string]any{ClaimKind: string(auth.KindUser)}, nil
}

func (s *storage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.userinfo(ctx, ui, req.GetSubject(), scopes)
}

func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

func (s *storage) SetUserinfoFromToken(ctx context.Context, ui *oidc.UserInfo, _, subject, _ string) error {
	return s.userinfo(ctx, ui, subject, []string{oidc.ScopeOpenID, oidc.ScopeProfile})
}

func (s *storage) SetIntrospectionFromToken(ctx context.Context, ir *oidc.IntrospectionResponse, _, subject, clientID string) error {
	ui := new(oidc.UserInfo)
	if err := s.userinfo(ctx, ui, subject, []string{oidc.ScopeOpenID, oidc.ScopeProfile}); err != nil {
		return err
	}
	ir.SetUserInfo(ui)
	ir.ClientID = clientID
	return nil
}

func (s *storage) userinfo(ctx context.Context, ui *oidc.UserInfo, subject string, scopes []string) error {
	u, err := s.svc.GetUser(ctx, subject)
	if err != nil {
		return err
	}
	ui.Subject = u.Username
	if slices.Contains(scopes, oidc.ScopeProfile) {
		ui.PreferredUsername, ui.Name = u.Username, u.DisplayName
	}
	return nil
}

// --- keys ---

func (s *storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	k, err := s.keys.active(ctx)
	if err != nil {
		return nil, err
	}
	return opSigningKey{k}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{Algorithm}, nil
}

func (s *storage) KeySet(ctx context.Context) ([]op.Key, error) {
	ks, err := s.keys.public(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, len(ks))
	for i, k := range ks {
		out[i] = opPublicKey{k}
	}
	return out, nil
}

// The JWT profile grant (private_key_jwt) is not offered.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("jwt profile is not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("jwt profile is not supported")
}

func (s *storage) Health(context.Context) error { return nil }
