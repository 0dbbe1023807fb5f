// Package authz decides what a signed-in principal may do, from workspace roles
// and dataset item permissions, after Power BI's rules:
//
//	role          workspace   datasets in it              reports in it
//	Admin         everything  Read Build Reshare Write    Read Write
//	Member        content,    Read Build Reshare Write    Read Write
//	              members ≤ Member
//	Contributor   content     Read Build Write            Read Write
//	Viewer        view        Read                        Read
//
// Dataset item permissions (Read, Build, Reshare) add to what roles give;
// Write only ever comes from a role. The server's admin may do everything.
package authz

import (
	"context"
	"strings"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// Source is what decisions read from the metadata store.
type Source interface {
	ListMembers(ctx context.Context, workspaceID string) ([]*model.Member, error)
	// DatasetGrant returns the item permissions granted on a dataset to a principal (zero when none).
	DatasetGrant(ctx context.Context, datasetID, identifier string, pt model.PrincipalType) (model.DatasetPermission, error)
}

// Authorizer is safe for concurrent use.
type Authorizer struct{ src Source }

// New returns an Authorizer over src.
func New(src Source) *Authorizer { return &Authorizer{src: src} }

// Perm is what a principal may do with one item.
type Perm struct {
	Read, Build, Reshare, Write bool
}

// Role returns the principal's role in the workspace ("" when it has none).
func (a *Authorizer) Role(ctx context.Context, p *auth.Principal, workspaceID string) (model.Role, error) {
	if p == nil {
		return "", nil
	}
	if p.IsAdmin() {
		return model.RoleAdmin, nil
	}
	ms, err := a.src.ListMembers(ctx, workspaceID)
	if err != nil {
		return "", err
	}
	want := model.PrincipalUser
	if p.Kind == auth.KindApp {
		want = model.PrincipalApp
	}
	for _, m := range ms {
		if m.PrincipalType == want && strings.EqualFold(m.Identifier, p.Identifier) {
			return m.Role, nil
		}
	}
	return "", nil
}

// RequireRole fails with 403 InsufficientPermissions unless the principal has at least min in the workspace.
func (a *Authorizer) RequireRole(ctx context.Context, p *auth.Principal, w *model.Workspace, min model.Role) error {
	r, err := a.Role(ctx, p, w.ID)
	if err != nil {
		return err
	}
	if r.AtLeast(min) {
		return nil
	}
	return Denied("this requires the %s role or higher in workspace %q", min, w.Name)
}

// Dataset returns the principal's permissions on a dataset.
func (a *Authorizer) Dataset(ctx context.Context, p *auth.Principal, d *model.Dataset) (Perm, error) {
	r, err := a.Role(ctx, p, d.WorkspaceID)
	if err != nil {
		return Perm{}, err
	}
	var perm Perm
	switch {
	case r.AtLeast(model.RoleMember):
		perm = Perm{Read: true, Build: true, Reshare: true, Write: true}
	case r.AtLeast(model.RoleContributor):
		perm = Perm{Read: true, Build: true, Write: true}
	case r.AtLeast(model.RoleViewer):
		perm = Perm{Read: true}
	}
	if p == nil || p.IsAdmin() {
		return perm, nil
	}
	pt := model.PrincipalUser
	if p.Kind == auth.KindApp {
		pt = model.PrincipalApp
	}
	g, err := a.src.DatasetGrant(ctx, d.ID, p.Identifier, pt)
	if err != nil {
		return Perm{}, err
	}
	perm.Read = perm.Read || g.Read
	perm.Build = perm.Build || g.Build
	perm.Reshare = perm.Reshare || g.Reshare
	return perm, nil
}

// Report returns the principal's permissions on a report.
func (a *Authorizer) Report(ctx context.Context, p *auth.Principal, r *model.Report) (Perm, error) {
	role, err := a.Role(ctx, p, r.WorkspaceID)
	if err != nil {
		return Perm{}, err
	}
	return Perm{Read: role.AtLeast(model.RoleViewer), Write: role.AtLeast(model.RoleContributor)}, nil
}

// Denied is the 403 every refused management operation returns.
func Denied(format string, args ...any) *errs.Error {
	return errs.New(errs.KindForbidden, "InsufficientPermissions", format, args...)
}
