package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

func testUsers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s

	u := &store.User{Username: "Ann", DisplayName: "Ann Example", PasswordHash: "$argon2id$hash-a"}
	must(t, s.CreateUser(ctx, u))
	if u.CreatedAt.IsZero() {
		t.Fatal("CreateUser did not set CreatedAt")
	}
	got, err := s.GetUser(ctx, "ann") // case-insensitive lookup keeps the written spelling
	must(t, err)
	same(t, got, u)

	wantErr(t, s.CreateUser(ctx, &store.User{Username: "ANN", PasswordHash: "x"}), errs.KindConflict, "DuplicateUser")
	_, err = s.GetUser(ctx, "nobody")
	wantNotFound(t, err, "user")

	upd := *u
	upd.DisplayName, upd.PasswordHash, upd.Disabled = "Ann E.", "$argon2id$hash-b", true
	must(t, s.UpdateUser(ctx, &upd))
	got, err = s.GetUser(ctx, "Ann")
	must(t, err)
	same(t, got, &upd)
	wantNotFound(t, s.UpdateUser(ctx, &store.User{Username: "nobody"}), "user")

	b := &store.User{Username: "bob", PasswordHash: "h"}
	must(t, s.CreateUser(ctx, b))
	list, err := s.ListUsers(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Username != "Ann" || list[1].Username != "bob" {
		t.Fatalf("ListUsers = %+v, want Ann then bob", list)
	}
	must(t, s.DeleteUser(ctx, "ANN"))
	wantNotFound(t, s.DeleteUser(ctx, "Ann"), "user")
	list, err = s.ListUsers(ctx)
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("after delete ListUsers has %d users, want 1", len(list))
	}
}

func testApps(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s

	a := &store.App{ClientID: model.NewID(), DisplayName: "Host app", SecretHash: "h1"}
	must(t, s.CreateApp(ctx, a))
	if !a.SecretRotatedAt.Equal(a.CreatedAt) {
		t.Fatalf("SecretRotatedAt %v, want CreatedAt %v", a.SecretRotatedAt, a.CreatedAt)
	}
	got, err := s.GetApp(ctx, a.ClientID)
	must(t, err)
	if got.DisplayName != a.DisplayName || got.SecretHash != "h1" || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("GetApp = %+v, want %+v", got, a)
	}
	wantErr(t, s.CreateApp(ctx, &store.App{ClientID: a.ClientID, SecretHash: "x"}), errs.KindConflict, "")

	later := a.CreatedAt.Add(time.Hour)
	must(t, s.SetAppSecret(ctx, a.ClientID, "h2", later))
	got, err = s.GetApp(ctx, a.ClientID)
	must(t, err)
	if got.SecretHash != "h2" || !got.SecretRotatedAt.Equal(later) {
		t.Fatalf("after rotation: %+v", got)
	}
	wantNotFound(t, s.SetAppSecret(ctx, model.NewID(), "h", later), "app")

	b := &store.App{ClientID: model.NewID(), SecretHash: "h"}
	must(t, s.CreateApp(ctx, b))
	list, err := s.ListApps(ctx)
	must(t, err)
	wantIDs(t, "ListApps", []string{list[0].ClientID, list[1].ClientID}, []string{a.ClientID, b.ClientID})
	must(t, s.DeleteApp(ctx, a.ClientID))
	_, err = s.GetApp(ctx, a.ClientID)
	wantNotFound(t, err, "app")
	wantNotFound(t, s.DeleteApp(ctx, a.ClientID), "app")
}

func testSigningKeys(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s

	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	k1 := &store.SigningKey{ID: "k1", Algorithm: "ES256", PrivateKey: []byte{1, 2, 3}, CreatedAt: t0}
	k2 := &store.SigningKey{ID: "k2", Algorithm: "ES256", PrivateKey: []byte{4, 5}, CreatedAt: t0.Add(time.Minute)}
	must(t, s.PutSigningKey(ctx, k2))
	must(t, s.PutSigningKey(ctx, k1))
	wantErr(t, s.PutSigningKey(ctx, &store.SigningKey{ID: "k1", Algorithm: "ES256", PrivateKey: []byte{9}}), errs.KindConflict, "")
	list, err := s.ListSigningKeys(ctx)
	must(t, err)
	if len(list) != 2 || list[0].ID != "k1" || list[1].ID != "k2" {
		t.Fatalf("ListSigningKeys = %+v, want k1, k2 (oldest first)", list)
	}
	if !bytes.Equal(list[0].PrivateKey, k1.PrivateKey) || list[0].Algorithm != "ES256" || !list[0].CreatedAt.Equal(t0) {
		t.Fatalf("k1 read back as %+v", list[0])
	}
	must(t, s.DeleteSigningKey(ctx, "k1"))
	wantNotFound(t, s.DeleteSigningKey(ctx, "k1"), "signing key")
	list, err = s.ListSigningKeys(ctx)
	must(t, err)
	if len(list) != 1 || list[0].ID != "k2" {
		t.Fatalf("after delete: %+v", list)
	}
}
