package api

import (
	"net/http"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// datasetUserDTO is Power BI's DatasetUserAccess.
type datasetUserDTO struct {
	Identifier             string `json:"identifier"`
	PrincipalType          string `json:"principalType"`
	DatasetUserAccessRight string `json:"datasetUserAccessRight"`
}

func (a *API) listDatasetUsers(w http.ResponseWriter, r *http.Request) error {
	gs, err := a.cat.ListDatasetGrants(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"))
	if err != nil {
		return err
	}
	out := make([]datasetUserDTO, len(gs))
	for i, g := range gs {
		out[i] = datasetUserDTO{Identifier: g.Identifier, PrincipalType: string(g.PrincipalType), DatasetUserAccessRight: g.Permission.String()}
	}
	writeList(w, out)
	return nil
}

// putDatasetUser is Power BI's PostDatasetUser: grant Read, ReadReshare, ReadExplore or ReadReshareExplore.
func (a *API) putDatasetUser(w http.ResponseWriter, r *http.Request) error {
	var req datasetUserDTO
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	perm, ok := model.ParseDatasetAccessRight(req.DatasetUserAccessRight)
	if !ok {
		return errs.Invalid("datasetUserAccessRight", "must be Read, ReadReshare, ReadExplore or ReadReshareExplore (Write comes only from a workspace role), got %q", req.DatasetUserAccessRight)
	}
	g := &store.DatasetGrant{Identifier: strings.TrimSpace(req.Identifier), PrincipalType: model.PrincipalType(req.PrincipalType), Permission: perm}
	if err := a.cat.PutDatasetGrant(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"), g); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *API) deleteDatasetUser(w http.ResponseWriter, r *http.Request) error {
	if err := a.cat.DeleteDatasetGrant(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"), r.PathValue("user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
