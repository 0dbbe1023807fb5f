package samples_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/demo"
	"github.com/bindery-dev/bindery/internal/samples"
	"github.com/bindery-dev/bindery/internal/testkit"
)

// env is a real Bindery with the demo seeded, and the samples served by their
// own HTTP server (another origin), reaching Bindery only over HTTP.
type env struct {
	bindery *testkit.Server
	info    *demo.Info
	app     *httptest.Server
	clock   *clock
	// tokenCalls counts the samples' requests to Bindery's token endpoint.
	tokenCalls atomic.Int32
	accounts   string
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type countingTransport struct{ e *env }

func (ct countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/oauth2/token" {
		ct.e.tokenCalls.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := testkit.Start(t)
	info, err := demo.Seed(context.Background(), s.Srv.Catalog, demo.Options{DataDir: s.Dir, PublicURL: s.URL, AdminKey: s.Key,
		Scale: 0.01, Principals: s.Srv.Principals, TokenURL: s.Srv.Issuer.TokenURL()})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{bindery: s, info: info, clock: &clock{t: time.Now()}, accounts: filepath.Join(t.TempDir(), "samples.json")}
	h := samples.New(samples.Options{BaseURL: s.URL, ConfigFile: filepath.Join(s.Dir, "demo.json"), AccountsFile: e.accounts,
		HTTPClient: &http.Client{Transport: countingTransport{e}, Timeout: 30 * time.Second}, Now: e.clock.now})
	mux := http.NewServeMux()
	h.Register(mux)
	e.app = httptest.NewServer(mux)
	t.Cleanup(e.app.Close)
	return e
}

// browser is a client with a cookie jar that sends Origin like a browser's form post.
type browser struct {
	t      *testing.T
	c      *http.Client
	origin string
}

func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: t, c: c, origin: e.app.URL}
}

func (b *browser) do(method, url, ctype, body string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if b.origin != "" && method == http.MethodPost {
		req.Header.Set("Origin", b.origin)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func (e *env) account(t *testing.T, retailer string) (user, password string) {
	t.Helper()
	var f struct {
		Customers []struct{ Username, Password, Retailer string }
	}
	raw, err := os.ReadFile(e.accounts)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Customers {
		if c.Retailer == retailer {
			return c.Username, c.Password
		}
	}
	t.Fatalf("no account for %s", retailer)
	return "", ""
}

func (b *browser) signIn(e *env, retailer string) {
	b.t.Helper()
	u, p := e.account(b.t, retailer)
	resp, body := b.do("POST", e.app.URL+"/samples/customers/signin", "application/x-www-form-urlencoded",
		url.Values{"username": {u}, "password": {p}}.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: %d %s", u, resp.StatusCode, body)
	}
}

type embedAnswer struct {
	ReportID, EmbedURL, DatasetID, Retailer, AccessToken, TokenID string
	TokenType                                                     int
	Expiration                                                    time.Time
	Identity                                                      *struct {
		Username string
		Roles    []string
	}
}

func (b *browser) embed(e *env, body string) (int, embedAnswer, string) {
	b.t.Helper()
	resp, raw := b.do("POST", e.app.URL+"/samples/customers/api/embed", "application/json", body)
	var a embedAnswer
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			b.t.Fatal(err)
		}
	}
	return resp.StatusCode, a, raw
}

// claims decodes an embed token's payload (the test only reads it; Bindery verifies it).
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func ids(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m["id"].(string))
		}
	}
	return out
}

func (e *env) dataset(name string) demo.DatasetInfo {
	for _, d := range e.info.Datasets {
		if d.Name == name {
			return d
		}
	}
	return demo.DatasetInfo{}
}

