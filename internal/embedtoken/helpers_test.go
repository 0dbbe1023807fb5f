package embedtoken

import (
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const testIssuer = "https://bindery.test"

// clock is a settable test clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// fixedKey derives a deterministic key from a one-byte seed so signatures
// (Ed25519 is deterministic) and the committed fuzz corpus are reproducible.
func fixedKey(t testing.TB, seed byte, created time.Time) Key {
	t.Helper()
	s := make([]byte, ed25519.SeedSize)
	s[0] = seed
	k, err := newKey(ed25519.NewKeyFromSeed(s), created)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newTestRing(t testing.TB, c *clock, keys ...Key) *KeyRing {
	t.Helper()
	r, err := NewKeyRing(Options{Issuer: testIssuer, MaxLifetime: time.Hour, Leeway: 30 * time.Second, Now: c.Now}, keys)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sampleClaims() Claims {
	return Claims{
		TokenID:  "4b76f5ed-5a06-4150-8d1b-60f8e4c186f4",
		IssuedAt: t0,
		Expiry:   t0.Add(time.Hour),
		Caller:   "app:7d1c0f7e-2b55-4a39-9d6b-5f1e0c2b8a11",
		Reports:  []ReportGrant{{ID: "b2e49b01-2356-4456-bfb9-3f4c2bc4ddbd", AllowEdit: true}},
		Datasets: []DatasetGrant{
			{ID: "cfafbeb1-8037-4d0c-896e-a46fb27ff229"},
			{ID: "e75afc47-1150-45e0-aba7-4eb04e4876e5", XmlaPermissions: "ReadOnly"},
		},
		TargetWorkspaces: []string{"f089354e-8366-4e18-aea3-4cb4a3a50b48"},
		Identities: []Identity{
			{Username: "john@contoso.com", Roles: []string{"sales"}, Datasets: []string{"cfafbeb1-8037-4d0c-896e-a46fb27ff229"}, CustomData: "tenant-7"},
		},
	}
}

func mustSign(t testing.TB, r *KeyRing, c Claims) string {
	t.Helper()
	tok, err := r.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// wantCode asserts err is an *errs.Error with the code and the sentinel.
func wantCode(t *testing.T, err error, code string, sentinel error) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("error %v is not an *errs.Error", err)
	}
	if e.Code != code || e.Kind != errs.KindUnauthorized {
		t.Fatalf("code %q kind %v, want %q unauthorized (err: %v)", e.Code, e.Kind, code, err)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v does not wrap %v", err, sentinel)
	}
}
