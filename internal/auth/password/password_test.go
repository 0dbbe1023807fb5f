package password

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
)

var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`)

func TestHashVerify(t *testing.T) {
	for name, p := range map[string]Params{"password": PasswordParams(), "secret": SecretParams()} {
		t.Run(name, func(t *testing.T) {
			h, err := Hash("correct horse battery staple", p)
			if err != nil {
				t.Fatal(err)
			}
			if !phc.MatchString(h) {
				t.Fatalf("not a PHC argon2id string: %s", h)
			}
			h2, _ := Hash("correct horse battery staple", p)
			if h == h2 {
				t.Fatal("two hashes of one secret are equal: salt not random")
			}
			for _, tc := range []struct {
				in   string
				want bool
			}{
				{"correct horse battery staple", true},
				{"correct horse battery stapl", false},
				{"Correct horse battery staple", false},
				{"", false},
				{strings.Repeat("x", MaxLength+1), false},
			} {
				ok, err := Verify(tc.in, h)
				if err != nil || ok != tc.want {
					t.Fatalf("Verify(%.20q) = %v, %v; want %v", tc.in, ok, err, tc.want)
				}
			}
			if NeedsRehash(h, p) {
				t.Fatal("fresh hash needs rehash")
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	h, err := Hash("pw", PasswordParams())
	if err != nil {
		t.Fatal(err)
	}
	if m := phc.FindStringSubmatch(h); m[1] != "65536" || m[2] != "1" || m[3] != "2" {
		t.Fatalf("password params in %s", h)
	}
	if !NeedsRehash(h, SecretParams()) {
		t.Fatal("a password hash matches the secret params")
	}
}

func TestHashRejects(t *testing.T) {
	for _, s := range []string{"", strings.Repeat("x", MaxLength+1)} {
		_, err := Hash(s, SecretParams())
		if e, ok := errs.As(err); !ok || e.Kind != errs.KindInvalid || e.Field != "password" {
			t.Fatalf("Hash(%d bytes): %v", len(s), err)
		}
	}
	if _, err := Hash(strings.Repeat("x", MaxLength), SecretParams()); err != nil {
		t.Fatalf("MaxLength refused: %v", err)
	}
	for _, p := range []Params{
		{Memory: 4096, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 4096, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32},
		{Memory: 4, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 4096, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
		{Memory: 4096, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8},
	} {
		if _, err := Hash("pw", p); err == nil {
			t.Fatalf("params %+v accepted", p)
		}
	}
}

// TestKnownVectors checks interoperability with hashes made by the reference
// implementation's CLI (Debian package argon2):
//
//	echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e
//	echo -n "correct horse" | argon2 saltsaltsalt -id -t 1 -m 12 -p 2 -l 32 -e
func TestKnownVectors(t *testing.T) {
	for secret, h := range map[string]string{
		"password":      "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo",
		"correct horse": "$argon2id$v=19$m=4096,t=1,p=2$c2FsdHNhbHRzYWx0$ZDdaLwVQlNDKTv+Tamc+6AziDvYqklLCwtcR/ZZbLxs",
	} {
		if ok, err := Verify(secret, h); err != nil || !ok {
			t.Fatalf("reference vector %s: %v %v", h, ok, err)
		}
		if ok, _ := Verify(secret+"x", h); ok {
			t.Fatal("wrong secret matches a reference vector")
		}
	}
}

func TestMalformedHashes(t *testing.T) {
	good, _ := Hash("pw", SecretParams())
	parts := strings.Split(good, "$")
	join := func(p ...string) string { return strings.Join(p, "$") }
	tests := map[string]string{
		"empty":             "",
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":           join("", "argon2i", parts[2], parts[3], parts[4], parts[5]),
		"old version":       join("", "argon2id", "v=16", parts[3], parts[4], parts[5]),
		"missing part":      join("", "argon2id", parts[2], parts[3], parts[4]),
		"params order":      join("", "argon2id", parts[2], "t=1,m=4096,p=1", parts[4], parts[5]),
		"params not number": join("", "argon2id", parts[2], "m=x,t=1,p=1", parts[4], parts[5]),
		"zero time":         join("", "argon2id", parts[2], "m=4096,t=0,p=1", parts[4], parts[5]),
		"zero threads":      join("", "argon2id", parts[2], "m=4096,t=1,p=0", parts[4], parts[5]),
		"threads overflow":  join("", "argon2id", parts[2], "m=4096,t=1,p=256", parts[4], parts[5]),
		"memory bomb":       join("", "argon2id", parts[2], "m=4294967295,t=1,p=1", parts[4], parts[5]),
		"time bomb":         join("", "argon2id", parts[2], "m=4096,t=100000,p=1", parts[4], parts[5]),
		"salt not base64":   join("", "argon2id", parts[2], parts[3], "!!!", parts[5]),
		"salt padded":       join("", "argon2id", parts[2], parts[3], parts[4]+"==", parts[5]),
		"short hash":        join("", "argon2id", parts[2], parts[3], parts[4], "AAAA"),
		"trailing":          good + "$",
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			ok, err := Verify("pw", h)
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("Verify = %v, %v; want ErrMalformedHash", ok, err)
			}
			if !NeedsRehash(h, SecretParams()) {
				t.Fatal("malformed hash does not need rehash")
			}
		})
	}
}

func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s, err := NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 43 || strings.ContainsAny(s, "+/=") || seen[s] {
			t.Fatalf("bad or repeated secret %q", s)
		}
		seen[s] = true
	}
	s, _ := NewSecret()
	h, err := Hash(s, SecretParams())
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := Verify(s, h); !ok {
		t.Fatal("secret does not verify")
	}
}

func BenchmarkVerifyPassword(b *testing.B) { benchVerify(b, PasswordParams()) }
func BenchmarkVerifySecret(b *testing.B)   { benchVerify(b, SecretParams()) }

func benchVerify(b *testing.B, p Params) {
	h, err := Hash("correct horse battery staple", p)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _ := Verify("correct horse battery staple", h); !ok {
			b.Fatal("no match")
		}
	}
}
