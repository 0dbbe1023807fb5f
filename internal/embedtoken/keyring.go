package embedtoken

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/uuid"
)

// Defaults for [Options].
const (
	DefaultAudience    = "bindery:embed"
	DefaultMaxLifetime = 24 * time.Hour
	DefaultLeeway      = 30 * time.Second
	// MaxTokenSize bounds what Verify will parse. A token for 50 reports, 50
	// datasets and their identities stays well under it.
	MaxTokenSize = 64 << 10
)

// Options configure a [KeyRing]. Zero values take the defaults.
type Options struct {
	// Issuer is the iss claim of every token; required (Bindery's base URL).
	Issuer string
	// Audience is the aud claim; DefaultAudience when empty. Embed tokens have
	// their own audience so that no other Bindery token can be replayed as one.
	Audience string
	// MaxLifetime is the longest token Sign will mint (exp - iat).
	MaxLifetime time.Duration
	// Leeway tolerates clock skew between nodes on exp and nbf. 0 means
	// DefaultLeeway; a negative value means none.
	Leeway time.Duration
	// RetireAfter is how long a retired key keeps verifying. It must cover the
	// longest token it may have signed: at least MaxLifetime+Leeway, which is
	// also the default.
	RetireAfter time.Duration
	// Now is the clock for Sign and Rotate; time.Now when nil.
	Now func() time.Time
}

func (o *Options) setDefaults() error {
	if o.Issuer == "" {
		return errors.New("embedtoken: Options.Issuer is required")
	}
	if o.Audience == "" {
		o.Audience = DefaultAudience
	}
	if o.MaxLifetime <= 0 {
		o.MaxLifetime = DefaultMaxLifetime
	}
	switch {
	case o.Leeway == 0:
		o.Leeway = DefaultLeeway
	case o.Leeway < 0:
		o.Leeway = 0
	}
	if o.RetireAfter == 0 {
		o.RetireAfter = o.MaxLifetime + o.Leeway
	}
	if o.RetireAfter < o.MaxLifetime+o.Leeway {
		return fmt.Errorf("embedtoken: RetireAfter %v is shorter than MaxLifetime+Leeway %v: tokens would outlive their key",
			o.RetireAfter, o.MaxLifetime+o.Leeway)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// KeyRing signs embed tokens with its active key and verifies them with any
// key that is active or retired less than RetireAfter ago. It is safe for
// concurrent use; Verify takes no lock.
type KeyRing struct {
	opts  Options
	mu    sync.Mutex // serializes Rotate and SetKeys; readers use state only
	state atomic.Pointer[ringState]
}

// ringState is immutable once published.
type ringState struct {
	keys   []Key
	byID   map[string]*ringKey
	active *ringKey // nil when no key may sign
}

type ringKey struct {
	Key
	pub    ed25519.PublicKey
	signer jose.Signer // nil for retired keys
}

// NewKeyRing builds a ring from stored keys, or with one fresh key when keys is empty.
func NewKeyRing(opts Options, keys []Key) (*KeyRing, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	r := &KeyRing{opts: opts}
	if len(keys) == 0 {
		k, err := GenerateKey(opts.Now())
		if err != nil {
			return nil, err
		}
		keys = []Key{k}
	}
	if err := r.SetKeys(keys); err != nil {
		return nil, err
	}
	return r, nil
}

// Options returns the ring's options with defaults applied.
func (r *KeyRing) Options() Options { return r.opts }

// SetKeys replaces the keys, e.g. with what another node persisted after it
// rotated. The newest active key signs; other active keys only verify.
func (r *KeyRing) SetKeys(keys []Key) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.setKeysLocked(keys)
}

func (r *KeyRing) setKeysLocked(keys []Key) error {
	st := &ringState{byID: make(map[string]*ringKey, len(keys))}
	for _, k := range keys {
		if len(k.priv) != ed25519.PrivateKeySize || k.ID == "" {
			return errors.New("embedtoken: SetKeys: key without private part or id")
		}
		if _, dup := st.byID[k.ID]; dup {
			return fmt.Errorf("embedtoken: SetKeys: duplicate key id %q", k.ID)
		}
		rk := &ringKey{Key: k, pub: k.Public()}
		if k.Active() && (st.active == nil || k.Created.After(st.active.Created)) {
			st.active = rk
		}
		st.byID[k.ID] = rk
		st.keys = append(st.keys, k)
	}
	if st.active != nil {
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: Algorithm, Key: jose.JSONWebKey{Key: st.active.priv, KeyID: st.active.ID}},
			(&jose.SignerOptions{}).WithType(TokenType))
		if err != nil {
			return fmt.Errorf("embedtoken: signer: %w", err)
		}
		st.active.signer = s
	}
	r.state.Store(st)
	return nil
}

// Keys returns the keys still in use (active, or retired within RetireAfter),
// to persist. The slice is a copy.
func (r *KeyRing) Keys() []Key {
	now := r.opts.Now()
	return slices.DeleteFunc(slices.Clone(r.state.Load().keys), func(k Key) bool { return r.dropped(k, now) })
}

