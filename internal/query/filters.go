package query

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query/filter"
)

// boundFilter is a decoded filter resolved against the model.
type boundFilter struct {
	field  string // "filters[2]", for errors
	f      *filter.Filter
	target typed // the column, or the aggregate/measure for a HAVING filter
	column *col  // set when the target is a plain column
	having bool  // the target is an aggregate: the filter applies to groups
	order  typed // TopN: the value to rank by
	tables []*model.Table
}

// bindTarget resolves a powerbi-models target: a column, a column with an aggregation, or a measure.
func (c *compiler) bindTarget(t filter.Target, field string) (typed, *col, []*model.Table, error) {
	if t.Measure != "" {
		m, mt, ok := c.def.Measure(t.Measure)
		if !ok || !strings.EqualFold(mt.Name, t.Table) {
			return typed{}, nil, nil, errs.Invalid(field+".measure", "unknown measure %s", model.FieldRef{Table: t.Table, Name: t.Measure})
		}
		v, err := c.measure(m, field)
		return v, nil, nil, err
	}
	tb, cl, err := resolveColumn(c.def, model.FieldRef{Table: t.Table, Name: t.Column})
	if err != nil {
		return typed{}, nil, nil, errs.Invalid(field, "%v", err)
	}
	cc := col{tb, cl}
	if t.AggregationFunction == "" {
		return typed{cc, cl.DataType}, &cc, []*model.Table{tb}, nil
	}
	fn := map[string]string{"Sum": "SUM", "Avg": "AVG", "Min": "MIN", "Max": "MAX", "Count": "COUNT", "CountNonNull": "COUNT"}[t.AggregationFunction]
	v, err := aggregate(fn, false, cc, cl.DataType, func() error {
		return errs.Invalid(field+".aggregationFunction", "%s needs a numeric column", t.AggregationFunction)
	})
	return v, nil, []*model.Table{tb}, err
}

func (c *compiler) bindFilter(raw json.RawMessage, field string) (*boundFilter, error) {
	f, err := filter.Decode(raw, field)
	if err != nil {
		return nil, err
	}
	b := &boundFilter{field: field, f: f}
	if b.target, b.column, b.tables, err = c.bindTarget(f.Target, field+".target"); err != nil {
		return nil, err
	}
	b.having = b.column == nil
	if f.Type == filter.TopN {
		var tabs []*model.Table
		if b.order, _, tabs, err = c.bindTarget(f.OrderBy, field+".orderBy"); err != nil {
			return nil, err
		}
		if f.OrderBy.Measure == "" && f.OrderBy.AggregationFunction == "" {
			// A plain column ranks by its total (numbers) or its maximum within each target value.
			fn := "MAX"
			if b.order.typ.Family() == model.FamilyNumber {
				fn = "SUM"
			}
			b.order = typed{agg{fn: fn, arg: b.order.e}, b.order.typ}
		}
		b.tables = append(b.tables, tabs...)
	}
	if (f.Type == filter.RelativeDate || f.Type == filter.RelativeTime) && b.target.typ.Family() != model.FamilyTime {
		return nil, errs.Invalid(field+".target", "a %s filter needs a date column, %s is %s", f.Type, f.Target.Column, b.target.typ)
	}
	return b, nil
}

