package catalog

import (
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store/storetest"
)

// An incompatible dataset is reported on the request field that chose it.
func TestIncompatibleDatasetNamesRequestField(t *testing.T) {
	s, ctx := newService(t)
	w := &model.Workspace{Name: "Team"}
	if err := s.CreateWorkspace(ctx, w); err != nil {
		t.Fatal(err)
	}
	full := storetest.SampleDatasetDefinition("Full")
	ds, err := s.CreateDataset(ctx, w.ID, &full, "admin")
	if err != nil {
		t.Fatal(err)
	}
	def := storetest.SampleReportDefinition("R")
	def.DatasetID = ds.ID
	r, err := s.CreateReport(ctx, w.ID, &def)
	if err != nil {
		t.Fatal(err)
	}
	thin := &model.DatasetDefinition{Name: "Thin", Tables: []model.Table{{Name: "Sales",
		Columns: []model.Column{{Name: "StoreId", DataType: model.TypeInt64}}}}}
	other, err := s.CreateDataset(ctx, w.ID, thin, "admin")
	if err != nil {
		t.Fatal(err)
	}

	_, cloneErr := s.Clone(ctx, w.ID, r.ID, CloneRequest{Name: "Copy", TargetModelID: other.ID})
	_, rebindErr := s.Rebind(ctx, w.ID, r.ID, other.ID)
	thinReport := storetest.SampleReportDefinition("R2")
	thinReport.DatasetID = other.ID
	_, createErr := s.CreateReport(ctx, w.ID, &thinReport)
	for _, tc := range []struct {
		op    string
		err   error
		field string
	}{
		{"Clone", cloneErr, "targetModelId"},
		{"Rebind", rebindErr, "datasetId"},
		{"CreateReport", createErr, "datasetId"},
	} {
		e, ok := errs.As(tc.err)
		if !ok || e.Code != "IncompatibleDataset" || e.Field != tc.field || len(e.Details) == 0 {
			t.Errorf("%s: got %v (field %q), want IncompatibleDataset on %s with details", tc.op, tc.err, fieldOf(e), tc.field)
		}
	}
}

func fieldOf(e *errs.Error) string {
	if e == nil {
		return ""
	}
	return e.Field
}
