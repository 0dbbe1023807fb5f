package catalog

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/engine"
	"github.com/bindery-dev/bindery/internal/store/sqlite"
)

// newService returns a Service over a real SQLite store and DuckDB engine in
// t.TempDir(), and a context acting as the administrator.
func newService(t *testing.T) (*Service, context.Context) {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(dir, "meta.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := engine.Open(engine.Options{Dir: filepath.Join(dir, "datasets")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return New(Options{Store: st, Engine: eng, Authz: authz.New(st)}), AsAdmin(t.Context())
}

// decode unmarshals a JSON literal the way the API does, failing the test on error.
func decode[T any](t *testing.T, raw string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}
