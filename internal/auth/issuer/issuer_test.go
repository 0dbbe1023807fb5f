package issuer_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/auth/issuer"
)

func TestDiscoveryAndClientCredentials(t *testing.T) {
	k := newKit(t, kitOptions{})
	resp, err := http.Get(k.srv.URL + issuer.DiscoveryPath)
	if err != nil {
		t.Fatal(err)
	}
	var disc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if disc["issuer"] != k.srv.URL || disc["token_endpoint"] != k.srv.URL+issuer.TokenPath || disc["jwks_uri"] != k.srv.URL+issuer.KeysPath {
		t.Fatalf("discovery: %v", disc)
	}

	app, secret, err := k.svc.CreateApp(t.Context(), "Host app")
	if err != nil {
		t.Fatal(err)
	}
	tok := k.appToken(app.ClientID, secret)
	h := jwtHeader(t, tok)
	if h["alg"] != "ES256" || h["kid"] == "" {
		t.Fatalf("token header %v, want ES256 with a kid", h)
	}
	// the kid is published in JWKS
	resp, err = http.Get(k.srv.URL + issuer.KeysPath)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(jwks), h["kid"].(string)) {
		t.Fatalf("JWKS %s lacks kid %v", jwks, h["kid"])
	}

	st, p, raw := k.whoami(tok)
	if st != 200 || p.Kind != auth.KindApp || p.Identifier != app.ClientID || p.Issuer != k.srv.URL {
		t.Fatalf("whoami: %d %v", st, raw)
	}
	if d := time.Until(p.Expiry); d < 9*time.Minute || d > 11*time.Minute {
		t.Fatalf("expiry %v is not about the 10-minute lifetime", p.Expiry)
	}

	t.Run("client_secret_post works too", func(t *testing.T) {
		st, _, body := k.postForm(issuer.TokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "client_secret": {secret}}, "", "")
		if st != 200 || body["access_token"] == nil {
			t.Fatalf("%d %v", st, body)
		}
	})
	t.Run("wrong secret refused", func(t *testing.T) {
		st, _, body := k.postForm(issuer.TokenPath, url.Values{"grant_type": {"client_credentials"}}, app.ClientID, secret+"x")
		if st != http.StatusUnauthorized || body["error"] != "invalid_client" {
			t.Fatalf("%d %v, want 401 invalid_client", st, body)
		}
		st, _, _ = k.postForm(issuer.TokenPath, url.Values{"grant_type": {"client_credentials"}}, "no-such-app", secret)
		if st != http.StatusUnauthorized {
			t.Fatalf("unknown client: %d, want 401", st)
		}
	})
	t.Run("rotated secret", func(t *testing.T) {
		newSecret, err := k.svc.RotateSecret(t.Context(), app.ClientID)
		if err != nil {
			t.Fatal(err)
		}
		if st, _, _ := k.postForm(issuer.TokenPath, url.Values{"grant_type": {"client_credentials"}}, app.ClientID, secret); st != 401 {
			t.Fatalf("old secret after rotation: %d, want 401", st)
		}
		k.appToken(app.ClientID, newSecret)
		if st, _, _ := k.whoami(tok); st != 200 { // tokens issued before keep working until they expire
			t.Fatalf("earlier token after secret rotation: %d", st)
		}
	})
	t.Run("bad tokens", func(t *testing.T) {
		cases := map[string]struct{ tok, code string }{
			"none":      {"", "TokenRequired"},
			"garbage":   {"not-a-token", "InvalidToken"},
			"tampered":  {tok[:len(tok)-4] + "AAAA", "InvalidToken"},
			"alg none":  {noneToken(k.srv.URL, app.ClientID), "InvalidToken"},
			"other iss": {noneToken("https://evil.example", app.ClientID), "InvalidToken"},
		}
		for name, c := range cases {
			st, _, body := k.whoami(c.tok)
			if st != 401 || errCode(body) != c.code {
				t.Errorf("%s: %d %v, want 401 %s", name, st, body, c.code)
			}
		}
	})
	t.Run("expired", func(t *testing.T) {
		k.clock.Add(11 * time.Minute)
		defer k.clock.Add(-11 * time.Minute)
		st, _, body := k.whoami(tok)
		if st != 401 || errCode(body) != "TokenExpired" {
			t.Fatalf("%d %v, want 401 TokenExpired", st, body)
		}
	})
	t.Run("admin key", func(t *testing.T) {
		st, p, _ := k.whoami(adminKey)
		if st != 200 || !p.IsAdmin() {
			t.Fatalf("%d %+v", st, p)
		}
	})
}

// noneToken is an unsigned ("alg":"none") token claiming to be an app.
func noneToken(iss, sub string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return strings.TrimRight(base64URL(b), "=")
	}
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": iss, "sub": sub, "aud": "bindery", "bindery_kind": "App", "exp": time.Now().Add(time.Hour).Unix()}) + "."
}

var hiddenID = regexp.MustCompile(`name="authRequestID" value="([^"]+)"`)

