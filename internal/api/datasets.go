package api

import (
	"net/http"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

func (a *API) listDatasets(w http.ResponseWriter, r *http.Request) error {
	ds, err := a.cat.ListDatasets(r.Context(), r.PathValue("groupId"))
	if err != nil {
		return err
	}
	out := make([]datasetDTO, len(ds))
	for i, d := range ds {
		out[i] = a.toDataset(d)
	}
	writeList(w, out)
	return nil
}

// createDataset accepts Bindery's definition and Power BI's push-dataset body alike.
func (a *API) createDataset(w http.ResponseWriter, r *http.Request) error {
	var def model.DatasetDefinition
	if err := decodeJSON(r, &def); err != nil {
		return err
	}
	switch p := r.URL.Query().Get("defaultRetentionPolicy"); p {
	case "", "None", "basicFIFO":
	default:
		return errs.Invalid("defaultRetentionPolicy", "must be None or basicFIFO, got %q", p)
	}
	d, err := a.cat.CreateDataset(r.Context(), r.PathValue("groupId"), &def, auth.FromContext(r.Context()).Identifier)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a.toDataset(d))
	return nil
}

func (a *API) getDataset(w http.ResponseWriter, r *http.Request) error {
	d, err := a.cat.GetDataset(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.toDataset(d))
	return nil
}

func (a *API) deleteDataset(w http.ResponseWriter, r *http.Request) error {
	if err := a.cat.DeleteDataset(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *API) getDatasetDefinition(w http.ResponseWriter, r *http.Request) error {
	d, err := a.cat.GetDataset(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d.Definition)
	return nil
}

type tableDTO struct {
	Name     string          `json:"name"`
	Columns  []model.Column  `json:"columns"`
	Measures []model.Measure `json:"measures"`
	RowCount int64           `json:"rowCount"`
}

func (a *API) listTables(w http.ResponseWriter, r *http.Request) error {
	d, err := a.cat.GetDataset(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"))
	if err != nil {
		return err
	}
	counts, err := a.cat.RowCounts(r.Context(), d)
	if err != nil {
		return err
	}
	out := make([]tableDTO, len(d.Definition.Tables))
	for i, t := range d.Definition.Tables {
		ms := t.Measures
		if ms == nil {
			ms = []model.Measure{}
		}
		out[i] = tableDTO{Name: t.Name, Columns: t.Columns, Measures: ms, RowCount: counts[t.Name]}
	}
	writeList(w, out)
	return nil
}

type pushRowsRequest struct {
	Rows []map[string]any `json:"rows"`
}

func (a *API) pushRows(w http.ResponseWriter, r *http.Request) error {
	var req pushRowsRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Rows == nil {
		return errs.Invalid("rows", "is required: {\"rows\": [{...}]}")
	}
	if _, err := a.cat.PushRows(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"), r.PathValue("tableName"), req.Rows); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

func (a *API) deleteRows(w http.ResponseWriter, r *http.Request) error {
	if err := a.cat.DeleteRows(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"), r.PathValue("tableName")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// putDatasetDefinition replaces measures, relationships, roles and column properties, keeping the data.
func (a *API) putDatasetDefinition(w http.ResponseWriter, r *http.Request) error {
	var def model.DatasetDefinition
	if err := decodeJSON(r, &def); err != nil {
		return err
	}
	d, err := a.cat.UpdateDatasetDefinition(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"), &def)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.toDataset(d))
	return nil
}

type readableDatasetDTO struct {
	datasetDTO
	WorkspaceID string `json:"workspaceId"`
}

// listReadableDatasets lists every dataset the caller may read, across workspaces and grants.
// (Power BI's /v1.0/myorg/datasets lists "My workspace"; Bindery has none, so it lists what a caller may bind.)
func (a *API) listReadableDatasets(w http.ResponseWriter, r *http.Request) error {
	ds, err := a.cat.ListReadableDatasets(r.Context())
	if err != nil {
		return err
	}
	out := make([]readableDatasetDTO, len(ds))
	for i, d := range ds {
		out[i] = readableDatasetDTO{datasetDTO: a.toDataset(d), WorkspaceID: d.WorkspaceID}
	}
	writeList(w, out)
	return nil
}
