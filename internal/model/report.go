package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

// Limits on a report definition.
const (
	MaxPages           = 50
	MaxVisualsPerPage  = 50
	MaxFieldsPerVisual = 50
	MaxFilters         = 100
)

// Report is a published report: pages of visuals over a model, plus its default dataset.
type Report struct {
	ID          string           `json:"id"`
	WorkspaceID string           `json:"-"`
	Name        string           `json:"name"`
	DatasetID   string           `json:"datasetId"`
	CreatedAt   time.Time        `json:"-"`
	Definition  ReportDefinition `json:"-"`
}

// ReportDefinition is what a report author writes (docs/definitions.md).
type ReportDefinition struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	DatasetID   string   `json:"datasetId,omitempty"`
	Filters     []Filter `json:"filters,omitempty"`
	Pages       []Page   `json:"pages"`
	// FieldTypes records the type family each column had in the dataset the
	// report was published against, so compatibility can check types later.
	FieldTypes map[string]Family `json:"fieldTypes,omitempty"`
}

// Page is a report page.
type Page struct {
	Name        string   `json:"name"`
	DisplayName string   `json:"displayName"`
	Filters     []Filter `json:"filters,omitempty"`
	Visuals     []Visual `json:"visuals"`
}

// Visual is one visual of a page.
type Visual struct {
	Name     string                `json:"name"`
	Type     string                `json:"type"`
	Title    string                `json:"title,omitempty"`
	Position Position              `json:"position"`
	Fields   map[string][]FieldUse `json:"fields"`
	Filters  []Filter              `json:"filters,omitempty"`
	Sort     []SortItem            `json:"sort,omitempty"`
	TopN     *TopN                 `json:"topN,omitempty"`
}

// Position places a visual on its page, in pixels of a 1280x720 canvas.
type Position struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Z      int     `json:"z,omitempty"`
}

