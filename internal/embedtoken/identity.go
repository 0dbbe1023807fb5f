package embedtoken

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
)

// DatasetRLS is what the identity rules need to know about one looked-up
// dataset of the token, as plain values (from model.DatasetDefinition).
type DatasetRLS struct {
	ID               string   // canonical GUID
	IdentityRequired bool     // IsEffectiveIdentityRequired: the dataset has RLS
	RolesRequired    bool     // IsEffectiveIdentityRolesRequired
	Roles            []string // the role names the dataset defines
}

// CheckIdentities applies the effective-identity rules of reference §1.4/§7
// to validated request identities and the token's datasets: an identity is
// given exactly when a dataset has RLS, at most one per dataset, with roles
// when the dataset requires them, and only roles the dataset defines. Every
// dataset an identity names must be among datasets. It returns the identities
// to put in the token. Messages are Power BI's where it has one (§1.5).
func CheckIdentities(identities []EffectiveIdentity, datasets []DatasetRLS) ([]Identity, error) {
	known := make(map[string]bool, len(datasets))
	for _, d := range datasets {
		known[d.ID] = true
	}
	for i, e := range identities {
		for j, id := range e.Datasets {
			if !known[id] {
				return nil, errs.Invalid(fmt.Sprintf("identities[%d].datasets[%d]", i, j),
					"dataset %s is not one of the token's datasets", id)
			}
		}
	}
	for _, d := range datasets {
		var applied []int
		for i, e := range identities {
			if slices.Contains(e.Datasets, d.ID) {
				applied = append(applied, i)
			}
		}
		switch {
		case d.IdentityRequired && len(applied) == 0:
			return nil, identityError("identities",
				"Creating embed token for accessing dataset %s requires effective identity to be provided", d.ID)
		case !d.IdentityRequired && len(applied) > 0:
			return nil, identityError(fmt.Sprintf("identities[%d]", applied[0]),
				"Creating embed token for accessing dataset %s shouldn't have effective identity", d.ID)
		case len(applied) > 1:
			return nil, identityError(fmt.Sprintf("identities[%d]", applied[1]),
				"Creating embed token for accessing dataset %s failed: only a single effective identity can apply to a dataset", d.ID)
		}
		for _, i := range applied {
			roles := identities[i].Roles
			if d.RolesRequired && len(roles) == 0 {
				return nil, identityError(fmt.Sprintf("identities[%d].roles", i),
					"Creating embed token for accessing dataset %s requires roles to be included in provided effective identity", d.ID)
			}
			for j, role := range roles {
				if !slices.ContainsFunc(d.Roles, func(r string) bool { return strings.EqualFold(r, role) }) {
					return nil, identityError(fmt.Sprintf("identities[%d].roles[%d]", i, j),
						"Creating embed token for accessing dataset %s failed: role '%s' doesn't exist in the dataset", d.ID, role)
				}
			}
		}
	}
	out := make([]Identity, 0, len(identities))
	for _, e := range identities {
		out = append(out, Identity{
			Username:   e.Username,
			Roles:      slices.Clone(e.Roles),
			Datasets:   slices.Clone(e.Datasets),
			Reports:    slices.Clone(e.Reports),
			CustomData: e.CustomData,
		})
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// identityError is an InvalidRequest with an exact Power BI message (no field prefix).
func identityError(field, format string, args ...any) *errs.Error {
	return &errs.Error{Kind: errs.KindInvalid, Code: "InvalidRequest", Message: fmt.Sprintf(format, args...), Field: field}
}
