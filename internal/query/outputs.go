package query

import (
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// aggregations maps a visual's aggregation names to SQL and to a display prefix.
var aggregations = map[string]struct{ fn, label string }{
	"Sum": {"SUM", "Sum of "}, "Average": {"AVG", "Average of "}, "Min": {"MIN", "Min of "},
	"Max": {"MAX", "Max of "}, "Count": {"COUNT", "Count of "}, "DistinctCount": {"COUNT", "Count of distinct "},
}

var dateLevels = map[DateLevel]bool{LevelYear: true, LevelQuarter: true, LevelMonth: true, LevelDay: true}

// outputs resolves the group-by and value fields against the model.
func (c *compiler) outputs(q *VisualQuery) ([]output, error) {
	var outs []output
	for i, g := range q.GroupBy {
		f := fmt.Sprintf("groupBy[%d]", i)
		ref, err := model.ParseFieldRef(g.Field)
		if err != nil {
			return nil, errs.Invalid(f, "%v", err)
		}
		t, cl, err := resolveColumn(c.def, ref)
		if err != nil {
			return nil, errs.Invalid(f, "%v", err)
		}
		o := output{OutputColumn: OutputColumn{Name: cl.Name, Field: model.FieldRef{Table: t.Name, Name: cl.Name}.String(), DataType: cl.DataType}, e: col{t, cl}, group: true}
		if g.DateLevel != "" {
			if !dateLevels[g.DateLevel] {
				return nil, errs.Invalid(f+".dateLevel", "unknown level %q (use Year, Quarter, Month or Day)", g.DateLevel)
			}
			if cl.DataType.Family() != model.FamilyTime {
				return nil, errs.Invalid(f+".dateLevel", "column %s is %s, not a date", ref, cl.DataType)
			}
			o.e, o.DataType, o.aggregation = dateTrunc{o.e, g.DateLevel}, model.TypeDate, string(g.DateLevel)
			o.Name = fmt.Sprintf("%s (%s)", cl.Name, g.DateLevel)
		}
		outs = append(outs, o)
	}
	for i, v := range q.Values {
		f := fmt.Sprintf("values[%d]", i)
		o, err := c.valueOutput(v, f)
		if err != nil {
			return nil, err
		}
		outs = append(outs, o)
	}
	return outs, nil
}

func (c *compiler) valueOutput(v ValueField, f string) (output, error) {
	ref, err := model.ParseFieldRef(v.Field)
	if err != nil {
		return output{}, errs.Invalid(f+".field", "%v", err)
	}
	if m, mt, ok := c.def.Measure(ref.Name); ok && (ref.Table == "" || strings.EqualFold(ref.Table, mt.Name)) {
		if v.Aggregation != "" {
			return output{}, errs.Invalid(f+".aggregation", "a measure cannot be aggregated again")
		}
		t, err := c.measure(m, f)
		if err != nil {
			return output{}, err
		}
		return output{OutputColumn: OutputColumn{Name: m.Name, Field: model.FieldRef{Name: m.Name}.String(), DataType: resultType(t.typ)}, e: cast{t.e, resultType(t.typ)}}, nil
	}
	if ref.Table == "" {
		return output{}, errs.Invalid(f+".field", "unknown measure %s", ref)
	}
	t, cl, err := resolveColumn(c.def, ref)
	if err != nil {
		return output{}, errs.Invalid(f+".field", "%v", err)
	}
	a, ok := aggregations[v.Aggregation]
	if !ok {
		return output{}, errs.Invalid(f+".aggregation", "a column in values needs an aggregation: Sum, Average, Min, Max, Count or DistinctCount (got %q)", v.Aggregation)
	}
	res, err := aggregate(a.fn, v.Aggregation == "DistinctCount", col{t, cl}, cl.DataType, func() error {
		return errs.Invalid(f+".aggregation", "%s needs a numeric column, %s is %s", v.Aggregation, ref, cl.DataType)
	})
	if err != nil {
		return output{}, err
	}
	return output{
		OutputColumn: OutputColumn{Name: a.label + cl.Name, Field: model.FieldRef{Table: t.Name, Name: cl.Name}.String(), DataType: resultType(res.typ)},
		e:            cast{res.e, resultType(res.typ)}, aggregation: v.Aggregation,
	}, nil
}

// resultType gives blank and boolean measure results a column type.
func resultType(t model.DataType) model.DataType {
	if t == "" {
		return model.TypeDouble
	}
	return t
}

// findOutput finds the output a sort or topN names, by field and aggregation.
func findOutput(outs []output, field, aggregation, name string) (int, error) {
	ref, err := model.ParseFieldRef(field)
	if err != nil {
		return 0, errs.Invalid(name, "%v", err)
	}
	var candidates []int
	for i, o := range outs {
		oref, _ := model.ParseFieldRef(o.Field)
		if strings.EqualFold(oref.Table, ref.Table) && strings.EqualFold(oref.Name, ref.Name) {
			candidates = append(candidates, i)
		}
		if ref.Table != "" && oref.Table == "" && strings.EqualFold(oref.Name, ref.Name) {
			candidates = append(candidates, i) // Sales[Total Sales] names the measure [Total Sales]
		}
	}
	for _, i := range candidates {
		if aggregation == "" || strings.EqualFold(outs[i].aggregation, aggregation) {
			return i, nil
		}
	}
	return 0, errs.Invalid(name, "%s is not one of the query's fields", ref)
}

// sortItems renders the ORDER BY items of q.Sort.
func (c *compiler) sortItems(q *VisualQuery, outs []output) ([]string, error) {
	var items []string
	for i, s := range q.Sort {
		f := fmt.Sprintf("sort[%d]", i)
		idx, err := findOutput(outs, s.Field, s.Aggregation, f+".field")
		if err != nil {
			return nil, err
		}
		var desc bool
		switch s.Direction {
		case "", "Ascending":
		case "Descending":
			desc = true
		default:
			return nil, errs.Invalid(f+".direction", "must be Ascending or Descending")
		}
		items = append(items, c.opts.Dialect.OrderBy(c.opts.Dialect.QuoteIdent(alias(idx)), desc))
	}
	return items, nil
}

// collectTables adds the tables an expression reads to set.
func collectTables(e expr, set map[string]*model.Table) {
	switch e := e.(type) {
	case col:
		set[fold(e.table.Name)] = e.table
	case countRows:
		set[fold(e.table.Name)] = e.table
	case agg:
		collectTables(e.arg, set)
	case bin:
		collectTables(e.l, set)
		collectTables(e.r, set)
	case not:
		collectTables(e.x, set)
	case neg:
		collectTables(e.x, set)
	case isNull:
		collectTables(e.x, set)
	case in:
		collectTables(e.x, set)
		for _, x := range e.list {
			collectTables(x, set)
		}
	case like:
		collectTables(e.x, set)
	case divide:
		collectTables(e.a, set)
		collectTables(e.b, set)
		collectTables(e.alt, set)
	case cast:
		collectTables(e.x, set)
	case dateTrunc:
		collectTables(e.x, set)
	}
}
