package model

import (
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

// Workspace (Power BI "group") holds reports and datasets and has members.
type Workspace struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CapacityID  string    `json:"capacityId,omitempty"` // "" when not on a capacity
	CreatedAt   time.Time `json:"-"`
}

// Validate checks a workspace before it is stored.
func (w *Workspace) Validate() error {
	if err := validateName("name", w.Name); err != nil {
		return err
	}
	if len(w.Description) > 4000 {
		return errs.Invalid("description", "must be at most 4000 characters")
	}
	return nil
}

// Role is a workspace role. Higher roles include the rights of lower ones.
type Role string

// Workspace roles, from Power BI's groupUserAccessRight.
const (
	RoleViewer      Role = "Viewer"
	RoleContributor Role = "Contributor"
	RoleMember      Role = "Member"
	RoleAdmin       Role = "Admin"
)

// Rank orders roles: Admin > Member > Contributor > Viewer; 0 for anything else.
func (r Role) Rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleContributor:
		return 2
	case RoleMember:
		return 3
	case RoleAdmin:
		return 4
	}
	return 0
}

// AtLeast reports whether r includes the rights of min.
func (r Role) AtLeast(min Role) bool { return r.Rank() >= min.Rank() && r.Rank() > 0 }

// PrincipalType tells users from apps, as Power BI's principalType does.
type PrincipalType string

// Principal types.
const (
	PrincipalUser PrincipalType = "User"
	PrincipalApp  PrincipalType = "App"
)

// Member is a principal's role in a workspace.
type Member struct {
	WorkspaceID   string        `json:"-"`
	Identifier    string        `json:"identifier"` // user name/email or app client id
	DisplayName   string        `json:"displayName,omitempty"`
	PrincipalType PrincipalType `json:"principalType"`
	Role          Role          `json:"groupUserAccessRight"`
}

// Validate checks a membership before it is stored.
func (m *Member) Validate() error {
	if err := validateName("identifier", m.Identifier); err != nil {
		return err
	}
	if m.Role.Rank() == 0 {
		return errs.Invalid("groupUserAccessRight", "must be one of Admin, Member, Contributor, Viewer, got %q", m.Role)
	}
	if m.PrincipalType != PrincipalUser && m.PrincipalType != PrincipalApp {
		return errs.Invalid("principalType", "must be User or App, got %q", m.PrincipalType)
	}
	return nil
}
