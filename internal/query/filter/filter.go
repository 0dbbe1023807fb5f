// Package filter decodes filters in the JSON shapes of Microsoft's powerbi-models
// (Basic, Advanced, TopN, RelativeDate, RelativeTime), as a host passes them to
// setFilters or a report definition stores them, and checks them. It knows
// nothing about models or SQL: the query compiler resolves targets and values.
package filter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
)

// Type is a powerbi-models FilterType.
type Type int

// Filter types, numbered as powerbi-models numbers them.
const (
	Advanced       Type = 0
	Basic          Type = 1
	Unknown        Type = 2
	IncludeExclude Type = 3
	RelativeDate   Type = 4
	TopN           Type = 5
	Tuple          Type = 6
	RelativeTime   Type = 7
)

var typeNames = map[Type]string{
	Advanced: "Advanced", Basic: "Basic", Unknown: "Unknown", IncludeExclude: "IncludeExclude",
	RelativeDate: "RelativeDate", TopN: "TopN", Tuple: "Tuple", RelativeTime: "RelativeTime",
}

func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// SchemaBase prefixes the $schema URL of every filter shape.
const SchemaBase = "http://powerbi.com/product/schema#"

var schemaTypes = map[string]Type{
	"advanced": Advanced, "basic": Basic, "notSupported": Unknown, "includeExclude": IncludeExclude,
	"relativeDate": RelativeDate, "topN": TopN, "tuple": Tuple, "relativeTime": RelativeTime,
}

// Limits keep one filter's work bounded.
const (
	MaxValues      = 10000
	MaxStringValue = 4000
	MaxItemCount   = 10000
	MaxTimeUnits   = 100000
)

// Target is the field a filter applies to: a column, a measure, or a column with an aggregation.
type Target struct {
	Table               string `json:"table"`
	Column              string `json:"column,omitempty"`
	Measure             string `json:"measure,omitempty"`
	AggregationFunction string `json:"aggregationFunction,omitempty"`
}

// Condition is one condition of an Advanced filter. Value is a string, a
// json.Number, a bool or nil.
type Condition struct {
	Operator string
	Value    any
}

// Filter is one decoded filter. Only the fields of its Type are set.
type Filter struct {
	Type   Type
	Target Target

	// Basic: In, NotIn or All, with Values (string, json.Number, bool or nil).
	// TopN: Top or Bottom.
	Operator string
	Values   []any

	// Advanced.
	LogicalOperator string // And or Or
	Conditions      []Condition

	// TopN.
	ItemCount int
	OrderBy   Target

	// RelativeDate and RelativeTime.
	Relative RelativeSpec
}

