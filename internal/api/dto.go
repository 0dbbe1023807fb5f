package api

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/model"
)

// list is Power BI's collection shape.
type list[T any] struct {
	Context string `json:"@odata.context,omitempty"`
	Value   []T    `json:"value"`
}

func writeList[T any](w http.ResponseWriter, items []T) {
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, list[T]{Value: items})
}

type capacityDTO struct {
	ID                      string               `json:"id"`
	DisplayName             string               `json:"displayName"`
	Admins                  []string             `json:"admins"`
	SKU                     string               `json:"sku"`
	State                   model.CapacityState  `json:"state"`
	Region                  string               `json:"region"`
	CapacityUserAccessRight string               `json:"capacityUserAccessRight"`
	Limits                  model.CapacityLimits `json:"limits"`
}

func toCapacity(ctx context.Context, c *model.Capacity) capacityDTO {
	admins := c.Admins
	if admins == nil {
		admins = []string{}
	}
	return capacityDTO{ID: c.ID, DisplayName: c.DisplayName, Admins: admins, SKU: c.SKU, State: c.State,
		Region: c.Region, CapacityUserAccessRight: catalog.CapacityAccess(ctx, c), Limits: c.Limits}
}

type groupDTO struct {
	ID                          string `json:"id"`
	Name                        string `json:"name"`
	Description                 string `json:"description,omitempty"`
	IsReadOnly                  bool   `json:"isReadOnly"`
	IsOnDedicatedCapacity       bool   `json:"isOnDedicatedCapacity"`
	CapacityID                  string `json:"capacityId,omitempty"`
	DefaultDatasetStorageFormat string `json:"defaultDatasetStorageFormat,omitempty"`
}

func toGroup(w *model.Workspace) groupDTO {
	g := groupDTO{ID: w.ID, Name: w.Name, Description: w.Description, CapacityID: w.CapacityID}
	if w.CapacityID != "" {
		g.IsOnDedicatedCapacity = true
		g.DefaultDatasetStorageFormat = "Small"
	}
	return g
}

type groupUserDTO struct {
	Identifier           string `json:"identifier"`
	EmailAddress         string `json:"emailAddress,omitempty"`
	DisplayName          string `json:"displayName,omitempty"`
	GroupUserAccessRight string `json:"groupUserAccessRight"`
	PrincipalType        string `json:"principalType"`
}

func toGroupUser(m *model.Member) groupUserDTO {
	return groupUserDTO{Identifier: m.Identifier, DisplayName: m.DisplayName,
		GroupUserAccessRight: string(m.Role), PrincipalType: string(m.PrincipalType)}
}

type datasetDTO struct {
	ID                               string            `json:"id"`
	Name                             string            `json:"name"`
	ConfiguredBy                     string            `json:"configuredBy,omitempty"`
	CreatedDate                      string            `json:"createdDate"`
	WebURL                           string            `json:"webUrl"`
	StorageMode                      model.StorageMode `json:"storageMode"`
	TargetStorageMode                string            `json:"targetStorageMode"`
	AddRowsAPIEnabled                bool              `json:"addRowsAPIEnabled"`
	IsRefreshable                    bool              `json:"isRefreshable"`
	IsEffectiveIdentityRequired      bool              `json:"isEffectiveIdentityRequired"`
	IsEffectiveIdentityRolesRequired bool              `json:"isEffectiveIdentityRolesRequired"`
	IsOnPremGatewayRequired          bool              `json:"isOnPremGatewayRequired"`
	DataVersion                      int64             `json:"dataVersion"`
}

func (a *API) toDataset(d *model.Dataset) datasetDTO {
	return datasetDTO{
		ID: d.ID, Name: d.Name, ConfiguredBy: d.ConfiguredBy, CreatedDate: d.CreatedAt.UTC().Format(time.RFC3339),
		WebURL:      a.opts.PublicURL + "/groups/" + d.WorkspaceID + "/datasets/" + d.ID,
		StorageMode: d.StorageMode, TargetStorageMode: "Abf",
		AddRowsAPIEnabled:                d.StorageMode == model.StoragePush || d.StorageMode == model.StorageImport,
		IsRefreshable:                    false,
		IsEffectiveIdentityRequired:      d.Definition.IsEffectiveIdentityRequired(),
		IsEffectiveIdentityRolesRequired: d.Definition.IsEffectiveIdentityRolesRequired(),
		DataVersion:                      d.DataVersion,
	}
}

type reportDTO struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Description        string   `json:"description,omitempty"`
	ReportType         string   `json:"reportType"`
	DatasetID          string   `json:"datasetId"`
	DatasetWorkspaceID string   `json:"datasetWorkspaceId"`
	WebURL             string   `json:"webUrl"`
	EmbedURL           string   `json:"embedUrl"`
	IsFromPbix         bool     `json:"isFromPbix"`
	IsOwnedByMe        bool     `json:"isOwnedByMe"`
	Users              []string `json:"users"`
	Subscriptions      []string `json:"subscriptions"`
}

// EmbedURL is the embed page address of a report: public URL + /reportEmbed?reportId=…&groupId=….
func EmbedURL(publicURL, reportID, workspaceID string) string {
	// Built by hand to keep Power BI's parameter order; GUIDs need no escaping but are escaped anyway.
	return publicURL + "/reportEmbed?reportId=" + url.QueryEscape(reportID) + "&groupId=" + url.QueryEscape(workspaceID)
}

func (a *API) toReport(r *model.Report, datasetWorkspaceID string) reportDTO {
	return reportDTO{
		ID: r.ID, Name: r.Name, Description: r.Definition.Description, ReportType: "PowerBIReport",
		DatasetID: r.DatasetID, DatasetWorkspaceID: datasetWorkspaceID,
		WebURL:      a.opts.PublicURL + "/groups/" + r.WorkspaceID + "/reports/" + r.ID,
		EmbedURL:    EmbedURL(a.opts.PublicURL, r.ID, r.WorkspaceID),
		IsOwnedByMe: true, Users: []string{}, Subscriptions: []string{},
	}
}
