package tokens

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/store"
)

// LoadKeyRing builds the embed-token key ring from the shared store, creating
// and saving the first key on a new installation, so every node signs and
// verifies with the same keys.
func LoadKeyRing(ctx context.Context, st store.Tokens, opts embedtoken.Options) (*embedtoken.KeyRing, error) {
	raw, err := st.ListEmbedKeys(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]embedtoken.Key, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &keys[i]); err != nil {
			return nil, fmt.Errorf("embed signing key %d: %w", i, err)
		}
	}
	ring, err := embedtoken.NewKeyRing(opts, keys)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		if err := SaveKeys(ctx, st, ring); err != nil {
			return nil, err
		}
	}
	return ring, nil
}

// SaveKeys stores the ring's complete key set.
func SaveKeys(ctx context.Context, st store.Tokens, ring *embedtoken.KeyRing) error {
	keys := ring.Keys()
	raw := make([][]byte, len(keys))
	for i, k := range keys {
		b, err := json.Marshal(k)
		if err != nil {
			return fmt.Errorf("encode embed signing key: %w", err)
		}
		raw[i] = b
	}
	return st.ReplaceEmbedKeys(ctx, raw)
}

// RotateKeys makes a new active key and stores the set.
func RotateKeys(ctx context.Context, st store.Tokens, ring *embedtoken.KeyRing) (string, error) {
	k, err := ring.Rotate()
	if err != nil {
		return "", err
	}
	return k.ID, SaveKeys(ctx, st, ring)
}
