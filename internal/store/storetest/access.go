package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

func testGrants(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	w := f.workspace("Grants")
	d := f.dataset(w.ID, "Shared")

	if p, err := s.DatasetGrant(ctx, d.ID, "ann@example.com", model.PrincipalUser); err != nil || p.Read {
		t.Fatalf("no grant yet: %+v, %v", p, err)
	}
	must(t, s.PutDatasetGrant(ctx, &store.DatasetGrant{DatasetID: d.ID, Identifier: "Ann@example.com",
		PrincipalType: model.PrincipalUser, Permission: model.DatasetPermission{Read: true}}))
	must(t, s.PutDatasetGrant(ctx, &store.DatasetGrant{DatasetID: d.ID, Identifier: "ann@example.com",
		PrincipalType: model.PrincipalUser, Permission: model.DatasetPermission{Read: true, Build: true}}))
	p, err := s.DatasetGrant(ctx, d.ID, "ANN@example.com", model.PrincipalUser)
	must(t, err)
	if !p.Read || !p.Build || p.Reshare {
		t.Fatalf("grant = %+v: a second put replaces, identifiers match case-insensitively", p)
	}
	if p, _ := s.DatasetGrant(ctx, d.ID, "ann@example.com", model.PrincipalApp); p.Read {
		t.Fatal("a user's grant applied to an app of the same name")
	}
	if ids, err := s.ListGrantedDatasetIDs(ctx, "ANN@EXAMPLE.COM"); err != nil || len(ids) != 1 || ids[0] != d.ID {
		t.Fatalf("granted datasets = %v, %v", ids, err)
	}
	gs, err := s.ListDatasetGrants(ctx, d.ID)
	must(t, err)
	if len(gs) != 1 || gs[0].Identifier != "ann@example.com" {
		t.Fatalf("grants = %+v", gs)
	}
	err = s.PutDatasetGrant(ctx, &store.DatasetGrant{DatasetID: model.NewID(), Identifier: "x", PrincipalType: model.PrincipalUser})
	if errs.KindOf(err) != errs.KindNotFound {
		t.Fatalf("grant on unknown dataset: %v", err)
	}
	must(t, s.DeleteDatasetGrant(ctx, d.ID, "ann@example.com"))
	if err := s.DeleteDatasetGrant(ctx, d.ID, "ann@example.com"); errs.KindOf(err) != errs.KindNotFound {
		t.Fatalf("second delete: %v", err)
	}
	// Grants go with their dataset.
	must(t, s.PutDatasetGrant(ctx, &store.DatasetGrant{DatasetID: d.ID, Identifier: "bob", PrincipalType: model.PrincipalUser,
		Permission: model.DatasetPermission{Read: true}}))
	must(t, s.DeleteDataset(ctx, d.ID))
	if p, _ := s.DatasetGrant(ctx, d.ID, "bob", model.PrincipalUser); p.Read {
		t.Fatal("grant outlived its dataset")
	}
}

