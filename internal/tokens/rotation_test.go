package tokens_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/store/postgres"
	"github.com/bindery-dev/bindery/internal/store/postgres/pgtest"
	"github.com/bindery-dev/bindery/internal/store/sqlite"
	"github.com/bindery-dev/bindery/internal/tokens"
)

// TestRotationReachesEveryNode: two nodes share the metadata store; one rotates
// and signs with the new key, the other verifies it at once, and tokens signed
// before the rotation keep verifying on both.
func TestRotationReachesEveryNode(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "m.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts := embedtoken.Options{Issuer: "http://bindery.test", MaxLifetime: time.Hour}
	node := func() (*tokens.Service, *embedtoken.KeyRing) {
		ring, err := tokens.LoadKeyRing(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		return tokens.New(tokens.Options{Store: st, Keys: ring}), ring
	}
	a, ringA := node()
	b, ringB := node()
	if ringA.ActiveKeyID() != ringB.ActiveKeyID() {
		t.Fatal("two nodes on one store start with different keys")
	}
	claims := func() embedtoken.Claims {
		now := time.Now()
		return embedtoken.Claims{IssuedAt: now, Expiry: now.Add(10 * time.Minute), Caller: "app",
			Reports: []embedtoken.ReportGrant{{ID: "5f0c0de0-aaaa-4bbb-8ccc-0123456789ab"}}}
	}
	old, err := ringA.Sign(claims())
	if err != nil {
		t.Fatal(err)
	}
	kid, err := a.RotateKeys(ctx)
	if err != nil || kid == "" || kid == ringB.ActiveKeyID() {
		t.Fatalf("rotate: %q %v", kid, err)
	}
	fresh, err := ringA.Sign(claims())
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"old": old, "fresh": fresh} {
		if _, err := b.Verify(tok); err != nil {
			t.Fatalf("node B refuses the %s token: %v", name, err)
		}
		if _, err := a.Verify(tok); err != nil {
			t.Fatalf("node A refuses the %s token: %v", name, err)
		}
	}
	// B now signs with the rotated key too.
	if ringB.ActiveKeyID() != kid {
		t.Fatalf("node B's active key %s, want %s", ringB.ActiveKeyID(), kid)
	}
}

// TestNodesStartingTogetherAgreeOnKeys: several nodes start at once on an empty
// PostgreSQL store; they all end up signing with one key set.
func TestNodesStartingTogetherAgreeOnKeys(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t)
	opts := embedtoken.Options{Issuer: "http://bindery.test", MaxLifetime: time.Hour}
	const nodes = 4
	kids := make(chan string, nodes)
	errc := make(chan error, nodes)
	for i := 0; i < nodes; i++ {
		go func() {
			db, err := postgres.Open(ctx, postgres.Options{URL: url})
			if err != nil {
				errc <- err
				return
			}
			defer db.Close()
			ring, err := tokens.LoadKeyRing(ctx, db, opts)
			if err != nil {
				errc <- err
				return
			}
			kids <- ring.ActiveKeyID()
		}()
	}
	seen := map[string]bool{}
	for i := 0; i < nodes; i++ {
		select {
		case err := <-errc:
			t.Fatal(err)
		case k := <-kids:
			seen[k] = true
		}
	}
	if len(seen) != 1 {
		t.Fatalf("nodes sign with %d different keys: %v", len(seen), seen)
	}
}
