package model

import (
	"fmt"
	"sort"
	"strings"
)

// FieldUsage is one place a report uses a field.
type FieldUsage struct {
	Ref         FieldRef
	Aggregation string // for columns placed with an aggregation
	Where       string // e.g. "pages[0].visuals[2].fields.values[0]"
}

// UsedFields lists every field the report uses: visual fields, sorts, top N and filters at every level.
func (d *ReportDefinition) UsedFields() []FieldUsage {
	var out []FieldUsage
	addFilters := func(where string, fs []Filter) {
		for i, f := range fs {
			ts, _ := f.Targets()
			for _, t := range ts {
				if r, err := t.Ref(); err == nil {
					out = append(out, FieldUsage{Ref: r, Where: fmt.Sprintf("%s[%d]", where, i)})
				}
			}
		}
	}
	addRef := func(where, s, agg string) {
		if r, err := ParseFieldRef(s); err == nil {
			out = append(out, FieldUsage{Ref: r, Aggregation: agg, Where: where})
		}
	}
	addFilters("filters", d.Filters)
	for i, p := range d.Pages {
		pf := fmt.Sprintf("pages[%d]", i)
		addFilters(pf+".filters", p.Filters)
		for j, v := range p.Visuals {
			vf := fmt.Sprintf("%s.visuals[%d]", pf, j)
			roles := make([]string, 0, len(v.Fields))
			for role := range v.Fields {
				roles = append(roles, role)
			}
			sort.Strings(roles)
			for _, role := range roles {
				for k, u := range v.Fields[role] {
					addRef(fmt.Sprintf("%s.fields.%s[%d]", vf, role, k), u.Field, u.Aggregation)
				}
			}
			for k, s := range v.Sort {
				addRef(fmt.Sprintf("%s.sort[%d]", vf, k), s.Field, "")
			}
			if v.TopN != nil {
				addRef(vf+".topN.by", v.TopN.By, "")
			}
			addFilters(vf+".filters", v.Filters)
		}
	}
	return out
}

// Mismatch is one reason a dataset does not satisfy a report.
type Mismatch struct {
	Code    string `json:"code"` // MissingTable, MissingColumn, MissingMeasure, TypeMismatch
	Field   string `json:"field"`
	Message string `json:"message"`
	Where   string `json:"where"`
}

// Compatibility decides whether dataset ds satisfies report r: every column r
// uses exists in ds with a compatible type, and every measure r uses exists.
// It returns the mismatches, one per field (at its first use); none means compatible.
func Compatibility(r *ReportDefinition, ds *DatasetDefinition) []Mismatch {
	var out []Mismatch
	seen := map[string]bool{}
	for _, u := range r.UsedFields() {
		key := strings.ToLower(u.Ref.String()) + "|" + u.Aggregation
		if seen[key] {
			continue
		}
		seen[key] = true
		if m, bad := checkUsage(r, ds, u); bad {
			out = append(out, m)
		}
	}
	return out
}

func checkUsage(r *ReportDefinition, ds *DatasetDefinition, u FieldUsage) (Mismatch, bool) {
	field := u.Ref.String()
	miss := func(code, format string, args ...any) (Mismatch, bool) {
		return Mismatch{Code: code, Field: field, Where: u.Where, Message: fmt.Sprintf(format, args...)}, true
	}
	if u.Ref.IsMeasure() {
		if _, _, ok := ds.Measure(u.Ref.Name); !ok {
			return miss("MissingMeasure", "the dataset has no measure [%s]", u.Ref.Name)
		}
		return Mismatch{}, false
	}
	t, ok := ds.Table(u.Ref.Table)
	if !ok {
		return miss("MissingTable", "the dataset has no table %q (needed for %s)", u.Ref.Table, field)
	}
	c, ok := t.Column(u.Ref.Name)
	if !ok {
		if _, mt, ok := ds.Measure(u.Ref.Name); ok && sameName(mt.Name, t.Name) {
			return Mismatch{}, false
		}
		return miss("MissingColumn", "the dataset's table %q has no column %q", t.Name, u.Ref.Name)
	}
	fam := c.DataType.Family()
	if want, ok := r.FieldTypes[FieldTypeKey(u.Ref)]; ok && want != fam {
		return miss("TypeMismatch", "%s is %s in the dataset, the report expects %s", field, c.DataType, want)
	}
	switch u.Aggregation {
	case "Sum", "Average":
		if fam != FamilyNumber {
			return miss("TypeMismatch", "%s is %s in the dataset; %s needs a number", field, c.DataType, u.Aggregation)
		}
	case "Min", "Max":
		if fam != FamilyNumber && fam != FamilyTime {
			return miss("TypeMismatch", "%s is %s in the dataset; %s needs a number or a date", field, c.DataType, u.Aggregation)
		}
	}
	return Mismatch{}, false
}

// FieldTypeKey is the key of a column in ReportDefinition.FieldTypes.
func FieldTypeKey(r FieldRef) string { return strings.ToLower(r.String()) }

// RecordFieldTypes stores, for every column the report uses that ds has, the
// column's type family, so later compatibility checks compare types too.
func (d *ReportDefinition) RecordFieldTypes(ds *DatasetDefinition) {
	types := map[string]Family{}
	for _, u := range d.UsedFields() {
		if u.Ref.IsMeasure() {
			continue
		}
		if t, ok := ds.Table(u.Ref.Table); ok {
			if c, ok := t.Column(u.Ref.Name); ok {
				types[FieldTypeKey(u.Ref)] = c.DataType.Family()
			}
		}
	}
	d.FieldTypes = types
}