func TestCustomersEmbedTokenPerRetailer(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		retailer     string
		wantIdentity bool
	}{
		{"Contoso Electronics", false},
		{"Fabrikam Fashion", false},
		{"Northwind Grocers", true},
	}
	for _, tc := range cases {
		t.Run(tc.retailer, func(t *testing.T) {
			b := e.browser(t)
			b.signIn(e, tc.retailer)
			status, a, raw := b.embed(e, `{}`)
			if status != http.StatusOK {
				t.Fatalf("embed: %d %s", status, raw)
			}
			ds := e.dataset(tc.retailer)
			if a.DatasetID != ds.ID || a.ReportID != e.info.Report.ID || a.EmbedURL != e.info.Report.EmbedURL || a.TokenType != 1 || a.Retailer != tc.retailer {
				t.Fatalf("embed answer %+v, want dataset %s of report %s", a, ds.ID, e.info.Report.ID)
			}
			if strings.Contains(raw, e.info.App.ClientSecret) {
				t.Fatal("the app's secret reached the page")
			}
			c := claims(t, a.AccessToken)
			if got := ids(c["reports"]); len(got) != 1 || got[0] != e.info.Report.ID {
				t.Errorf("token reports %v", got)
			}
			if got := ids(c["datasets"]); len(got) != 1 || got[0] != ds.ID {
				t.Errorf("token datasets %v, want only %s", got, ds.ID)
			}
			_, hasIdentities := c["identities"]
			if hasIdentities != tc.wantIdentity || (a.Identity != nil) != tc.wantIdentity {
				t.Errorf("identities in token %v, in answer %+v; want %v", c["identities"], a.Identity, tc.wantIdentity)
			}
			if tc.wantIdentity && (a.Identity.Username != "west.manager@northwind.example" || len(a.Identity.Roles) != 1 || a.Identity.Roles[0] != "Regional Manager") {
				t.Errorf("identity %+v", a.Identity)
			}
			if left := time.Until(a.Expiration); left < 9*time.Minute || left > 11*time.Minute {
				t.Errorf("expiration %v: want the default 10 minutes", a.Expiration)
			}
			// The token opens the report on the bound dataset: Bindery's embed data API accepts it.
			req, _ := http.NewRequest("POST", e.bindery.URL+"/embed/v1/load", strings.NewReader(`{"reportId":"`+a.ReportID+`","datasetId":"`+a.DatasetID+`"}`))
			req.Header.Set("Authorization", "EmbedToken "+a.AccessToken)
			req.Header.Set("Content-Type", "application/json")
			lr, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			lb, _ := io.ReadAll(lr.Body)
			lr.Body.Close()
			if lr.StatusCode != http.StatusOK || !strings.Contains(string(lb), ds.ID) {
				t.Fatalf("embed load with the sample's token: %d %s", lr.StatusCode, lb)
			}
		})
	}
	// One client_credentials request served every retailer: the app token is cached.
	if n := e.tokenCalls.Load(); n != 1 {
		t.Errorf("token requests: %d, want 1", n)
	}
}

func TestCustomersAppTokenRenewedNearExpiry(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	b.signIn(e, "Contoso Electronics")
	for range 2 {
		if st, _, raw := b.embed(e, ``); st != http.StatusOK {
			t.Fatalf("embed: %d %s", st, raw)
		}
	}
	if n := e.tokenCalls.Load(); n != 1 {
		t.Fatalf("token requests: %d, want 1 (cached)", n)
	}
	// Bindery's access tokens last an hour; within two minutes of the end the sample gets a new one.
	e.clock.add(59 * time.Minute)
	if st, _, raw := b.embed(e, ``); st != http.StatusOK {
		t.Fatalf("embed: %d %s", st, raw)
	}
	if n := e.tokenCalls.Load(); n != 2 {
		t.Fatalf("token requests: %d, want 2 (renewed ahead of expiry)", n)
	}
}

func TestCustomersRefusals(t *testing.T) {
	e := newEnv(t)
	app := e.app.URL
	anon := e.browser(t)
	// Open the sign-in page first: it creates the accounts file.
	if resp, body := anon.do("GET", app+"/samples/customers/", "", ""); resp.StatusCode != 200 || !strings.Contains(body, `<form method="post" action="/samples/customers/signin">`) {
		t.Fatalf("sign-in page: %d %s", resp.StatusCode, body)
	}
	user, pass := e.account(t, "Fabrikam Fashion")
	form := func(u, p string) string { return url.Values{"username": {u}, "password": {p}}.Encode() }
	const formType = "application/x-www-form-urlencoded"

	cases := []struct {
		name       string
		b          *browser
		method     string
		path, body string
		ctype      string
		wantStatus int
		wantBody   string
	}{
		{"wrong password", anon, "POST", "/samples/customers/signin", form(user, "nope"), formType, 401, "not correct"},
		{"unknown user", anon, "POST", "/samples/customers/signin", form("who@example.com", pass), formType, 401, "not correct"},
		{"cross-site sign-in", &browser{t: t, c: anon.c, origin: "http://evil.example"}, "POST", "/samples/customers/signin", form(user, pass), formType, 403, "cross-site"},
		{"token without a session", anon, "POST", "/samples/customers/api/embed", `{}`, "application/json", 401, "SignInRequired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.b.do(tc.method, app+tc.path, tc.ctype, tc.body)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(body, tc.wantBody) {
				t.Fatalf("%s %s: %d %s, want %d containing %q", tc.method, tc.path, resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
		})
	}

	signed := e.browser(t)
	signed.signIn(e, "Fabrikam Fashion")
	bodies := []struct{ body, want string }{
		{`{"lifetimeInMinutes":61}`, "lifetimeInMinutes: must be between 1 and 60"},
		{`{"lifetimeInMinutes":-1}`, "lifetimeInMinutes"},
		{`{"lifetimeInMinutes":"x"}`, "InvalidRequest"},
	}
	for _, bc := range bodies {
		if st, _, raw := signed.embed(e, bc.body); st != 400 || !strings.Contains(raw, bc.want) {
			t.Errorf("embed %s: %d %s, want 400 %q", bc.body, st, raw, bc.want)
		}
	}
	if st, a, raw := signed.embed(e, `{"lifetimeInMinutes":1}`); st != 200 || time.Until(a.Expiration) > 70*time.Second {
		t.Errorf("one-minute token: %d %s", st, raw)
	}
	cross := &browser{t: t, c: signed.c, origin: "http://evil.example"}
	if resp, body := cross.do("POST", app+"/samples/customers/api/embed", "application/json", `{}`); resp.StatusCode != 403 {
		t.Errorf("cross-site token request: %d %s", resp.StatusCode, body)
	}
}

