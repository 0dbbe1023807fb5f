package issuer

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// Algorithm is the one JWS algorithm the issuer signs with and its verifier
// accepts (pinned: "none", HS256 and key confusion are refused by construction).
const Algorithm = jose.ES256

// reloadEvery bounds how stale a node's view of the key set may be when
// another node rotated; an unknown kid triggers a reload sooner (at most once
// per minReload).
const (
	reloadEvery = time.Minute
	minReload   = time.Second
)

// Keyring holds the issuer's ES256 signing keys, persisted in the store so
// that every node signs and verifies with the same set. The newest key signs;
// older ones stay in the set (and in JWKS) until every token they signed has
// expired, then they are deleted.
type Keyring struct {
	st       store.Principals
	rotation time.Duration // the active key's age at which a new one is made; <0 never
	retain   time.Duration // how long a superseded key keeps verifying
	now      func() time.Time

	mu       sync.Mutex
	keys     []*signingKey // oldest first
	loadedAt time.Time
}

type signingKey struct {
	id      string
	priv    *ecdsa.PrivateKey
	created time.Time
}

func newKeyring(st store.Principals, rotation, retain time.Duration, now func() time.Time) *Keyring {
	return &Keyring{st: st, rotation: rotation, retain: retain, now: now}
}

// Rotate makes a new signing key and signs with it from now on. Tokens
// signed with earlier keys keep verifying until they expire.
func (k *Keyring) Rotate(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.rotate(ctx)
}

func (k *Keyring) rotate(ctx context.Context) error {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("issuer: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("issuer: encode key: %w", err)
	}
	// Creation time orders the keys (the newest signs), so it must be strictly increasing.
	at := k.now().UTC().Truncate(time.Microsecond)
	if n := len(k.keys); n > 0 && !at.After(k.keys[n-1].created) {
		at = k.keys[n-1].created.Add(time.Microsecond)
	}
	sk := &store.SigningKey{ID: model.NewID(), Algorithm: string(Algorithm), PrivateKey: der, CreatedAt: at}
	if err := k.st.PutSigningKey(ctx, sk); err != nil {
		return fmt.Errorf("issuer: store key: %w", err)
	}
	k.keys = append(k.keys, &signingKey{id: sk.ID, priv: priv, created: sk.CreatedAt})
	k.prune(ctx)
	return nil
}

// prune deletes keys superseded longer ago than retain. Failures are left for
// the next rotation: an extra old public key in JWKS is harmless.
func (k *Keyring) prune(ctx context.Context) {
	now := k.now()
	for len(k.keys) > 1 && now.Sub(k.keys[1].created) > k.retain {
		if err := k.st.DeleteSigningKey(ctx, k.keys[0].id); err != nil && !isNotFound(err) {
			return
		}
		k.keys = k.keys[1:]
	}
}

// load reads the key set from the store.
func (k *Keyring) load(ctx context.Context) error {
	rows, err := k.st.ListSigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("issuer: load keys: %w", err)
	}
	keys := make([]*signingKey, 0, len(rows))
	for _, r := range rows {
		if r.Algorithm != string(Algorithm) {
			continue // a key for an algorithm this binary does not sign with
		}
		p, err := x509.ParsePKCS8PrivateKey(r.PrivateKey)
		if err != nil {
			return fmt.Errorf("issuer: key %s: %w", r.ID, err)
		}
		ec, ok := p.(*ecdsa.PrivateKey)
		if !ok || ec.Curve != elliptic.P256() {
			return fmt.Errorf("issuer: key %s is not a P-256 key", r.ID)
		}
		keys = append(keys, &signingKey{id: r.ID, priv: ec, created: r.CreatedAt})
	}
	k.keys, k.loadedAt = keys, k.now()
	return nil
}

func (k *Keyring) fresh(ctx context.Context) error {
	if k.loadedAt.IsZero() || k.now().Sub(k.loadedAt) > reloadEvery {
		return k.load(ctx)
	}
	return nil
}

// active returns the signing key, making one when there is none or the newest
// is older than the rotation period.
func (k *Keyring) active(ctx context.Context) (*signingKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.fresh(ctx); err != nil {
		return nil, err
	}
	if n := len(k.keys); n == 0 || (k.rotation > 0 && k.now().Sub(k.keys[n-1].created) >= k.rotation) {
		if err := k.rotate(ctx); err != nil {
			return nil, err
		}
	}
	return k.keys[len(k.keys)-1], nil
}

// publicKey returns the verification key with the id, reloading the set once
// when the id is unknown (another node may have rotated).
func (k *Keyring) publicKey(ctx context.Context, kid string) (*ecdsa.PublicKey, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.fresh(ctx); err != nil {
		return nil, false
	}
	if pk := k.find(kid); pk != nil {
		return pk, true
	}
	if k.now().Sub(k.loadedAt) >= minReload {
		if err := k.load(ctx); err == nil {
			if pk := k.find(kid); pk != nil {
				return pk, true
			}
		}
	}
	return nil, false
}

func (k *Keyring) find(kid string) *ecdsa.PublicKey {
	for _, s := range k.keys {
		if s.id == kid {
			return &s.priv.PublicKey
		}
	}
	return nil
}

// public returns every verification key, newest first.
func (k *Keyring) public(ctx context.Context) ([]*signingKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.fresh(ctx); err != nil {
		return nil, err
	}
	out := make([]*signingKey, 0, len(k.keys))
	for i := len(k.keys) - 1; i >= 0; i-- {
		out = append(out, k.keys[i])
	}
	return out, nil
}

// op.SigningKey and op.Key views of a key.
type opSigningKey struct{ *signingKey }

func (s opSigningKey) SignatureAlgorithm() jose.SignatureAlgorithm { return Algorithm }
func (s opSigningKey) Key() any                                    { return s.priv }
func (s opSigningKey) ID() string                                  { return s.id }

type opPublicKey struct{ *signingKey }

func (s opPublicKey) ID() string                         { return s.id }
func (s opPublicKey) Algorithm() jose.SignatureAlgorithm { return Algorithm }
func (s opPublicKey) Use() string                        { return "sig" }
func (s opPublicKey) Key() any                           { return &s.priv.PublicKey }

func isNotFound(err error) bool { return errs.KindOf(err) == errs.KindNotFound }
