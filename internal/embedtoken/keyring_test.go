package embedtoken

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	c := &clock{t0}
	r := newTestRing(t, c)
	in := sampleClaims()
	tok := mustSign(t, r, in)
	if !strings.HasPrefix(tok, "eyJ") || strings.Count(tok, ".") != 2 {
		t.Fatalf("not a compact JWS: %q", tok)
	}
	got, err := r.Verify(tok, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	in.Issuer, in.Audience = testIssuer, DefaultAudience
	if !reflect.DeepEqual(*got, in) {
		t.Fatalf("claims differ:\n got %+v\nwant %+v", *got, in)
	}
	if _, ok := got.Report("b2e49b01-2356-4456-bfb9-3f4c2bc4ddbd"); !ok || !got.HasDataset("e75afc47-1150-45e0-aba7-4eb04e4876e5") ||
		got.HasDataset("b2e49b01-2356-4456-bfb9-3f4c2bc4ddbd") || !got.HasTargetWorkspace("f089354e-8366-4e18-aea3-4cb4a3a50b48") {
		t.Fatal("grant lookups wrong")
	}
	if idn, ok := got.IdentityFor("cfafbeb1-8037-4d0c-896e-a46fb27ff229"); !ok || idn.Username != "john@contoso.com" {
		t.Fatal("identity lookup wrong")
	}
	if _, ok := got.IdentityFor("e75afc47-1150-45e0-aba7-4eb04e4876e5"); ok {
		t.Fatal("identity found for a dataset it does not name")
	}
}

// TestClaimNames pins the wire names to the Claim* constants.
func TestClaimNames(t *testing.T) {
	c := &clock{t0}
	r := newTestRing(t, c)
	tok := mustSign(t, r, sampleClaims())
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	want := []string{ClaimTokenID, ClaimIssuer, ClaimAudience, ClaimIssuedAt, ClaimNotBefore, ClaimExpiry, ClaimCaller,
		ClaimReports, ClaimDatasets, ClaimTargetWorkspaces, ClaimIdentities}
	sort.Strings(keys)
	sort.Strings(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("payload keys %v, want %v", keys, want)
	}
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var h map[string]string
	if err := json.Unmarshal(header, &h); err != nil {
		t.Fatal(err)
	}
	if h["alg"] != "EdDSA" || h["typ"] != TokenType || h["kid"] != r.ActiveKeyID() {
		t.Fatalf("header %v", h)
	}
	// Claims' own JSON is the payload form.
	var back Claims
	b, _ := json.Marshal(sampleClaims())
	if err := json.Unmarshal(b, &back); err != nil || back.TokenID != sampleClaims().TokenID || !back.Expiry.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Claims JSON round trip: %v %+v", err, back)
	}
}

