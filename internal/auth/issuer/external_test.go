package issuer_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/auth/authn"
)

// idp is a second issuer started in the test: a minimal OpenID provider
// (discovery document and JWKS) signing RS256 tokens with its own key.
type idp struct {
	srv *httptest.Server
	key *rsa.PrivateKey
}

func newIDP(t *testing.T) *idp {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.srv.URL, "jwks_uri": p.srv.URL + "/keys", "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "idp-1", Algorithm: "RS256", Use: "sig"}}})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// token signs claims with the given key (the IdP's own unless other is set).
func (p *idp) token(t *testing.T, claims map[string]any, other *rsa.PrivateKey) string {
	t.Helper()
	key := p.key
	if other != nil {
		key = other
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "idp-1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]any{"iss": p.srv.URL, "aud": "bindery-api", "sub": "u-123", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range claims {
		base[k] = v
	}
	s, err := jwt.Signed(sig).Claims(base).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestExternalIssuer(t *testing.T) {
	p := newIDP(t)
	k := newKit(t, kitOptions{external: []authn.External{{Issuer: p.srv.URL, Audience: "bindery-api", UserClaim: "email"}}})
	other, _ := rsa.GenerateKey(rand.Reader, 2048)

	st, got, raw := k.whoami(p.token(t, map[string]any{"email": "carol@corp.example"}, nil))
	if st != 200 || got.Kind != auth.KindUser || got.Identifier != "carol@corp.example" || got.Issuer != p.srv.URL {
		t.Fatalf("external user token: %d %v", st, raw)
	}
	if got.Expiry.IsZero() {
		t.Fatal("principal of an external token has no expiry")
	}

	cases := map[string]struct {
		claims map[string]any
		key    *rsa.PrivateKey
		code   string
	}{
		"wrong audience": {map[string]any{"email": "carol@corp.example", "aud": "another-api"}, nil, "InvalidToken"},
		"expired":        {map[string]any{"email": "carol@corp.example", "exp": time.Now().Add(-time.Hour).Unix()}, nil, "TokenExpired"},
		"foreign key":    {map[string]any{"email": "carol@corp.example"}, other, "InvalidToken"},
		"no user claim":  {map[string]any{}, nil, "InvalidToken"},
		"untrusted iss":  {map[string]any{"email": "x@y", "iss": "https://untrusted.example"}, nil, "InvalidToken"},
		"claims Bindery": {map[string]any{"email": "x@y", "iss": k.srv.URL, "aud": "bindery", "bindery_kind": "User"}, nil, "InvalidToken"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			st, _, body := k.whoami(p.token(t, c.claims, c.key))
			if st != 401 || errCode(body) != c.code {
				t.Fatalf("%d %v, want 401 %s", st, body, c.code)
			}
		})
	}
}
