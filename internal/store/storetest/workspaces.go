package storetest

import (
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

func testWorkspaces(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	capa := f.capacity("Cap")

	w := &model.Workspace{ID: model.NewID(), Name: "Retail Sales", Description: "shared reports", CapacityID: capa.ID}
	must(t, s.CreateWorkspace(ctx, w))
	got, err := s.GetWorkspace(ctx, w.ID)
	must(t, err)
	same(t, got, w)

	t.Run("create conflicts and missing references", func(t *testing.T) {
		tests := []struct {
			name string
			ws   model.Workspace
			kind errs.Kind
			code string
		}{
			{"same name", model.Workspace{Name: "Retail Sales"}, errs.KindConflict, "DuplicateWorkspaceName"},
			{"lower case", model.Workspace{Name: "retail sales"}, errs.KindConflict, "DuplicateWorkspaceName"},
			{"upper case", model.Workspace{Name: "RETAIL SALES"}, errs.KindConflict, "DuplicateWorkspaceName"},
			{"duplicate id", model.Workspace{ID: w.ID, Name: "Fresh name"}, errs.KindConflict, ""},
			{"unknown capacity", model.Workspace{Name: "No cap", CapacityID: model.NewID()}, errs.KindNotFound, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ws := tc.ws
				if ws.ID == "" {
					ws.ID = model.NewID()
				}
				wantErr(t, s.CreateWorkspace(ctx, &ws), tc.kind, tc.code)
				if ws.ID != w.ID {
					_, err := s.GetWorkspace(ctx, ws.ID)
					wantNotFound(t, err, "workspace")
				}
			})
		}
	})
	t.Run("unicode names fold", func(t *testing.T) {
		f.workspace("Ärger Über")
		wantErr(t, s.CreateWorkspace(ctx, &model.Workspace{ID: model.NewID(), Name: "ärger über"}),
			errs.KindConflict, "DuplicateWorkspaceName")
	})
	t.Run("not found", func(t *testing.T) {
		_, err := s.GetWorkspace(ctx, model.NewID())
		wantNotFound(t, err, "workspace")
		wantNotFound(t, s.UpdateWorkspace(ctx, &model.Workspace{ID: model.NewID(), Name: "Ghost"}), "workspace")
		_, err = s.DeleteWorkspace(ctx, model.NewID())
		wantNotFound(t, err, "workspace")
	})
	t.Run("update", func(t *testing.T) {
		other := f.workspace("Other")
		tests := []struct {
			name string
			upd  model.Workspace
			kind errs.Kind // 0 (KindInternal) means success
			code string
		}{
			{"rename", model.Workspace{Name: "Retail Sales EU", Description: "new"}, 0, ""},
			{"change own name's case", model.Workspace{Name: "RETAIL SALES EU"}, 0, ""},
			{"leave capacity", model.Workspace{Name: "Retail", CapacityID: ""}, 0, ""},
			{"join capacity", model.Workspace{Name: "Retail", CapacityID: capa.ID}, 0, ""},
			{"take another's name", model.Workspace{Name: "other"}, errs.KindConflict, "DuplicateWorkspaceName"},
			{"unknown capacity", model.Workspace{Name: "Retail", CapacityID: model.NewID()}, errs.KindNotFound, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before, err := s.GetWorkspace(ctx, w.ID)
				must(t, err)
				upd := tc.upd
				upd.ID, upd.CreatedAt = w.ID, w.CreatedAt
				err = s.UpdateWorkspace(ctx, &upd)
				got, gerr := s.GetWorkspace(ctx, w.ID)
				must(t, gerr)
				if tc.kind != 0 {
					wantErr(t, err, tc.kind, tc.code)
					same(t, got, before) // unchanged
					return
				}
				must(t, err)
				same(t, got, &upd)
			})
		}
		// The other workspace is untouched by all of this.
		got, err := s.GetWorkspace(ctx, other.ID)
		must(t, err)
		same(t, got, other)
	})
	t.Run("list", func(t *testing.T) {
		list, err := s.ListWorkspaces(ctx)
		must(t, err)
		if len(list) != 3 || list[0].ID != w.ID {
			t.Fatalf("ListWorkspaces: got %v, want 3 workspaces starting with %s", ids(list), w.ID)
		}
	})
}

