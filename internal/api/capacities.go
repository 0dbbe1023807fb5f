package api

import (
	"net/http"

	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/model"
)

func (a *API) listCapacities(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.cat.ListCapacities(r.Context())
	if err != nil {
		return err
	}
	out := make([]capacityDTO, len(cs))
	for i, c := range cs {
		out[i] = toCapacity(r.Context(), c)
	}
	writeList(w, out)
	return nil
}

type createCapacityRequest struct {
	DisplayName string               `json:"displayName"`
	SKU         string               `json:"sku"`
	Region      string               `json:"region"`
	Admins      []string             `json:"admins"`
	State       model.CapacityState  `json:"state"`
	Limits      model.CapacityLimits `json:"limits"`
}

func (a *API) createCapacity(w http.ResponseWriter, r *http.Request) error {
	var req createCapacityRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	c := &model.Capacity{DisplayName: req.DisplayName, SKU: req.SKU, Region: req.Region, Admins: req.Admins,
		State: req.State, Limits: req.Limits}
	if err := a.cat.CreateCapacity(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toCapacity(r.Context(), c))
	return nil
}

func (a *API) getCapacity(w http.ResponseWriter, r *http.Request) error {
	c, err := a.cat.GetCapacity(r.Context(), r.PathValue("capacityId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCapacity(r.Context(), c))
	return nil
}

func (a *API) updateCapacity(w http.ResponseWriter, r *http.Request) error {
	var p catalog.CapacityPatch
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	c, err := a.cat.UpdateCapacity(r.Context(), r.PathValue("capacityId"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCapacity(r.Context(), c))
	return nil
}

func (a *API) suspendCapacity(w http.ResponseWriter, r *http.Request) error {
	return a.setCapacityState(w, r, model.CapacitySuspended)
}

func (a *API) resumeCapacity(w http.ResponseWriter, r *http.Request) error {
	return a.setCapacityState(w, r, model.CapacityActive)
}

func (a *API) setCapacityState(w http.ResponseWriter, r *http.Request, s model.CapacityState) error {
	c, err := a.cat.SetCapacityState(r.Context(), r.PathValue("capacityId"), s)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCapacity(r.Context(), c))
	return nil
}

type capacityLoadDTO struct {
	CapacityID           string              `json:"capacityId"`
	State                model.CapacityState `json:"state"`
	InFlight             int                 `json:"inFlight"`
	Queued               int                 `json:"queued"`
	MaxConcurrentQueries int                 `json:"maxConcurrentQueries"`
	Workspaces           int                 `json:"workspaces"`
}

// capacityLoad is Bindery's live view of a capacity: queries running and waiting now.
func (a *API) capacityLoad(w http.ResponseWriter, r *http.Request) error {
	c, err := a.cat.GetCapacity(r.Context(), r.PathValue("capacityId"))
	if err != nil {
		return err
	}
	out := capacityLoadDTO{CapacityID: c.ID, State: c.State, MaxConcurrentQueries: c.Limits.MaxConcurrentQueries}
	if a.opts.Governor != nil {
		st := a.opts.Governor.Stats(c)
		out.InFlight, out.Queued = st.InFlight, st.Queued
	}
	ws, err := a.cat.Store().ListWorkspaces(r.Context())
	if err != nil {
		return err
	}
	for _, x := range ws {
		if x.CapacityID == c.ID {
			out.Workspaces++
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