func TestSignRules(t *testing.T) {
	c := &clock{t0}
	r := newTestRing(t, c)
	tests := []struct {
		name string
		edit func(*Claims)
		ok   bool
	}{
		{"as given", func(*Claims) {}, true},
		{"generated token id and issue time", func(c *Claims) { c.TokenID, c.IssuedAt = "", time.Time{} }, true},
		{"upper-case GUID is normalized", func(c *Claims) { c.TokenID = strings.ToUpper(c.TokenID) }, true},
		{"token id not a GUID", func(c *Claims) { c.TokenID = "abc" }, false},
		{"braced GUID", func(c *Claims) { c.TokenID = "{" + c.TokenID + "}" }, false},
		{"expiry equals issue", func(c *Claims) { c.Expiry = c.IssuedAt }, false},
		{"expiry before issue", func(c *Claims) { c.Expiry = c.IssuedAt.Add(-time.Minute) }, false},
		{"longer than MaxLifetime", func(c *Claims) { c.Expiry = c.IssuedAt.Add(time.Hour + time.Second) }, false},
		{"exactly MaxLifetime", func(c *Claims) { c.Expiry = c.IssuedAt.Add(time.Hour) }, true},
		{"issuer and audience are overridden", func(c *Claims) { c.Issuer, c.Audience = "evil", "evil" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := sampleClaims()
			tt.edit(&cl)
			tok, err := r.Sign(cl)
			if (err == nil) != tt.ok {
				t.Fatalf("Sign error %v, want ok=%v", err, tt.ok)
			}
			if !tt.ok {
				return
			}
			got, err := r.Verify(tok, t0)
			if err != nil {
				t.Fatal(err)
			}
			if got.TokenID != strings.ToLower(got.TokenID) || len(got.TokenID) != 36 || got.Issuer != testIssuer || got.Audience != DefaultAudience {
				t.Fatalf("claims %+v", got)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	if _, err := NewKeyRing(Options{}, nil); err == nil {
		t.Fatal("missing issuer accepted")
	}
	if _, err := NewKeyRing(Options{Issuer: "x", MaxLifetime: time.Hour, RetireAfter: time.Hour}, nil); err == nil {
		t.Fatal("RetireAfter shorter than MaxLifetime+Leeway accepted")
	}
	r, err := NewKeyRing(Options{Issuer: "x", Leeway: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := r.Options()
	if o.Leeway != 0 || o.MaxLifetime != DefaultMaxLifetime || o.RetireAfter != DefaultMaxLifetime || o.Audience != DefaultAudience {
		t.Fatalf("defaults %+v", o)
	}
	if r.ActiveKeyID() == "" || len(r.Keys()) != 1 {
		t.Fatal("a new ring must start with one active key")
	}
}

func TestRotation(t *testing.T) {
	c := &clock{t0}
	r := newTestRing(t, c)
	oldKid := r.ActiveKeyID()
	oldTok := mustSign(t, r, sampleClaims()) // valid until t0+1h (+30s leeway)

	c.now = t0.Add(10 * time.Minute)
	nk, err := r.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if nk.ID == oldKid || r.ActiveKeyID() != nk.ID || len(r.Keys()) != 2 {
		t.Fatalf("after rotate: active %q old %q keys %d", r.ActiveKeyID(), oldKid, len(r.Keys()))
	}
	if _, err := r.Verify(oldTok, c.now); err != nil {
		t.Fatalf("token of the retired key must still verify: %v", err)
	}
	cl := sampleClaims()
	cl.IssuedAt, cl.Expiry = c.now, c.now.Add(time.Hour)
	newTok := mustSign(t, r, cl)
	if kidOf(t, newTok) != nk.ID {
		t.Fatal("new tokens must use the new key")
	}

	// RetireAfter = 1h30s after the rotation at t0+10m the old key is gone,
	// even though Keys() was not pruned by another Rotate.
	after := t0.Add(10*time.Minute + time.Hour + 31*time.Second)
	if _, err := r.Verify(oldTok, after); err == nil {
		t.Fatal("old key verifies after retirement")
	} else {
		wantCode(t, err, CodeInvalidToken, ErrInvalidToken)
	}
	c.now = after
	cl.IssuedAt, cl.Expiry = after, after.Add(time.Hour)
	if _, err := r.Verify(mustSign(t, r, cl), after); err != nil {
		t.Fatalf("new key's token refused: %v", err)
	}
	if ks := r.Keys(); len(ks) != 1 || ks[0].ID != nk.ID {
		t.Fatalf("Keys() after retirement: %v", ks)
	}
	if _, err := r.Rotate(); err != nil {
		t.Fatal(err)
	}
	for _, k := range r.state.Load().keys {
		if k.ID == oldKid {
			t.Fatal("Rotate kept a key past RetireAfter")
		}
	}
}

func TestKeysJSONSharedBetweenNodes(t *testing.T) {
	c := &clock{t0}
	a := newTestRing(t, c)
	if _, err := a.Rotate(); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a.Keys())
	if err != nil {
		t.Fatal(err)
	}
	var keys []Key
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	node2 := newTestRing(t, c, keys...)
	if node2.ActiveKeyID() != a.ActiveKeyID() {
		t.Fatal("active key differs across nodes")
	}
	tok := mustSign(t, a, sampleClaims())
	if _, err := node2.Verify(tok, t0); err != nil {
		t.Fatalf("node 2 refuses node 1's token: %v", err)
	}
	if !reflect.DeepEqual(node2.Keys(), a.Keys()) {
		t.Fatal("keys differ after JSON round trip")
	}
	// Node 2 picks up a later rotation by node 1.
	c.now = t0.Add(time.Minute)
	if _, err := a.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := node2.SetKeys(a.Keys()); err != nil {
		t.Fatal(err)
	}
	if node2.ActiveKeyID() != a.ActiveKeyID() {
		t.Fatal("SetKeys did not adopt the rotation")
	}
	if jwks := node2.JWKS(); len(jwks.Keys) != 3 || !jwks.Keys[0].IsPublic() {
		t.Fatalf("JWKS: %d keys", len(jwks.Keys))
	}
	// Public JWKS JSON must hold no private part.
	pj, _ := json.Marshal(node2.JWKS())
	if strings.Contains(string(pj), `"d"`) {
		t.Fatalf("JWKS leaks a private key: %s", pj)
	}
}

func TestKeyJSONRejects(t *testing.T) {
	k := fixedKey(t, 1, t0)
	good, _ := json.Marshal(k)
	tests := map[string]string{
		"not json":      `{`,
		"public only":   strings.Replace(string(good), `"d":`, `"x_":`, 1),
		"kid mismatch":  strings.Replace(string(good), k.ID, "other", 1),
		"wrong alg":     strings.Replace(string(good), `"alg":"EdDSA"`, `"alg":"HS256"`, 1),
		"symmetric key": `{"jwk":{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0","kid":"a"},"created":"2026-03-01T12:00:00Z"}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			var got Key
			if err := json.Unmarshal([]byte(in), &got); err == nil {
				t.Fatalf("accepted %s", in)
			}
		})
	}
	var back Key
	if err := json.Unmarshal(good, &back); err != nil || back.ID != k.ID || !back.Created.Equal(t0) || !back.Active() {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	if _, err := json.Marshal(Key{ID: "x"}); err == nil {
		t.Fatal("marshalled a key without private part")
	}
	r := newTestRing(t, &clock{t0})
	if err := r.SetKeys([]Key{k, k}); err == nil {
		t.Fatal("duplicate key ids accepted")
	}
	if err := r.SetKeys([]Key{{ID: "x"}}); err == nil {
		t.Fatal("key without private part accepted")
	}
}

func TestNoSigningKey(t *testing.T) {
	k := fixedKey(t, 1, t0)
	k.Retired = t0
	r := newTestRing(t, &clock{t0}, k)
	if _, err := r.Sign(sampleClaims()); err != ErrNoSigningKey {
		t.Fatalf("err %v, want ErrNoSigningKey", err)
	}
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	h, err := base64.RawURLEncoding.DecodeString(strings.SplitN(tok, ".", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(h, &m)
	s, _ := m["kid"].(string)
	return s
}

// TestConcurrentUse runs Sign, Verify and Rotate together under -race.
func TestConcurrentUse(t *testing.T) {
	r := newTestRing(t, &clock{t0})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			if _, err := r.Rotate(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 200 {
		tok, err := r.Sign(sampleClaims())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Verify(tok, t0); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	if n := len(r.Keys()); n != 21 {
		t.Fatalf("%d keys after 20 rotations within RetireAfter, want 21", n)
	}
}
