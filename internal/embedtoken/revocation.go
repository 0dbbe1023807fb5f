package embedtoken

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Revocations answers whether a token id has been revoked. Verify does not
// consult it; the caller does, after Verify, on every request. Implementations
// must be safe for concurrent use and fast (no I/O per call).
type Revocations interface {
	IsRevoked(tokenID string) bool
}

// Revocation is one revoked token. Expiry is the token's own expiry: after it
// the entry is useless (Verify refuses the token anyway) and is dropped.
type Revocation struct {
	TokenID string
	Expiry  time.Time
}

// RevocationLoader returns the revocations of tokens not yet expired, from the
// shared store.
type RevocationLoader func(ctx context.Context) ([]Revocation, error)

// RevocationList is an in-memory [Revocations] that converges across nodes by
// refreshing from a shared store. Revocations only accumulate until their
// token expires: a refresh merges, it never un-revokes, so a refresh that
// raced a local Revoke cannot lose it.
type RevocationList struct {
	load RevocationLoader
	now  func() time.Time
	mu   sync.RWMutex
	ids  map[string]time.Time // token id -> token expiry
}

// NewRevocationList returns an empty list refreshed by load (nil: local only)
// with clock now (time.Now when nil).
func NewRevocationList(load RevocationLoader, now func() time.Time) *RevocationList {
	if now == nil {
		now = time.Now
	}
	return &RevocationList{load: load, now: now, ids: map[string]time.Time{}}
}

// IsRevoked implements [Revocations].
func (l *RevocationList) IsRevoked(tokenID string) bool {
	l.mu.RLock()
	_, ok := l.ids[tokenID]
	l.mu.RUnlock()
	return ok
}

// Revoke records a revocation on this node at once; persist it to the store
// first so that other nodes see it on their next refresh.
func (l *RevocationList) Revoke(r Revocation) {
	l.mu.Lock()
	l.add(r)
	l.mu.Unlock()
}

func (l *RevocationList) add(r Revocation) {
	if old, ok := l.ids[r.TokenID]; !ok || r.Expiry.After(old) {
		l.ids[r.TokenID] = r.Expiry
	}
}

// Len returns the number of revocations held.
func (l *RevocationList) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.ids)
}

// Refresh merges the loader's revocations and drops those whose token has
// expired (with a minute's grace for clock skew between nodes).
func (l *RevocationList) Refresh(ctx context.Context) error {
	var loaded []Revocation
	if l.load != nil {
		var err error
		if loaded, err = l.load(ctx); err != nil {
			return err
		}
	}
	cutoff := l.now().Add(-time.Minute)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range loaded {
		l.add(r)
	}
	for id, exp := range l.ids {
		if exp.Before(cutoff) {
			delete(l.ids, id)
		}
	}
	return nil
}

// Run refreshes every interval until ctx is done. Failures are logged and
// retried at the next tick; the list keeps what it had.
func (l *RevocationList) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := l.Refresh(ctx); err != nil && log != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "refresh revocations", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
