package embedtoken

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Algorithm is the only signature algorithm Bindery signs or accepts.
const Algorithm = jose.EdDSA

// Key is one Ed25519 signing key of a [KeyRing] with its lifecycle. Its JSON
// form holds the private key as a JWK, for the metadata store only; publish
// [Key.PublicJWK] instead.
type Key struct {
	ID      string    // kid: the RFC 7638 thumbprint of the public key
	Created time.Time // when the key was generated
	Retired time.Time // zero while the key is active; it verifies until Retired+RetireAfter
	priv    ed25519.PrivateKey
}

// GenerateKey returns a new active key created at now.
func GenerateKey(now time.Time) (Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Key{}, fmt.Errorf("embedtoken: generate key: %w", err)
	}
	return newKey(priv, now)
}

func newKey(priv ed25519.PrivateKey, created time.Time) (Key, error) {
	jwk := jose.JSONWebKey{Key: priv.Public()}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return Key{}, fmt.Errorf("embedtoken: key thumbprint: %w", err)
	}
	return Key{ID: base64.RawURLEncoding.EncodeToString(tp), Created: created.UTC(), priv: priv}, nil
}

// Active reports whether the key may sign (it has not been retired).
func (k Key) Active() bool { return k.Retired.IsZero() }

// Public returns the verification key.
func (k Key) Public() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// PublicJWK returns the public key as a JWK, for a JWKS document.
func (k Key) PublicJWK() jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.Public(), KeyID: k.ID, Algorithm: string(Algorithm), Use: "sig"}
}

type keyJSON struct {
	JWK     jose.JSONWebKey `json:"jwk"`
	Created time.Time       `json:"created"`
	Retired *time.Time      `json:"retired,omitempty"`
}

// MarshalJSON writes {"jwk": private JWK, "created": ..., "retired": ...}.
func (k Key) MarshalJSON() ([]byte, error) {
	if len(k.priv) != ed25519.PrivateKeySize {
		return nil, errors.New("embedtoken: key has no private part")
	}
	v := keyJSON{
		JWK:     jose.JSONWebKey{Key: k.priv, KeyID: k.ID, Algorithm: string(Algorithm), Use: "sig"},
		Created: k.Created,
	}
	if !k.Retired.IsZero() {
		v.Retired = &k.Retired
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads what MarshalJSON wrote and checks that the key is an
// Ed25519 private key whose kid matches its thumbprint.
func (k *Key) UnmarshalJSON(b []byte) error {
	var v keyJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("embedtoken: key: %w", err)
	}
	priv, ok := v.JWK.Key.(ed25519.PrivateKey)
	if !ok {
		return fmt.Errorf("embedtoken: key %q is not an Ed25519 private key", v.JWK.KeyID)
	}
	if v.JWK.Algorithm != "" && v.JWK.Algorithm != string(Algorithm) {
		return fmt.Errorf("embedtoken: key %q has algorithm %q, want %s", v.JWK.KeyID, v.JWK.Algorithm, Algorithm)
	}
	nk, err := newKey(priv, v.Created)
	if err != nil {
		return err
	}
	if v.JWK.KeyID != nk.ID {
		return fmt.Errorf("embedtoken: key id %q does not match its thumbprint %q", v.JWK.KeyID, nk.ID)
	}
	if v.Retired != nil {
		nk.Retired = v.Retired.UTC()
	}
	*k = nk
	return nil
}
