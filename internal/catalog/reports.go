package catalog

import (
	"context"
	"fmt"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// CreateReport validates a definition against its dataset and stores it.
func (s *Service) CreateReport(ctx context.Context, workspaceID string, def *model.ReportDefinition) (*model.Report, error) {
	w, err := s.workspace(ctx, workspaceID, model.RoleContributor)
	if err != nil {
		return nil, err
	}
	if err := def.Validate(); err != nil {
		return nil, err
	}
	if def.DatasetID == "" {
		return nil, errs.Invalid("datasetId", "is required: a report is published against a dataset")
	}
	ds, err := s.DatasetByID(ctx, def.DatasetID)
	if err != nil {
		return nil, fieldNotFound("datasetId", err)
	}
	if err := s.requireDataset(ctx, ds, needBuild, "Build"); err != nil {
		return nil, err
	}
	def.FieldTypes = nil // recorded from the dataset, never taken from the request
	if err := incompatible(def, ds, "datasetId"); err != nil {
		return nil, err
	}
	def.DatasetID = ds.ID
	def.RecordFieldTypes(&ds.Definition)
	r := &model.Report{ID: model.NewID(), WorkspaceID: w.ID, Name: def.Name, DatasetID: ds.ID, Definition: *def}
	if err := s.store.CreateReport(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// GetReport returns a report of the workspace the caller may read.
func (s *Service) GetReport(ctx context.Context, workspaceID, id string) (*model.Report, error) {
	return s.report(ctx, workspaceID, id, model.RoleViewer)
}

// report loads a report of a workspace where the caller has at least min.
func (s *Service) report(ctx context.Context, workspaceID, id string, min model.Role) (*model.Report, error) {
	w, err := s.workspace(ctx, workspaceID, min)
	if err != nil {
		return nil, err
	}
	r, err := s.ReportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.WorkspaceID != w.ID {
		return nil, errs.NotFound("report", id)
	}
	return r, nil
}

// ReportByID returns a report in any workspace, without checking permissions (callers do).
func (s *Service) ReportByID(ctx context.Context, id string) (*model.Report, error) {
	nid, ok := model.NormalizeID(id)
	if !ok {
		return nil, errs.NotFound("report", id)
	}
	return s.store.GetReport(ctx, nid)
}

// ListReports returns a workspace's reports.
func (s *Service) ListReports(ctx context.Context, workspaceID string) ([]*model.Report, error) {
	w, err := s.workspace(ctx, workspaceID, model.RoleViewer)
	if err != nil {
		return nil, err
	}
	return s.store.ListReports(ctx, w.ID)
}

// DeleteReport removes a report.
func (s *Service) DeleteReport(ctx context.Context, workspaceID, id string) error {
	r, err := s.report(ctx, workspaceID, id, model.RoleContributor)
	if err != nil {
		return err
	}
	return s.store.DeleteReport(ctx, r.ID)
}

// Compatibility checks a report against any dataset the caller may read.
func (s *Service) Compatibility(ctx context.Context, r *model.Report, datasetID string) (*model.Dataset, []model.Mismatch, error) {
	ds, err := s.DatasetByID(ctx, datasetID)
	if err != nil {
		return nil, nil, fieldNotFound("datasetId", err)
	}
	if err := s.requireDataset(ctx, ds, needRead, "Read"); err != nil {
		return nil, nil, err
	}
	return ds, model.Compatibility(&r.Definition, &ds.Definition), nil
}

// Rebind points the report at another dataset for everyone, refusing an incompatible one.
func (s *Service) Rebind(ctx context.Context, workspaceID, id, datasetID string) (*model.Report, error) {
	r, err := s.report(ctx, workspaceID, id, model.RoleContributor)
	if err != nil {
		return nil, err
	}
	if datasetID == "" {
		return nil, errs.Invalid("datasetId", "is required")
	}
	ds, err := s.DatasetByID(ctx, datasetID)
	if err != nil {
		return nil, fieldNotFound("datasetId", err)
	}
	if err := s.requireDataset(ctx, ds, needBuild, "Build"); err != nil {
		return nil, err
	}
	if err := incompatible(&r.Definition, ds, "datasetId"); err != nil {
		return nil, err
	}
	def := r.Definition
	def.DatasetID = ds.ID
	if err := s.store.RebindReport(ctx, r.ID, ds.ID, &def); err != nil {
		return nil, err
	}
	return s.store.GetReport(ctx, r.ID)
}

// CloneRequest is Power BI's CloneReportRequest.
type CloneRequest struct {
	Name              string `json:"name"`
	TargetWorkspaceID string `json:"targetWorkspaceId"`
	TargetModelID     string `json:"targetModelId"`
}

// Clone copies a report, optionally into another workspace and onto another dataset.
func (s *Service) Clone(ctx context.Context, workspaceID, id string, req CloneRequest) (*model.Report, error) {
	r, err := s.report(ctx, workspaceID, id, model.RoleContributor)
	if err != nil {
		return nil, err
	}
	def := r.Definition
	def.Name = req.Name
	if err := def.Validate(); err != nil {
		return nil, err
	}
	target := r.WorkspaceID
	if req.TargetWorkspaceID != "" {
		tid, ok := model.NormalizeID(req.TargetWorkspaceID)
		if !ok {
			return nil, errs.Invalid("targetWorkspaceId", "must be a GUID, got %q", req.TargetWorkspaceID)
		}
		if tid == model.EmptyGUID {
			return nil, errs.Invalid("targetWorkspaceId", "Bindery has no personal workspace; name a workspace")
		}
		if _, err := s.store.GetWorkspace(ctx, tid); err != nil {
			return nil, fieldNotFound("targetWorkspaceId", err)
		}
		if _, err := s.workspace(ctx, tid, model.RoleContributor); err != nil {
			return nil, err
		}
		target = tid
	}
	dsID := r.DatasetID
	if req.TargetModelID != "" {
		ds, err := s.DatasetByID(ctx, req.TargetModelID)
		if err != nil {
			return nil, fieldNotFound("targetModelId", err)
		}
		if err := s.requireDataset(ctx, ds, needBuild, "Build"); err != nil {
			return nil, err
		}
		if err := incompatible(&def, ds, "targetModelId"); err != nil {
			return nil, err
		}
		dsID = ds.ID
	}
	def.DatasetID = dsID
	c := &model.Report{ID: model.NewID(), WorkspaceID: target, Name: def.Name, DatasetID: dsID, Definition: def}
	if err := s.store.CreateReport(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// incompatible returns a 400 listing every mismatch, or nil. field names the
// request field that chose the dataset (datasetId, or Clone's targetModelId).
func incompatible(def *model.ReportDefinition, ds *model.Dataset, field string) error {
	ms := model.Compatibility(def, &ds.Definition)
	if len(ms) == 0 {
		return nil
	}
	e := errs.New(errs.KindInvalid, "IncompatibleDataset",
		"dataset %q (%s) does not satisfy the report: %d field(s) missing or of the wrong type", ds.Name, ds.ID, len(ms))
	e.Field = field
	for _, m := range ms {
		e.Details = append(e.Details, errs.Detail{Code: m.Code, Message: m.Message, Target: m.Field})
	}
	e.Message += fmt.Sprintf(" (first: %s)", ms[0].Message)
	return e
}
