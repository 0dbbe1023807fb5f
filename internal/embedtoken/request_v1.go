package embedtoken

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
)

// Access levels of the per-item GenerateTokenRequest (V1).
const (
	AccessView   = "View"
	AccessEdit   = "Edit"
	AccessCreate = "Create"
)

// ReportRequestV1 is the body of the per-report
// POST /v1.0/myorg/groups/{g}/reports/{r}/GenerateToken and of
// POST /v1.0/myorg/groups/{g}/reports/GenerateToken (GenerateTokenRequest).
type ReportRequestV1 struct {
	AccessLevel       string              `json:"accessLevel,omitempty"`
	DatasetID         string              `json:"datasetId,omitempty"`
	AllowSaveAs       LooseBool           `json:"allowSaveAs,omitempty"`
	Identities        []EffectiveIdentity `json:"identities,omitempty"`
	LifetimeInMinutes int                 `json:"lifetimeInMinutes,omitempty"`
}

// LooseBool accepts true, false, "true" and "false": a swagger example sends
// "allowSaveAs":"true" as a string, so clients copied from it do too.
type LooseBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (b *LooseBool) UnmarshalJSON(data []byte) error {
	switch string(bytes.ToLower(bytes.Trim(data, `"`))) {
	case "true":
		*b = true
	case "false", "null", "":
		*b = false
	default:
		return fmt.Errorf("allowSaveAs: %s is not a boolean", data)
	}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (b LooseBool) MarshalJSON() ([]byte, error) { return json.Marshal(bool(b)) }

// ToV2 validates the V1 request and turns it into the equivalent V2 request,
// so both routes share one pipeline. groupID is the workspace in the URL;
// reportID and reportDatasetID are the report in the URL and its dataset
// ("" for the create route, where the dataset comes from datasetId). Errors
// are *errs.Error.
func (r *ReportRequestV1) ToV2(groupID, reportID, reportDatasetID string) (*Request, error) {
	level := AccessView
	switch {
	case r.AccessLevel == "" || strings.EqualFold(r.AccessLevel, AccessView):
	case strings.EqualFold(r.AccessLevel, AccessEdit):
		level = AccessEdit
	case strings.EqualFold(r.AccessLevel, AccessCreate):
		level = AccessCreate
	default:
		return nil, errs.Invalid("accessLevel", "must be one of View, Edit, Create")
	}
	v2 := &Request{LifetimeInMinutes: r.LifetimeInMinutes}
	if level == AccessCreate {
		if r.DatasetID == "" {
			return nil, errs.Invalid("datasetId", "is required for accessLevel Create")
		}
		if len(r.Identities) > 0 {
			// Power BI answers 403 Forbidden here (reference §1.5).
			return nil, errs.New(errs.KindForbidden, "Forbidden", "Effective identities are not allowed for report creation tokens")
		}
		v2.Datasets = []DatasetRequest{{ID: r.DatasetID}}
		v2.TargetWorkspaces = []TargetWorkspaceRequest{{ID: groupID}}
	} else {
		if reportID == "" || reportDatasetID == "" {
			return nil, errs.Invalid("accessLevel", "View and Edit tokens are generated for a report")
		}
		v2.Reports = []ReportRequest{{ID: reportID, AllowEdit: level == AccessEdit}}
		v2.Datasets = []DatasetRequest{{ID: reportDatasetID}}
		if r.AllowSaveAs {
			v2.TargetWorkspaces = []TargetWorkspaceRequest{{ID: groupID}}
		}
		// V1 identities often omit datasets: they mean the report's dataset.
		for _, e := range r.Identities {
			if len(e.Datasets) == 0 && len(e.Reports) == 0 {
				e.Datasets = []string{reportDatasetID}
			}
			v2.Identities = append(v2.Identities, e)
		}
	}
	if err := v2.Validate(); err != nil {
		return nil, err
	}
	return v2, nil
}