func testMembers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	w := f.workspace("Team")
	w2 := f.workspace("Team 2")

	alice := &model.Member{WorkspaceID: w.ID, Identifier: "alice@example.com", DisplayName: "Alice",
		PrincipalType: model.PrincipalUser, Role: model.RoleAdmin}
	app := &model.Member{WorkspaceID: w.ID, Identifier: "5f1c3a4e-app", PrincipalType: model.PrincipalApp, Role: model.RoleMember}
	bob := &model.Member{WorkspaceID: w.ID, Identifier: "bob@example.com", PrincipalType: model.PrincipalUser, Role: model.RoleViewer}
	for _, m := range []*model.Member{alice, app, bob} {
		must(t, s.PutMember(ctx, m))
	}
	// The same identifier in another workspace is another membership.
	must(t, s.PutMember(ctx, &model.Member{WorkspaceID: w2.ID, Identifier: "alice@example.com",
		PrincipalType: model.PrincipalUser, Role: model.RoleViewer}))

	list, err := s.ListMembers(ctx, w.ID)
	must(t, err)
	if len(list) != 3 {
		t.Fatalf("ListMembers: got %d members, want 3", len(list))
	}
	for i, want := range []*model.Member{alice, app, bob} {
		same(t, list[i], want)
	}

	t.Run("put changes the role", func(t *testing.T) {
		changed := *bob
		changed.Role, changed.DisplayName = model.RoleContributor, "Bob"
		must(t, s.PutMember(ctx, &changed))
		list, err := s.ListMembers(ctx, w.ID)
		must(t, err)
		if len(list) != 3 {
			t.Fatalf("PutMember on an existing member added a row: %d members", len(list))
		}
		same(t, list[2], &changed)
	})
	t.Run("delete", func(t *testing.T) {
		must(t, s.DeleteMember(ctx, w.ID, app.Identifier))
		list, err := s.ListMembers(ctx, w.ID)
		must(t, err)
		if len(list) != 2 || list[0].Identifier != alice.Identifier || list[1].Identifier != bob.Identifier {
			t.Fatalf("after delete: got %+v", list)
		}
		wantNotFound(t, s.DeleteMember(ctx, w.ID, app.Identifier), "member")
		other, err := s.ListMembers(ctx, w2.ID)
		must(t, err)
		if len(other) != 1 || other[0].Role != model.RoleViewer {
			t.Fatalf("other workspace's members changed: %+v", other)
		}
	})
	t.Run("identifiers match case-insensitively", func(t *testing.T) {
		ana := &model.Member{WorkspaceID: w2.ID, Identifier: "ana@contoso.com", PrincipalType: model.PrincipalUser, Role: model.RoleViewer}
		must(t, s.PutMember(ctx, ana))
		upper := &model.Member{WorkspaceID: w2.ID, Identifier: "ANA@contoso.com", DisplayName: "Ana",
			PrincipalType: model.PrincipalUser, Role: model.RoleContributor}
		must(t, s.PutMember(ctx, upper))
		list, err := s.ListMembers(ctx, w2.ID)
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("PutMember of a differently-cased identifier added a row: %+v", list)
		}
		same(t, list[1], upper) // the latest spelling and role
		must(t, s.DeleteMember(ctx, w2.ID, "Ana@Contoso.COM"))
		list, err = s.ListMembers(ctx, w2.ID)
		must(t, err)
		if len(list) != 1 || list[0].Identifier != "alice@example.com" {
			t.Fatalf("after case-insensitive delete: %+v", list)
		}
		wantNotFound(t, s.DeleteMember(ctx, w2.ID, "ana@contoso.com"), "member")
	})
	t.Run("unknown workspace", func(t *testing.T) {
		ghost := model.NewID()
		_, err := s.ListMembers(ctx, ghost)
		wantNotFound(t, err, "workspace")
		wantNotFound(t, s.PutMember(ctx, &model.Member{WorkspaceID: ghost, Identifier: "x",
			PrincipalType: model.PrincipalUser, Role: model.RoleViewer}), "workspace")
		wantNotFound(t, s.DeleteMember(ctx, ghost, "x"), "workspace")
	})
}