// signIn drives the authorization code flow with PKCE through the login page
// and returns the code delivered to the redirect URI.
func signIn(t *testing.T, k *kit, user, pass, verifier string) string {
	t.Helper()
	c := browser()
	q := url.Values{
		"client_id": {webClient}, "redirect_uri": {redirectURI}, "response_type": {"code"},
		"scope": {"openid profile offline_access"}, "state": {"st4te"}, "nonce": {"n0nce"},
		"code_challenge": {pkce(verifier)}, "code_challenge_method": {"S256"},
	}
	resp, err := c.Get(k.srv.URL + issuer.AuthorizePath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := hiddenID.FindSubmatch(page)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(string(page), `<label for="password">`) {
		t.Fatalf("login page: %d %s", resp.StatusCode, page)
	}
	id := string(m[1])

	resp, err = c.PostForm(k.srv.URL+issuer.LoginPath, url.Values{"authRequestID": {id}, "username": {user}, "password": {"wrong-password"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(page), `role="alert"`) {
		t.Fatalf("wrong password: %d %s", resp.StatusCode, page)
	}

	resp, err = c.PostForm(k.srv.URL+issuer.LoginPath, url.Values{"authRequestID": {id}, "username": {user}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Host != "app.example" {
		t.Fatalf("after sign-in: %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if loc.Query().Get("state") != "st4te" || loc.Query().Get("code") == "" {
		t.Fatalf("callback %s lacks state or code", loc)
	}
	return loc.Query().Get("code")
}

func TestAuthorizationCodePKCEAndRefresh(t *testing.T) {
	k := newKit(t, kitOptions{})
	if _, err := k.svc.CreateUser(t.Context(), "Ann", "Ann Example", "correct horse"); err != nil {
		t.Fatal(err)
	}
	verifier := strings.Repeat("v", 50)
	code := signIn(t, k, "ann", "correct horse", verifier)
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}, "client_id": {webClient}}

	wrong := cloneValues(exchange)
	wrong.Set("code_verifier", strings.Repeat("w", 50))
	if st, _, body := k.postForm(issuer.TokenPath, wrong, "", ""); st != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier: %d %v, want 400 invalid_grant", st, body)
	}
	if st, _, body := k.postForm(issuer.TokenPath, exchange, "", ""); st != 400 {
		t.Fatalf("no verifier: %d %v, want 400", st, body)
	}
	exchange.Set("code_verifier", verifier)
	st, _, body := k.postForm(issuer.TokenPath, exchange, "", "")
	if st != 200 {
		t.Fatalf("exchange: %d %v", st, body)
	}
	at, rt, idt := body["access_token"].(string), body["refresh_token"].(string), body["id_token"].(string)
	if rt == "" || idt == "" {
		t.Fatalf("exchange answer lacks refresh or id token: %v", body)
	}
	st, p, raw := k.whoami(at)
	if st != 200 || p.Kind != auth.KindUser || p.Identifier != "Ann" {
		t.Fatalf("whoami: %d %v, want user Ann", st, raw)
	}
	if st, _, body := k.whoami(idt); st != 401 || errCode(body) != "InvalidToken" {
		t.Fatalf("an ID token used as access token: %d %v, want 401 InvalidToken", st, body)
	}
	if st, _, _ := k.postForm(issuer.TokenPath, exchange, "", ""); st != 400 {
		t.Fatalf("code reused: %d, want 400", st)
	}

	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {webClient}}
	st, _, body = k.postForm(issuer.TokenPath, refresh, "", "")
	if st != 200 || body["access_token"] == nil || body["refresh_token"] == rt {
		t.Fatalf("refresh: %d %v", st, body)
	}
	if st, p, _ := k.whoami(body["access_token"].(string)); st != 200 || p.Identifier != "Ann" {
		t.Fatalf("refreshed token: %d %+v", st, p)
	}
	if st, _, _ := k.postForm(issuer.TokenPath, refresh, "", ""); st != 400 {
		t.Fatalf("spent refresh token reused: %d, want 400", st)
	}
	// a removed user's refresh token stops working
	rt2 := body["refresh_token"].(string)
	if err := k.svc.DeleteUser(t.Context(), "Ann"); err != nil {
		t.Fatal(err)
	}
	refresh.Set("refresh_token", rt2)
	if st, _, _ := k.postForm(issuer.TokenPath, refresh, "", ""); st != 400 {
		t.Fatalf("refresh after user removal: %d, want 400", st)
	}
}

func TestPKCERequired(t *testing.T) {
	k := newKit(t, kitOptions{})
	c := browser()
	q := url.Values{"client_id": {webClient}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}
	resp, err := c.Get(k.srv.URL + issuer.AuthorizePath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("error") != "invalid_request" {
		t.Fatalf("authorize without PKCE: %d Location %q, want an invalid_request redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
	q.Set("redirect_uri", "http://evil.example/cb")
	q.Set("code_challenge", pkce(strings.Repeat("v", 50)))
	q.Set("code_challenge_method", "S256")
	resp, err = c.Get(k.srv.URL + issuer.AuthorizePath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if strings.Contains(resp.Header.Get("Location"), "evil.example") || resp.StatusCode == 200 {
		t.Fatalf("unregistered redirect URI: %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
