package storetest

import (
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

func testDatasets(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	w := f.workspace("Data")
	w2 := f.workspace("Data 2")

	d := &model.Dataset{
		ID: model.NewID(), WorkspaceID: w.ID, Name: "Retailer A", StorageMode: model.StorageDirectQuery,
		ConfiguredBy: "owner@example.com", DataVersion: 7, Definition: SampleDatasetDefinition("Retailer A"),
	}
	must(t, s.CreateDataset(ctx, d))
	got, err := s.GetDataset(ctx, d.ID)
	must(t, err)
	same(t, got, d)

	t.Run("create refused", func(t *testing.T) {
		tests := []struct {
			name string
			ds   model.Dataset
			kind errs.Kind
		}{
			{"unknown workspace", model.Dataset{ID: model.NewID(), WorkspaceID: model.NewID(), Name: "x"}, errs.KindNotFound},
			{"duplicate id", model.Dataset{ID: d.ID, WorkspaceID: w2.ID, Name: "x"}, errs.KindConflict},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ds := tc.ds
				ds.StorageMode, ds.Definition = model.StorageImport, SampleDatasetDefinition("x")
				wantErr(t, s.CreateDataset(ctx, &ds), tc.kind, "")
			})
		}
		got, err := s.GetDataset(ctx, d.ID)
		must(t, err)
		same(t, got, d) // the duplicate did not overwrite
	})
	t.Run("not found", func(t *testing.T) {
		_, err := s.GetDataset(ctx, model.NewID())
		wantNotFound(t, err, "dataset")
		wantNotFound(t, s.DeleteDataset(ctx, model.NewID()), "dataset")
		_, err = s.BumpDataVersion(ctx, model.NewID())
		wantNotFound(t, err, "dataset")
		_, err = s.ListDatasets(ctx, model.NewID())
		wantNotFound(t, err, "workspace")
	})
	t.Run("list is per workspace", func(t *testing.T) {
		d2 := f.dataset(w.ID, "Retailer B")
		d3 := f.dataset(w2.ID, "Retailer C")
		list, err := s.ListDatasets(ctx, w.ID)
		must(t, err)
		wantIDs(t, "ListDatasets(w)", ids(list), []string{d.ID, d2.ID})
		same(t, list[0], d)
		list, err = s.ListDatasets(ctx, w2.ID)
		must(t, err)
		wantIDs(t, "ListDatasets(w2)", ids(list), []string{d3.ID})
		empty := f.workspace("Empty")
		list, err = s.ListDatasets(ctx, empty.ID)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("empty workspace lists %d datasets", len(list))
		}
	})
	t.Run("bump data version", func(t *testing.T) {
		for want := int64(8); want <= 10; want++ {
			v, err := s.BumpDataVersion(ctx, d.ID)
			must(t, err)
			if v != want {
				t.Fatalf("BumpDataVersion: got %d, want %d", v, want)
			}
		}
		got, err := s.GetDataset(ctx, d.ID)
		must(t, err)
		if got.DataVersion != 10 {
			t.Fatalf("stored DataVersion %d, want 10", got.DataVersion)
		}
	})
	t.Run("delete refused while a report uses it", func(t *testing.T) {
		used := f.dataset(w.ID, "Used")
		r1 := f.report(w.ID, used.ID, "Local report")
		r2 := f.report(w2.ID, used.ID, "Remote report")
		e := wantErr(t, s.DeleteDataset(ctx, used.ID), errs.KindConflict, "DatasetInUse")
		for _, r := range []*model.Report{r1, r2} {
			if !strings.Contains(e.Message, r.Name) || !strings.Contains(e.Message, r.ID) {
				t.Errorf("DatasetInUse message %q does not name report %q (%s)", e.Message, r.Name, r.ID)
			}
		}
		if _, err := s.GetDataset(ctx, used.ID); err != nil {
			t.Fatalf("refused delete removed the dataset: %v", err)
		}
		must(t, s.DeleteReport(ctx, r1.ID))
		wantErr(t, s.DeleteDataset(ctx, used.ID), errs.KindConflict, "DatasetInUse")
		must(t, s.DeleteReport(ctx, r2.ID))
		must(t, s.DeleteDataset(ctx, used.ID))
		_, err := s.GetDataset(ctx, used.ID)
		wantNotFound(t, err, "dataset")
		wantNotFound(t, s.DeleteDataset(ctx, used.ID), "dataset")
	})
}
