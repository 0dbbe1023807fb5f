package samples

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// bindery is the customers sample backend's client of Bindery's public HTTP
// API: nothing here reaches into the server in-process.
type bindery struct {
	base   string
	hc     *http.Client
	config *configLoader
	now    func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
	// rlsRequired caches each dataset's isEffectiveIdentityRequired.
	rlsRequired map[string]bool
}

// renewAhead is how long before its expiry a cached app token is replaced.
const renewAhead = 2 * time.Minute

func newBindery(base string, hc *http.Client, cfg *configLoader, now func() time.Time) *bindery {
	return &bindery{base: base, hc: hc, config: cfg, now: now, rlsRequired: map[string]bool{}}
}

// apiError is Bindery's (Power BI's) error envelope, or an OAuth error.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("bindery answered %d %s: %s", e.Status, e.Code, e.Message)
}

func readError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var env struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
	}
	e := &apiError{Status: resp.StatusCode, Message: strings.TrimSpace(string(raw))}
	if json.Unmarshal(raw, &env) == nil && len(env.Error) > 0 {
		var inner struct{ Code, Message string }
		var code string
		if json.Unmarshal(env.Error, &inner) == nil && inner.Code != "" {
			e.Code, e.Message = inner.Code, inner.Message
		} else if json.Unmarshal(env.Error, &code) == nil {
			e.Code, e.Message = code, env.ErrorDescription // OAuth: {"error": "invalid_client", ...}
		}
	}
	return e
}

// appToken returns the app registration's access token (client credentials),
// cached until shortly before it expires.
func (b *bindery) appToken(ctx context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.token != "" && b.now().Before(b.expires.Add(-renewAhead)) {
		return b.token, nil
	}
	cfg, err := b.config.get()
	if err != nil {
		return "", err
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(cfg.App.ClientID), url.QueryEscape(cfg.App.ClientSecret))
	resp, err := b.hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		if resp.StatusCode == http.StatusUnauthorized {
			b.config.forget() // demo.json may have been rewritten with a new secret
		}
		return "", fmt.Errorf("token request: %w", readError(resp))
	}
	var t struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil || t.AccessToken == "" {
		return "", fmt.Errorf("token response: no access_token (%v)", err)
	}
	b.token, b.expires = t.AccessToken, b.now().Add(time.Duration(t.ExpiresIn)*time.Second)
	return b.token, nil
}

// call sends a JSON request with the app's token and decodes the answer into out.
func (b *bindery) call(ctx context.Context, method, path string, body, out any) error {
	tok, err := b.appToken(ctx)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		if resp.StatusCode == http.StatusUnauthorized {
			b.mu.Lock()
			b.token = "" // the token was revoked or its key rotated away: get a new one next time
			b.mu.Unlock()
		}
		return fmt.Errorf("%s %s: %w", method, path, readError(resp))
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// needsIdentity reports whether a dataset has RLS roles, asking Bindery once per dataset
// (GET …/datasets/{id}, isEffectiveIdentityRequired), as Power BI's samples do.
func (b *bindery) needsIdentity(ctx context.Context, d configDataset) (bool, error) {
	b.mu.Lock()
	v, ok := b.rlsRequired[d.ID]
	b.mu.Unlock()
	if ok {
		return v, nil
	}
	var ds struct {
		IsEffectiveIdentityRequired bool `json:"isEffectiveIdentityRequired"`
	}
	path := "/v1.0/myorg/groups/" + url.PathEscape(d.WorkspaceID) + "/datasets/" + url.PathEscape(d.ID)
	if err := b.call(ctx, http.MethodGet, path, nil, &ds); err != nil {
		return false, err
	}
	b.mu.Lock()
	b.rlsRequired[d.ID] = ds.IsEffectiveIdentityRequired
	b.mu.Unlock()
	return ds.IsEffectiveIdentityRequired, nil
}

// Bodies of POST /v1.0/myorg/GenerateToken (V2), as Power BI names them.
type (
	tokenRequest struct {
		Reports           []itemRef  `json:"reports"`
		Datasets          []itemRef  `json:"datasets"`
		Identities        []identity `json:"identities,omitempty"`
		LifetimeInMinutes int        `json:"lifetimeInMinutes,omitempty"`
	}
	itemRef struct {
		ID string `json:"id"`
	}
	identity struct {
		Username string   `json:"username"`
		Roles    []string `json:"roles"`
		Datasets []string `json:"datasets"`
	}
	embedToken struct {
		Token      string    `json:"token"`
		TokenID    string    `json:"tokenId"`
		Expiration time.Time `json:"expiration"`
	}
)

func (b *bindery) generateToken(ctx context.Context, req tokenRequest) (*embedToken, error) {
	var t embedToken
	if err := b.call(ctx, http.MethodPost, "/v1.0/myorg/GenerateToken", req, &t); err != nil {
		return nil, err
	}
	return &t, nil
}
