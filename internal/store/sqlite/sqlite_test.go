package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bindery-dev/bindery/internal/store"
	"github.com/bindery-dev/bindery/internal/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t, tempPath(t)) })
}

func tempPath(t testing.TB) string { return filepath.Join(t.TempDir(), "meta.db") }

// openTest opens the file and closes it when the test ends.
func openTest(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{Path: path})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenSetsPragmas(t *testing.T) {
	db := openTest(t, tempPath(t))
	ctx := t.Context()
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "1"}, // NORMAL
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	}
	for _, pool := range []struct {
		name string
		q    querier
	}{{"writer", db.w}, {"reader", db.r}} {
		for _, tc := range tests {
			var got string
			if err := pool.q.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s: PRAGMA %s = %s, want %s", pool.name, tc.pragma, got, tc.want)
			}
		}
	}
}

func TestOpenRequiresPath(t *testing.T) {
	if _, err := Open(t.Context(), Options{}); err == nil {
		t.Fatal("Open with no path succeeded")
	}
}

// The file holds signing keys: owner-only, including an existing 0644 file
// and its WAL side files.
func TestOpenRestrictsPermissions(t *testing.T) {
	for _, existing := range []bool{false, true} {
		path := tempPath(t)
		if existing {
			openTest(t, path).Close()
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		db := openTest(t, path)
		if _, err := db.Version(t.Context()); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatalf("existing=%v: %v", existing, err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("existing=%v: %s has mode %v, want 0600", existing, filepath.Base(p), fi.Mode().Perm())
			}
		}
	}
}
