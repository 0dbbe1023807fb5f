package catalog

import (
	"context"

	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// CapacityPatch holds the fields an update may change; nil leaves a field as it is.
type CapacityPatch struct {
	DisplayName *string      `json:"displayName"`
	SKU         *string      `json:"sku"`
	Region      *string      `json:"region"`
	Admins      *[]string    `json:"admins"`
	Limits      *LimitsPatch `json:"limits"`
}

// LimitsPatch changes only the limits it names: PATCH {"limits":{"queryTimeoutSeconds":60}}
// keeps the others. An explicit 0 resets a limit to its default, as on create.
type LimitsPatch struct {
	MaxConcurrentQueries *int `json:"maxConcurrentQueries"`
	QueryTimeoutSeconds  *int `json:"queryTimeoutSeconds"`
	MaxResultRows        *int `json:"maxResultRows"`
	MaxDatasetMemoryMB   *int `json:"maxDatasetMemoryMB"`
}

// apply returns l with the patch's fields set, zeros filled from the defaults.
func (p *LimitsPatch) apply(l model.CapacityLimits) model.CapacityLimits {
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&l.MaxConcurrentQueries, p.MaxConcurrentQueries)
	set(&l.QueryTimeoutSeconds, p.QueryTimeoutSeconds)
	set(&l.MaxResultRows, p.MaxResultRows)
	set(&l.MaxDatasetMemoryMB, p.MaxDatasetMemoryMB)
	return l.WithDefaults()
}

// CreateCapacity validates and stores a new Active capacity (unless State says Suspended).
func (s *Service) CreateCapacity(ctx context.Context, c *model.Capacity) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if !p.IsAdmin() {
		return authz.Denied("only the server administrator creates capacities")
	}
	c.ID = model.NewID()
	if c.State == "" {
		c.State = model.CapacityActive
	}
	if c.Admins == nil {
		c.Admins = []string{}
	}
	c.Limits = c.Limits.WithDefaults()
	if err := c.Validate(); err != nil {
		return err
	}
	return s.store.CreateCapacity(ctx, c)
}

// UpdateCapacity applies a patch.
func (s *Service) UpdateCapacity(ctx context.Context, id string, p CapacityPatch) (*model.Capacity, error) {
	c, err := s.adminCapacity(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.DisplayName != nil {
		c.DisplayName = *p.DisplayName
	}
	if p.SKU != nil {
		c.SKU = *p.SKU
	}
	if p.Region != nil {
		c.Region = *p.Region
	}
	if p.Admins != nil {
		c.Admins = *p.Admins
	}
	if p.Limits != nil {
		c.Limits = p.Limits.apply(c.Limits)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, s.store.UpdateCapacity(ctx, c)
}

// SetCapacityState suspends or resumes a capacity.
func (s *Service) SetCapacityState(ctx context.Context, id string, state model.CapacityState) (*model.Capacity, error) {
	c, err := s.adminCapacity(ctx, id)
	if err != nil {
		return nil, err
	}
	c.State = state
	return c, s.store.UpdateCapacity(ctx, c)
}

// adminCapacity loads a capacity the caller administers.
func (s *Service) adminCapacity(ctx context.Context, id string) (*model.Capacity, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.GetCapacity(ctx, id)
	if err != nil {
		return nil, err
	}
	if !isCapacityAdmin(p, c) {
		return nil, authz.Denied("only the server administrator and the capacity's admins may change capacity %q", c.DisplayName)
	}
	return c, nil
}

// GetCapacity returns a capacity by id. Capacities are visible to every signed-in principal.
func (s *Service) GetCapacity(ctx context.Context, id string) (*model.Capacity, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	nid, ok := model.NormalizeID(id)
	if !ok {
		return nil, errs.NotFound("capacity", id)
	}
	return s.store.GetCapacity(ctx, nid)
}

// ListCapacities returns every capacity.
func (s *Service) ListCapacities(ctx context.Context) ([]*model.Capacity, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	return s.store.ListCapacities(ctx)
}
