package catalog

import (
	"context"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// WorkspacePatch holds the fields an update may change.
type WorkspacePatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// CreateWorkspace stores a new workspace; names are unique.
func (s *Service) CreateWorkspace(ctx context.Context, w *model.Workspace) error {
	w.ID = model.NewID()
	if err := w.Validate(); err != nil {
		return err
	}
	if w.CapacityID != "" {
		if _, err := s.GetCapacity(ctx, w.CapacityID); err != nil {
			return fieldNotFound("capacityId", err)
		}
	}
	return s.store.CreateWorkspace(ctx, w)
}

// GetWorkspace returns a workspace by id.
func (s *Service) GetWorkspace(ctx context.Context, id string) (*model.Workspace, error) {
	nid, ok := model.NormalizeID(id)
	if !ok {
		return nil, errs.NotFound("workspace", id)
	}
	return s.store.GetWorkspace(ctx, nid)
}

// ListWorkspaces returns every workspace.
func (s *Service) ListWorkspaces(ctx context.Context) ([]*model.Workspace, error) {
	return s.store.ListWorkspaces(ctx)
}

// UpdateWorkspace applies a patch.
func (s *Service) UpdateWorkspace(ctx context.Context, id string, p WorkspacePatch) (*model.Workspace, error) {
	w, err := s.GetWorkspace(ctx, id)
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

// DeleteWorkspace removes a workspace with its content, then its datasets' data.
func (s *Service) DeleteWorkspace(ctx context.Context, id string) error {
	w, err := s.GetWorkspace(ctx, id)
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
func (s *Service) AssignToCapacity(ctx context.Context, id, capacityID string) (*model.Workspace, error) {
	w, err := s.GetWorkspace(ctx, id)
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
		if _, err := s.store.GetCapacity(ctx, cid); err != nil {
			return nil, fieldNotFound("capacityId", err)
		}
		w.CapacityID = cid
	}
	return w, s.store.UpdateWorkspace(ctx, w)
}

// ListMembers returns a workspace's members.
func (s *Service) ListMembers(ctx context.Context, workspaceID string) ([]*model.Member, error) {
	w, err := s.GetWorkspace(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	return s.store.ListMembers(ctx, w.ID)
}

// PutMember adds a member or changes its role.
func (s *Service) PutMember(ctx context.Context, workspaceID string, m *model.Member) error {
	w, err := s.GetWorkspace(ctx, workspaceID)
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
	return s.store.PutMember(ctx, m)
}

// DeleteMember removes a member.
func (s *Service) DeleteMember(ctx context.Context, workspaceID, identifier string) error {
	w, err := s.GetWorkspace(ctx, workspaceID)
	if err != nil {
		return err
	}
	return s.store.DeleteMember(ctx, w.ID, identifier)
}

// fieldNotFound names the request field that held an unknown id; it stays a 404.
func fieldNotFound(field string, err error) error {
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.KindNotFound {
		return err
	}
	return &errs.Error{Kind: errs.KindNotFound, Code: e.Code, Field: field, Message: field + ": " + e.Message, Err: err}
}
