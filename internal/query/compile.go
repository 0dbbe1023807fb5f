package query

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query/filter"
)

// CompileOptions are the inputs of Compile beyond the model and the query.
type CompileOptions struct {
	// Identity is the effective identity; required when the dataset has RLS roles.
	Identity *Identity
	// Dialect renders the SQL; nil means DuckDB.
	Dialect Dialect
	// MaxRows caps the rows a query returns; 0 means no cap. The SQL reads
	// one row more, so the caller can tell a result was cut (Compiled.MaxRows).
	MaxRows int
	// Now is the clock of relative date filters; nil means time.Now.
	Now func() time.Time
}

// OutputColumn describes one column of a compiled query's result, in order.
type OutputColumn struct {
	Name     string         `json:"name"`     // display name: "Category", "Sum of Amount", "Total Sales"
	Field    string         `json:"field"`    // the query's field: "Product[Category]", "[Total Sales]"
	DataType model.DataType `json:"dataType"` // the Go value a row holds follows this type
}

// Compiled is SQL ready to run: text, bound arguments, and the result's columns.
type Compiled struct {
	Dialect string
	SQL     string
	Args    []any
	Columns []OutputColumn
	// MaxRows, when not 0, is the cap applied: the SQL returns up to MaxRows+1
	// rows, and a result with more than MaxRows rows was truncated.
	MaxRows  int
	identity string
}

