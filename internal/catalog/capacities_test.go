package catalog

import (
	"testing"

	"github.com/bindery-dev/bindery/internal/model"
)

func TestUpdateCapacityLimitsKeepsUnnamed(t *testing.T) {
	s, ctx := newService(t)
	c := &model.Capacity{DisplayName: "Main", SKU: "A1", Limits: model.CapacityLimits{
		MaxConcurrentQueries: 3, QueryTimeoutSeconds: 10, MaxResultRows: 500, MaxDatasetMemoryMB: 64}}
	if err := s.CreateCapacity(ctx, c); err != nil {
		t.Fatal(err)
	}
	lim := func(conc, timeout, rows, mem int) model.CapacityLimits {
		return model.CapacityLimits{MaxConcurrentQueries: conc, QueryTimeoutSeconds: timeout, MaxResultRows: rows, MaxDatasetMemoryMB: mem}
	}
	tests := []struct {
		name, patch string
		want        model.CapacityLimits
	}{
		{"one limit", `{"limits":{"queryTimeoutSeconds":60}}`, lim(3, 60, 500, 64)},
		{"no limits", `{"displayName":"Renamed"}`, lim(3, 60, 500, 64)},
		{"two limits", `{"limits":{"maxResultRows":700,"maxDatasetMemoryMB":128}}`, lim(3, 60, 700, 128)},
		{"zero resets to default", `{"limits":{"maxConcurrentQueries":0}}`,
			lim(model.DefaultCapacityLimits.MaxConcurrentQueries, 60, 700, 128)},
	}
	for _, tt := range tests {
		got, err := s.UpdateCapacity(ctx, c.ID, decode[CapacityPatch](t, tt.patch))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		stored, err := s.GetCapacity(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Limits != tt.want || stored.Limits != tt.want {
			t.Errorf("%s: returned %+v, stored %+v, want %+v", tt.name, got.Limits, stored.Limits, tt.want)
		}
	}
	if _, err := s.UpdateCapacity(ctx, c.ID, decode[CapacityPatch](t, `{"limits":{"queryTimeoutSeconds":99999}}`)); err == nil {
		t.Error("out-of-range limit accepted")
	}
}
