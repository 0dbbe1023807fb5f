package catalog

import (
	"context"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// WorkspacePatch holds the fields an update may change.
type WorkspacePatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// CreateWorkspace stores a new workspace (names are unique); its creator becomes its Admin.
func (s *Service) CreateWorkspace(ctx context.Context, w *model.Workspace) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	w.ID = model.NewID()
	if err := w.Validate(); err != nil {
		return err
	}
	if w.CapacityID != "" {
		c, err := s.GetCapacity(ctx, w.CapacityID)
		if err != nil {
			return fieldNotFound("capacityId", err)
		}
		if !isCapacityAdmin(p, c) {
			return authz.Denied("only the capacity's admins may assign workspaces to capacity %q", c.DisplayName)
		}
	}
	if err := s.store.CreateWorkspace(ctx, w); err != nil {
		return err
	}
	if p.IsAdmin() {
		return nil
	}
	m := &model.Member{WorkspaceID: w.ID, Identifier: p.Identifier, DisplayName: p.DisplayName,
		PrincipalType: principalType(p), Role: model.RoleAdmin}
	if err := s.store.PutMember(ctx, m); err != nil {
		if _, derr := s.store.DeleteWorkspace(context.WithoutCancel(ctx), w.ID); derr != nil {
			s.log.Error("removing workspace after failed membership", "workspace", w.ID, "err", derr)
		}
		return err
	}
	return nil
}

func principalType(p *auth.Principal) model.PrincipalType {
	if p.Kind == auth.KindApp {
		return model.PrincipalApp
	}
	return model.PrincipalUser
}

// GetWorkspace returns a workspace the caller belongs to.
func (s *Service) GetWorkspace(ctx context.Context, id string) (*model.Workspace, error) {
	return s.workspace(ctx, id, model.RoleViewer)
}

// ListWorkspaces returns the workspaces the caller belongs to (all of them for the administrator).
func (s *Service) ListWorkspaces(ctx context.Context) ([]*model.Workspace, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.store.ListWorkspaces(ctx)
	if err != nil || p.IsAdmin() {
		return all, err
	}
	out := []*model.Workspace{}
	for _, w := range all {
		r, err := s.authz.Role(ctx, p, w.ID)
		if err != nil {
			return nil, err
		}
		if r.AtLeast(model.RoleViewer) {
			out = append(out, w)
		}
	}
	return out, nil
}

// UpdateWorkspace applies a patch; Admins only.
func (s *Service) UpdateWorkspace(ctx context.Context, id string, p WorkspacePatch) (*model.Workspace, error) {
	w, err := s.workspace(ctx, id, model.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		w.Name = *p.Name
	}
	if p.Description != nil {
		w.Description = *p.Description
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return w, s.store.UpdateWorkspace(ctx, w)
}

// DeleteWorkspace removes a workspace with its content, then its datasets' data; Admins only.
func (s *Service) DeleteWorkspace(ctx context.Context, id string) error {
	w, err := s.workspace(ctx, id, model.RoleAdmin)
	if err != nil {
		return err
	}
	dropped, err := s.store.DeleteWorkspace(ctx, w.ID)
	if err != nil {
		return err
	}
	for _, d := range dropped {
		// The metadata is gone, so the data is unreachable; a failure here only leaves files to clean.
		if err := s.engine.Drop(ctx, d); err != nil {
			s.log.Warn("dropping dataset data", "dataset", d, "err", err)
		}
	}
	return nil
}

// AssignToCapacity puts the workspace on a capacity; the empty GUID unassigns it.
// The caller must be the workspace's Admin and, to assign, an admin of the capacity.
func (s *Service) AssignToCapacity(ctx context.Context, id, capacityID string) (*model.Workspace, error) {
	w, err := s.workspace(ctx, id, model.RoleAdmin)
	if err != nil {
		return nil, err
	}
	cid, ok := model.NormalizeID(capacityID)
	if !ok {
		return nil, errs.Invalid("capacityId", "must be a GUID (the empty GUID unassigns), got %q", capacityID)
	}
	if cid == model.EmptyGUID {
		w.CapacityID = ""
	} else {
		c, err := s.GetCapacity(ctx, cid)
		if err != nil {
			return nil, fieldNotFound("capacityId", err)
		}
		if p := auth.FromContext(ctx); !isCapacityAdmin(p, c) {
			return nil, authz.Denied("only the capacity's admins may assign workspaces to capacity %q", c.DisplayName)
		}
		w.CapacityID = cid
	}
	return w, s.store.UpdateWorkspace(ctx, w)
}

// ListMembers returns a workspace's members; any member may see them.
func (s *Service) ListMembers(ctx context.Context, workspaceID string) ([]*model.Member, error) {
	w, err := s.workspace(ctx, workspaceID, model.RoleViewer)
	if err != nil {
		return nil, err
	}
	return s.store.ListMembers(ctx, w.ID)
}

// PutMember adds a member or changes its role. Admins manage everyone; Members
// may add and change members up to Member but not touch Admins.
func (s *Service) PutMember(ctx context.Context, workspaceID string, m *model.Member) error {
	w, err := s.workspace(ctx, workspaceID, model.RoleMember)
	if err != nil {
		return err
	}
	m.WorkspaceID = w.ID
	if m.PrincipalType == "" {
		m.PrincipalType = model.PrincipalUser
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if err := s.checkMemberChange(ctx, w, m.Identifier, m.Role); err != nil {
		return err
	}
	return s.store.PutMember(ctx, m)
}

// DeleteMember removes a member, under PutMember's rules.
func (s *Service) DeleteMember(ctx context.Context, workspaceID, identifier string) error {
	w, err := s.workspace(ctx, workspaceID, model.RoleMember)
	if err != nil {
		return err
	}
	if err := s.checkMemberChange(ctx, w, identifier, ""); err != nil {
		return err
	}
	return s.store.DeleteMember(ctx, w.ID, identifier)
}

// checkMemberChange lets a Member (not an Admin) grant at most Member and leave Admins alone.
func (s *Service) checkMemberChange(ctx context.Context, w *model.Workspace, identifier string, newRole model.Role) error {
	p := auth.FromContext(ctx)
	own, err := s.authz.Role(ctx, p, w.ID)
	if err != nil || own == model.RoleAdmin {
		return err
	}
	if newRole == model.RoleAdmin {
		return authz.Denied("only Admins may make Admins in workspace %q", w.Name)
	}
	ms, err := s.store.ListMembers(ctx, w.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Role == model.RoleAdmin && sameIdentifier(m.Identifier, identifier) {
			return authz.Denied("only Admins may change or remove an Admin of workspace %q", w.Name)
		}
	}
	return nil
}

// fieldNotFound names the request field that held an unknown id; it stays a 404.
func fieldNotFound(field string, err error) error {
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.KindNotFound {
		return err
	}
	return &errs.Error{Kind: errs.KindNotFound, Code: e.Code, Field: field, Message: field + ": " + e.Message, Err: err}
}
