package embed

import (
	"encoding/json"

	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
)

// roleOrder is the order in which a visual's roles become group-by columns.
var roleOrder = []string{"category", "axis", "rows", "columns", "legend", "series", "values", "tooltips"}

// visualQuery turns a visual of the report definition into a visual query.
// A column placed without an aggregation groups; a measure or an aggregated
// column is a value. The fields come only from the stored definition: a
// request can add filters, never fields.
func visualQuery(v *model.Visual, filters, pageFilters, reportFilters []json.RawMessage) *query.VisualQuery {
	q := &query.VisualQuery{Filters: filters, PageFilters: pageFilters, ReportFilters: reportFilters}
	seen := map[string]bool{}
	roles := append([]string{}, roleOrder...)
	for role := range v.Fields {
		if !contains(roleOrder, role) {
			roles = append(roles, role)
		}
	}
	for _, role := range roles {
		for _, u := range v.Fields[role] {
			ref, err := model.ParseFieldRef(u.Field)
			if err != nil {
				continue // the definition was validated at publish; nothing to add
			}
			key := u.Field + "|" + u.Aggregation
			if seen[key] {
				continue
			}
			seen[key] = true
			if ref.IsMeasure() || u.Aggregation != "" {
				q.Values = append(q.Values, query.ValueField{Field: u.Field, Aggregation: u.Aggregation})
			} else {
				q.GroupBy = append(q.GroupBy, query.GroupField{Field: u.Field})
			}
		}
	}
	for _, s := range v.Sort {
		q.Sort = append(q.Sort, query.SortField{Field: s.Field, Direction: s.Direction, Aggregation: aggregationOf(v, s.Field)})
	}
	if v.TopN != nil {
		q.TopN = &query.TopN{Count: v.TopN.Count, By: v.TopN.By, Aggregation: aggregationOf(v, v.TopN.By)}
	}
	return q
}

// underlyingQuery returns the rows behind a visual: its columns, and the
// columns its aggregated values read, row by row.
func underlyingQuery(def *model.DatasetDefinition, v *model.Visual, filters, pageFilters, reportFilters []json.RawMessage) *query.VisualQuery {
	q := &query.VisualQuery{Filters: filters, PageFilters: pageFilters, ReportFilters: reportFilters, Underlying: true}
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			q.GroupBy = append(q.GroupBy, query.GroupField{Field: f})
		}
	}
	for _, role := range roleOrder {
		for _, u := range v.Fields[role] {
			ref, err := model.ParseFieldRef(u.Field)
			if err != nil {
				continue
			}
			if !ref.IsMeasure() {
				add(ref.String())
				continue
			}
			if m, _, ok := def.Measure(ref.Name); ok {
				refs, _ := model.ScanFieldRefs(m.Expression)
				for _, r := range refs {
					if r.Table != "" {
						if t, ok := def.Table(r.Table); ok {
							if _, ok := t.Column(r.Name); ok {
								add(r.String())
							}
						}
					}
				}
			}
		}
	}
	return q
}

// aggregationOf finds how the visual aggregates a field, so sort and top N pick the same value.
func aggregationOf(v *model.Visual, field string) string {
	for _, uses := range v.Fields {
		for _, u := range uses {
			if u.Field == field && u.Aggregation != "" {
				return u.Aggregation
			}
		}
	}
	return ""
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
