package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// listGroups supports Power BI's $top and $skip paging.
func (a *API) listGroups(w http.ResponseWriter, r *http.Request) error {
	ws, err := a.cat.ListWorkspaces(r.Context())
	if err != nil {
		return err
	}
	skip, top, err := paging(r)
	if err != nil {
		return err
	}
	out := []groupDTO{}
	for i, g := range ws {
		if i < skip || (top >= 0 && len(out) >= top) {
			continue
		}
		out = append(out, toGroup(g))
	}
	writeList(w, out)
	return nil
}

func paging(r *http.Request) (skip, top int, err error) {
	q := r.URL.Query()
	top = -1
	if v := q.Get("$top"); v != "" {
		if top, err = strconv.Atoi(v); err != nil || top < 0 {
			return 0, 0, errs.Invalid("$top", "must be a whole number >= 0")
		}
	}
	if v := q.Get("$skip"); v != "" {
		if skip, err = strconv.Atoi(v); err != nil || skip < 0 {
			return 0, 0, errs.Invalid("$skip", "must be a whole number >= 0")
		}
	}
	return skip, top, nil
}

type createGroupRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request) error {
	var req createGroupRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	ws := &model.Workspace{Name: req.Name, Description: req.Description}
	if err := a.cat.CreateWorkspace(r.Context(), ws); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toGroup(ws)) // Power BI answers 200, and its SDKs check for it
	return nil
}

func (a *API) getGroup(w http.ResponseWriter, r *http.Request) error {
	ws, err := a.cat.GetWorkspace(r.Context(), r.PathValue("groupId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toGroup(ws))
	return nil
}

func (a *API) updateGroup(w http.ResponseWriter, r *http.Request) error {
	var p catalog.WorkspacePatch
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	ws, err := a.cat.UpdateWorkspace(r.Context(), r.PathValue("groupId"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toGroup(ws))
	return nil
}

func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	if err := a.cat.DeleteWorkspace(r.Context(), r.PathValue("groupId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

type assignRequest struct {
	CapacityID *string `json:"capacityId"`
}

func (a *API) assignToCapacity(w http.ResponseWriter, r *http.Request) error {
	var req assignRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.CapacityID == nil {
		return errs.Invalid("capacityId", "is required (the empty GUID unassigns)")
	}
	if _, err := a.cat.AssignToCapacity(r.Context(), r.PathValue("groupId"), *req.CapacityID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

type assignmentStatus struct {
	Status     string `json:"status"`
	CapacityID string `json:"capacityId"`
	StartTime  string `json:"startTime"`
	EndTime    string `json:"endTime"`
}

// capacityAssignmentStatus: Bindery assigns synchronously, so an assignment is always complete.
func (a *API) capacityAssignmentStatus(w http.ResponseWriter, r *http.Request) error {
	ws, err := a.cat.GetWorkspace(r.Context(), r.PathValue("groupId"))
	if err != nil {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	cid := ws.CapacityID
	if cid == "" {
		cid = model.EmptyGUID
	}
	writeJSON(w, http.StatusOK, assignmentStatus{Status: "CompletedSuccessfully", CapacityID: cid, StartTime: now, EndTime: now})
	return nil
}

func (a *API) listGroupUsers(w http.ResponseWriter, r *http.Request) error {
	ms, err := a.cat.ListMembers(r.Context(), r.PathValue("groupId"))
	if err != nil {
		return err
	}
	out := make([]groupUserDTO, len(ms))
	for i, m := range ms {
		out[i] = toGroupUser(m)
	}
	writeList(w, out)
	return nil
}

// putGroupUser takes Power BI's GroupUser: the principal is named by identifier or, for users, emailAddress.
func (a *API) putGroupUser(w http.ResponseWriter, r *http.Request) error {
	var req groupUserDTO
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	id := req.Identifier
	if id == "" {
		id = req.EmailAddress
	}
	if id == "" {
		return errs.Invalid("identifier", "is required (or emailAddress for a user)")
	}
	m := &model.Member{Identifier: strings.TrimSpace(id), DisplayName: req.DisplayName,
		PrincipalType: model.PrincipalType(req.PrincipalType), Role: model.Role(req.GroupUserAccessRight)}
	if err := a.cat.PutMember(r.Context(), r.PathValue("groupId"), m); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *API) deleteGroupUser(w http.ResponseWriter, r *http.Request) error {
	if err := a.cat.DeleteMember(r.Context(), r.PathValue("groupId"), r.PathValue("user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