// Decode parses and checks one filter; field names it in errors ("filters[2]").
func Decode(raw []byte, field string) (*Filter, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var w wire
	if err := dec.Decode(&w); err != nil {
		return nil, errs.Invalid(field, "not a filter object: %v", jsonMessage(err))
	}
	if dec.More() {
		return nil, errs.Invalid(field, "unexpected data after the filter object")
	}
	typ, err := w.filterType(field)
	if err != nil {
		return nil, err
	}
	f := &Filter{Type: typ}
	if f.Target, err = decodeTarget(w.Target, field+".target"); err != nil {
		return nil, err
	}
	switch typ {
	case Basic:
		err = f.decodeBasic(&w, field)
	case Advanced:
		err = f.decodeAdvanced(&w, field)
	case TopN:
		err = f.decodeTopN(&w, field)
	case RelativeDate, RelativeTime:
		f.Relative, err = decodeRelative(&w, typ, field)
	default:
		err = errs.Invalid(field+".filterType", "%s filters are not supported", typ)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// wire is the union of the powerbi-models filter shapes.
type wire struct {
	Schema          string          `json:"$schema"`
	FilterType      *int            `json:"filterType"`
	Target          json.RawMessage `json:"target"`
	Operator        json.RawMessage `json:"operator"`
	Values          []any           `json:"values"`
	LogicalOperator string          `json:"logicalOperator"`
	Conditions      []struct {
		Operator string `json:"operator"`
		Value    any    `json:"value"`
	} `json:"conditions"`
	ItemCount      *int            `json:"itemCount"`
	OrderBy        json.RawMessage `json:"orderBy"`
	TimeUnitsCount *int            `json:"timeUnitsCount"`
	TimeUnitType   json.RawMessage `json:"timeUnitType"`
	IncludeToday   *bool           `json:"includeToday"`
}

func (w *wire) filterType(field string) (Type, error) {
	var fromSchema *Type
	if w.Schema != "" {
		name, ok := strings.CutPrefix(w.Schema, SchemaBase)
		t, known := schemaTypes[name]
		if !ok || !known {
			return 0, errs.Invalid(field+".$schema", "unknown schema %q", w.Schema)
		}
		fromSchema = &t
	}
	switch {
	case w.FilterType != nil:
		t := Type(*w.FilterType)
		if _, ok := typeNames[t]; !ok {
			return 0, errs.Invalid(field+".filterType", "unknown filter type %d", *w.FilterType)
		}
		if fromSchema != nil && *fromSchema != t {
			return 0, errs.Invalid(field+".filterType", "%s does not match $schema %q", t, w.Schema)
		}
		return t, nil
	case fromSchema != nil:
		return *fromSchema, nil
	}
	return 0, errs.Invalid(field+".filterType", "is required (or $schema)")
}

func decodeTarget(raw json.RawMessage, field string) (Target, error) {
	var t Target
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return t, errs.Invalid(field, "must be an object {table, column} or {table, measure}")
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return t, errs.Invalid(field, "%v", jsonMessage(err))
	}
	for k := range probe {
		switch k {
		case "table", "column", "measure", "aggregationFunction":
		case "hierarchy", "hierarchyLevel", "keys", "percentOfGrandTotal":
			return t, errs.Invalid(field+"."+k, "is not supported")
		default:
			return t, errs.Invalid(field+"."+k, "unknown property")
		}
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, errs.Invalid(field, "%v", jsonMessage(err))
	}
	switch {
	case t.Table == "":
		return t, errs.Invalid(field+".table", "is required")
	case t.Column == "" && t.Measure == "":
		return t, errs.Invalid(field, "needs a column or a measure")
	case t.Column != "" && t.Measure != "":
		return t, errs.Invalid(field, "names both a column and a measure")
	case t.AggregationFunction != "" && t.Column == "":
		return t, errs.Invalid(field+".aggregationFunction", "applies to a column only")
	}
	if t.AggregationFunction != "" && !Aggregations[t.AggregationFunction] {
		return t, errs.Invalid(field+".aggregationFunction", "unknown aggregation %q (use Sum, Avg, Min, Max, Count or CountNonNull)", t.AggregationFunction)
	}
	return t, nil
}

// Aggregations are the powerbi-models aggregation functions Bindery evaluates.
var Aggregations = map[string]bool{"Sum": true, "Avg": true, "Min": true, "Max": true, "Count": true, "CountNonNull": true}

func stringOperator(raw json.RawMessage, field string) (string, error) {
	var s string
	if len(raw) == 0 {
		return "", errs.Invalid(field, "is required")
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errs.Invalid(field, "must be a string")
	}
	return s, nil
}

func (f *Filter) decodeBasic(w *wire, field string) error {
	op, err := stringOperator(w.Operator, field+".operator")
	if err != nil {
		return err
	}
	switch op {
	case "In", "NotIn", "All":
	default:
		return errs.Invalid(field+".operator", "unknown operator %q (use In, NotIn or All)", op)
	}
	if len(w.Values) > MaxValues {
		return errs.Invalid(field+".values", "at most %d values are allowed", MaxValues)
	}
	for i, v := range w.Values {
		if err := checkScalar(v, fmt.Sprintf("%s.values[%d]", field, i)); err != nil {
			return err
		}
	}
	if op != "All" && w.Values == nil {
		return errs.Invalid(field+".values", "is required for operator %s", op)
	}
	f.Operator, f.Values = op, w.Values
	return nil
}

// conditionOperators maps each Advanced operator to whether it needs a value.
var conditionOperators = map[string]bool{
	"None": false, "LessThan": true, "LessThanOrEqual": true, "GreaterThan": true, "GreaterThanOrEqual": true,
	"Contains": true, "DoesNotContain": true, "StartsWith": true, "DoesNotStartWith": true,
	"Is": true, "IsNot": true, "IsBlank": false, "IsNotBlank": false,
}

func (f *Filter) decodeAdvanced(w *wire, field string) error {
	switch w.LogicalOperator {
	case "And", "Or":
	case "":
		if len(w.Conditions) > 1 {
			return errs.Invalid(field+".logicalOperator", "is required with two conditions (And or Or)")
		}
	default:
		return errs.Invalid(field+".logicalOperator", "unknown operator %q (use And or Or)", w.LogicalOperator)
	}
	if len(w.Conditions) == 0 || len(w.Conditions) > 2 {
		return errs.Invalid(field+".conditions", "must hold 1 or 2 conditions")
	}
	f.LogicalOperator = w.LogicalOperator
	for i, c := range w.Conditions {
		cf := fmt.Sprintf("%s.conditions[%d]", field, i)
		needsValue, ok := conditionOperators[c.Operator]
		if !ok {
			return errs.Invalid(cf+".operator", "unknown operator %q", c.Operator)
		}
		if err := checkScalar(c.Value, cf+".value"); err != nil {
			return err
		}
		if needsValue && c.Value == nil && c.Operator != "Is" && c.Operator != "IsNot" {
			return errs.Invalid(cf+".value", "is required for operator %s", c.Operator)
		}
		if c.Operator == "None" {
			continue // powerbi-models' placeholder for an unused condition
		}
		f.Conditions = append(f.Conditions, Condition{Operator: c.Operator, Value: c.Value})
	}
	if len(f.Conditions) == 0 {
		return errs.Invalid(field+".conditions", "has no condition other than None")
	}
	return nil
}

func (f *Filter) decodeTopN(w *wire, field string) error {
	op, err := stringOperator(w.Operator, field+".operator")
	if err != nil {
		return err
	}
	if op != "Top" && op != "Bottom" {
		return errs.Invalid(field+".operator", "unknown operator %q (use Top or Bottom)", op)
	}
	if w.ItemCount == nil || *w.ItemCount < 1 || *w.ItemCount > MaxItemCount {
		return errs.Invalid(field+".itemCount", "must be between 1 and %d", MaxItemCount)
	}
	if f.OrderBy, err = decodeTarget(w.OrderBy, field+".orderBy"); err != nil {
		return err
	}
	if f.Target.Column == "" || f.Target.AggregationFunction != "" {
		return errs.Invalid(field+".target", "a TopN filter targets a column")
	}
	f.Operator, f.ItemCount = op, *w.ItemCount
	return nil
}

// checkScalar accepts the value kinds of powerbi-models: string, number, boolean and null.
func checkScalar(v any, field string) error {
	switch v := v.(type) {
	case nil, bool, json.Number:
		return nil
	case string:
		if len(v) > MaxStringValue {
			return errs.Invalid(field, "must be at most %d bytes", MaxStringValue)
		}
		return nil
	}
	return errs.Invalid(field, "must be a string, number, boolean or null")
}

func jsonMessage(err error) string {
	var se *json.SyntaxError
	if ok := asSyntax(err, &se); ok {
		return fmt.Sprintf("invalid JSON at offset %d", se.Offset)
	}
	return err.Error()
}
