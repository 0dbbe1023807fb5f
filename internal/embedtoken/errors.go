package embedtoken

import (
	"errors"
	"fmt"

	"github.com/bindery-dev/bindery/internal/errs"
)

// Sentinels for errors.Is. The errors Verify returns are *errs.Error values
// whose chain holds one of these, so the API can map them by Code (stable,
// public) while logs keep the precise cause.
var (
	// ErrInvalidToken: malformed, forged, tampered, wrong algorithm, unknown
	// or retired key, wrong issuer or audience, or not yet valid.
	ErrInvalidToken = errors.New("embedtoken: invalid token")
	// ErrTokenExpired: a well-formed, correctly signed token past its expiry.
	ErrTokenExpired = errors.New("embedtoken: token expired")
	// ErrTokenRevoked is for callers that consult [Revocations] after Verify.
	ErrTokenRevoked = errors.New("embedtoken: token revoked")
	// ErrNoSigningKey: the ring has no active key to sign with.
	ErrNoSigningKey = errors.New("embedtoken: no active signing key")
)

// Stable error codes (the "code" of the Power BI error body).
const (
	CodeInvalidToken = "InvalidToken"
	CodeTokenExpired = "TokenExpired"
	CodeTokenRevoked = "TokenRevoked"
)

// invalid wraps a precise reason under ErrInvalidToken. The public message
// never says which check failed: that would help an attacker probe.
func invalid(format string, args ...any) *errs.Error {
	cause := fmt.Errorf("%w: "+format, append([]any{ErrInvalidToken}, args...)...)
	return errs.New(errs.KindUnauthorized, CodeInvalidToken, "The embed token is invalid").Wrap(cause)
}

func expired(cause error) *errs.Error {
	return errs.New(errs.KindUnauthorized, CodeTokenExpired,
		"Access token has expired, resubmit with a new access token").Wrap(fmt.Errorf("%w: %w", ErrTokenExpired, cause))
}

// Revoked is the error to return when [Revocations.IsRevoked] says so.
func Revoked(tokenID string) *errs.Error {
	return errs.New(errs.KindUnauthorized, CodeTokenRevoked, "The embed token has been revoked").
		Wrap(fmt.Errorf("%w: %s", ErrTokenRevoked, tokenID))
}
