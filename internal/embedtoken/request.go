package embedtoken

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/google/uuid"
)

// Limits of a GenerateToken request (reference §1.4, §7).
const (
	MaxItems            = 50   // reports, datasets and target workspaces, each
	MaxRolesPerIdentity = 50   // roles in one effective identity
	MaxRoleLength       = 50   // characters in one role name
	MaxUsernameLength   = 256  // characters in an effective identity's username
	MaxCustomDataLength = 1024 // Bindery's bound; Power BI documents none
	// MaxIdentities is Bindery's bound (Power BI documents none): one identity
	// per dataset plus one per paginated report is all a request can use.
	MaxIdentities = 2 * MaxItems
)

// XMLA permission values of datasets[].xmlaPermissions.
const (
	XmlaOff      = "Off"
	XmlaReadOnly = "ReadOnly"
)

// Request is the body of POST /v1.0/myorg/GenerateToken (GenerateTokenRequestV2).
type Request struct {
	Datasets             []DatasetRequest         `json:"datasets,omitempty"`
	Reports              []ReportRequest          `json:"reports,omitempty"`
	TargetWorkspaces     []TargetWorkspaceRequest `json:"targetWorkspaces,omitempty"`
	Identities           []EffectiveIdentity      `json:"identities,omitempty"`
	LifetimeInMinutes    int                      `json:"lifetimeInMinutes,omitempty"`
	DatasourceIdentities []json.RawMessage        `json:"datasourceIdentities,omitempty"` // SSO; refused: Bindery has none
}

// DatasetRequest is GenerateTokenRequestV2Dataset.
type DatasetRequest struct {
	ID              string `json:"id"`
	XmlaPermissions string `json:"xmlaPermissions,omitempty"`
}

// ReportRequest is GenerateTokenRequestV2Report.
type ReportRequest struct {
	ID        string `json:"id"`
	AllowEdit bool   `json:"allowEdit,omitempty"`
}

// TargetWorkspaceRequest is GenerateTokenRequestV2TargetWorkspace.
type TargetWorkspaceRequest struct {
	ID string `json:"id"`
}

// EffectiveIdentity is the RLS identity of a request.
type EffectiveIdentity struct {
	Username         string        `json:"username"`
	Roles            []string      `json:"roles,omitempty"`
	Datasets         []string      `json:"datasets,omitempty"`
	CustomData       string        `json:"customData,omitempty"`
	Reports          []string      `json:"reports,omitempty"`
	IdentityBlob     *IdentityBlob `json:"identityBlob,omitempty"` // Azure SQL token; refused: Bindery has no such source
	AuditableContext string        `json:"auditableContext,omitempty"`
}

// IdentityBlob is {"value": "<OAuth 2.0 access token>"}.
type IdentityBlob struct {
	Value string `json:"value"`
}

// Validate applies the rules that need no database: list sizes, GUIDs (which
// it rewrites in place to lower-case canonical form), duplicates, xmlaPermissions,
// identity shapes and lifetimeInMinutes. Errors are *errs.Error (KindInvalid,
// code InvalidRequest) naming the offending field.
func (r *Request) Validate() error {
	if len(r.Datasets) == 0 && len(r.Reports) == 0 && len(r.TargetWorkspaces) == 0 {
		return errs.Invalid("", "at least one of reports, datasets or targetWorkspaces is required")
	}
	if err := checkCount("datasets", len(r.Datasets), MaxItems); err != nil {
		return err
	}
	if err := checkCount("reports", len(r.Reports), MaxItems); err != nil {
		return err
	}
	if err := checkCount("targetWorkspaces", len(r.TargetWorkspaces), MaxItems); err != nil {
		return err
	}
	if err := checkCount("identities", len(r.Identities), MaxIdentities); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range r.Datasets {
		d := &r.Datasets[i]
		f := fmt.Sprintf("datasets[%d]", i)
		if err := normalizeUnique(f+".id", &d.ID, "dataset", seen); err != nil {
			return err
		}
		switch {
		case d.XmlaPermissions == "":
		case strings.EqualFold(d.XmlaPermissions, XmlaOff):
			d.XmlaPermissions = XmlaOff
		case strings.EqualFold(d.XmlaPermissions, XmlaReadOnly):
			d.XmlaPermissions = XmlaReadOnly
		default:
			return errs.Invalid(f+".xmlaPermissions", "must be %q or %q", XmlaOff, XmlaReadOnly)
		}
	}
	datasets := seen
	seen = map[string]bool{}
	for i := range r.Reports {
		if err := normalizeUnique(fmt.Sprintf("reports[%d].id", i), &r.Reports[i].ID, "report", seen); err != nil {
			return err
		}
	}
	reports := seen
	seen = map[string]bool{}
	for i := range r.TargetWorkspaces {
		if err := normalizeUnique(fmt.Sprintf("targetWorkspaces[%d].id", i), &r.TargetWorkspaces[i].ID, "workspace", seen); err != nil {
			return err
		}
	}
	for i := range r.Identities {
		if err := r.Identities[i].validate(fmt.Sprintf("identities[%d]", i), datasets, reports); err != nil {
			return err
		}
	}
	if len(r.DatasourceIdentities) > 0 {
		return errs.Invalid("datasourceIdentities", "single sign-on data source identities are not supported")
	}
	if r.LifetimeInMinutes < 0 {
		return errs.Invalid("lifetimeInMinutes", "must not be negative")
	}
	return nil
}