// FieldUse is a field placed in a visual role, with an optional aggregation for columns.
// In JSON it is either a string ("Sales[Amount]") or an object.
type FieldUse struct {
	Field       string `json:"field"`
	Aggregation string `json:"aggregation,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// UnmarshalJSON accepts the string shorthand.
func (f *FieldUse) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &f.Field)
	}
	type plain FieldUse
	return json.Unmarshal(b, (*plain)(f))
}

// SortItem orders a visual's rows by a field.
type SortItem struct {
	Field     string `json:"field"`
	Direction string `json:"direction,omitempty"` // Ascending (default) or Descending
}

// TopN keeps the first Count rows by a field.
type TopN struct {
	Count int    `json:"count"`
	By    string `json:"by"`
}

// Filter is a powerbi-models filter kept as JSON; the query engine decodes it.
// Bindery reads only its target here, to know which fields a report uses.
type Filter json.RawMessage

// MarshalJSON writes the raw filter.
func (f Filter) MarshalJSON() ([]byte, error) {
	if len(f) == 0 {
		return []byte("null"), nil
	}
	return json.RawMessage(f).MarshalJSON()
}

// UnmarshalJSON keeps a copy of the raw filter.
func (f *Filter) UnmarshalJSON(b []byte) error {
	*f = append((*f)[:0], b...)
	return nil
}

// FilterTarget is the part of a powerbi-models filter that names a field.
type FilterTarget struct {
	Table   string `json:"table"`
	Column  string `json:"column,omitempty"`
	Measure string `json:"measure,omitempty"`
}

// Targets returns the fields a filter names (one target, or several for tuple filters).
func (f Filter) Targets() ([]FilterTarget, error) {
	var probe struct {
		Target json.RawMessage `json:"target"`
	}
	if err := json.Unmarshal(f, &probe); err != nil {
		return nil, fmt.Errorf("filter is not a JSON object: %w", err)
	}
	if len(bytes.TrimSpace(probe.Target)) == 0 {
		return nil, fmt.Errorf("filter has no target")
	}
	var one FilterTarget
	if probe.Target[0] == '[' {
		var many []FilterTarget
		if err := json.Unmarshal(probe.Target, &many); err != nil {
			return nil, fmt.Errorf("filter target: %w", err)
		}
		return many, nil
	}
	if err := json.Unmarshal(probe.Target, &one); err != nil {
		return nil, fmt.Errorf("filter target: %w", err)
	}
	return []FilterTarget{one}, nil
}

// Ref converts a filter target to a field reference.
func (t FilterTarget) Ref() (FieldRef, error) {
	switch {
	case t.Table == "":
		return FieldRef{}, fmt.Errorf("filter target needs a table")
	case t.Column != "" && t.Measure != "":
		return FieldRef{}, fmt.Errorf("filter target names both a column and a measure")
	case t.Column != "":
		return FieldRef{Table: t.Table, Name: t.Column}, nil
	case t.Measure != "":
		return FieldRef{Table: t.Table, Name: t.Measure}, nil
	}
	return FieldRef{}, fmt.Errorf("filter target needs a column or a measure")
}

// visualTypes maps accepted visual type names to their canonical Power BI names.
var visualTypes = map[string]string{
	"card": "card", "multiRowCard": "multiRowCard",
	"clusteredBarChart": "clusteredBarChart", "barChart": "clusteredBarChart",
	"stackedBarChart":      "stackedBarChart",
	"clusteredColumnChart": "clusteredColumnChart", "columnChart": "clusteredColumnChart",
	"stackedColumnChart": "stackedColumnChart",
	"lineChart":          "lineChart",
	"areaChart":          "areaChart",
	"pieChart":           "pieChart",
	"donutChart":         "donutChart",
	"tableEx":            "tableEx", "table": "tableEx",
	"pivotTable": "pivotTable", "matrix": "pivotTable",
	"slicer": "slicer",
}

// CanonicalVisualType returns the Power BI name of a visual type.
func CanonicalVisualType(t string) (string, bool) {
	c, ok := visualTypes[t]
	return c, ok
}

var aggregations = map[string]bool{
	"": true, "Sum": true, "Average": true, "Min": true, "Max": true, "Count": true, "DistinctCount": true,
}

// Validate checks the definition's structure and field syntax (not the model:
// see Compatibility for that).
func (d *ReportDefinition) Validate() error {
	if err := validateName("name", d.Name); err != nil {
		return err
	}
	if d.DatasetID != "" {
		if _, ok := NormalizeID(d.DatasetID); !ok {
			return errs.Invalid("datasetId", "must be a GUID, got %q", d.DatasetID)
		}
	}
	if len(d.Pages) == 0 {
		return errs.Invalid("pages", "at least one page is required")
	}
	if len(d.Pages) > MaxPages {
		return errs.Invalid("pages", "at most %d pages are allowed", MaxPages)
	}
	if err := validateFilters("filters", d.Filters); err != nil {
		return err
	}
	pageNames := map[string]bool{}
	for i := range d.Pages {
		p := &d.Pages[i]
		f := fmt.Sprintf("pages[%d]", i)
		if err := validateModelName(f+".name", p.Name); err != nil {
			return err
		}
		if pageNames[p.Name] {
			return errs.Invalid(f+".name", "duplicate page %q", p.Name)
		}
		pageNames[p.Name] = true
		if p.DisplayName == "" {
			p.DisplayName = p.Name
		}
		if err := validateFilters(f+".filters", p.Filters); err != nil {
			return err
		}
		if p.Visuals == nil {
			p.Visuals = []Visual{}
		}
		if len(p.Visuals) > MaxVisualsPerPage {
			return errs.Invalid(f+".visuals", "at most %d visuals are allowed on a page", MaxVisualsPerPage)
		}
		visualNames := map[string]bool{}
		for j := range p.Visuals {
			if err := p.Visuals[j].validate(fmt.Sprintf("%s.visuals[%d]", f, j), visualNames); err != nil {
				return err
			}
		}
	}
	return nil
}

func (v *Visual) validate(f string, seen map[string]bool) error {
	if err := validateModelName(f+".name", v.Name); err != nil {
		return err
	}
	if seen[v.Name] {
		return errs.Invalid(f+".name", "duplicate visual %q on this page", v.Name)
	}
	seen[v.Name] = true
	canon, ok := CanonicalVisualType(v.Type)
	if !ok {
		return errs.Invalid(f+".type", "unknown visual type %q", v.Type)
	}
	v.Type = canon
	if len(v.Title) > MaxNameLength {
		return errs.Invalid(f+".title", "must be at most %d characters", MaxNameLength)
	}
	p := v.Position
	if p.X < 0 || p.Y < 0 || p.Width <= 0 || p.Height <= 0 || p.X+p.Width > 100000 || p.Y+p.Height > 100000 {
		return errs.Invalid(f+".position", "needs x, y >= 0 and width, height > 0")
	}
	if len(v.Fields) == 0 {
		return errs.Invalid(f+".fields", "a visual needs at least one field")
	}
	n := 0
	for role, uses := range v.Fields {
		for k, u := range uses {
			n++
			uf := fmt.Sprintf("%s.fields.%s[%d]", f, role, k)
			ref, err := ParseFieldRef(u.Field)
			if err != nil {
				return errs.Invalid(uf, "%v", err)
			}
			if !aggregations[u.Aggregation] {
				return errs.Invalid(uf+".aggregation", "unknown aggregation %q (use Sum, Average, Min, Max, Count or DistinctCount)", u.Aggregation)
			}
			if ref.IsMeasure() && u.Aggregation != "" {
				return errs.Invalid(uf+".aggregation", "a measure cannot be aggregated again")
			}
		}
	}
	if n == 0 {
		return errs.Invalid(f+".fields", "a visual needs at least one field")
	}
	if n > MaxFieldsPerVisual {
		return errs.Invalid(f+".fields", "at most %d fields are allowed in a visual", MaxFieldsPerVisual)
	}
	if err := validateFilters(f+".filters", v.Filters); err != nil {
		return err
	}
	for k, s := range v.Sort {
		sf := fmt.Sprintf("%s.sort[%d]", f, k)
		if _, err := ParseFieldRef(s.Field); err != nil {
			return errs.Invalid(sf+".field", "%v", err)
		}
		if s.Direction != "" && s.Direction != "Ascending" && s.Direction != "Descending" {
			return errs.Invalid(sf+".direction", "must be Ascending or Descending")
		}
	}
	if v.TopN != nil {
		if v.TopN.Count < 1 || v.TopN.Count > 10000 {
			return errs.Invalid(f+".topN.count", "must be between 1 and 10000")
		}
		if _, err := ParseFieldRef(v.TopN.By); err != nil {
			return errs.Invalid(f+".topN.by", "%v", err)
		}
	}
	return nil
}

func validateFilters(field string, fs []Filter) error {
	if len(fs) > MaxFilters {
		return errs.Invalid(field, "at most %d filters are allowed", MaxFilters)
	}
	for i, flt := range fs {
		ts, err := flt.Targets()
		if err != nil {
			return errs.Invalid(fmt.Sprintf("%s[%d]", field, i), "%v", err)
		}
		for _, t := range ts {
			if _, err := t.Ref(); err != nil {
				return errs.Invalid(fmt.Sprintf("%s[%d].target", field, i), "%v", err)
			}
		}
	}
	return nil
}
