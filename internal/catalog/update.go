package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// UpdateDatasetDefinition replaces a dataset's measures, relationships, roles
// and column properties, keeping its data. Its tables and typed columns must
// stay as they are (changing them needs a new dataset and a reload), and every
// report bound to it by default must stay compatible.
func (s *Service) UpdateDatasetDefinition(ctx context.Context, workspaceID, id string, def *model.DatasetDefinition) (*model.Dataset, error) {
	d, err := s.dataset(ctx, workspaceID, id, needWrite, "Write")
	if err != nil {
		return nil, err
	}
	if err := def.Validate(); err != nil {
		return nil, err
	}
	if mode, _ := model.ParseStorageMode(def.DefaultMode); mode != d.StorageMode && def.DefaultMode != "" {
		return nil, errs.Conflict("SchemaChangeNotSupported", "the storage mode cannot change (%s to %s)", d.StorageMode, mode)
	}
	if diff := schemaDiff(&d.Definition, def); diff != "" {
		return nil, errs.Conflict("SchemaChangeNotSupported",
			"the tables and columns of a dataset cannot change in place (%s); publish a new dataset and load it", diff)
	}
	reports, err := s.store.ListReportsUsingDataset(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range reports {
		if ms := model.Compatibility(&r.Definition, def); len(ms) > 0 {
			e := errs.Conflict("DatasetInUse", "report %q (%s) uses what the new definition drops: %s", r.Name, r.ID, ms[0].Message)
			for _, m := range ms {
				e.Details = append(e.Details, errs.Detail{Code: m.Code, Message: m.Message, Target: m.Field})
			}
			return nil, e
		}
	}
	if err := s.store.UpdateDatasetDefinition(ctx, d.ID, def); err != nil {
		return nil, err
	}
	return s.store.GetDataset(ctx, d.ID)
}

// schemaDiff describes the first difference in tables or typed columns, "" when there is none.
func schemaDiff(old, cur *model.DatasetDefinition) string {
	if len(old.Tables) != len(cur.Tables) {
		return fmt.Sprintf("%d tables become %d", len(old.Tables), len(cur.Tables))
	}
	for _, ot := range old.Tables {
		nt, ok := cur.Table(ot.Name)
		if !ok {
			return fmt.Sprintf("table %q is missing", ot.Name)
		}
		if len(ot.Columns) != len(nt.Columns) {
			return fmt.Sprintf("table %q has %d columns instead of %d", ot.Name, len(nt.Columns), len(ot.Columns))
		}
		for _, oc := range ot.Columns {
			nc, ok := nt.Column(oc.Name)
			if !ok {
				return fmt.Sprintf("column %s[%s] is missing", ot.Name, oc.Name)
			}
			if nc.DataType != oc.DataType {
				return fmt.Sprintf("column %s[%s] changes type from %s to %s", ot.Name, oc.Name, oc.DataType, nc.DataType)
			}
		}
	}
	return ""
}

// UpdateReportDefinition replaces a report's pages, filters and name; the dataset
// (the definition's datasetId, else the current one) must satisfy it.
func (s *Service) UpdateReportDefinition(ctx context.Context, workspaceID, id string, def *model.ReportDefinition) (*model.Report, error) {
	r, err := s.report(ctx, workspaceID, id, model.RoleContributor)
	if err != nil {
		return nil, err
	}
	if err := def.Validate(); err != nil {
		return nil, err
	}
	dsID := strings.TrimSpace(def.DatasetID)
	if dsID == "" {
		dsID = r.DatasetID
	}
	ds, err := s.DatasetByID(ctx, dsID)
	if err != nil {
		return nil, fieldNotFound("datasetId", err)
	}
	if err := s.requireDataset(ctx, ds, needBuild, "Build"); err != nil {
		return nil, err
	}
	def.FieldTypes = nil
	if err := incompatible(def, ds, "datasetId"); err != nil {
		return nil, err
	}
	def.DatasetID = ds.ID
	def.RecordFieldTypes(&ds.Definition)
	if err := s.store.RebindReport(ctx, r.ID, ds.ID, def); err != nil {
		return nil, err
	}
	return s.store.GetReport(ctx, r.ID)
}
