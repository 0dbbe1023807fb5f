package query

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files in testdata/")

// fixedNow is the clock of relative date filters in tests.
func fixedNow() time.Time { return time.Date(2024, 3, 13, 15, 4, 5, 0, time.UTC) }

var mgr = &Identity{Username: "bob@x.com", Roles: []string{"Managers"}}

type compileCase struct {
	name     string
	query    string
	identity *Identity
	maxRows  int
	rows     []string
}

var compileCases = []compileCase{
	{"totals", `{"values":[{"field":"Sales[Amount]","aggregation":"Sum"},{"field":"[Orders]"}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"1992|6"}},
	{"by_category", `{"groupBy":["Product[Category]"],"values":["[Total Sales]"]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"Accessories|85", "Bikes|1900", "null|7"}},
	{"by_month", `{"groupBy":[{"field":"Sales[Date]","dateLevel":"Month"}],"values":["[Total Sales]","[Units]"]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"2024-01-01|1050|3", "2024-02-01|10|5", "2024-03-01|932|3"}},
	{"two_dimensions", `{"groupBy":["'Store Info'[Region]","Product[Category]"],"values":[{"field":"Sales[Qty]","aggregation":"Sum"}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"East|Accessories|2", "East|Bikes|1", "East|null|1", "West|Accessories|6", "West|Bikes|1"}},
	{"top_2_products", `{"groupBy":["Product[Name]"],"values":["[Total Sales]"],"topN":{"count":2,"by":"[Total Sales]"}}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"Road Bike|1900", "Helmet|75"}},
	{"topn_sorted", `{"groupBy":["Product[Name]"],"values":["[Total Sales]"],"topN":{"count":2,"by":"[Total Sales]"},"sort":[{"field":"Product[Name]"}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"Helmet|75", "Road Bike|1900"}},
	{"distinct_count_filtered", `{"values":["[Customers]"],"filters":[{"$schema":"http://powerbi.com/product/schema#basic","target":{"table":"Store Info","column":"Region"},"operator":"In","values":["West"],"filterType":1}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"2"}},
	{"divide_under_rls", `{"groupBy":["Product[Category]"],"values":["[Avg Price]"]}`, mgr, 0,
		[]string{"Accessories|5.833", "Bikes|900"}},
	{"rls_union", `{"groupBy":["'Store Info'[Region]"],"values":["[Total Sales]"]}`, &Identity{Username: "nobody", Roles: []string{"Managers", "Bikes"}}, 0,
		[]string{"East|1000", "West|900"}},
	{"rls_one_role_open", `{"groupBy":["'Store Info'[Region]"],"values":["[Orders]"]}`, &Identity{Username: "nobody", Roles: []string{"Managers", "Everything"}}, 0,
		[]string{"East|3", "West|3"}},
	{"rls_dimension_only", `{"groupBy":["'Store Info'[Region]"]}`, &Identity{Roles: []string{"East"}}, 0,
		[]string{"East"}},
	{"advanced_and_notin", `{"groupBy":["Product[Name]"],"values":[{"field":"Sales[Amount]","aggregation":"Sum"}],"filters":[
		{"filterType":0,"target":{"table":"Sales","column":"Amount"},"logicalOperator":"And","conditions":[{"operator":"GreaterThan","value":9},{"operator":"LessThanOrEqual","value":1000}]},
		{"filterType":1,"target":{"table":"Product","column":"Category"},"operator":"NotIn","values":["Bikes"]}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"Bell|10", "Helmet|75"}},
	{"contains_startswith", `{"groupBy":["Product[Name]"],"values":["[Orders]"],"pageFilters":[
		{"filterType":0,"target":{"table":"Product","column":"Name"},"logicalOperator":"Or","conditions":[{"operator":"Contains","value":"ELM"},{"operator":"StartsWith","value":"ro"}]}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"Helmet|2", "Road Bike|2"}},
	{"measure_filter_having", `{"groupBy":["Product[Name]"],"values":["[Total Sales]"],"reportFilters":[
		{"filterType":0,"target":{"table":"Sales","measure":"Total Sales"},"logicalOperator":"And","conditions":[{"operator":"GreaterThanOrEqual","value":50}]}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"Helmet|75", "Road Bike|1900"}},
	{"topn_filter", `{"groupBy":["'Store Info'[Region]"],"values":["[Total Sales]"],"filters":[
		{"filterType":5,"target":{"table":"Product","column":"Name"},"operator":"Top","itemCount":1,"orderBy":{"table":"Sales","measure":"Total Sales"}}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"East|1000", "West|900"}},
	{"relative_date", `{"values":["[Orders]"],"filters":[
		{"filterType":4,"target":{"table":"Sales","column":"Date"},"operator":0,"timeUnitsCount":2,"timeUnitType":4}]}`, &Identity{Roles: []string{"Everything"}}, 0,
		[]string{"3"}}, // January and February 2024
	{"row_cap", `{"groupBy":["Sales[Customer]"],"sort":[{"field":"Sales[Customer]","direction":"Descending"}]}`, &Identity{Roles: []string{"Everything"}}, 2,
		[]string{"c4", "c3", "c2"}},
}

func TestCompileGoldenAndResults(t *testing.T) {
	def := starModel()
	if err := def.Validate(); err != nil {
		t.Fatalf("test model is invalid: %v", err)
	}
	db := starDB(t)
	for _, tc := range compileCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseVisualQuery([]byte(tc.query))
			if err != nil {
				t.Fatal(err)
			}
			c, err := Compile(def, q, CompileOptions{Identity: tc.identity, MaxRows: tc.maxRows, Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".sql")
			got := fmt.Sprintf("%s\n-- args: %#v\n", c.SQL, c.Args)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("SQL differs from %s:\n got: %s\nwant: %s", golden, got, want)
			}
			rows := run(t, db, c)
			if strings.Join(rows, "\n") != strings.Join(tc.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s\nSQL: %s", strings.Join(rows, "\n"), strings.Join(tc.rows, "\n"), c.SQL)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	def := starModel()
	def.Tables[0].Measures = append(def.Tables[0].Measures,
		newMeasure("Loop A", "[Loop B] + 1"), newMeasure("Loop B", "[Loop A] * 2"),
		newMeasure("Calc", `CALCULATE(SUM(Sales[Amount]), Product[Category] = "Bikes")`))
	every := &Identity{Roles: []string{"Everything"}}
	tests := []struct {
		query    string
		identity *Identity
		kind     errs.Kind
		want     string
	}{
		{`{"values":["[Total Sales]"]}`, nil, errs.KindForbidden, "need an effective identity"},
		{`{"values":["[Total Sales]"]}`, &Identity{Username: "x", Roles: []string{"Nope"}}, errs.KindForbidden, "names no role"},
		{`{"values":["[Total Sales]"]}`, &Identity{Username: "x"}, errs.KindForbidden, "names no role"},
		{`{"groupBy":["Sales[Nope]"]}`, every, errs.KindInvalid, "groupBy[0]: unknown column Sales[Nope]"},
		{`{"groupBy":["Nope[X]"]}`, every, errs.KindInvalid, "groupBy[0]: unknown table Nope"},
		{`{"values":[{"field":"Sales[Amount]"}]}`, every, errs.KindInvalid, "values[0].aggregation: a column in values needs an aggregation"},
		{`{"values":[{"field":"Sales[Customer]","aggregation":"Sum"}]}`, every, errs.KindInvalid, "values[0].aggregation: Sum needs a numeric column"},
		{`{"values":["[Loop A]"]}`, every, errs.KindInvalid, "values[0]: measure [Loop A] refers to itself through Loop A -> Loop B -> Loop A"},
		{`{"values":["[Calc]"]}`, every, errs.KindInvalid, "values[0]: measure [Calc]: at 1:1: function CALCULATE is not supported"},
		{`{"values":["[Total Sales]"],"filters":[{},{},{"filterType":1,"target":{"table":"Product","column":"Name"},"operator":"Between","values":[1]}]}`, every, errs.KindInvalid, `filters[0].filterType: is required`},
		{`{"values":["[Total Sales]"],"filters":[{"filterType":1,"target":{"table":"Product","column":"Name"},"operator":"Between","values":[1]}]}`, every, errs.KindInvalid, `filters[0].operator: unknown operator "Between"`},
		{`{"values":["[Total Sales]"],"filters":[{"filterType":1,"target":{"table":"Sales","column":"Qty"},"operator":"In","values":["x"]}]}`, every, errs.KindInvalid, `filters[0].values[0]: must be an integer`},
		{`{"values":["[Total Sales]"],"filters":[{"filterType":1,"target":{"table":"Sales","column":"Nope"},"operator":"In","values":[1]}]}`, every, errs.KindInvalid, `filters[0].target: unknown column Sales[Nope]`},
		{`{"values":["[Total Sales]"],"filters":[{"filterType":4,"target":{"table":"Sales","column":"Qty"},"operator":0,"timeUnitsCount":1,"timeUnitType":0}]}`, every, errs.KindInvalid, `filters[0].target: a RelativeDate filter needs a date column`},
		{`{"groupBy":["Product[Name]"],"sort":[{"field":"Sales[Amount]"}]}`, every, errs.KindInvalid, "sort[0].field: Sales[Amount] is not one of the query's fields"},
		{`{}`, every, errs.KindInvalid, "a query needs at least one field"},
		{`{"groupBy":[{"field":"Product[Name]","dateLevel":"Month"}]}`, every, errs.KindInvalid, "groupBy[0].dateLevel: column Product[Name] is String, not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			q, err := ParseVisualQuery([]byte(tt.query))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(def, q, CompileOptions{Identity: tt.identity, Now: fixedNow})
			if err == nil {
				t.Fatalf("Compile succeeded, want %q", tt.want)
			}
			if errs.KindOf(err) != tt.kind {
				t.Fatalf("kind %v, want %v: %v", errs.KindOf(err), tt.kind, err)
			}
			if e, _ := errs.As(err); !strings.Contains(e.Message, tt.want) {
				t.Fatalf("message %q, want %q", e.Message, tt.want)
			}
		})
	}
	if _, err := ParseVisualQuery([]byte(`{"groupBy":["Product[Name]"],"drop":"table"}`)); errs.KindOf(err) != errs.KindInvalid {
		t.Fatalf("unknown property: %v", err)
	}
}

func TestKeySeparatesIdentities(t *testing.T) {
	def := starModel()
	q, _ := ParseVisualQuery([]byte(`{"values":["[Total Sales]"]}`))
	a, err := Compile(def, q, CompileOptions{Identity: &Identity{Username: "a", Roles: []string{"Everything"}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compile(def, q, CompileOptions{Identity: &Identity{Username: "b", Roles: []string{"Everything"}}})
	if err != nil {
		t.Fatal(err)
	}
	if a.SQL != b.SQL || a.Key() == b.Key() {
		t.Fatalf("same SQL must still give different keys: %s %s", a.Key(), b.Key())
	}
	a2, _ := Compile(def, q, CompileOptions{Identity: &Identity{Username: "a", Roles: []string{"Everything"}}})
	if a.Key() != a2.Key() {
		t.Fatal("the key is not stable")
	}
}
