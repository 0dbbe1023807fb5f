// Package query compiles the queries of report visuals to SQL: a visual query
// (docs/query.md) names fields of a dataset's model, measures and RLS rules
// are DAX (package dax), filters are powerbi-models JSON (package filter).
// Every identifier is resolved against the model and every value is a bound
// parameter; a Dialect supplies what differs between SQL engines.
package query

import (
	"bytes"
	"encoding/json"

	"github.com/bindery-dev/bindery/internal/errs"
)

// Limits on one visual query.
const (
	MaxGroupBy = 20
	MaxValues  = 50
	MaxSort    = 10
	MaxFilters = 100
	MaxLimit   = 1000000
)

// VisualQuery is what a visual asks of its dataset.
type VisualQuery struct {
	GroupBy []GroupField `json:"groupBy,omitempty"`
	Values  []ValueField `json:"values,omitempty"`
	// Filters are the visual's powerbi-models filters; PageFilters and
	// ReportFilters are those of its page and report. All combine with AND.
	Filters       []json.RawMessage `json:"filters,omitempty"`
	PageFilters   []json.RawMessage `json:"pageFilters,omitempty"`
	ReportFilters []json.RawMessage `json:"reportFilters,omitempty"`
	Sort          []SortField       `json:"sort,omitempty"`
	TopN          *TopN             `json:"topN,omitempty"`
	Limit         int               `json:"limit,omitempty"`
	// Underlying returns the rows behind a visual instead of groups: GroupBy's
	// columns row by row, without GROUP BY. It takes no Values.
	Underlying bool `json:"underlying,omitempty"`
}

// GroupField is a column to group by, optionally at a level of its date
// hierarchy. In JSON it is a string ("Product[Category]") or an object.
type GroupField struct {
	Field     string    `json:"field"`
	DateLevel DateLevel `json:"dateLevel,omitempty"`
}

// UnmarshalJSON accepts the string shorthand.
func (g *GroupField) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &g.Field)
	}
	type plain GroupField
	return strictUnmarshal(b, (*plain)(g))
}

// ValueField is an aggregated column (Aggregation Sum, Average, Min, Max,
// Count or DistinctCount) or a measure ("[Total Sales]", no aggregation).
type ValueField struct {
	Field       string `json:"field"`
	Aggregation string `json:"aggregation,omitempty"`
}

// UnmarshalJSON accepts the string shorthand for a measure.
func (v *ValueField) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &v.Field)
	}
	type plain ValueField
	return strictUnmarshal(b, (*plain)(v))
}

// SortField orders rows by one of the query's fields.
type SortField struct {
	Field       string `json:"field"`
	Aggregation string `json:"aggregation,omitempty"` // to pick a value field that aggregates a column
	Direction   string `json:"direction,omitempty"`   // Ascending (default) or Descending
}

// TopN keeps the Count rows with the highest By, one of the query's value fields.
type TopN struct {
	Count       int    `json:"count"`
	By          string `json:"by"`
	Aggregation string `json:"aggregation,omitempty"`
}

// ParseVisualQuery decodes a visual query from JSON, refusing unknown properties.
func ParseVisualQuery(data []byte) (*VisualQuery, error) {
	var q VisualQuery
	if err := strictUnmarshal(data, &q); err != nil {
		return nil, errs.Invalid("query", "%v", err)
	}
	return &q, nil
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errs.Invalid("", "unexpected data after the JSON value")
	}
	return nil
}
