// Package password hashes and verifies user passwords and app client secrets
// with argon2id, stored as PHC strings:
//
//	$argon2id$v=19$m=65536,t=1,p=2$<salt, base64>$<hash, base64>
//
// The parameters travel with each hash, so they can be raised later: verify
// with the stored ones and rehash on success when [NeedsRehash] says so.
//
// A password verification costs [PasswordParams].Memory (64 MiB) for tens of
// milliseconds; callers must bound concurrency and throttle failures (the
// token endpoint and login page do) or a burst of logins exhausts memory.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/bindery-dev/bindery/internal/errs"
)

// MaxLength bounds what Hash accepts and Verify will spend work on, in bytes.
const MaxLength = 1024

// Bounds on parameters read back from a stored hash, so that a corrupt or
// planted row cannot make one verification allocate gigabytes or panic.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 16
	maxSaltLen   = 64
	minKeyLen    = 16
	maxKeyLen    = 64
)

// ErrMalformedHash reports a stored hash that is not a PHC argon2id string
// within bounds: a bug or corruption, never the client's fault.
var ErrMalformedHash = errors.New("password: malformed hash")

// Params are argon2id costs.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes of random salt
	KeyLen  uint32 // bytes of derived hash
}

// PasswordParams are for human-chosen passwords, which are guessable: the
// RFC 9106 second recommendation with p=2 for our two cores, m=64 MiB, t=1.
func PasswordParams() Params {
	return Params{Memory: 64 << 10, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}
}

// SecretParams are for client secrets from [NewSecret]. Those carry 256 bits
// of entropy, so no work factor makes guessing any harder than it already is
// (impossible); the hash only has to be one-way and salted so that a leaked
// store reveals nothing. A cheap setting (4 MiB, a few milliseconds) keeps
// the client_credentials token endpoint fast while keeping one format.
func SecretParams() Params {
	return Params{Memory: 4 << 10, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Hash returns the PHC string of secret under p with a fresh random salt.
// An empty or over-long secret is an *errs.Error (KindInvalid, field "password").
func Hash(secret string, p Params) (string, error) {
	if secret == "" {
		return "", errs.Invalid("password", "must not be empty")
	}
	if len(secret) > MaxLength {
		return "", errs.Invalid("password", "must be at most %d bytes", MaxLength)
	}
	if err := p.check(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

// Verify reports whether secret matches the stored hash. The comparison is
// constant-time. The error is non-nil only for a malformed stored hash
// (wrapping ErrMalformedHash); a wrong secret is (false, nil).
func Verify(secret, encoded string) (bool, error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if secret == "" || len(secret) > MaxLength {
		return false, nil
	}
	got := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than p
// (or cannot be read), so a successful login should store a new hash.
func NeedsRehash(encoded string, p Params) bool {
	got, salt, key, err := decode(encoded)
	if err != nil {
		return true
	}
	got.SaltLen, got.KeyLen = uint32(len(salt)), uint32(len(key))
	return got != p
}

// NewSecret returns a new client secret: 32 random bytes, base64url without
// padding (43 characters). Show it once; store only Hash(secret, SecretParams()).
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("password: secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (p Params) check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("password: time %d outside [1, %d]", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("password: threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("password: memory %d KiB outside [%d, %d]", p.Memory, 8*uint32(p.Threads), maxMemoryKiB)
	case p.SaltLen < 8 || p.SaltLen > maxSaltLen:
		return fmt.Errorf("password: salt length %d outside [8, %d]", p.SaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("password: key length %d outside [%d, %d]", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// b64 is the PHC encoding: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decode(s string) (p Params, salt, key []byte, err error) {
	bad := func(format string, args ...any) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: "+format, append([]any{ErrMalformedHash}, args...)...)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("not a $argon2id$ PHC string")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version %q", parts[2])
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("parameters %q", parts[3])
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return bad("parameters %q", parts[3])
		}
		n, perr := strconv.ParseUint(v, 10, 32)
		if perr != nil {
			return bad("parameter %q", kv[i])
		}
		vals[i] = n
	}
	if vals[2] > 255 {
		return bad("parallelism %d", vals[2])
	}
	if salt, err = b64.Strict().DecodeString(parts[4]); err != nil {
		return bad("salt: %v", err)
	}
	if key, err = b64.Strict().DecodeString(parts[5]); err != nil {
		return bad("hash: %v", err)
	}
	p = Params{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2]),
		SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if err := p.check(); err != nil {
		return bad("%v", err)
	}
	return p, salt, key, nil
}
