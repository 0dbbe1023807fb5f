// Package dax parses the subset of DAX that Bindery evaluates: measure
// expressions (aggregations, DIVIDE, arithmetic, measure references) and RLS
// table filters (comparisons, &&, ||, NOT, IN { … }, USERNAME(),
// USERPRINCIPALNAME(), CUSTOMDATA()). It only builds and checks an AST; the
// query compiler resolves names against a model and turns the AST into SQL.
//
// Every Node's String() prints DAX that parses back to an equal AST.
package dax

import (
	"strconv"
	"strings"

	"github.com/bindery-dev/bindery/internal/model"
)

// Node is a node of a DAX expression.
type Node interface {
	// String renders the node as DAX that parses back to the same AST.
	String() string
	// Position is where the node starts in the source.
	Position() Pos
	node()
}

// Number is a numeric literal. Int is set when Text has no fraction or exponent.
type Number struct {
	Pos   Pos
	Text  string
	Value float64
	Int   bool
}

// Str is a string literal.
type Str struct {
	Pos   Pos
	Value string
}

// Bool is TRUE or FALSE.
type Bool struct {
	Pos   Pos
	Value bool
}

// Blank is BLANK().
type Blank struct{ Pos Pos }

// ColumnRef is Table[Name] or [Name]; an unqualified reference is a measure, or a
// column of the expression's own table in a row filter. The compiler decides.
type ColumnRef struct {
	Pos Pos
	Ref model.FieldRef
}

// TableRef names a table, as the argument of COUNTROWS.
type TableRef struct {
	Pos  Pos
	Name string
}

// Call is a call of a supported function; Name is upper case.
type Call struct {
	Pos  Pos
	Name string
	Args []Node
}

// Unary is -X or NOT X.
type Unary struct {
	Pos Pos
	Op  string // "-" or "NOT"
	X   Node
}

// Binary is L Op R for arithmetic, comparison, && and ||.
type Binary struct {
	Pos  Pos
	Op   string
	L, R Node
}

// In is X IN { List }.
type In struct {
	Pos  Pos
	X    Node
	List []Node
}

func (*Number) node()    {}
func (*Str) node()       {}
func (*Bool) node()      {}
func (*Blank) node()     {}
func (*ColumnRef) node() {}
func (*TableRef) node()  {}
func (*Call) node()      {}
func (*Unary) node()     {}
func (*Binary) node()    {}
func (*In) node()        {}

// Position implementations.
func (n *Number) Position() Pos    { return n.Pos }
func (n *Str) Position() Pos       { return n.Pos }
func (n *Bool) Position() Pos      { return n.Pos }
func (n *Blank) Position() Pos     { return n.Pos }
func (n *ColumnRef) Position() Pos { return n.Pos }
func (n *TableRef) Position() Pos  { return n.Pos }
func (n *Call) Position() Pos      { return n.Pos }
func (n *Unary) Position() Pos     { return n.Pos }
func (n *Binary) Position() Pos    { return n.Pos }
func (n *In) Position() Pos        { return n.Pos }

func (n *Number) String() string { return n.Text }
func (n *Str) String() string    { return `"` + strings.ReplaceAll(n.Value, `"`, `""`) + `"` }
func (n *Bool) String() string {
	if n.Value {
		return "TRUE()"
	}
	return "FALSE()"
}
func (n *Blank) String() string     { return "BLANK()" }
func (n *ColumnRef) String() string { return n.Ref.String() }
func (n *TableRef) String() string  { return TableName(n.Name) }

func (n *Call) String() string {
	parts := make([]string, len(n.Args))
	for i, a := range n.Args {
		parts[i] = a.String()
	}
	return n.Name + "(" + strings.Join(parts, ", ") + ")"
}

func (n *Unary) String() string {
	if n.Op == "NOT" {
		return "NOT(" + n.X.String() + ")"
	}
	if u, ok := n.X.(*Unary); ok && u.Op == "-" {
		return "-(" + u.String() + ")" // "--" would start a comment
	}
	return "-" + wrap(n.X, precUnary, false)
}

func (n *Binary) String() string {
	p := binaryPrec[n.Op]
	return wrap(n.L, p, false) + " " + n.Op + " " + wrap(n.R, p, true)
}

func (n *In) String() string {
	parts := make([]string, len(n.List))
	for i, a := range n.List {
		parts[i] = a.String()
	}
	return wrap(n.X, precCompare, false) + " IN {" + strings.Join(parts, ", ") + "}"
}

// TableName renders a table name, quoted when it is not a plain identifier.
func TableName(name string) string {
	return strings.TrimSuffix(model.FieldRef{Table: name, Name: "x"}.String(), "[x]")
}

// Operator precedence, loosest first.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCompare
	precConcat
	precAdd
	precMul
	precUnary
	precAtom
)

var binaryPrec = map[string]int{
	"||": precOr, "&&": precAnd,
	"=": precCompare, "==": precCompare, "<>": precCompare, "<": precCompare, "<=": precCompare, ">": precCompare, ">=": precCompare,
	"&": precConcat,
	"+": precAdd, "-": precAdd,
	"*": precMul, "/": precMul,
}

func prec(n Node) int {
	switch n := n.(type) {
	case *Binary:
		return binaryPrec[n.Op]
	case *In:
		return precCompare
	case *Unary:
		if n.Op == "NOT" {
			return precAtom // printed as the function NOT(x)
		}
		return precUnary
	}
	return precAtom
}

// wrap parenthesizes a child that binds looser than its parent (or equally, on
// the right of a left-associative operator).
func wrap(n Node, parent int, right bool) string {
	p := prec(n)
	if p < parent || (right && p == parent) {
		return "(" + n.String() + ")"
	}
	return n.String()
}

// Walk calls fn for n and every node below it, depth first, until fn returns false.
func Walk(n Node, fn func(Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	switch n := n.(type) {
	case *Call:
		for _, a := range n.Args {
			Walk(a, fn)
		}
	case *Unary:
		Walk(n.X, fn)
	case *Binary:
		Walk(n.L, fn)
		Walk(n.R, fn)
	case *In:
		Walk(n.X, fn)
		for _, a := range n.List {
			Walk(a, fn)
		}
	}
}

func parseNumber(text string) (float64, bool, error) {
	isInt := !strings.ContainsAny(text, ".eE")
	v, err := strconv.ParseFloat(text, 64)
	return v, isInt, err
}
