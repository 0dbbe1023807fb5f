// Package embedtoken mints and verifies Bindery's embed tokens, the
// "embed for your customers" credential returned by
// POST /v1.0/myorg/GenerateToken.
//
// An embed token is a compact JWS (a JWT) signed with Ed25519 (alg EdDSA,
// pinned on both sides) by a [KeyRing] key named in the kid header. It is
// self-contained: verifying it needs no database round-trip, only the public
// key and the clock. Revocation is the one stateful check and is left to the
// caller through the [Revocations] interface.
//
// The package also holds the pure parts of GenerateToken: the [Request] body
// with its shape rules, [CheckIdentities] for the row-level-security identity
// rules once the datasets have been looked up, and [Expiration].
//
// Typical use by the API:
//
//	req.Validate()                              // shape, sizes, GUIDs
//	ids, err := embedtoken.CheckIdentities(req.Identities, looked)
//	exp := embedtoken.Expiration(now, req.LifetimeInMinutes, cap, callerExp)
//	c := req.Claims(caller, ids, now, exp)
//	tok, err := ring.Sign(c)
//	...
//	c, err := ring.Verify(tok, time.Now())      // then revocations.IsRevoked(c.TokenID)
package embedtoken
