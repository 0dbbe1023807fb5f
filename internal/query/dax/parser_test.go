package dax

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// stripPos zeroes positions so ASTs parsed from different text compare equal.
func stripPos(n Node) Node {
	switch n := n.(type) {
	case *Number:
		c := *n
		c.Pos = Pos{}
		return &c
	case *Str:
		return &Str{Value: n.Value}
	case *Bool:
		return &Bool{Value: n.Value}
	case *Blank:
		return &Blank{}
	case *ColumnRef:
		return &ColumnRef{Ref: n.Ref}
	case *TableRef:
		return &TableRef{Name: n.Name}
	case *Call:
		c := &Call{Name: n.Name}
		for _, a := range n.Args {
			c.Args = append(c.Args, stripPos(a))
		}
		return c
	case *Unary:
		return &Unary{Op: n.Op, X: stripPos(n.X)}
	case *Binary:
		return &Binary{Op: n.Op, L: stripPos(n.L), R: stripPos(n.R)}
	case *In:
		c := &In{X: stripPos(n.X)}
		for _, a := range n.List {
			c.List = append(c.List, stripPos(a))
		}
		return c
	}
	return n
}

func TestParseString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SUM(Sales[Amount])`, `SUM(Sales[Amount])`},
		{`sum ( 'Sales'[Amount] )`, `SUM(Sales[Amount])`},
		{`SUM('Store Sales'[Net Amount])`, `SUM('Store Sales'[Net Amount])`},
		{`DIVIDE([Total Sales], [Order Count], 0)`, `DIVIDE([Total Sales], [Order Count], 0)`},
		{`[A] + [B] * 2`, `[A] + [B] * 2`},
		{`([A] + [B]) * 2`, `([A] + [B]) * 2`},
		{`[A] - ([B] - [C])`, `[A] - ([B] - [C])`},
		{`[A] - [B] - [C]`, `[A] - [B] - [C]`},
		{`-[A] * 2`, `-[A] * 2`},
		{`-([A] + 1)`, `-([A] + 1)`},
		{`- -1`, `-(-1)`},
		{`+5`, `5`},
		{`1.5e3 / .5`, `1.5e3 / .5`},
		{`COUNTROWS(Sales)`, `COUNTROWS(Sales)`},
		{`COUNTROWS('Sales Lines')`, `COUNTROWS('Sales Lines')`},
		{`DISTINCTCOUNT(Sales[Customer])`, `DISTINCTCOUNT(Sales[Customer])`},
		{`[Region] = USERNAME()`, `[Region] = USERNAME()`},
		{`Store[Region] == "East" || Store[Region] = "West"`, `Store[Region] == "East" || Store[Region] = "West"`},
		{`[A] = 1 && [B] = 2 || [C] = 3`, `[A] = 1 && [B] = 2 || [C] = 3`},
		{`[A] = 1 && ([B] = 2 || [C] = 3)`, `[A] = 1 && ([B] = 2 || [C] = 3)`},
		{`NOT [A] = 1`, `NOT([A] = 1)`},
		{`NOT([A] = 1) && [B] <> 2`, `NOT([A] = 1) && [B] <> 2`},
		{`NOT([A]) = FALSE`, `NOT([A]) = FALSE()`},
		{`[Region] IN {"East", "West"}`, `[Region] IN {"East", "West"}`},
		{`NOT [Region] IN { "a""b" }`, `NOT([Region] IN {"a""b"})`},
		{`[Tenant] = CUSTOMDATA() && [Mail] = userprincipalname()`, `[Tenant] = CUSTOMDATA() && [Mail] = USERPRINCIPALNAME()`},
		{`[X] >= 10 // trailing comment`, `[X] >= 10`},
		{"/* c */ [X] <= -- c\n 3", `[X] <= 3`},
		{`TRUE() && BLANK() = [A]`, `TRUE() && BLANK() = [A]`},
		{`"a" & "b" = [S]`, `"a" & "b" = [S]`},
		{`'It''s'[Col]]x]`, `'It''s'[Col]]x]`},
		{`([A] = 1) = ([B] = 2)`, `[A] = 1 = ([B] = 2)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := n.String(); got != tt.want {
				t.Fatalf("String() = %s, want %s", got, tt.want)
			}
			again, err := Parse(n.String())
			if err != nil {
				t.Fatalf("reparse %s: %v", n.String(), err)
			}
			if !reflect.DeepEqual(stripPos(n), stripPos(again)) {
				t.Fatalf("round trip changed the AST: %s -> %s", n, again)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`CALCULATE(SUM(Sales[Amount]), Store[Region] = "East")`, `at 1:1: function CALCULATE is not supported`},
		{`SUM(Sales[Amount]) + SUMX(Sales, Sales[Qty])`, `at 1:22: function SUMX is not supported`},
		{`SUM(Sales[Amount]`, `at 1:18: expected ")", found end of expression`},
		{"[A] +\n  * 2", `at 2:3: unexpected "*"`},
		{`"abc`, `at 1:1: unterminated string`},
		{`[abc`, `at 1:1: unterminated column or measure name`},
		{`SUM(1)`, `at 1:1: SUM takes a column, as in SUM(Sales[Amount])`},
		{`COUNTROWS(Sales[Amount])`, `at 1:1: COUNTROWS takes a table name, as in COUNTROWS(Sales)`},
		{`DIVIDE(1)`, `at 1:1: DIVIDE takes 2 to 3 argument(s), got 1`},
		{`USERNAME(1)`, `at 1:1: USERNAME takes 0 argument(s), got 1`},
		{`[A] = 1 )`, `at 1:9: unexpected ")"`},
		{`[A] ; DROP TABLE x`, `at 1:5: unexpected character ';'`},
		{`12abc`, `at 1:3: unexpected 'a' after number`},
		{`1e999`, `at 1:1: number 1e999 is out of range`},
		{`[A] IN ("x")`, `at 1:8: expected "{", found "("`},
		{`[]`, `at 1:1: empty column or measure name`},
		{`/* x`, `at 1:1: unterminated comment`},
		{strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200), `nested more than 100 levels`},
		{strings.Repeat("- ", 300) + "1", `nested more than 100 levels`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error %q", tt.in, tt.want)
			}
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not *dax.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %q, want %q", err, tt.want)
			}
		})
	}
}
