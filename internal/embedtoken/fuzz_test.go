package embedtoken

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var updateCorpus = flag.Bool("update-fuzz-corpus", false, "rewrite testdata/fuzz/FuzzVerify")

// fuzzRing is deterministic (fixed key, fixed clock), so the committed valid
// seed token keeps verifying.
func fuzzRing(t testing.TB) (*KeyRing, string) {
	c := &clock{t0}
	r := newTestRing(t, c, fixedKey(t, 7, t0))
	return r, mustSign(t, r, sampleClaims())
}

// FuzzVerify feeds arbitrary strings to Verify: it must never panic, and
// anything it accepts must carry exactly the claims of the one genuine token
// (a mutation may survive only where encoding is not canonical).
func FuzzVerify(f *testing.F) {
	r, good := fuzzRing(f)
	want, err := r.Verify(good, t0)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seedTokens(good) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		got, err := r.Verify(tok, t0)
		if err != nil {
			if got != nil {
				t.Fatal("claims returned with an error")
			}
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("accepted a token with other claims: %q -> %+v", tok, got)
		}
	})
}

func seedTokens(good string) []string {
	p := strings.Split(good, ".")
	return []string{
		good,
		"",
		".",
		"..",
		p[0] + "." + p[1] + ".",
		p[0] + ".." + p[2],
		"eyJhbGciOiJub25lIn0." + p[1] + ".",
		"eyJhbGciOiJIUzI1NiJ9." + p[1] + "." + p[2],
		good + ".",
		good[:len(good)/2],
		`{"payload":"` + p[1] + `","protected":"` + p[0] + `","signature":"` + p[2] + `"}`,
	}
}

// TestFuzzCorpus keeps the committed seed corpus in step with seedTokens:
// run with -update-fuzz-corpus after changing them.
func TestFuzzCorpus(t *testing.T) {
	_, good := fuzzRing(t)
	dir := filepath.Join("testdata", "fuzz", "FuzzVerify")
	for i, s := range seedTokens(good) {
		path := filepath.Join(dir, fmt.Sprintf("seed-%02d", i))
		want := fmt.Sprintf("go test fuzz v1\nstring(%q)\n", s)
		if *updateCorpus {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Fatalf("%s is stale or missing (run go test -run TestFuzzCorpus -update-fuzz-corpus): %v", path, err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	r, good := fuzzRing(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Verify(good, t0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyParallel(b *testing.B) {
	r, good := fuzzRing(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Verify(good, t0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSign(b *testing.B) {
	r, _ := fuzzRing(b)
	c := sampleClaims()
	c.TokenID = "" // a fresh id each time, as GenerateToken does
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Sign(c); err != nil {
			b.Fatal(err)
		}
	}
}
