package embedtoken

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// sharedStore stands in for the metadata store several nodes share.
type sharedStore struct {
	mu   sync.Mutex
	rows []Revocation
	fail bool
}

func (s *sharedStore) add(r Revocation) { s.mu.Lock(); s.rows = append(s.rows, r); s.mu.Unlock() }
func (s *sharedStore) load(context.Context) ([]Revocation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return nil, errors.New("store down")
	}
	return append([]Revocation(nil), s.rows...), nil
}

func TestRevocationsConvergeAcrossNodes(t *testing.T) {
	c := &clock{t0}
	store := &sharedStore{}
	node1 := NewRevocationList(store.load, c.Now)
	node2 := NewRevocationList(store.load, c.Now)
	var _ Revocations = node1

	r := Revocation{TokenID: "4b76f5ed-5a06-4150-8d1b-60f8e4c186f4", Expiry: t0.Add(time.Hour)}
	store.add(r)
	node1.Revoke(r)
	if !node1.IsRevoked(r.TokenID) || node2.IsRevoked(r.TokenID) {
		t.Fatal("revocation should hold on node 1 at once and on node 2 only after a refresh")
	}
	if err := node2.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !node2.IsRevoked(r.TokenID) || node2.IsRevoked("other") {
		t.Fatal("node 2 did not converge")
	}

	// A failing store keeps what the node had.
	store.fail = true
	if err := node2.Refresh(context.Background()); err == nil || !node2.IsRevoked(r.TokenID) {
		t.Fatal("failed refresh must report and keep revocations")
	}
	store.fail = false

	// A local revocation not yet visible in the store survives a refresh.
	local := Revocation{TokenID: "e75afc47-1150-45e0-aba7-4eb04e4876e5", Expiry: t0.Add(time.Hour)}
	node1.Revoke(local)
	if err := node1.Refresh(context.Background()); err != nil || !node1.IsRevoked(local.TokenID) {
		t.Fatal("refresh un-revoked a local revocation")
	}

	// Entries go once their token has expired (plus grace).
	c.now = t0.Add(time.Hour + 2*time.Minute)
	if err := node1.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if node1.Len() != 0 {
		t.Fatalf("%d expired revocations kept", node1.Len())
	}
}

func TestRevocationListRun(t *testing.T) {
	store := &sharedStore{}
	store.add(Revocation{TokenID: "a", Expiry: time.Now().Add(time.Hour)})
	l := NewRevocationList(store.load, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx, 5*time.Millisecond, nil); close(done) }()
	deadline := time.Now().Add(2 * time.Second)
	for !l.IsRevoked("a") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	store.add(Revocation{TokenID: "b", Expiry: time.Now().Add(time.Hour)})
	for !l.IsRevoked("b") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if !l.IsRevoked("a") || !l.IsRevoked("b") {
		t.Fatal("Run did not refresh")
	}
	if e := Revoked("a"); e.Code != CodeTokenRevoked || !errors.Is(e, ErrTokenRevoked) {
		t.Fatalf("Revoked error %v", e)
	}
}
