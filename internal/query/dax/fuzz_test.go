package dax

import (
	"reflect"
	"testing"
)

// FuzzParseDAX checks that any input either fails with a positioned error or
// parses to an AST whose String() parses back to the same AST.
func FuzzParseDAX(f *testing.F) {
	for _, s := range []string{
		`SUM(Sales[Amount])`, `DIVIDE([A], [B], 0)`, `[Region] IN {"East", "West"} && NOT [X] = USERNAME()`,
		`-(-1.5e3) * 'Store Name'[Qty] / 2`, `COUNTROWS(Sales) + DISTINCTCOUNT(Sales[C])`, `/* c */ [A] -- d`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *dax.Error: %v", err, err)
			}
			return
		}
		again, err := Parse(n.String())
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", n.String(), src, err)
		}
		if !reflect.DeepEqual(stripPos(n), stripPos(again)) {
			t.Fatalf("round trip changed the AST: %q -> %q -> %q", src, n.String(), again.String())
		}
	})
}
