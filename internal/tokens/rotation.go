package tokens

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/bindery-dev/bindery/internal/embedtoken"
)

// keyReloads rate-limits reloading the key set on an unknown key id, so a
// stream of forged tokens costs at most one store read a second.
type keyReloads struct {
	mu   sync.Mutex
	last time.Time
}

func (k *keyReloads) due(now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if now.Sub(k.last) < time.Second {
		return false
	}
	k.last = now
	return true
}

// ReloadKeys takes the key set from the shared store, so a key another node
// made (by rotation) verifies here too.
func (s *Service) ReloadKeys(ctx context.Context) error {
	raw, err := s.o.Store.ListEmbedKeys(ctx)
	if err != nil {
		return err
	}
	if len(raw) == 0 {
		return nil
	}
	keys := make([]embedtoken.Key, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &keys[i]); err != nil {
			return fmt.Errorf("embed signing key %d: %w", i, err)
		}
	}
	return s.o.Keys.SetKeys(keys)
}

// RotateKeys makes a new active embed signing key for every node: it reloads
// the shared set first so no other node's key is lost, then stores the new set.
// Tokens signed with the old key keep verifying until they expire.
func (s *Service) RotateKeys(ctx context.Context) (string, error) {
	if err := s.ReloadKeys(ctx); err != nil {
		return "", err
	}
	kid, err := RotateKeys(ctx, s.o.Store, s.o.Keys)
	if err != nil {
		return "", err
	}
	s.o.Logger.Info("embed signing key rotated", "kid", kid)
	return kid, nil
}

// RunKeyRefresh reloads the key set every interval until ctx ends.
func (s *Service) RunKeyRefresh(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.ReloadKeys(ctx); err != nil && ctx.Err() == nil {
				s.o.Logger.Warn("reloading embed signing keys", "err", err)
			}
		}
	}
}
