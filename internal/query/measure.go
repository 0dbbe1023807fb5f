package query

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query/dax"
)

// daxCompiler turns DAX ASTs into SQL expressions against one model.
// In measure mode (home == nil) columns appear only inside aggregations; in
// row-filter mode (an RLS table filter) columns are those of home, per row.
type daxCompiler struct {
	def      *model.DatasetDefinition
	identity *Identity
	home     *model.Table
	stack    []string // measures being expanded, to detect cycles
}

// typed is a compiled expression with its result type ("" for blank).
type typed struct {
	e   expr
	typ model.DataType
}

func (c *daxCompiler) errorf(n dax.Node, format string, args ...any) error {
	return &dax.Error{Pos: n.Position(), Msg: fmt.Sprintf(format, args...)}
}

// measure compiles a measure by name, expanding measure references recursively.
func (c *daxCompiler) measure(m *model.Measure) (typed, error) {
	for _, s := range c.stack {
		if strings.EqualFold(s, m.Name) {
			return typed{}, fmt.Errorf("measure [%s] refers to itself through %s", m.Name, strings.Join(append(c.stack, m.Name), " -> "))
		}
	}
	n, err := dax.Parse(m.Expression)
	if err != nil {
		return typed{}, fmt.Errorf("measure [%s]: %w", m.Name, err)
	}
	c.stack = append(c.stack, m.Name)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()
	t, err := c.compile(n, false)
	if err != nil {
		var de *dax.Error
		if errors.As(err, &de) {
			return typed{}, fmt.Errorf("measure [%s]: %w", m.Name, err)
		}
		return typed{}, err
	}
	return t, nil
}

func isNumber(t model.DataType) bool { return t.Family() == model.FamilyNumber || t == "" }

// compile compiles n; inAgg is true inside an aggregation's argument.
func (c *daxCompiler) compile(n dax.Node, inAgg bool) (typed, error) {
	switch n := n.(type) {
	case *dax.Number:
		if n.Int && n.Value >= -(1<<53) && n.Value <= 1<<53 {
			return typed{param{int64(n.Value)}, model.TypeInt64}, nil
		}
		return typed{param{n.Value}, model.TypeDouble}, nil
	case *dax.Str:
		return typed{param{n.Value}, model.TypeString}, nil
	case *dax.Bool:
		return typed{param{n.Value}, model.TypeBoolean}, nil
	case *dax.Blank:
		return typed{raw("NULL"), ""}, nil
	case *dax.ColumnRef:
		return c.ref(n)
	case *dax.TableRef:
		return typed{}, c.errorf(n, "table %s cannot be used as a value", n)
	case *dax.Unary:
		x, err := c.compile(n.X, inAgg)
		if err != nil {
			return typed{}, err
		}
		if n.Op == "NOT" {
			return typed{not{x.e}, model.TypeBoolean}, nil
		}
		if !isNumber(x.typ) {
			return typed{}, c.errorf(n, "cannot negate a %s value", x.typ)
		}
		return typed{neg{x.e}, x.typ}, nil
	case *dax.Binary:
		return c.binary(n, inAgg)
	case *dax.In:
		return c.in(n, inAgg)
	case *dax.Call:
		return c.call(n)
	}
	return typed{}, c.errorf(n, "unsupported expression %s", n)
}

func (c *daxCompiler) ref(n *dax.ColumnRef) (typed, error) {
	r := n.Ref
	if c.home != nil {
		// A row filter reads columns of its own table.
		if r.Table != "" && !strings.EqualFold(r.Table, c.home.Name) {
			return typed{}, c.errorf(n, "a filter on table %s cannot read %s", dax.TableName(c.home.Name), r)
		}
		cl, ok := c.home.Column(r.Name)
		if !ok {
			return typed{}, c.errorf(n, "unknown column %s in table %s", model.FieldRef{Name: r.Name}, dax.TableName(c.home.Name))
		}
		return typed{col{c.home, cl}, cl.DataType}, nil
	}
	if m, mt, ok := c.def.Measure(r.Name); ok && (r.Table == "" || strings.EqualFold(r.Table, mt.Name)) {
		return c.measure(m)
	}
	if r.Table == "" {
		return typed{}, c.errorf(n, "unknown measure %s", r)
	}
	if _, _, err := resolveColumn(c.def, r); err != nil {
		return typed{}, c.errorf(n, "%v", err)
	}
	return typed{}, c.errorf(n, "column %s must be aggregated, as in SUM(%s)", r, r)
}

var arithmetic = map[string]bool{"+": true, "-": true, "*": true, "/": true}

