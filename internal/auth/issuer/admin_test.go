package issuer_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

func (k *kit) call(method, path, tok string, body any) (int, map[string]any) {
	k.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, k.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestAdminEndpoints(t *testing.T) {
	k := newKit(t, kitOptions{})
	const base = "/v1.0/myorg/admin"

	st, app := k.call("POST", base+"/apps", adminKey, map[string]any{"displayName": "Host"})
	if st != 201 || app["clientSecret"] == "" || app["clientId"] == "" {
		t.Fatalf("create app: %d %v", st, app)
	}
	id, secret := app["clientId"].(string), app["clientSecret"].(string)
	appTok := k.appToken(id, secret)

	// only the administrator manages principals
	if st, body := k.call("GET", base+"/users", appTok, nil); st != 403 || errCode(body) != "InsufficientPermissions" {
		t.Fatalf("app lists users: %d %v", st, body)
	}
	if st, body := k.call("GET", base+"/users", "", nil); st != 401 || errCode(body) != "TokenRequired" {
		t.Fatalf("anonymous: %d %v", st, body)
	}

	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"create user", "POST", base + "/users", map[string]any{"username": "dana", "displayName": "Dana", "password": "long enough"}, 201, ""},
		{"duplicate user", "POST", base + "/users", map[string]any{"username": "DANA", "password": "long enough"}, 409, "DuplicateUser"},
		{"short password", "POST", base + "/users", map[string]any{"username": "eve", "password": "short"}, 400, "InvalidRequest"},
		{"bad username", "POST", base + "/users", map[string]any{"username": "a/b", "password": "long enough"}, 400, "InvalidRequest"},
		{"unknown field", "POST", base + "/users", map[string]any{"username": "f", "pasword": "long enough"}, 400, "InvalidRequest"},
		{"list users", "GET", base + "/users", nil, 200, ""},
		{"rotate secret", "POST", base + "/apps/" + id + "/secret", nil, 200, ""},
		{"rotate unknown", "POST", base + "/apps/00000000-0000-0000-0000-000000000000/secret", nil, 404, "PowerBIEntityNotFound"},
		{"list apps", "GET", base + "/apps", nil, 200, ""},
		{"delete user", "DELETE", base + "/users/dana", nil, 200, ""},
		{"delete user again", "DELETE", base + "/users/dana", nil, 404, "PowerBIEntityNotFound"},
		{"delete app", "DELETE", base + "/apps/" + id, nil, 200, ""},
	}
	for _, tc := range tests {
		st, body := k.call(tc.method, tc.path, adminKey, tc.body)
		if st != tc.status || (tc.code != "" && errCode(body) != tc.code) {
			t.Fatalf("%s: %d %v, want %d %s", tc.name, st, body, tc.status, tc.code)
		}
		if tc.name == "list users" {
			v := body["value"].([]any)
			if len(v) != 1 || v[0].(map[string]any)["username"] != "dana" || v[0].(map[string]any)["passwordHash"] != nil {
				t.Fatalf("list users: %v", body)
			}
		}
		if tc.name == "list apps" {
			v := body["value"].([]any)
			if len(v) != 1 || v[0].(map[string]any)["clientSecret"] != nil {
				t.Fatalf("list apps shows a secret or wrong apps: %v", body)
			}
		}
	}
	// the deleted app can no longer get tokens
	if st, _, _ := k.postForm("/oauth2/token", map[string][]string{"grant_type": {"client_credentials"}}, id, secret); st != 401 {
		t.Fatalf("deleted app got %d, want 401", st)
	}
}
