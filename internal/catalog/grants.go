package catalog

import (
	"context"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// ListDatasetGrants returns a dataset's item permissions; Reshare is needed to see them.
func (s *Service) ListDatasetGrants(ctx context.Context, workspaceID, datasetID string) ([]*store.DatasetGrant, error) {
	d, err := s.dataset(ctx, workspaceID, datasetID, needReshare, "Reshare")
	if err != nil {
		return nil, err
	}
	return s.store.ListDatasetGrants(ctx, d.ID)
}

// PutDatasetGrant gives a principal Read, Build or Reshare on a dataset. The
// caller needs Reshare and may not grant more than it has; Write is never grantable.
func (s *Service) PutDatasetGrant(ctx context.Context, workspaceID, datasetID string, g *store.DatasetGrant) error {
	d, err := s.dataset(ctx, workspaceID, datasetID, needReshare, "Reshare")
	if err != nil {
		return err
	}
	if err := validateName("identifier", g.Identifier); err != nil {
		return err
	}
	if g.PrincipalType == "" {
		g.PrincipalType = model.PrincipalUser
	}
	if g.PrincipalType != model.PrincipalUser && g.PrincipalType != model.PrincipalApp {
		return errs.Invalid("principalType", "must be User or App, got %q", g.PrincipalType)
	}
	own, err := s.authz.Dataset(ctx, auth.FromContext(ctx), d)
	if err != nil {
		return err
	}
	if g.Permission.Build && !own.Build {
		return authz.Denied("you cannot grant Build on dataset %q without having it", d.Name)
	}
	g.DatasetID = d.ID
	return s.store.PutDatasetGrant(ctx, g)
}

// DeleteDatasetGrant removes a principal's item permissions; Reshare is needed.
func (s *Service) DeleteDatasetGrant(ctx context.Context, workspaceID, datasetID, identifier string) error {
	d, err := s.dataset(ctx, workspaceID, datasetID, needReshare, "Reshare")
	if err != nil {
		return err
	}
	return s.store.DeleteDatasetGrant(ctx, d.ID, identifier)
}

func validateName(field, s string) error {
	if s == "" || len(s) > model.MaxNameLength {
		return errs.Invalid(field, "must be 1 to %d characters", model.MaxNameLength)
	}
	return nil
}