func TestCustomersSessionCookie(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	b.do("GET", e.app.URL+"/samples/customers/", "", "")
	u, p := e.account(t, "Contoso Electronics")
	resp, _ := b.do("POST", e.app.URL+"/samples/customers/signin", "application/x-www-form-urlencoded", url.Values{"username": {u}, "password": {p}}.Encode())
	var c *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == "sample_customers_session" {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/samples/customers/" || c.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, Path /samples/customers/, not Secure over http", c)
	}
	if resp.Header.Get("Location") != "/samples/customers/" {
		t.Errorf("redirect to %q", resp.Header.Get("Location"))
	}
	page := func(cookie string) string {
		req, _ := http.NewRequest("GET", e.app.URL+"/samples/customers/", nil)
		req.AddCookie(&http.Cookie{Name: c.Name, Value: cookie})
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		raw, _ := io.ReadAll(r.Body)
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-src 'self' "+e.bindery.URL) {
			t.Errorf("CSP %q", csp)
		}
		return string(raw)
	}
	if body := page(c.Value); !strings.Contains(body, `id="report-container"`) || !strings.Contains(body, "Contoso Electronics") {
		t.Fatalf("signed-in page: %s", body)
	}
	// Another user's name under the same signature is refused, as is a cookie past its end.
	payload, sig, _ := strings.Cut(c.Value, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), u, "buyer@fabrikam.example", 1))) + "." + sig
	for name, v := range map[string]string{"forged": forged, "garbage": "x.y", "empty": ""} {
		if body := page(v); !strings.Contains(body, `action="/samples/customers/signin"`) {
			t.Errorf("%s cookie: not sent back to sign in", name)
		}
	}
	e.clock.add(samples.DefaultSessionLifetime + time.Second)
	if body := page(c.Value); !strings.Contains(body, `action="/samples/customers/signin"`) {
		t.Error("an expired session still works")
	}
}

func TestSwitchRetailerGoesToSignIn(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	b.signIn(e, "Contoso Electronics")
	resp, _ := b.do("POST", e.app.URL+"/samples/customers/signout", "application/x-www-form-urlencoded", "action=switch&next=buyer%40fabrikam.example")
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || loc != "/samples/customers/?username=buyer@fabrikam.example" {
		t.Fatalf("switch: %d to %q", resp.StatusCode, loc)
	}
	resp, _ = b.do("POST", e.app.URL+"/samples/customers/signout", "application/x-www-form-urlencoded", "action=switch&next=https%3A%2F%2Fevil.example")
	if loc := resp.Header.Get("Location"); loc != "/samples/customers/" {
		t.Fatalf("switch to an unknown account redirects to %q", loc)
	}
	if st, _, _ := b.embed(e, `{}`); st != 401 {
		t.Fatalf("after sign-out the token endpoint answers %d, want 401", st)
	}
}

func TestOrganizationConfig(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.app.URL + "/samples/organization/config.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var c struct {
		Authority, ClientID, RedirectPath, Scope string
		Report                                   struct{ ID, WorkspaceID string }
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	if c.Authority != e.bindery.URL || c.ClientID != samples.OrgClientID || c.RedirectPath != "/samples/organization/callback" ||
		c.Report.ID != e.info.Report.ID || !strings.Contains(c.Scope, "offline_access") {
		t.Fatalf("config %s", raw)
	}
	// The settings are public: no secret, no admin key, no datasets.
	for _, s := range []string{e.info.App.ClientSecret, e.info.App.ClientID, "Contoso", e.info.AdminKey} {
		if strings.Contains(string(raw), s) {
			t.Errorf("config.json leaks %q", s)
		}
	}
	for _, p := range []string{"/samples/organization/", "/samples/organization/callback?code=x&state=y", "/samples/"} {
		r, err := http.Get(e.app.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || r.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: %d %v", p, r.StatusCode, r.Header)
		}
	}
}

func TestNotReadyBeforeTheDemoIsSeeded(t *testing.T) {
	h := samples.New(samples.Options{BaseURL: "http://127.0.0.1:1", ConfigFile: filepath.Join(t.TempDir(), "demo.json"),
		AccountsFile: filepath.Join(t.TempDir(), "samples.json")})
	mux := http.NewServeMux()
	h.Register(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/samples/organization/config.json", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "NotReady") {
		t.Fatalf("config before the demo exists: %d %s", rec.Code, rec.Body)
	}
}