// validate checks one identity. datasets and reports are the request's own
// lists: an identity may only name items the token will hold. When they are
// nil (a per-report request with no lists) item membership is left to
// CheckIdentities.
func (e *EffectiveIdentity) validate(f string, datasets, reports map[string]bool) error {
	if err := ValidateUsername(f+".username", e.Username); err != nil {
		return err
	}
	if len(e.Datasets) == 0 && len(e.Reports) == 0 {
		return errs.Invalid(f+".datasets", "an effective identity must name the datasets it applies to")
	}
	if err := checkCount(f+".roles", len(e.Roles), MaxRolesPerIdentity); err != nil {
		return err
	}
	for j, role := range e.Roles {
		rf := fmt.Sprintf("%s.roles[%d]", f, j)
		switch {
		case role == "":
			return errs.Invalid(rf, "must not be empty")
		case len([]rune(role)) > MaxRoleLength:
			return errs.Invalid(rf, "a role must not exceed %d characters", MaxRoleLength)
		case strings.Contains(role, ","):
			return errs.Invalid(rf, "a role can contain any character except ','")
		}
	}
	if err := normalizeRefs(f+".datasets", e.Datasets, "dataset", datasets); err != nil {
		return err
	}
	if err := normalizeRefs(f+".reports", e.Reports, "report", reports); err != nil {
		return err
	}
	if len(e.CustomData) > MaxCustomDataLength {
		return errs.Invalid(f+".customData", "must be at most %d bytes", MaxCustomDataLength)
	}
	if e.IdentityBlob != nil {
		return errs.Invalid(f+".identityBlob", "identity blobs (Azure SQL tokens) are not supported")
	}
	return nil
}

// ValidateUsername applies the effective-identity username rules: required,
// printable ASCII, no spaces, at most 256 characters.
func ValidateUsername(field, s string) error {
	if s == "" {
		return errs.Invalid(field, "is required for an effective identity")
	}
	if len(s) > MaxUsernameLength {
		return errs.Invalid(field, "must not exceed %d characters", MaxUsernameLength)
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f {
			return errs.Invalid(field, "must be ASCII without spaces")
		}
	}
	return nil
}

func checkCount(field string, n, max int) error {
	if n > max {
		return errs.Invalid(field, "at most %d items are allowed, got %d", max, n)
	}
	return nil
}

// normalizeUnique canonicalizes *id and refuses repeats.
func normalizeUnique(field string, id *string, what string, seen map[string]bool) error {
	n, ok := model.NormalizeID(*id)
	if !ok {
		return errs.Invalid(field, "%q is not a valid %s id (a GUID)", *id, what)
	}
	if seen[n] {
		return errs.Invalid(field, "%s %s is listed twice", what, n)
	}
	seen[n] = true
	*id = n
	return nil
}

// normalizeRefs canonicalizes ids that must be among in (when in is non-nil).
func normalizeRefs(field string, ids []string, what string, in map[string]bool) error {
	seen := map[string]bool{}
	for j := range ids {
		f := fmt.Sprintf("%s[%d]", field, j)
		if err := normalizeUnique(f, &ids[j], what, seen); err != nil {
			return err
		}
		if in != nil && !in[ids[j]] {
			return errs.Invalid(f, "%s %s is not in the request's %ss", what, ids[j], what)
		}
	}
	return nil
}

// Expiration is the token's expiry: the earliest of now+lifetimeInMinutes
// (when positive; 0 means the default), now+limit (the configured cap) and
// the caller's own access token expiry (when non-zero). It is truncated to
// whole seconds, the resolution of the token and of the response.
func Expiration(now time.Time, lifetimeInMinutes int, limit time.Duration, callerTokenExpiry time.Time) time.Time {
	exp := now.Add(limit)
	// Compare in minutes first: a huge lifetimeInMinutes would overflow a Duration.
	if lifetimeInMinutes > 0 && int64(lifetimeInMinutes) < int64(limit/time.Minute) {
		exp = now.Add(time.Duration(lifetimeInMinutes) * time.Minute)
	}
	if !callerTokenExpiry.IsZero() && callerTokenExpiry.Before(exp) {
		exp = callerTokenExpiry
	}
	return exp.UTC().Truncate(time.Second)
}

// Claims builds the token claims for a validated request: a new TokenID, the
// grants as requested, and identities as returned by CheckIdentities.
func (r *Request) Claims(caller string, identities []Identity, issuedAt, expiry time.Time) Claims {
	c := Claims{
		TokenID:    uuid.NewString(),
		IssuedAt:   issuedAt.UTC().Truncate(time.Second),
		Expiry:     expiry,
		Caller:     caller,
		Identities: identities,
	}
	for _, d := range r.Datasets {
		c.Datasets = append(c.Datasets, DatasetGrant(d))
	}
	for _, rep := range r.Reports {
		c.Reports = append(c.Reports, ReportGrant(rep))
	}
	for _, w := range r.TargetWorkspaces {
		c.TargetWorkspaces = append(c.TargetWorkspaces, w.ID)
	}
	return c
}
