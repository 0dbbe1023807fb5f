package storetest

import (
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

func testReports(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	shared := f.workspace("Shared reports")
	tenants := f.workspace("Tenants")
	dsA := f.dataset(tenants.ID, "Retailer A")
	dsB := f.dataset(tenants.ID, "Retailer B")

	// A report may use a dataset in another workspace.
	r := &model.Report{ID: model.NewID(), WorkspaceID: shared.ID, Name: "Retail sales", DatasetID: dsA.ID,
		Definition: SampleReportDefinition("Retail sales")}
	must(t, s.CreateReport(ctx, r))
	got, err := s.GetReport(ctx, r.ID)
	must(t, err)
	same(t, got, r)

	t.Run("create refused", func(t *testing.T) {
		tests := []struct {
			name               string
			workspace, dataset string
			id                 string
			kind               errs.Kind
			what               string
		}{
			{"unknown workspace", model.NewID(), dsA.ID, model.NewID(), errs.KindNotFound, "workspace"},
			{"unknown dataset", shared.ID, model.NewID(), model.NewID(), errs.KindNotFound, "dataset"},
			{"duplicate id", shared.ID, dsB.ID, r.ID, errs.KindConflict, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				rep := &model.Report{ID: tc.id, WorkspaceID: tc.workspace, DatasetID: tc.dataset, Name: "x",
					Definition: SampleReportDefinition("x")}
				err := s.CreateReport(ctx, rep)
				if tc.kind == errs.KindNotFound {
					wantNotFound(t, err, tc.what)
					return
				}
				wantErr(t, err, tc.kind, "")
			})
		}
		got, err := s.GetReport(ctx, r.ID)
		must(t, err)
		same(t, got, r)
	})
	t.Run("not found", func(t *testing.T) {
		_, err := s.GetReport(ctx, model.NewID())
		wantNotFound(t, err, "report")
		wantNotFound(t, s.DeleteReport(ctx, model.NewID()), "report")
		_, err = s.ListReports(ctx, model.NewID())
		wantNotFound(t, err, "workspace")
		_, err = s.ListReportsUsingDataset(ctx, model.NewID())
		wantNotFound(t, err, "dataset")
	})
	t.Run("lists", func(t *testing.T) {
		r2 := f.report(shared.ID, dsB.ID, "Second")
		r3 := f.report(tenants.ID, dsA.ID, "Tenant's own")
		list, err := s.ListReports(ctx, shared.ID)
		must(t, err)
		wantIDs(t, "ListReports(shared)", ids(list), []string{r.ID, r2.ID})
		same(t, list[0], r)
		list, err = s.ListReports(ctx, tenants.ID)
		must(t, err)
		wantIDs(t, "ListReports(tenants)", ids(list), []string{r3.ID})
		list, err = s.ListReportsUsingDataset(ctx, dsA.ID)
		must(t, err)
		wantIDs(t, "ListReportsUsingDataset(A)", ids(list), []string{r.ID, r3.ID})
		unused := f.dataset(tenants.ID, "Unused")
		list, err = s.ListReportsUsingDataset(ctx, unused.ID)
		must(t, err)
		wantIDs(t, "ListReportsUsingDataset(unused)", ids(list), nil)
		must(t, s.DeleteReport(ctx, r2.ID))
		must(t, s.DeleteReport(ctx, r3.ID))
		_, err = s.GetReport(ctx, r2.ID)
		wantNotFound(t, err, "report")
		list, err = s.ListReports(ctx, shared.ID)
		must(t, err)
		wantIDs(t, "ListReports after delete", ids(list), []string{r.ID})
	})
	t.Run("rebind", func(t *testing.T) {
		def := SampleReportDefinition("Retail sales")
		def.FieldTypes = map[string]model.Family{"Sales[Amount]": model.FamilyText}
		must(t, s.RebindReport(ctx, r.ID, dsB.ID, &def))
		want := *r
		want.DatasetID, want.Definition = dsB.ID, def
		got, err := s.GetReport(ctx, r.ID)
		must(t, err)
		same(t, got, &want)

		// Without a definition only the dataset changes.
		must(t, s.RebindReport(ctx, r.ID, dsA.ID, nil))
		want.DatasetID = dsA.ID
		got, err = s.GetReport(ctx, r.ID)
		must(t, err)
		same(t, got, &want)

		wantNotFound(t, s.RebindReport(ctx, r.ID, model.NewID(), nil), "dataset")
		wantNotFound(t, s.RebindReport(ctx, model.NewID(), dsA.ID, nil), "report")
		got, err = s.GetReport(ctx, r.ID)
		must(t, err)
		same(t, got, &want)

		// The rebound report now holds dsA, not dsB.
		must(t, s.DeleteDataset(ctx, dsB.ID))
		wantErr(t, s.DeleteDataset(ctx, dsA.ID), errs.KindConflict, "DatasetInUse")
	})
}
