package issuer_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/auth/authn"
	"github.com/bindery-dev/bindery/internal/auth/issuer"
	"github.com/bindery-dev/bindery/internal/auth/password"
	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/auth/throttle"
	"github.com/bindery-dev/bindery/internal/httperr"
	"github.com/bindery-dev/bindery/internal/store/sqlite"
)

const (
	webClient   = "web-sample"
	redirectURI = "http://app.example/callback"
	adminKey    = "bnd_test-admin-key-0123456789"
)

// clock is a settable time source shared by the issuer, limiter and authenticator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// kit is a running issuer on loopback, with a /whoami endpoint behind the authenticator.
type kit struct {
	t     *testing.T
	srv   *httptest.Server
	iss   *issuer.Issuer
	svc   *principals.Service
	authn *authn.Authenticator
	clock *clock
	db    *sqlite.DB
}

type kitOptions struct {
	external    []authn.External
	maxFailures int
	rotation    time.Duration
}

// cheap argon2id costs keep the tests fast; production uses password.PasswordParams.
var cheap = password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func newKit(t *testing.T, ko kitOptions) *kit {
	t.Helper()
	db, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(t.TempDir(), "meta.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return startKit(t, ko, db, &clock{t: time.Now()})
}

func startKit(t *testing.T, ko kitOptions, db *sqlite.DB, c *clock) *kit {
	t.Helper()
	var err error
	k := &kit{t: t, clock: c, db: db}
	k.svc = principals.New(principals.Options{Store: db, PasswordParams: cheap, SecretParams: cheap})

	var h http.Handler
	k.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(k.srv.Close)

	maxFail := ko.maxFailures
	if maxFail == 0 {
		maxFail = 1000
	}
	lim := throttle.New(throttle.Options{MaxFailures: maxFail, Window: time.Minute, Now: k.clock.Now})
	k.iss, err = issuer.New(issuer.Options{
		URL: k.srv.URL, Principals: k.svc, Keys: db, Now: k.clock.Now, Limiter: lim,
		AccessTokenLifetime: 10 * time.Minute, KeyRotation: ko.rotation,
		PublicClients: []issuer.PublicClient{{ClientID: webClient, RedirectURIs: []string{redirectURI}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	k.authn, err = authn.New(authn.Options{AdminKey: adminKey, Local: k.iss, External: ko.external, Now: k.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, p := range []string{issuer.DiscoveryPath, issuer.OAuthPrefix, issuer.LoginPath} {
		mux.Handle(p, k.iss.Handler())
	}
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		p, err := k.authn.Authenticate(r)
		if err != nil {
			httperr.Write(w, r, nil, err)
			return
		}
		_ = json.NewEncoder(w).Encode(p)
	})
	mux.Handle("/v1.0/myorg/admin/", principals.NewAdmin(k.svc).Handler(k.authn))
	h = mux
	return k
}

// postForm posts a form, with HTTP Basic client authentication when user is set.
func (k *kit) postForm(path string, form url.Values, user, pass string) (int, http.Header, map[string]any) {
	k.t.Helper()
	req, _ := http.NewRequest("POST", k.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, resp.Header, body
}

// appToken runs the client_credentials grant and returns the access token.
func (k *kit) appToken(clientID, secret string) string {
	k.t.Helper()
	st, _, body := k.postForm(issuer.TokenPath, url.Values{"grant_type": {"client_credentials"}}, clientID, secret)
	if st != 200 {
		k.t.Fatalf("client_credentials: %d %v", st, body)
	}
	return body["access_token"].(string)
}

// whoami calls the protected endpoint with the token.
func (k *kit) whoami(tok string) (int, auth.Principal, map[string]any) {
	k.t.Helper()
	req, _ := http.NewRequest("GET", k.srv.URL+"/whoami", nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	var p auth.Principal
	b, _ := json.Marshal(raw)
	_ = json.Unmarshal(b, &p)
	return resp.StatusCode, p, raw
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// browser is an http.Client with a cookie jar that stops at the app's redirect URI.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host == "app.example" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

func pkce(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// jwtHeader decodes a compact JWS header.
func jwtHeader(t *testing.T, tok string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	_ = json.Unmarshal(raw, &h)
	return h
}

func base64URL(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
