package embedtoken

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

var b64 = base64.RawURLEncoding

// craft builds a compact token from a raw header, payload and signer function.
func craft(header, payload string, sign func(signingInput string) []byte) string {
	in := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	var sig []byte
	if sign != nil {
		sig = sign(in)
	}
	return in + "." + b64.EncodeToString(sig)
}

func payloadOf(t *testing.T, tok string) string {
	t.Helper()
	p, err := b64.DecodeString(strings.Split(tok, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	return string(p)
}

// signWith signs claims with an arbitrary go-jose signing key and options.
func signWith(t *testing.T, key jose.SigningKey, opts *jose.SignerOptions, payload any) string {
	t.Helper()
	s, err := jose.NewSigner(key, opts)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(payload).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerifyRefusesAttacks(t *testing.T) {
	c := &clock{t0}
	key := fixedKey(t, 1, t0)
	r := newTestRing(t, c, key)
	good := mustSign(t, r, sampleClaims())
	parts := strings.Split(good, ".")
	header, _ := b64.DecodeString(parts[0])
	payload := payloadOf(t, good)
	kid := key.ID
	typ := (&jose.SignerOptions{}).WithType(TokenType)
	wire := func() wireClaims {
		cl := sampleClaims()
		cl.Issuer, cl.Audience = testIssuer, DefaultAudience
		return cl.wire()
	}

	other := newTestRing(t, c, fixedKey(t, 2, t0))
	wrongAud, _ := NewKeyRing(Options{Issuer: testIssuer, Audience: "bindery:access", MaxLifetime: time.Hour, Now: c.Now}, []Key{key})
	wrongIss, _ := NewKeyRing(Options{Issuer: "https://evil.test", MaxLifetime: time.Hour, Now: c.Now}, []Key{key})
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pubJWK, _ := json.Marshal(key.PublicJWK())

	hmacWith := func(secret []byte) func(string) []byte {
		return func(in string) []byte { m := hmac.New(sha256.New, secret); m.Write([]byte(in)); return m.Sum(nil) }
	}
	tamperedPayload := strings.Replace(payload, "b2e49b01-2356-4456-bfb9-3f4c2bc4ddbd", "759908bb-ffff-4c6e-9c5e-3f4c2bc4ddbd", 1)
	if tamperedPayload == payload {
		t.Fatal("tamper did not change the payload")
	}
	dropIdentity := strings.Replace(payload, `"username":"john@contoso.com"`, `"username":"admin"`, 1)

	tests := []struct {
		name  string
		tok   string
		at    time.Time
		code  string
		sentl error
		why   string // the logged cause, so a case cannot pass for the wrong reason
	}{
		{"forged with another key (its own kid)", mustSign(t, other, sampleClaims()), t0, CodeInvalidToken, ErrInvalidToken, `unknown key id`},
		{"forged with another key claiming our kid", signWith(t,
			jose.SigningKey{Algorithm: jose.EdDSA, Key: jose.JSONWebKey{Key: fixedKey(t, 2, t0).priv, KeyID: kid}}, typ, wire()),
			t0, CodeInvalidToken, ErrInvalidToken, `cryptographic primitive`},
		{"tampered payload: other report", parts[0] + "." + b64.EncodeToString([]byte(tamperedPayload)) + "." + parts[2], t0, CodeInvalidToken, ErrInvalidToken, `cryptographic primitive`},
		{"tampered payload: identity replaced", parts[0] + "." + b64.EncodeToString([]byte(dropIdentity)) + "." + parts[2], t0, CodeInvalidToken, ErrInvalidToken, `cryptographic primitive`},
		{"tampered header: extra field", b64.EncodeToString([]byte(strings.Replace(string(header), "{", `{"x":1,`, 1))) + "." + parts[1] + "." + parts[2], t0, CodeInvalidToken, ErrInvalidToken, `cryptographic primitive`},
		{"tampered signature", parts[0] + "." + parts[1] + "." + flip(parts[2]), t0, CodeInvalidToken, ErrInvalidToken, `cryptographic primitive`},
		{"alg none, empty signature", craft(`{"alg":"none","kid":"`+kid+`","typ":"`+TokenType+`"}`, payload, nil), t0, CodeInvalidToken, ErrInvalidToken, `algorithm "none"`},
		{"alg none, original signature", b64.EncodeToString([]byte(`{"alg":"none","kid":"`+kid+`","typ":"`+TokenType+`"}`)) + "." + parts[1] + "." + parts[2], t0, CodeInvalidToken, ErrInvalidToken, `algorithm "none"`},
		{"alg None (case)", craft(`{"alg":"None","kid":"`+kid+`","typ":"`+TokenType+`"}`, payload, nil), t0, CodeInvalidToken, ErrInvalidToken, `algorithm "None"`},
		{"HS256 keyed with raw public key", craft(`{"alg":"HS256","kid":"`+kid+`","typ":"`+TokenType+`"}`, payload, hmacWith(key.Public())), t0, CodeInvalidToken, ErrInvalidToken, `algorithm "HS256"`},
		{"HS256 keyed with public JWK JSON", craft(`{"alg":"HS256","kid":"`+kid+`","typ":"`+TokenType+`"}`, payload, hmacWith(pubJWK)), t0, CodeInvalidToken, ErrInvalidToken, `algorithm "HS256"`},
		{"ES256 with a fresh key and our kid", signWith(t, jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: ecKey, KeyID: kid}}, typ, wire()), t0, CodeInvalidToken, ErrInvalidToken, `algorithm "ES256"`},
		{"embedded jwk header with attacker key", signWith(t, jose.SigningKey{Algorithm: jose.EdDSA, Key: fixedKey(t, 3, t0).priv},
			(&jose.SignerOptions{EmbedJWK: true}).WithType(TokenType), wire()), t0, CodeInvalidToken, ErrInvalidToken, `unknown key id ""`},
		{"our key without typ (another token kind)", signWith(t, jose.SigningKey{Algorithm: jose.EdDSA, Key: jose.JSONWebKey{Key: key.priv, KeyID: kid}}, nil, wire()), t0, CodeInvalidToken, ErrInvalidToken, `typ ""`},
		{"our key, no kid", signWith(t, jose.SigningKey{Algorithm: jose.EdDSA, Key: key.priv}, typ, wire()), t0, CodeInvalidToken, ErrInvalidToken, `unknown key id ""`},
		{"our key, missing exp", signWith(t, jose.SigningKey{Algorithm: jose.EdDSA, Key: jose.JSONWebKey{Key: key.priv, KeyID: kid}}, typ,
			map[string]any{"jti": "x", "iss": testIssuer, "aud": DefaultAudience, "iat": t0.Unix()}), t0, CodeInvalidToken, ErrInvalidToken, `missing jti`},
		{"our key, payload not JSON", craft(string(header), "not json", func(in string) []byte { return edSign(key, in) }), t0, CodeInvalidToken, ErrInvalidToken, `invalid character`},
		{"our key, reports of wrong type", craft(string(header), strings.Replace(payload, `"reports":[`, `"reports":7,"x":[`, 1),
			func(in string) []byte { return edSign(key, in) }), t0, CodeInvalidToken, ErrInvalidToken, `cannot unmarshal`},
		{"wrong audience", mustSign(t, wrongAud, sampleClaims()), t0, CodeInvalidToken, ErrInvalidToken, `invalid audience`},
		{"wrong issuer", mustSign(t, wrongIss, sampleClaims()), t0, CodeInvalidToken, ErrInvalidToken, `invalid issuer`},
		{"expired beyond leeway", good, t0.Add(time.Hour + 31*time.Second), CodeTokenExpired, ErrTokenExpired, `token is expired`},
		{"not yet valid beyond leeway", good, t0.Add(-31 * time.Second), CodeInvalidToken, ErrInvalidToken, `not valid yet`},
		{"unknown kid", craft(`{"alg":"EdDSA","kid":"nope","typ":"`+TokenType+`"}`, payload, func(in string) []byte { return edSign(key, in) }), t0, CodeInvalidToken, ErrInvalidToken, `unknown key id "nope"`},
		{"truncated: header only", parts[0], t0, CodeInvalidToken, ErrInvalidToken, `three parts`},
		{"truncated: no signature", parts[0] + "." + parts[1], t0, CodeInvalidToken, ErrInvalidToken, `three parts`},
		{"truncated: half signature", good[:len(good)-40], t0, CodeInvalidToken, ErrInvalidToken, `cryptographic primitive`},
		{"truncated: half payload", good[:len(parts[0])+1+len(parts[1])/2], t0, CodeInvalidToken, ErrInvalidToken, `three parts`},
		{"empty", "", t0, CodeInvalidToken, ErrInvalidToken, `empty input`},
		{"four parts", good + ".x", t0, CodeInvalidToken, ErrInvalidToken, `three parts`},
		{"JWS JSON serialization", `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`, t0, CodeInvalidToken, ErrInvalidToken, `three parts`},
		{"oversized", good + strings.Repeat("A", MaxTokenSize), t0, CodeInvalidToken, ErrInvalidToken, `exceeds`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Verify(tt.tok, tt.at)
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			wantCode(t, err, tt.code, tt.sentl)
			if !strings.Contains(err.Error(), tt.why) {
				t.Fatalf("refused for another reason: %v (want %q)", err, tt.why)
			}
			if strings.Contains(err.Error(), tt.tok) && len(tt.tok) > 20 {
				t.Fatal("error message contains the token")
			}
		})
	}

	// The edges of the leeway are accepted, so the refusals above are not vacuous.
	for _, at := range []time.Time{t0.Add(-30 * time.Second), t0.Add(time.Hour + 30*time.Second)} {
		if _, err := r.Verify(good, at); err != nil {
			t.Fatalf("valid token refused at %v: %v", at, err)
		}
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[5] == 'A' {
		b[5] = 'B'
	} else {
		b[5] = 'A'
	}
	return string(b)
}

// edSign signs a crafted signing input with k, as a holder of the key would.
func edSign(k Key, in string) []byte { return ed25519.Sign(k.priv, []byte(in)) }