func (c *daxCompiler) binary(n *dax.Binary, inAgg bool) (typed, error) {
	l, err := c.compile(n.L, inAgg)
	if err != nil {
		return typed{}, err
	}
	r, err := c.compile(n.R, inAgg)
	if err != nil {
		return typed{}, err
	}
	switch {
	case arithmetic[n.Op]:
		if !isNumber(l.typ) || !isNumber(r.typ) {
			return typed{}, c.errorf(n, "operator %s needs numbers", n.Op)
		}
		if n.Op == "/" {
			// DAX division by zero is not an error; SQL's is, so divide like DIVIDE.
			return typed{divide{a: l.e, b: r.e}, model.TypeDouble}, nil
		}
		t := model.TypeDouble
		if l.typ == model.TypeInt64 && r.typ == model.TypeInt64 {
			t = model.TypeInt64
		}
		return typed{bin{op: n.Op, l: l.e, r: r.e}, t}, nil
	case n.Op == "&&" || n.Op == "||":
		op := "AND"
		if n.Op == "||" {
			op = "OR"
		}
		return typed{bin{op: op, l: l.e, r: r.e}, model.TypeBoolean}, nil
	case n.Op == "&":
		return typed{}, c.errorf(n, "operator & is not supported")
	}
	// Comparisons.
	if l.typ != "" && r.typ != "" && l.typ.Family() != r.typ.Family() {
		return typed{}, c.errorf(n, "cannot compare %s with %s", l.typ, r.typ)
	}
	op := n.Op
	switch op {
	case "==":
		op = "="
	case "=", "<>":
		// Comparing with BLANK() tests for blank.
		if _, ok := n.R.(*dax.Blank); ok {
			return typed{isNull{l.e, op == "<>"}, model.TypeBoolean}, nil
		}
		if _, ok := n.L.(*dax.Blank); ok {
			return typed{isNull{r.e, op == "<>"}, model.TypeBoolean}, nil
		}
	}
	return typed{bin{op: op, l: l.e, r: r.e}, model.TypeBoolean}, nil
}

func (c *daxCompiler) in(n *dax.In, inAgg bool) (typed, error) {
	x, err := c.compile(n.X, inAgg)
	if err != nil {
		return typed{}, err
	}
	list := make([]expr, len(n.List))
	for i, item := range n.List {
		v, err := c.compile(item, inAgg)
		if err != nil {
			return typed{}, err
		}
		if x.typ != "" && v.typ != "" && x.typ.Family() != v.typ.Family() {
			return typed{}, c.errorf(item, "cannot compare %s with %s", x.typ, v.typ)
		}
		list[i] = v.e
	}
	return typed{in{x.e, list}, model.TypeBoolean}, nil
}

var sqlAgg = map[string]string{"SUM": "SUM", "AVERAGE": "AVG", "MIN": "MIN", "MAX": "MAX", "COUNT": "COUNT", "DISTINCTCOUNT": "COUNT"}

func (c *daxCompiler) call(n *dax.Call) (typed, error) {
	switch n.Name {
	case "USERNAME", "USERPRINCIPALNAME":
		if c.identity == nil {
			return typed{}, c.errorf(n, "%s() needs an effective identity", n.Name)
		}
		return typed{param{c.identity.Username}, model.TypeString}, nil
	case "CUSTOMDATA":
		if c.identity == nil {
			return typed{}, c.errorf(n, "CUSTOMDATA() needs an effective identity")
		}
		return typed{param{c.identity.CustomData}, model.TypeString}, nil
	case "DIVIDE":
		var parts [3]typed
		for i, a := range n.Args {
			t, err := c.compile(a, false)
			if err != nil {
				return typed{}, err
			}
			if !isNumber(t.typ) {
				return typed{}, c.errorf(a, "DIVIDE needs numbers")
			}
			parts[i] = t
		}
		return typed{divide{a: parts[0].e, b: parts[1].e, alt: parts[2].e}, model.TypeDouble}, nil
	case "COUNTROWS":
		if c.home != nil {
			return typed{}, c.errorf(n, "COUNTROWS cannot be used in a row filter")
		}
		name := n.Args[0].(*dax.TableRef).Name
		t, ok := c.def.Table(name)
		if !ok {
			return typed{}, c.errorf(n.Args[0], "unknown table %s", dax.TableName(name))
		}
		return typed{countRows{t}, model.TypeInt64}, nil
	}
	if fn, ok := sqlAgg[n.Name]; ok {
		if c.home != nil {
			return typed{}, c.errorf(n, "%s cannot be used in a row filter", n.Name)
		}
		ref := n.Args[0].(*dax.ColumnRef)
		t, cl, err := resolveColumn(c.def, ref.Ref)
		if err != nil {
			return typed{}, c.errorf(ref, "%v", err)
		}
		return aggregate(fn, n.Name == "DISTINCTCOUNT", col{t, cl}, cl.DataType, func() error {
			return c.errorf(n, "%s needs a numeric column, %s is %s", n.Name, ref.Ref, cl.DataType)
		})
	}
	return typed{}, c.errorf(n, "function %s is not supported here", n.Name)
}

// aggregate builds fn(arg) with its result type; bad reports a non-numeric SUM or AVG.
func aggregate(fn string, distinct bool, arg expr, t model.DataType, bad func() error) (typed, error) {
	switch fn {
	case "SUM", "AVG":
		if t.Family() != model.FamilyNumber {
			return typed{}, bad()
		}
		if fn == "AVG" || t != model.TypeInt64 {
			return typed{agg{fn: fn, arg: arg}, model.TypeDouble}, nil
		}
		return typed{agg{fn: fn, arg: arg}, model.TypeInt64}, nil
	case "COUNT":
		return typed{agg{fn: fn, arg: arg, distinct: distinct}, model.TypeInt64}, nil
	}
	return typed{agg{fn: fn, arg: arg}, t}, nil // MIN, MAX keep the column's type
}

// resolveColumn finds Table[Column] in the model: the allow-list of identifiers.
func resolveColumn(def *model.DatasetDefinition, r model.FieldRef) (*model.Table, *model.Column, error) {
	if r.Table == "" {
		return nil, nil, fmt.Errorf("%s names no table; a column is written Table[Column]", r)
	}
	t, ok := def.Table(r.Table)
	if !ok {
		return nil, nil, fmt.Errorf("unknown table %s", dax.TableName(r.Table))
	}
	cl, ok := t.Column(r.Name)
	if !ok {
		return nil, nil, fmt.Errorf("unknown column %s", r)
	}
	return t, cl, nil
}
