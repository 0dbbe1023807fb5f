package api

import (
	"net/http"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/embed"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
	"github.com/bindery-dev/bindery/internal/queryexec"
)

type explainRequest struct {
	DatasetID string          `json:"datasetId"`
	Page      string          `json:"page"`
	Visual    string          `json:"visual"`
	Identity  *query.Identity `json:"identity"`
}

// explain shows the SQL a visual would run bound to a dataset under an identity,
// without running it. It needs the Admin role on the report's and the dataset's workspaces.
func (a *API) explain(w http.ResponseWriter, r *http.Request) error {
	var req explainRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	rep, err := a.cat.GetReport(ctx, r.PathValue("groupId"), r.PathValue("reportId"))
	if err != nil {
		return err
	}
	dsID := req.DatasetID
	if dsID == "" {
		dsID = rep.DatasetID
	}
	ds, err := a.cat.DatasetByID(ctx, dsID)
	if err != nil {
		return err
	}
	p := auth.FromContext(ctx)
	for _, ws := range []string{rep.WorkspaceID, ds.WorkspaceID} {
		role, err := a.cat.Authz().Role(ctx, p, ws)
		if err != nil {
			return err
		}
		if role != model.RoleAdmin {
			return authz.Denied("explaining queries needs the Admin role on the report's and the dataset's workspaces")
		}
	}
	q, err := embed.VisualQuery(&rep.Definition, req.Page, req.Visual)
	if err != nil {
		return err
	}
	if ds.Definition.IsEffectiveIdentityRequired() && req.Identity == nil {
		return errs.Invalid("identity", "dataset %q has row-level security: give the identity to explain under", ds.Name)
	}
	var capacity *model.Capacity
	if w, err := a.cat.Store().GetWorkspace(ctx, ds.WorkspaceID); err == nil && w.CapacityID != "" {
		capacity, _ = a.cat.Store().GetCapacity(ctx, w.CapacityID)
	}
	ex, err := a.opts.Executor.Explain(queryexec.Request{Dataset: ds, Capacity: capacity, Query: q, Identity: req.Identity})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ex)
	return nil
}