// ActiveKeyID returns the kid new tokens are signed with, "" when none.
func (r *KeyRing) ActiveKeyID() string {
	if a := r.state.Load().active; a != nil {
		return a.ID
	}
	return ""
}

// JWKS returns the public keys that still verify.
func (r *KeyRing) JWKS() jose.JSONWebKeySet {
	var set jose.JSONWebKeySet
	for _, k := range r.Keys() {
		set.Keys = append(set.Keys, k.PublicJWK())
	}
	return set
}

func (r *KeyRing) dropped(k Key, now time.Time) bool {
	return !k.Active() && now.After(k.Retired.Add(r.opts.RetireAfter))
}

// Rotate makes a new key active, retires the previous active keys and drops
// keys retired more than RetireAfter ago. Persist Keys() afterwards.
func (r *KeyRing) Rotate() (Key, error) {
	now := r.opts.Now()
	nk, err := GenerateKey(now)
	if err != nil {
		return Key{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.state.Load().keys
	keys := make([]Key, 0, len(old)+1)
	for _, k := range old {
		if k.Active() {
			k.Retired = now.UTC()
		}
		if !r.dropped(k, now) {
			keys = append(keys, k)
		}
	}
	keys = append(keys, nk)
	return nk, r.setKeysLocked(keys)
}

// Sign mints a token for c with the active key. It sets Issuer and Audience
// from the ring, a new TokenID when empty and IssuedAt (now) when zero; Expiry
// must lie after IssuedAt and within MaxLifetime of it.
func (r *KeyRing) Sign(c Claims) (string, error) {
	a := r.state.Load().active
	if a == nil {
		return "", ErrNoSigningKey
	}
	c.Issuer, c.Audience = r.opts.Issuer, r.opts.Audience
	if c.TokenID == "" {
		c.TokenID = uuid.NewString()
	} else if id, err := uuid.Parse(c.TokenID); err != nil || len(c.TokenID) != 36 {
		return "", fmt.Errorf("embedtoken: token id %q is not a GUID", c.TokenID)
	} else {
		c.TokenID = id.String()
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = r.opts.Now()
	}
	c.IssuedAt = c.IssuedAt.Truncate(time.Second)
	c.Expiry = c.Expiry.Truncate(time.Second)
	if life := c.Expiry.Sub(c.IssuedAt); life <= 0 || life > r.opts.MaxLifetime {
		return "", fmt.Errorf("embedtoken: token lifetime %v outside (0, %v]", life, r.opts.MaxLifetime)
	}
	tok, err := jwt.Signed(a.signer).Claims(c.wire()).Serialize()
	if err != nil {
		return "", fmt.Errorf("embedtoken: sign: %w", err)
	}
	return tok, nil
}

// allowedAlgs is the pinned algorithm list handed to the parser: anything else,
// "none" and HS256 included, fails before any key is touched.
var allowedAlgs = []jose.SignatureAlgorithm{Algorithm}

// Verify checks token at time now and returns its claims. Errors are
// *errs.Error with Code CodeInvalidToken or CodeTokenExpired, wrapping
// ErrInvalidToken or ErrTokenExpired. Revocation is the caller's check.
func (r *KeyRing) Verify(token string, now time.Time) (*Claims, error) {
	if len(token) > MaxTokenSize {
		return nil, invalid("token of %d bytes exceeds %d", len(token), MaxTokenSize)
	}
	tok, err := jwt.ParseSigned(token, allowedAlgs)
	if err != nil {
		return nil, invalid("parse: %v", err)
	}
	if len(tok.Headers) != 1 {
		return nil, invalid("%d signatures", len(tok.Headers))
	}
	h := tok.Headers[0]
	if h.Algorithm != string(Algorithm) {
		return nil, invalid("algorithm %q", h.Algorithm)
	}
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != TokenType {
		return nil, invalid("typ %q", typ)
	}
	k, ok := r.state.Load().byID[h.KeyID]
	if !ok {
		return nil, invalid("unknown key id %q", h.KeyID)
	}
	if r.dropped(k.Key, now) {
		return nil, invalid("key %q retired at %v", k.ID, k.Retired)
	}
	var w wireClaims
	if err := tok.Claims(k.pub, &w); err != nil {
		return nil, invalid("signature or payload: %v", err)
	}
	if w.TokenID == "" || w.IssuedAt == nil || w.Expiry == nil {
		return nil, invalid("missing jti, iat or exp")
	}
	exp := jwt.Expected{Issuer: r.opts.Issuer, AnyAudience: jwt.Audience{r.opts.Audience}, Time: now}
	if err := w.registered().ValidateWithLeeway(exp, r.opts.Leeway); err != nil {
		if errors.Is(err, jwt.ErrExpired) {
			return nil, expired(err)
		}
		return nil, invalid("claims: %v", err)
	}
	return w.claims(), nil
}
