package dax

import (
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/model"
)

// MaxDepth bounds nesting so hostile input cannot exhaust the stack.
const MaxDepth = 100

// arity of the supported functions: minimum and maximum argument counts.
var functions = map[string][2]int{
	"SUM": {1, 1}, "AVERAGE": {1, 1}, "MIN": {1, 1}, "MAX": {1, 1},
	"COUNT": {1, 1}, "DISTINCTCOUNT": {1, 1}, "COUNTROWS": {1, 1},
	"DIVIDE":   {2, 3},
	"USERNAME": {0, 0}, "USERPRINCIPALNAME": {0, 0}, "CUSTOMDATA": {0, 0},
	"BLANK": {0, 0}, "TRUE": {0, 0}, "FALSE": {0, 0}, "NOT": {1, 1},
}

// Aggregations are the functions that take one column and aggregate it.
var Aggregations = map[string]bool{
	"SUM": true, "AVERAGE": true, "MIN": true, "MAX": true, "COUNT": true, "DISTINCTCOUNT": true,
}

// Parse parses one expression. Errors are *Error values carrying a position.
func Parse(src string) (Node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t)
	}
	return n, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) take() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tokPunct && t.text == s
}

func (p *parser) isKeyword(s string) bool {
	t := p.peek()
	return t.kind == tokIdent && strings.EqualFold(t.text, s)
}

func (p *parser) expect(s string) error {
	if !p.isPunct(s) {
		return p.errorf(p.peek(), "expected %q, found %s", s, describe(p.peek()))
	}
	p.take()
	return nil
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return &Error{t.pos, fmt.Sprintf(format, args...)}
}

func (p *parser) unexpected(t token) error { return p.errorf(t, "unexpected %s", describe(t)) }

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokString:
		return "string " + (&Str{Value: t.text}).String()
	case tokTable:
		return "table " + TableName(t.text)
	case tokColumn:
		return model.FieldRef{Name: t.text}.String()
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *parser) expr() (Node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxDepth {
		return nil, p.errorf(p.peek(), "expression is nested more than %d levels deep", MaxDepth)
	}
	return p.binary(precOr)
}

// binary parses left-associative operators of level lvl and tighter.
func (p *parser) binary(lvl int) (Node, error) {
	switch lvl {
	case precNot:
		return p.not()
	case precUnary:
		return p.unary()
	}
	left, err := p.binary(lvl + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if lvl == precCompare && p.isKeyword("IN") {
			p.take()
			list, err := p.list()
			if err != nil {
				return nil, err
			}
			left = &In{Pos: left.Position(), X: left, List: list}
			continue
		}
		if t.kind != tokPunct || binaryPrec[t.text] != lvl {
			return left, nil
		}
		p.take()
		right, err := p.binary(lvl + 1)
		if err != nil {
			return nil, err
		}
		left = &Binary{Pos: left.Position(), Op: t.text, L: left, R: right}
	}
}

func (p *parser) not() (Node, error) {
	// NOT followed by "(" is the function NOT(x), which binds like any call.
	if p.isKeyword("NOT") && !(p.toks[p.i+1].kind == tokPunct && p.toks[p.i+1].text == "(") {
		t := p.take()
		x, err := p.nested(p.not)
		if err != nil {
			return nil, err
		}
		return &Unary{Pos: t.pos, Op: "NOT", X: x}, nil
	}
	return p.binary(precCompare)
}

func (p *parser) unary() (Node, error) {
	if p.isPunct("-") || p.isPunct("+") {
		t := p.take()
		x, err := p.nested(p.unary)
		if err != nil {
			return nil, err
		}
		if t.text == "+" {
			return x, nil
		}
		return &Unary{Pos: t.pos, Op: "-", X: x}, nil
	}
	return p.primary()
}

// nested guards recursion that does not pass through expr.
func (p *parser) nested(f func() (Node, error)) (Node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxDepth {
		return nil, p.errorf(p.peek(), "expression is nested more than %d levels deep", MaxDepth)
	}
	return f()
}

func (p *parser) list() ([]Node, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var items []Node
	for {
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		items = append(items, n)
		if p.isPunct("}") {
			p.take()
			return items, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

func (p *parser) primary() (Node, error) {
	t := p.take()
	switch t.kind {
	case tokNumber:
		v, isInt, err := parseNumber(t.text)
		if err != nil {
			return nil, p.errorf(t, "number %s is out of range", t.text)
		}
		return &Number{Pos: t.pos, Text: t.text, Value: v, Int: isInt}, nil
	case tokString:
		return &Str{Pos: t.pos, Value: t.text}, nil
	case tokColumn:
		return p.columnRef(t.pos, "", t.text)
	case tokTable:
		if strings.TrimSpace(t.text) == "" {
			return nil, p.errorf(t, "empty table name")
		}
		if n := p.peek(); n.kind == tokColumn && n.adj {
			p.take()
			return p.columnRef(t.pos, t.text, n.text)
		}
		return &TableRef{Pos: t.pos, Name: t.text}, nil
	case tokIdent:
		if n := p.peek(); n.kind == tokColumn && n.adj {
			p.take()
			return p.columnRef(t.pos, t.text, n.text)
		}
		if p.isPunct("(") {
			return p.call(t)
		}
		switch strings.ToUpper(t.text) {
		case "TRUE":
			return &Bool{Pos: t.pos, Value: true}, nil
		case "FALSE":
			return &Bool{Pos: t.pos, Value: false}, nil
		}
		return &TableRef{Pos: t.pos, Name: t.text}, nil
	case tokPunct:
		if t.text == "(" {
			n, err := p.expr()
			if err != nil {
				return nil, err
			}
			return n, p.expect(")")
		}
	}
	return nil, p.unexpected(t)
}

func (p *parser) columnRef(pos Pos, table, name string) (Node, error) {
	if strings.TrimSpace(name) == "" {
		return nil, &Error{pos, "empty column or measure name"}
	}
	return &ColumnRef{Pos: pos, Ref: model.FieldRef{Table: table, Name: name}}, nil
}

func (p *parser) call(name token) (Node, error) {
	fn := strings.ToUpper(name.text)
	ar, ok := functions[fn]
	if !ok {
		return nil, p.errorf(name, "function %s is not supported", fn)
	}
	p.take() // (
	var args []Node
	if !p.isPunct(")") {
		for {
			a, err := p.expr()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if !p.isPunct(",") {
				break
			}
			p.take()
		}
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	if len(args) < ar[0] || len(args) > ar[1] {
		want := fmt.Sprint(ar[0])
		if ar[1] != ar[0] {
			want = fmt.Sprintf("%d to %d", ar[0], ar[1])
		}
		return nil, p.errorf(name, "%s takes %s argument(s), got %d", fn, want, len(args))
	}
	switch {
	case Aggregations[fn]:
		if _, ok := args[0].(*ColumnRef); !ok {
			return nil, p.errorf(name, "%s takes a column, as in %s(Sales[Amount])", fn, fn)
		}
	case fn == "COUNTROWS":
		if _, ok := args[0].(*TableRef); !ok {
			return nil, p.errorf(name, "COUNTROWS takes a table name, as in COUNTROWS(Sales)")
		}
	case fn == "TRUE" || fn == "FALSE":
		return &Bool{Pos: name.pos, Value: fn == "TRUE"}, nil
	case fn == "BLANK":
		return &Blank{Pos: name.pos}, nil
	case fn == "NOT":
		return &Unary{Pos: name.pos, Op: "NOT", X: args[0]}, nil
	}
	return &Call{Pos: name.pos, Name: fn, Args: args}, nil
}
