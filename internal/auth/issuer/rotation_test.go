package issuer_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/auth/issuer"
)

func jwksKids(t *testing.T, k *kit) []string {
	t.Helper()
	resp, err := http.Get(k.srv.URL + issuer.KeysPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&set)
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.Kid)
	}
	return out
}

func TestKeyRotation(t *testing.T) {
	k := newKit(t, kitOptions{rotation: time.Hour})
	app, secret, err := k.svc.CreateApp(t.Context(), "rot")
	if err != nil {
		t.Fatal(err)
	}
	t1 := k.appToken(app.ClientID, secret)
	if err := k.iss.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	t2 := k.appToken(app.ClientID, secret)
	kid1, kid2 := jwtHeader(t, t1)["kid"], jwtHeader(t, t2)["kid"]
	if kid1 == kid2 {
		t.Fatal("Rotate did not change the signing key")
	}
	for i, tok := range []string{t1, t2} {
		if st, _, body := k.whoami(tok); st != 200 {
			t.Fatalf("token %d after rotation: %d %v", i+1, st, body)
		}
	}
	if kids := jwksKids(t, k); len(kids) != 2 || kids[0] != kid2 {
		t.Fatalf("JWKS kids %v, want the new key first and the old one kept", kids)
	}

	// the rotation period makes a new key by itself; once the old key's
	// tokens have all expired, the key leaves the set
	k.clock.Add(61 * time.Minute)
	t3 := k.appToken(app.ClientID, secret)
	kid3 := jwtHeader(t, t3)["kid"]
	if kid3 == kid2 {
		t.Fatal("no automatic rotation after the rotation period")
	}
	kids := jwksKids(t, k)
	for _, kid := range kids {
		if kid == kid1 {
			t.Fatalf("key %v superseded an hour ago is still published: %v", kid1, kids)
		}
	}
	if st, _, _ := k.whoami(t3); st != 200 {
		t.Fatalf("token after automatic rotation: %d", st)
	}

	// a second node on the same store verifies tokens signed by the first
	// (it loads the key set from the store)
	node2, err := issuer.New(issuer.Options{URL: k.srv.URL, Principals: k.svc, Keys: k.db, Now: k.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := node2.Verify(t.Context(), t3); err != nil {
		t.Fatalf("another issuer on the same store: %v", err)
	}
}

func TestThrottling(t *testing.T) {
	k := newKit(t, kitOptions{maxFailures: 3})
	app, secret, err := k.svc.CreateApp(t.Context(), "thr")
	if err != nil {
		t.Fatal(err)
	}
	cc := url.Values{"grant_type": {"client_credentials"}}
	for i := range 3 {
		if st, _, _ := k.postForm(issuer.TokenPath, cc, app.ClientID, "wrong"); st != 401 {
			t.Fatalf("failure %d: %d, want 401", i+1, st)
		}
	}
	st, h, _ := k.postForm(issuer.TokenPath, cc, app.ClientID, secret)
	if st != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("after 3 failures even the right secret: %d Retry-After %q, want 429 with Retry-After", st, h.Get("Retry-After"))
	}
	k.clock.Add(61 * time.Second)
	k.appToken(app.ClientID, secret)

	// the login page counts failures per address too
	if _, err := k.svc.CreateUser(t.Context(), "bob", "", "bob-password"); err != nil {
		t.Fatal(err)
	}
	code := signInAttempts(t, k, "bob", 3)
	if code != http.StatusTooManyRequests {
		t.Fatalf("login after 3 failures: %d, want 429", code)
	}
}

// signInAttempts starts a sign-in and posts wrong passwords n times, then the
// right one, returning the status of the last post.
func signInAttempts(t *testing.T, k *kit, user string, n int) int {
	t.Helper()
	c := browser()
	q := url.Values{
		"client_id": {webClient}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "scope": {"openid"},
		"code_challenge": {pkce("verifier-verifier-verifier-verifier-verifier")}, "code_challenge_method": {"S256"},
	}
	resp, err := c.Get(k.srv.URL + issuer.AuthorizePath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page := make([]byte, 1<<16)
	nr, _ := resp.Body.Read(page)
	resp.Body.Close()
	m := hiddenID.FindSubmatch(page[:nr])
	if m == nil {
		t.Fatalf("no login form: %s", page[:nr])
	}
	var last int
	for i := 0; i <= n; i++ {
		pw := "wrong"
		if i == n {
			pw = user + "-password"
		}
		resp, err := c.PostForm(k.srv.URL+issuer.LoginPath, url.Values{"authRequestID": {string(m[1])}, "username": {user}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		last = resp.StatusCode
		if i < n && last != 401 {
			t.Fatalf("wrong password %d: %d, want 401", i+1, last)
		}
	}
	return last
}
