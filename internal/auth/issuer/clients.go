package issuer

import (
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// PublicClient is a browser application that signs users in with the
// authorization code flow and PKCE (S256, required); it has no secret.
type PublicClient struct {
	ClientID     string
	RedirectURIs []string // exact matches; http:// is allowed (for local demos)
}

// client is an op.Client: either a public client from the options or an app
// (service principal) from the store, which may only use client_credentials.
type client struct {
	id           string
	public       bool
	redirectURIs []string
	lifetime     time.Duration
}

func (c *client) GetID() string                    { return c.id }
func (c *client) RedirectURIs() []string           { return c.redirectURIs }
func (c *client) PostLogoutRedirectURIs() []string { return c.redirectURIs }
func (c *client) LoginURL(id string) string        { return LoginPath + "?authRequestID=" + id }
func (c *client) AccessTokenType() op.AccessTokenType {
	return op.AccessTokenTypeJWT
}
func (c *client) IDTokenLifetime() time.Duration       { return c.lifetime }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) IsScopeAllowed(string) bool           { return false }

func (c *client) ApplicationType() op.ApplicationType {
	if c.public {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}

func (c *client) AuthMethod() oidc.AuthMethod {
	if c.public {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

func (c *client) ResponseTypes() []oidc.ResponseType {
	if c.public {
		return []oidc.ResponseType{oidc.ResponseTypeCode}
	}
	return nil
}

func (c *client) GrantTypes() []oidc.GrantType {
	if c.public {
		return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
	}
	return []oidc.GrantType{oidc.GrantTypeClientCredentials}
}

// DevMode lets a public client use the http:// redirect URIs it registered
// (the URIs must still match exactly).
func (c *client) DevMode() bool {
	for _, u := range c.redirectURIs {
		if strings.HasPrefix(u, "http://") {
			return true
		}
	}
	return false
}

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
