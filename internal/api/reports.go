package api

import (
	"context"
	"net/http"

	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// reportOut adds the dataset's workspace, which Power BI returns as datasetWorkspaceId.
func (a *API) reportOut(ctx context.Context, r *model.Report) reportDTO {
	dsWorkspace := ""
	if d, err := a.cat.DatasetByID(ctx, r.DatasetID); err == nil {
		dsWorkspace = d.WorkspaceID
	}
	return a.toReport(r, dsWorkspace)
}

func (a *API) listReports(w http.ResponseWriter, r *http.Request) error {
	rs, err := a.cat.ListReports(r.Context(), r.PathValue("groupId"))
	if err != nil {
		return err
	}
	out := make([]reportDTO, len(rs))
	for i, rep := range rs {
		out[i] = a.reportOut(r.Context(), rep)
	}
	writeList(w, out)
	return nil
}

func (a *API) createReport(w http.ResponseWriter, r *http.Request) error {
	var def model.ReportDefinition
	if err := decodeJSON(r, &def); err != nil {
		return err
	}
	rep, err := a.cat.CreateReport(r.Context(), r.PathValue("groupId"), &def)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a.reportOut(r.Context(), rep))
	return nil
}

func (a *API) getReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.cat.GetReport(r.Context(), r.PathValue("groupId"), r.PathValue("reportId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.reportOut(r.Context(), rep))
	return nil
}

func (a *API) deleteReport(w http.ResponseWriter, r *http.Request) error {
	if err := a.cat.DeleteReport(r.Context(), r.PathValue("groupId"), r.PathValue("reportId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *API) getReportDefinition(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.cat.GetReport(r.Context(), r.PathValue("groupId"), r.PathValue("reportId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep.Definition)
	return nil
}

type pageDTO struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Order       int    `json:"order"`
}

func (a *API) listPages(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.cat.GetReport(r.Context(), r.PathValue("groupId"), r.PathValue("reportId"))
	if err != nil {
		return err
	}
	out := make([]pageDTO, len(rep.Definition.Pages))
	for i, p := range rep.Definition.Pages {
		out[i] = pageDTO{Name: p.Name, DisplayName: p.DisplayName, Order: i}
	}
	writeList(w, out)
	return nil
}

func (a *API) cloneReport(w http.ResponseWriter, r *http.Request) error {
	var req catalog.CloneRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rep, err := a.cat.Clone(r.Context(), r.PathValue("groupId"), r.PathValue("reportId"), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.reportOut(r.Context(), rep))
	return nil
}

type datasetIDRequest struct {
	DatasetID string `json:"datasetId"`
}

func (a *API) rebindReport(w http.ResponseWriter, r *http.Request) error {
	var req datasetIDRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if _, err := a.cat.Rebind(r.Context(), r.PathValue("groupId"), r.PathValue("reportId"), req.DatasetID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

type compatibilityResponse struct {
	Compatible bool             `json:"compatible"`
	ReportID   string           `json:"reportId"`
	DatasetID  string           `json:"datasetId"`
	Mismatches []model.Mismatch `json:"mismatches"`
}

// checkCompatibility tells whether a dataset satisfies the report, listing every mismatch.
func (a *API) checkCompatibility(w http.ResponseWriter, r *http.Request) error {
	var req datasetIDRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.DatasetID == "" {
		return errs.Invalid("datasetId", "is required")
	}
	rep, err := a.cat.GetReport(r.Context(), r.PathValue("groupId"), r.PathValue("reportId"))
	if err != nil {
		return err
	}
	ds, ms, err := a.cat.Compatibility(r.Context(), rep, req.DatasetID)
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []model.Mismatch{}
	}
	writeJSON(w, http.StatusOK, compatibilityResponse{Compatible: len(ms) == 0, ReportID: rep.ID, DatasetID: ds.ID, Mismatches: ms})
	return nil
}

// putReportDefinition replaces a report's pages, filters and name.
func (a *API) putReportDefinition(w http.ResponseWriter, r *http.Request) error {
	var def model.ReportDefinition
	if err := decodeJSON(r, &def); err != nil {
		return err
	}
	rep, err := a.cat.UpdateReportDefinition(r.Context(), r.PathValue("groupId"), r.PathValue("reportId"), &def)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.reportOut(r.Context(), rep))
	return nil
}