// Key identifies the compiled query and its identity for a result cache (with
// the dataset's data version, which the caller adds). Two identities never
// share a key, even when their SQL happens to be the same.
func (c *Compiled) Key() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", c.Dialect, c.SQL, c.identity)
	for _, a := range c.Args {
		if t, ok := a.(time.Time); ok {
			a = t.UTC().Format(time.RFC3339Nano)
		}
		fmt.Fprintf(h, "%T\x00%v\x00", a, a)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func identityKey(id *Identity) string {
	if id == nil {
		return ""
	}
	b, _ := json.Marshal(id)
	return string(b)
}

// compiler holds one compilation's state.
type compiler struct {
	def  *model.DatasetDefinition
	opts CompileOptions
}

func (c *compiler) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

func (c *compiler) measure(m *model.Measure, field string) (typed, error) {
	dc := &daxCompiler{def: c.def, identity: c.opts.Identity}
	t, err := dc.measure(m)
	if err != nil {
		return typed{}, errs.Invalid(field, "%v", err).Wrap(err)
	}
	return t, nil
}

// output is one selected column while compiling.
type output struct {
	OutputColumn
	e           expr
	group       bool
	aggregation string
}

// Compile turns a visual query into SQL for def's data under opts.Identity.
// Errors a client can cause are *errs.Error values naming the offending field.
func Compile(def *model.DatasetDefinition, q *VisualQuery, opts CompileOptions) (*Compiled, error) {
	if opts.Dialect == nil {
		opts.Dialect = DuckDB{}
	}
	c := &compiler{def: def, opts: opts}
	if err := checkSizes(q); err != nil {
		return nil, err
	}
	if q.Underlying && (len(q.Values) > 0 || q.TopN != nil) {
		return nil, errs.Invalid("underlying", "an underlying-rows query takes columns only: no values and no topN")
	}
	outs, err := c.outputs(q)
	if err != nil {
		return nil, err
	}
	var filters []*boundFilter
	for _, level := range []struct {
		name string
		list []json.RawMessage
	}{{"reportFilters", q.ReportFilters}, {"pageFilters", q.PageFilters}, {"filters", q.Filters}} {
		for i, raw := range level.list {
			b, err := c.bindFilter(raw, fmt.Sprintf("%s[%d]", level.name, i))
			if err != nil {
				return nil, err
			}
			filters = append(filters, b)
		}
	}
	order, err := c.sortItems(q, outs)
	if err != nil {
		return nil, err
	}
	var topBy *output
	if q.TopN != nil {
		i, err := findOutput(outs, q.TopN.By, q.TopN.Aggregation, "topN.by")
		if err != nil {
			return nil, err
		}
		topBy = &outs[i]
	}

	// The tables the query touches decide the base table and the joins.
	need := map[string]*model.Table{}
	for _, o := range outs {
		collectTables(o.e, need)
	}
	for _, b := range filters {
		for _, t := range b.tables {
			need[fold(t.Name)] = t
		}
		collectTables(b.target.e, need)
		collectTables(b.order.e, need)
	}
	required := make([]*model.Table, 0, len(need))
	for i := range def.Tables { // model order keeps the choice deterministic
		if t, ok := need[fold(def.Tables[i].Name)]; ok {
			required = append(required, t)
		}
	}
	if len(required) == 0 {
		return nil, errs.Invalid("values", "a query needs at least one field")
	}
	plan, err := chooseBase(def, required)
	if err != nil {
		return nil, err
	}
	rls, err := rlsPredicate(def, opts.Identity, plan)
	if err != nil {
		return nil, err
	}
	collectTables(rls, need)
	joins := map[string]bool{}
	for k := range need {
		joins[k] = true
	}

	// WHERE: column filters and RLS; HAVING: filters on aggregates; TopN filters rank in a subquery.
	var where, having, tops []expr
	for _, b := range filters {
		if b.f.Type == filter.TopN {
			continue
		}
		p, err := c.predicate(b)
		if err != nil {
			return nil, err
		}
		if b.having {
			having = append(having, p)
		} else {
			where = append(where, p)
		}
	}
	base := and(append(append([]expr{}, where...), rls)...)
	for _, b := range filters {
		if b.f.Type == filter.TopN {
			tops = append(tops, in{b.target.e, []expr{topNSubquery{plan: plan, joins: joins, where: base, b: b}}})
		}
	}

	w := &writer{d: opts.Dialect, sb: &strings.Builder{}, plan: plan}
	plan.prepare(w, joins)
	limit, capped := c.limit(q, topBy)
	wrap := topBy != nil && len(order) > 0
	if wrap {
		w.str("SELECT * FROM (")
	}
	w.str("SELECT ")
	for i, o := range outs {
		if i > 0 {
			w.str(", ")
		}
		o.e.render(w)
		w.str(" AS ")
		w.ident(alias(i))
	}
	plan.from(w)
	if cond := and(append(append([]expr{}, where...), append(tops, rls)...)...); cond != raw("(1 = 1)") {
		w.str(" WHERE ")
		cond.render(w)
	}
	var groups []string
	hasAgg := false
	for _, o := range outs {
		if o.group {
			groups = append(groups, w.sub(o.e))
		} else {
			hasAgg = true
		}
	}
	if len(groups) > 0 && !q.Underlying {
		w.str(" GROUP BY " + strings.Join(groups, ", "))
	}
	if len(having) > 0 {
		if !hasAgg && len(groups) == 0 {
			return nil, errs.Invalid("filters", "a filter on a measure needs a query with fields")
		}
		w.str(" HAVING ")
		and(having...).render(w)
	}
	var orderBy []string
	groupOrder := func() {
		for i, o := range outs {
			if o.group {
				orderBy = append(orderBy, opts.Dialect.OrderBy(opts.Dialect.QuoteIdent(alias(i)), false))
			}
		}
	}
	switch {
	case topBy != nil:
		orderBy = append(orderBy, opts.Dialect.OrderBy(opts.Dialect.QuoteIdent(alias(indexOf(outs, topBy))), true))
		groupOrder()
	case len(order) > 0:
		orderBy = order
	default:
		groupOrder()
	}
	if len(orderBy) > 0 {
		w.str(" ORDER BY " + strings.Join(orderBy, ", "))
	}
	if wrap {
		w.str(opts.Dialect.Limit(q.TopN.Count) + ") AS q ORDER BY " + strings.Join(order, ", "))
	}
	if limit > 0 {
		w.str(opts.Dialect.Limit(limit))
	}
	res := &Compiled{Dialect: opts.Dialect.Name(), SQL: w.sb.String(), Args: w.args, identity: identityKey(opts.Identity)}
	if capped {
		res.MaxRows = opts.MaxRows
	}
	for _, o := range outs {
		res.Columns = append(res.Columns, o.OutputColumn)
	}
	return res, nil
}

func indexOf(outs []output, o *output) int {
	for i := range outs {
		if &outs[i] == o {
			return i
		}
	}
	return -1
}

// limit decides the LIMIT: the query's own limit, its topN, and the row cap.
func (c *compiler) limit(q *VisualQuery, topBy *output) (int, bool) {
	lim := q.Limit
	if topBy != nil && len(q.Sort) == 0 && (lim == 0 || q.TopN.Count < lim) {
		lim = q.TopN.Count
	}
	if cap := c.opts.MaxRows; cap > 0 && (lim == 0 || lim > cap) {
		return cap + 1, true
	}
	return lim, false
}

func checkSizes(q *VisualQuery) error {
	switch {
	case len(q.GroupBy) > MaxGroupBy:
		return errs.Invalid("groupBy", "at most %d fields are allowed", MaxGroupBy)
	case len(q.Values) > MaxValues:
		return errs.Invalid("values", "at most %d fields are allowed", MaxValues)
	case len(q.Sort) > MaxSort:
		return errs.Invalid("sort", "at most %d items are allowed", MaxSort)
	case len(q.Filters)+len(q.PageFilters)+len(q.ReportFilters) > MaxFilters:
		return errs.Invalid("filters", "at most %d filters are allowed in all", MaxFilters)
	case q.Limit < 0 || q.Limit > MaxLimit:
		return errs.Invalid("limit", "must be between 0 and %d", MaxLimit)
	case q.TopN != nil && (q.TopN.Count < 1 || q.TopN.Count > filter.MaxItemCount):
		return errs.Invalid("topN.count", "must be between 1 and %d", filter.MaxItemCount)
	}
	return nil
}
