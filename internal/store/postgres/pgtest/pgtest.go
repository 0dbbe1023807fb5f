// Package pgtest gives tests a fresh, empty PostgreSQL schema of their own on
// the machine's real PostgreSQL, so they run in parallel and leave nothing
// behind.
//
// The server is BINDERY_TEST_DATABASE_URL, by default DefaultURL (trust auth
// on loopback, as on the development and CI machines). When it cannot be
// reached the test fails with a message saying so: it is never skipped.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultURL is the test server used when BINDERY_TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// BaseURL is the server tests use.
func BaseURL() string {
	if u := os.Getenv("BINDERY_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Schema creates a schema named t_<random>, drops it (with everything in it)
// when t ends, and returns a connection URL whose search_path is that schema.
// Call it before opening a store on the URL, so the store is closed first.
func Schema(t testing.TB) string {
	t.Helper()
	base := BaseURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL is not reachable at %s: %v\n"+
			"These tests need a running PostgreSQL (CI machines have one on 127.0.0.1:5432 with trust auth and a database named test); "+
			"start it, or point BINDERY_TEST_DATABASE_URL at another server.", redact(base), err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("BINDERY_TEST_DATABASE_URL must be a postgres:// URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema) // sent as a run-time parameter at connect
	u.RawQuery = q.Encode()
	return u.String()
}

// redact hides a password in a connection URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
