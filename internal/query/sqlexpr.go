package query

import (
	"strconv"
	"strings"

	"github.com/bindery-dev/bindery/internal/model"
)

// expr is the compiler's SQL expression tree. Every identifier in it comes
// from the model and every value is a param, so rendering cannot be steered by
// request text.
type expr interface {
	render(w *writer)
}

// writer renders expressions for one query: it owns the SQL text, the bound
// arguments and the table aliases of the FROM clause.
type writer struct {
	d       Dialect
	sb      *strings.Builder
	args    []any
	aliases map[string]string // folded table name -> alias
	plan    *joinPlan
}

func (w *writer) str(s string) { w.sb.WriteString(s) }

func (w *writer) ident(name string) { w.str(w.d.QuoteIdent(name)) }

// sub renders e to a string with the same arguments list.
func (w *writer) sub(e expr) string {
	saved := w.sb
	w.sb = &strings.Builder{}
	e.render(w)
	s := w.sb.String()
	w.sb = saved
	return s
}

// col is a column of a model table.
type col struct {
	table *model.Table
	col   *model.Column
}

func (c col) render(w *writer) {
	w.str(w.aliases[strings.ToLower(c.table.Name)])
	w.str(".")
	w.ident(c.col.Name)
}

// param is a bound value.
type param struct{ v any }

func (p param) render(w *writer) {
	w.args = append(w.args, p.v)
	w.str(w.d.Placeholder(len(w.args)))
}

// raw is fixed SQL text written by the compiler itself (never from input).
type raw string

func (r raw) render(w *writer) { w.str(string(r)) }

// agg is an aggregate function; a nil arg means COUNT(*).
type agg struct {
	fn       string // SUM, AVG, MIN, MAX, COUNT
	arg      expr
	distinct bool
}

func (a agg) render(w *writer) {
	w.str(a.fn + "(")
	if a.distinct {
		w.str("DISTINCT ")
	}
	if a.arg == nil {
		w.str("*")
	} else {
		a.arg.render(w)
	}
	w.str(")")
}

// countRows counts the rows of a table: COUNT(*) on the base table, the distinct
// keys of a dimension reached by a join.
type countRows struct{ table *model.Table }

func (c countRows) render(w *writer) {
	if key, ok := w.plan.keyOf(c.table); ok {
		agg{fn: "COUNT", arg: key, distinct: true}.render(w)
		return
	}
	w.str("COUNT(*)")
}

// bin is a binary operation, parenthesized.
type bin struct {
	op   string
	l, r expr
}

func (b bin) render(w *writer) {
	w.str("(")
	b.l.render(w)
	w.str(" " + b.op + " ")
	b.r.render(w)
	w.str(")")
}

// not negates a predicate.
type not struct{ x expr }

func (n not) render(w *writer) {
	w.str("(NOT ")
	n.x.render(w)
	w.str(")")
}

// neg is arithmetic negation.
type neg struct{ x expr }

func (n neg) render(w *writer) {
	w.str("(-")
	n.x.render(w)
	w.str(")")
}

// isNull tests for blank.
type isNull struct {
	x      expr
	negate bool
}

func (n isNull) render(w *writer) {
	w.str("(")
	n.x.render(w)
	if n.negate {
		w.str(" IS NOT NULL)")
	} else {
		w.str(" IS NULL)")
	}
}

// in is x IN (list); an empty list is false.
type in struct {
	x    expr
	list []expr
}

func (n in) render(w *writer) {
	if len(n.list) == 0 {
		w.str("(1 = 0)")
		return
	}
	w.str("(")
	n.x.render(w)
	w.str(" IN (")
	for i, e := range n.list {
		if i > 0 {
			w.str(", ")
		}
		e.render(w)
	}
	w.str("))")
}

// like matches a bound pattern, ignoring case.
type like struct{ x, pattern expr }

func (l like) render(w *writer) { w.str("(" + w.d.Like(w.sub(l.x), w.sub(l.pattern)) + ")") }

// divide is DAX DIVIDE: alt (default blank) when the divisor is zero or blank.
type divide struct{ a, b, alt expr }

func (d divide) render(w *writer) {
	w.str("(CASE WHEN ")
	d.b.render(w)
	w.str(" = 0 OR ")
	d.b.render(w)
	w.str(" IS NULL THEN ")
	if d.alt == nil {
		w.str("NULL")
	} else {
		d.alt.render(w)
	}
	w.str(" ELSE ")
	w.str(w.d.CastDouble(w.sub(d.a)))
	w.str(" / ")
	d.b.render(w)
	w.str(" END)")
}

// cast fixes the result type of a value column.
type cast struct {
	x   expr
	typ model.DataType
}

func (c cast) render(w *writer) {
	s := w.sub(c.x)
	switch c.typ.Family() {
	case model.FamilyNumber:
		if c.typ == model.TypeInt64 {
			w.str(w.d.CastInt(s))
		} else {
			w.str(w.d.CastDouble(s))
		}
	default:
		w.str(s)
	}
}

// dateTrunc groups a date column by a level of its hierarchy.
type dateTrunc struct {
	x     expr
	level DateLevel
}

func (d dateTrunc) render(w *writer) { w.str(w.d.DateTrunc(d.level, w.sub(d.x))) }

// and / or join predicates; nil items are skipped, an empty and is true.
func and(items ...expr) expr { return join("AND", "(1 = 1)", items) }
func or(items ...expr) expr  { return join("OR", "(1 = 0)", items) }

func join(op string, empty raw, items []expr) expr {
	var kept []expr
	for _, e := range items {
		if e != nil {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return empty
	}
	out := kept[0]
	for _, e := range kept[1:] {
		out = bin{op: op, l: out, r: e}
	}
	return out
}

// alias names the i-th output column.
func alias(i int) string { return "c" + strconv.Itoa(i) }