func testTokens(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	now := time.Now().UTC().Truncate(time.Second)
	claims, _ := json.Marshal(map[string]any{"reports": []string{"r"}})
	for i, id := range []string{"t1", "t2", "t3"} {
		caller := "app-a"
		if i == 2 {
			caller = "app-b"
		}
		must(t, s.RecordToken(ctx, &store.TokenRecord{TokenID: id, Caller: caller, CallerKind: "App",
			IssuedAt: now.Add(time.Duration(i) * time.Minute), Expiry: now.Add(time.Hour), Claims: claims}))
	}
	must(t, s.RecordToken(ctx, &store.TokenRecord{TokenID: "old", Caller: "app-a", CallerKind: "App",
		IssuedAt: now.Add(-2 * time.Hour), Expiry: now.Add(-time.Hour), Claims: claims}))
	all, err := s.ListTokens(ctx, store.TokenFilter{})
	must(t, err)
	if len(all) != 4 || all[0].TokenID != "t3" || all[3].TokenID != "old" {
		t.Fatalf("tokens newest first: %+v", tokenIDs(all))
	}
	mine, err := s.ListTokens(ctx, store.TokenFilter{Caller: "app-a", Limit: 2})
	must(t, err)
	if len(mine) != 2 || mine[0].TokenID != "t2" {
		t.Fatalf("filtered = %v", tokenIDs(mine))
	}
	got, err := s.GetToken(ctx, "t1")
	must(t, err)
	if string(got.Claims) != string(claims) || !got.Expiry.Equal(now.Add(time.Hour)) || !got.RevokedAt.IsZero() {
		t.Fatalf("record = %+v", got)
	}
	if _, err := s.GetToken(ctx, "nope"); errs.KindOf(err) != errs.KindNotFound {
		t.Fatalf("unknown token: %v", err)
	}

	must(t, s.RevokeToken(ctx, "t1", "admin", now))
	must(t, s.RevokeToken(ctx, "t1", "someone-else", now.Add(time.Minute)))
	must(t, s.RevokeToken(ctx, "old", "admin", now))
	if err := s.RevokeToken(ctx, "nope", "admin", now); errs.KindOf(err) != errs.KindNotFound {
		t.Fatalf("revoke unknown: %v", err)
	}
	got, _ = s.GetToken(ctx, "t1")
	if got.RevokedBy != "admin" || !got.RevokedAt.Equal(now) {
		t.Fatalf("first revocation must stick: %+v", got)
	}
	rev, err := s.ListRevoked(ctx, now)
	must(t, err)
	if len(rev) != 1 || rev[0].TokenID != "t1" || !rev[0].Expiry.Equal(now.Add(time.Hour)) {
		t.Fatalf("revoked and unexpired = %v", rev)
	}

	keys, err := s.ListEmbedKeys(ctx)
	must(t, err)
	if len(keys) != 0 {
		t.Fatalf("keys at start: %d", len(keys))
	}
	first, err := s.InitEmbedKeys(ctx, [][]byte{[]byte(`{"a":1}`)})
	must(t, err)
	second, err := s.InitEmbedKeys(ctx, [][]byte{[]byte(`{"z":9}`)})
	must(t, err)
	if len(first) != 1 || len(second) != 1 || string(second[0]) != `{"a":1}` {
		t.Fatalf("init keeps the first set: %q then %q", first, second)
	}
	must(t, s.ReplaceEmbedKeys(ctx, [][]byte{[]byte(`{"a":1}`), []byte(`{"b":2}`)}))
	must(t, s.ReplaceEmbedKeys(ctx, [][]byte{[]byte(`{"b":2}`), []byte(`{"c":3}`)}))
	keys, err = s.ListEmbedKeys(ctx)
	must(t, err)
	if len(keys) != 2 || string(keys[0]) != `{"b":2}` || string(keys[1]) != `{"c":3}` {
		t.Fatalf("keys = %q", keys)
	}
}

func tokenIDs(rs []*store.TokenRecord) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.TokenID
	}
	return out
}

func testUpdateDatasetDefinition(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	w := f.workspace("Defs")
	d := f.dataset(w.ID, "Before")
	def := d.Definition
	def.Name = "After"
	def.Tables[0].Measures = append(def.Tables[0].Measures, model.Measure{Name: "Extra", Expression: "1"})
	must(t, s.UpdateDatasetDefinition(ctx, d.ID, &def))
	got, err := s.GetDataset(ctx, d.ID)
	must(t, err)
	if got.Name != "After" || len(got.Definition.Tables[0].Measures) != len(def.Tables[0].Measures) {
		t.Fatalf("after update: %+v", got)
	}
	if err := s.UpdateDatasetDefinition(ctx, model.NewID(), &def); errs.KindOf(err) != errs.KindNotFound {
		t.Fatalf("update unknown: %v", err)
	}
}
