package query

import (
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
)

// FuzzCompile feeds arbitrary visual-query JSON (what the embed page and the
// explain endpoint build from client input) to the parser and the compiler:
// they may refuse it, with a client error, but never panic or fail internally,
// and every value they accept reaches SQL only as a bound parameter.
func FuzzCompile(f *testing.F) {
	seeds := []string{
		`{"groupBy":["Product[Category]"],"values":["[Total Sales]"]}`,
		`{"groupBy":[{"field":"Sales[Date]","dateLevel":"Month"}],"values":[{"field":"Sales[Amount]","aggregation":"Sum"}],"sort":[{"field":"Sales[Date]"}]}`,
		`{"values":["[Orders]"],"filters":[{"$schema":"http://powerbi.com/product/schema#basic","filterType":1,"target":{"table":"Store Info","column":"Region"},"operator":"In","values":["West","x' OR 1=1 --"]}]}`,
		`{"groupBy":["Product[Name]"],"values":["[Total Sales]"],"topN":{"count":10,"by":"[Total Sales]"}}`,
		`{"groupBy":["Store Info[Region]"],"underlying":true}`,
		`{"values":["[Avg Price]"],"reportFilters":[{"filterType":0,"target":{"table":"Sales","column":"Amount"},"logicalOperator":"And","conditions":[{"operator":"GreaterThan","value":10}]}]}`,
		`{"groupBy":["'Store Info'[Manager]"],"limit":5}`,
		`{}`, `[]`, `null`, `{"groupBy":[""]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	def := starModel()
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ParseVisualQuery(data)
		if err != nil {
			return
		}
		for _, id := range []*Identity{nil, {Username: "west", Roles: []string{"Managers"}}} {
			c, err := Compile(def, q, CompileOptions{Identity: id, MaxRows: 100})
			if err != nil {
				if errs.KindOf(err) == errs.KindInternal {
					t.Fatalf("internal error for %s: %v", data, err)
				}
				continue
			}
			if c.SQL == "" {
				t.Fatalf("empty SQL for %s", data)
			}
		}
	})
}
