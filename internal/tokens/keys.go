package tokens

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/store"
)

// LoadKeyRing builds the embed-token key ring from the shared store. On a new
// installation it proposes a first key; when several nodes start together on an
// empty store, the store keeps exactly one proposal and every node uses that one.
func LoadKeyRing(ctx context.Context, st store.Tokens, opts embedtoken.Options) (*embedtoken.KeyRing, error) {
	raw, err := st.ListEmbedKeys(ctx)
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		proposal, err := embedtoken.NewKeyRing(opts, nil)
		if err != nil {
			return nil, err
		}
		if raw, err = st.InitEmbedKeys(ctx, encodeKeys(proposal)); err != nil {
			return nil, err
		}
	}
	keys := make([]embedtoken.Key, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &keys[i]); err != nil {
			return nil, fmt.Errorf("embed signing key %d: %w", i, err)
		}
	}
	return embedtoken.NewKeyRing(opts, keys)
}

func encodeKeys(ring *embedtoken.KeyRing) [][]byte {
	keys := ring.Keys()
	raw := make([][]byte, len(keys))
	for i, k := range keys {
		raw[i], _ = json.Marshal(k) // a Key always marshals: it is an Ed25519 JWK
	}
	return raw
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