// predicate renders the filter's condition. TopN filters are built by the compiler.
func (c *compiler) predicate(b *boundFilter) (expr, error) {
	f, x := b.f, b.target
	switch f.Type {
	case filter.Basic:
		if f.Operator == "All" {
			return nil, nil
		}
		var list []expr
		hasNull := false
		for i, v := range f.Values {
			if v == nil {
				hasNull = true
				continue
			}
			p, err := value(v, x.typ, fmt.Sprintf("%s.values[%d]", b.field, i))
			if err != nil {
				return nil, err
			}
			list = append(list, p)
		}
		if f.Operator == "In" {
			if hasNull {
				return or(in{x.e, list}, isNull{x: x.e}), nil
			}
			return in{x.e, list}, nil
		}
		// NotIn keeps blanks unless blank is listed.
		if hasNull {
			return and(not{in{x.e, list}}, isNull{x: x.e, negate: true}), nil
		}
		return or(not{in{x.e, list}}, isNull{x: x.e}), nil
	case filter.Advanced:
		var conds []expr
		for i, cond := range f.Conditions {
			e, err := condition(cond, x, fmt.Sprintf("%s.conditions[%d]", b.field, i))
			if err != nil {
				return nil, err
			}
			conds = append(conds, e)
		}
		if f.LogicalOperator == "Or" {
			return or(conds...), nil
		}
		return and(conds...), nil
	case filter.RelativeDate, filter.RelativeTime:
		from, to := f.Relative.Range(c.now())
		return and(bin{op: ">=", l: x.e, r: param{from}}, bin{op: "<", l: x.e, r: param{to}}), nil
	}
	return nil, errs.Invalid(b.field+".filterType", "%s filters are not supported", f.Type)
}

func condition(cond filter.Condition, x typed, field string) (expr, error) {
	switch cond.Operator {
	case "IsBlank":
		return isNull{x: x.e}, nil
	case "IsNotBlank":
		return isNull{x: x.e, negate: true}, nil
	case "Contains", "DoesNotContain", "StartsWith", "DoesNotStartWith":
		s, ok := cond.Value.(string)
		if !ok {
			return nil, errs.Invalid(field+".value", "%s needs a string", cond.Operator)
		}
		if x.typ != model.TypeString {
			return nil, errs.Invalid(field+".operator", "%s applies to text, not %s", cond.Operator, x.typ)
		}
		pattern := likeEscape(s) + "%"
		if strings.Contains(cond.Operator, "Contain") {
			pattern = "%" + pattern
		}
		m := like{x.e, param{pattern}}
		if strings.HasPrefix(cond.Operator, "DoesNot") {
			return or(not{m}, isNull{x: x.e}), nil // blanks do not contain anything
		}
		return m, nil
	}
	if cond.Value == nil { // Is / IsNot blank
		return isNull{x: x.e, negate: cond.Operator == "IsNot"}, nil
	}
	v, err := value(cond.Value, x.typ, field+".value")
	if err != nil {
		return nil, err
	}
	op := map[string]string{"LessThan": "<", "LessThanOrEqual": "<=", "GreaterThan": ">", "GreaterThanOrEqual": ">=", "Is": "=", "IsNot": "<>"}[cond.Operator]
	if op == "<>" {
		return or(bin{op: op, l: x.e, r: v}, isNull{x: x.e}), nil
	}
	return bin{op: op, l: x.e, r: v}, nil
}

// value converts a JSON filter value to a parameter of the column's type.
func value(v any, t model.DataType, field string) (expr, error) {
	switch t {
	case model.TypeInt64:
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				return param{i}, nil
			}
			if f, err := n.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<62 {
				return param{int64(f)}, nil
			}
		}
		return nil, errs.Invalid(field, "must be an integer for a column of type %s", t)
	case model.TypeDouble, model.TypeDecimal, "":
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil && !math.IsInf(f, 0) {
				return param{f}, nil
			}
		}
		return nil, errs.Invalid(field, "must be a number for a column of type %s", t)
	case model.TypeBoolean:
		if b, ok := v.(bool); ok {
			return param{b}, nil
		}
		return nil, errs.Invalid(field, "must be true or false for a Boolean column")
	case model.TypeDate, model.TypeDateTime:
		if s, ok := v.(string); ok {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
				if tm, err := time.Parse(layout, s); err == nil {
					return param{tm}, nil
				}
			}
		}
		return nil, errs.Invalid(field, "must be a date such as \"2024-03-31\" or \"2024-03-31T12:00:00Z\"")
	}
	if s, ok := v.(string); ok {
		return param{s}, nil
	}
	return nil, errs.Invalid(field, "must be a string for a column of type %s", t)
}
