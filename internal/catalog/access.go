package catalog

import (
	"context"
	"slices"
	"strings"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// principal returns the caller; operations without one are refused.
func principal(ctx context.Context) (*auth.Principal, error) {
	p := auth.FromContext(ctx)
	if p == nil {
		return nil, errs.New(errs.KindUnauthorized, "TokenRequired", "an access token is required")
	}
	return p, nil
}

// AsAdmin returns a context acting as the server's administrator, for in-process work such as seeding the demo.
func AsAdmin(ctx context.Context) context.Context {
	return auth.WithPrincipal(ctx, &auth.Principal{Kind: auth.KindAdmin, Identifier: "admin", DisplayName: "Administrator"})
}

// workspace loads a workspace the caller has at least min on.
func (s *Service) workspace(ctx context.Context, id string, min model.Role) (*model.Workspace, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	nid, ok := model.NormalizeID(id)
	if !ok {
		return nil, errs.NotFound("workspace", id)
	}
	w, err := s.store.GetWorkspace(ctx, nid)
	if err != nil {
		return nil, err
	}
	if err := s.authz.RequireRole(ctx, p, w, min); err != nil {
		return nil, err
	}
	return w, nil
}

// requireDataset checks the caller's permissions on a dataset.
func (s *Service) requireDataset(ctx context.Context, d *model.Dataset, need func(authz.Perm) bool, what string) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	perm, err := s.authz.Dataset(ctx, p, d)
	if err != nil {
		return err
	}
	if !need(perm) {
		return authz.Denied("this requires %s permission on dataset %q", what, d.Name)
	}
	return nil
}

func needRead(p authz.Perm) bool    { return p.Read }
func needBuild(p authz.Perm) bool   { return p.Build }
func needWrite(p authz.Perm) bool   { return p.Write }
func needReshare(p authz.Perm) bool { return p.Reshare }

// isCapacityAdmin: the server's admin, or a principal named in the capacity's admins.
func isCapacityAdmin(p *auth.Principal, c *model.Capacity) bool {
	return p.IsAdmin() || slices.ContainsFunc(c.Admins, func(a string) bool { return strings.EqualFold(a, p.Identifier) })
}

// CapacityAccess is the caller's capacityUserAccessRight on a capacity: Admin or None.
func CapacityAccess(ctx context.Context, c *model.Capacity) string {
	if p := auth.FromContext(ctx); p != nil && isCapacityAdmin(p, c) {
		return "Admin"
	}
	return "None"
}

func sameIdentifier(a, b string) bool { return strings.EqualFold(a, b) }
