package query

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query/dax"
)

// Identity is the effective identity a query runs under: an embed token's
// identity or the signed-in user. Roles select the dataset's RLS roles.
type Identity struct {
	Username   string   `json:"username"`
	Roles      []string `json:"roles,omitempty"`
	CustomData string   `json:"customData,omitempty"`
	// Unrestricted sees every row: a signed-in user with Write on the dataset, as in
	// Power BI, where RLS does not apply to workspace Admins, Members and Contributors.
	Unrestricted bool `json:"unrestricted,omitempty"`
}

// rlsPredicate returns the row filter that the identity's roles impose on the
// rows of the plan's base table, or nil when they impose none.
//
// Each role grants the rows that pass all of its table filters that reach the
// base table (a filter on a dimension restricts the fact through the
// relationship); several roles grant the union of what each grants. A dataset
// with roles never runs without an identity whose roles match.
func rlsPredicate(def *model.DatasetDefinition, id *Identity, plan *joinPlan) (expr, error) {
	if len(def.Roles) == 0 {
		return nil, nil
	}
	if id == nil {
		return nil, errs.New(errs.KindForbidden, "EffectiveIdentityRequired",
			"dataset %q has row-level security: queries need an effective identity", def.Name)
	}
	if id.Unrestricted {
		return nil, nil
	}
	var roles []*model.RLSRole
	for _, name := range id.Roles {
		if r, ok := def.Role(name); ok {
			roles = append(roles, r)
		}
	}
	if len(roles) == 0 {
		return nil, errs.New(errs.KindForbidden, "NoMatchingRole",
			"the effective identity names no role of dataset %q (roles: %s)", def.Name, strings.Join(id.Roles, ", "))
	}
	var grants []expr
	for _, r := range roles {
		var conds []expr
		for j, tp := range r.TablePermissions {
			t, ok := def.Table(tp.Name)
			if !ok {
				return nil, errs.Invalid(fmt.Sprintf("roles[%s].tablePermissions[%d].name", r.Name, j), "unknown table %q", tp.Name)
			}
			if !plan.reaches(t) {
				continue // filters flow from the one side to the many side only
			}
			e, err := rowFilter(def, id, t, tp.FilterExpression)
			if err != nil {
				return nil, errs.Invalid(fmt.Sprintf("role %q, table %q", r.Name, tp.Name), "%v", err).Wrap(err)
			}
			conds = append(conds, e)
		}
		if len(conds) == 0 {
			return nil, nil // this role grants every row of the base table
		}
		grants = append(grants, and(conds...))
	}
	return or(grants...), nil
}

// rowFilter compiles an RLS table filter, a DAX boolean over the columns of t.
func rowFilter(def *model.DatasetDefinition, id *Identity, t *model.Table, src string) (expr, error) {
	n, err := dax.Parse(src)
	if err != nil {
		return nil, err
	}
	c := &daxCompiler{def: def, identity: id, home: t}
	res, err := c.compile(n, false)
	if err != nil {
		return nil, err
	}
	if res.typ != model.TypeBoolean {
		return nil, errors.New("a row filter must be a condition, such as [Region] = USERNAME()")
	}
	// In WHERE only TRUE passes: a blank (NULL) result hides the row.
	return res.e, nil
}
