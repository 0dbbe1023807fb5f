package storetest

import (
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

func testCapacities(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s

	c := &model.Capacity{
		ID: model.NewID(), DisplayName: "Main", SKU: "P1", State: model.CapacityActive, Region: "northeurope",
		Admins: []string{"a@example.com", "b@example.com"},
		Limits: model.CapacityLimits{MaxConcurrentQueries: 3, QueryTimeoutSeconds: 9, MaxResultRows: 1000, MaxDatasetMemoryMB: 64},
	}
	must(t, s.CreateCapacity(ctx, c))
	got, err := s.GetCapacity(ctx, c.ID)
	must(t, err)
	same(t, got, c)

	t.Run("duplicate id", func(t *testing.T) {
		dup := *c
		dup.DisplayName = "Other"
		wantErr(t, s.CreateCapacity(ctx, &dup), errs.KindConflict, "")
	})
	t.Run("not found", func(t *testing.T) {
		_, err := s.GetCapacity(ctx, model.NewID())
		wantNotFound(t, err, "capacity")
		missing := *c
		missing.ID = model.NewID()
		wantNotFound(t, s.UpdateCapacity(ctx, &missing), "capacity")
	})
	t.Run("update replaces every field", func(t *testing.T) {
		upd := &model.Capacity{
			ID: c.ID, DisplayName: "Renamed", SKU: "F64", State: model.CapacitySuspended, Region: "",
			Admins: []string{"c@example.com"}, Limits: model.DefaultCapacityLimits, CreatedAt: c.CreatedAt,
		}
		must(t, s.UpdateCapacity(ctx, upd))
		got, err := s.GetCapacity(ctx, c.ID)
		must(t, err)
		same(t, got, upd)
	})
	t.Run("list", func(t *testing.T) {
		c2 := f.capacity("Second")
		list, err := s.ListCapacities(ctx)
		must(t, err)
		wantIDs(t, "ListCapacities", ids(list), []string{c.ID, c2.ID})
		same(t, list[1], c2)
	})
}
