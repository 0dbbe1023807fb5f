// Reading a token's expiry on the client. Bindery's embed tokens and its OAuth
// access tokens are JWTs; the payload's `exp` (seconds since the epoch) is read
// without checking the signature — the server checks it on every request, the
// SDK only needs to know when to warn.

/** Returns the expiry of a JWT as a Date, or undefined when the token is not a JWT with a numeric `exp`. */
export function tokenExpiration(token: string | undefined): Date | undefined {
  if (!token) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '==='.slice((b64.length + 3) % 4);
    const claims = JSON.parse(atob(padded));
    return typeof claims.exp === 'number' && isFinite(claims.exp) ? new Date(claims.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses an RFC 3339 time (such as the load answer's `expiration`), or returns undefined. */
export function parseTime(v: unknown): Date | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const d = new Date(v);
  return isNaN(d.getTime()) ? undefined : d;
}
