package engine

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

func memoryLimit(t *testing.T, m *Manager) string {
	t.Helper()
	var v string
	err := m.Read(context.Background(), dsID, func(ctx context.Context, db *sql.DB) error {
		return db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&v)
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSetMemoryLimit(t *testing.T) {
	m := newManager(t, t.TempDir(), Options{IdleTimeout: 20 * time.Millisecond, MemoryLimitMB: 512})
	createSales(t, m)
	if got := memoryLimit(t, m); got != "488.2 MiB" {
		t.Fatalf("manager default: %q", got)
	}
	if err := m.SetMemoryLimit(dsID, 100); err != nil {
		t.Fatal(err)
	}
	if got := memoryLimit(t, m); got != "95.3 MiB" {
		t.Fatalf("after SetMemoryLimit(100): %q", got)
	}
	// An idle close and reopen keeps the dataset's limit.
	time.Sleep(100 * time.Millisecond)
	if got := memoryLimit(t, m); got != "95.3 MiB" {
		t.Fatalf("after reopen: %q", got)
	}
	if err := m.SetMemoryLimit(dsID, 0); err != nil {
		t.Fatal(err)
	}
	if got := memoryLimit(t, m); got != "488.2 MiB" {
		t.Fatalf("back to the default: %q", got)
	}
	if err := m.SetMemoryLimit("../x", 1); err == nil {
		t.Fatal("bad id accepted")
	}
}
