package query

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/model"
)

// riModel is starModel with every relationship assuming referential integrity.
func riModel() *model.DatasetDefinition {
	def := starModel()
	for i := range def.Relationships {
		def.Relationships[i].AssumeReferentialIntegrity = true
	}
	return def
}

// integralDB is starDB without the sale whose product is missing: every key has its row.
func integralDB(t testing.TB) *sql.DB {
	db := starDB(t)
	if _, err := db.Exec(`DELETE FROM "Sales" WHERE "ProductId" = 9`); err != nil {
		t.Fatal(err)
	}
	return db
}

// checkGolden compares c's SQL with testdata/name.sql (rewritten with -update).
func checkGolden(t *testing.T, name string, c *Compiled) {
	t.Helper()
	golden := filepath.Join("testdata", name+".sql")
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
}

func compileText(t *testing.T, def *model.DatasetDefinition, query string, id *Identity) *Compiled {
	t.Helper()
	q, err := ParseVisualQuery([]byte(query))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(def, q, CompileOptions{Identity: id, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestIntegrityGolden: INNER JOINs in the FROM clause and in a TopN filter's
// subquery, and RLS on a dimension still restricting through an INNER JOIN.
func TestIntegrityGolden(t *testing.T) {
	def := riModel()
	db := integralDB(t)
	for _, tc := range []compileCase{
		{"ri_by_category", `{"groupBy":["Product[Category]"],"values":["[Total Sales]"]}`, &Identity{Roles: []string{"Everything"}}, 0,
			[]string{"Accessories|85", "Bikes|1900"}},
		{"ri_divide_under_rls", `{"groupBy":["Product[Category]"],"values":["[Avg Price]"]}`, mgr, 0,
			[]string{"Accessories|5.833", "Bikes|900"}},
		{"ri_rls_union", `{"groupBy":["'Store Info'[Region]"],"values":["[Total Sales]"]}`, &Identity{Username: "nobody", Roles: []string{"Managers", "Bikes"}}, 0,
			[]string{"East|1000", "West|900"}},
		{"ri_topn_filter", `{"groupBy":["'Store Info'[Region]"],"values":["[Total Sales]"],"filters":[
			{"filterType":5,"target":{"table":"Product","column":"Name"},"operator":"Top","itemCount":1,"orderBy":{"table":"Sales","measure":"Total Sales"}}]}`, &Identity{Roles: []string{"Everything"}}, 0,
			[]string{"East|1000", "West|900"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := compileText(t, def, tc.query, tc.identity)
			checkGolden(t, tc.name, c)
			if strings.Contains(c.SQL, "LEFT JOIN") || !strings.Contains(c.SQL, "INNER JOIN") {
				t.Errorf("want only INNER JOINs: %s", c.SQL)
			}
			if rows := run(t, db, c); !slices.Equal(rows, tc.rows) {
				t.Errorf("rows %q, want %q", rows, tc.rows)
			}
		})
	}
}

// TestIntegrityMatchesLeftJoin runs every golden query, and random ones, with
// LEFT and INNER joins on data that keeps the promise: the results are equal.
func TestIntegrityMatchesLeftJoin(t *testing.T) {
	left, inner := starModel(), riModel()
	db := integralDB(t)
	compare := func(t *testing.T, query string, id *Identity) {
		t.Helper()
		l, i := compileText(t, left, query, id), compileText(t, inner, query, id)
		if strings.Contains(l.SQL, "JOIN") && (strings.Contains(i.SQL, "LEFT JOIN") || !strings.Contains(i.SQL, "INNER JOIN")) {
			t.Fatalf("want INNER JOINs: %s", i.SQL)
		}
		lr, ir := run(t, db, l), run(t, db, i)
		if !slices.Equal(lr, ir) {
			t.Fatalf("%s\nLEFT  rows %q\nINNER rows %q\nSQL: %s", query, lr, ir, i.SQL)
		}
	}
	for _, tc := range compileCases {
		t.Run(tc.name, func(t *testing.T) { compare(t, tc.query, tc.identity) })
	}

	rng := rand.New(rand.NewSource(7))
	groups := []string{"Product[Category]", "Product[Name]", "'Store Info'[Region]", "Sales[Customer]"}
	values := []string{"[Total Sales]", "[Units]", "[Orders]", "[Avg Price]", "[Customers]"}
	filters := []string{
		`{"filterType":1,"target":{"table":"Store Info","column":"Region"},"operator":"In","values":["East"]}`,
		`{"filterType":1,"target":{"table":"Product","column":"Category"},"operator":"NotIn","values":["Bikes"]}`,
		`{"filterType":5,"target":{"table":"Product","column":"Name"},"operator":"Top","itemCount":2,"orderBy":{"table":"Sales","measure":"Total Sales"}}`,
		`{"filterType":0,"target":{"table":"Sales","measure":"Total Sales"},"logicalOperator":"And","conditions":[{"operator":"GreaterThan","value":20}]}`,
	}
	identities := []*Identity{{Roles: []string{"Everything"}}, mgr, {Username: "x", Roles: []string{"East"}},
		{Username: "alice@x.com", Roles: []string{"Managers", "Bikes"}}}
	for n := 0; n < 150; n++ {
		q := map[string]any{}
		var g, v, f []any
		for _, i := range rng.Perm(len(groups))[:rng.Intn(3)] {
			g = append(g, groups[i])
		}
		for _, i := range rng.Perm(len(values))[:1+rng.Intn(2)] {
			v = append(v, values[i])
		}
		for _, i := range rng.Perm(len(filters))[:rng.Intn(3)] {
			f = append(f, json.RawMessage(filters[i]))
		}
		q["groupBy"], q["values"], q["filters"] = g, v, f
		if len(g) > 0 && rng.Intn(3) == 0 {
			q["topN"] = map[string]any{"count": 2, "by": v[0]}
		}
		b, _ := json.Marshal(q)
		compare(t, string(b), identities[rng.Intn(len(identities))])
	}
}

// TestIntegrityIsAPromise documents what the flag costs when the data breaks
// it: a sale whose product is missing, and one with a blank product, fall in a
// blank group with LEFT JOIN and vanish with INNER JOIN.
func TestIntegrityIsAPromise(t *testing.T) {
	db := starDB(t) // has a sale of product 9, which Product lacks
	insert(t, db, "Sales", []any{nil, 20, day("2024-03-04"), 3.0, 1, "c5"})
	const q = `{"groupBy":["Product[Category]"],"values":["[Total Sales]","[Orders]"]}`
	id := &Identity{Roles: []string{"Everything"}}
	if got, want := run(t, db, compileText(t, starModel(), q, id)), []string{"Accessories|85|3", "Bikes|1900|2", "null|10|2"}; !slices.Equal(got, want) {
		t.Errorf("LEFT JOIN rows %q, want %q", got, want)
	}
	if got, want := run(t, db, compileText(t, riModel(), q, id)), []string{"Accessories|85|3", "Bikes|1900|2"}; !slices.Equal(got, want) {
		t.Errorf("INNER JOIN rows %q, want %q", got, want)
	}
	// A query that touches no dimension joins none, so it still sees every row.
	if got, want := run(t, db, compileText(t, riModel(), `{"values":["[Orders]"]}`, id)), []string{"7"}; !slices.Equal(got, want) {
		t.Errorf("totals %q, want %q", got, want)
	}
}

// TestIntegrityAlongAPath: a join is INNER only when every relationship from
// the base table to it assumes integrity, so a flag further along a path
// never drops the rows an earlier LEFT JOIN keeps.
func TestIntegrityAlongAPath(t *testing.T) {
	build := func(salesRI, productRI bool) *model.DatasetDefinition {
		def := starModel()
		def.Roles = nil
		def.Tables = append(def.Tables, model.Table{Name: "Category", Columns: []model.Column{
			{Name: "Name", DataType: model.TypeString}, {Name: "Group", DataType: model.TypeString}}})
		def.Relationships[0].AssumeReferentialIntegrity = salesRI
		def.Relationships = append(def.Relationships, model.Relationship{FromTable: "Product", FromColumn: "Category",
			ToTable: "Category", ToColumn: "Name", AssumeReferentialIntegrity: productRI})
		if err := def.Validate(); err != nil {
			t.Fatal(err)
		}
		return def
	}
	db := starDB(t) // the sale of product 9 has no product, so no category either
	if _, err := db.Exec(`CREATE TABLE "Category" ("Name" VARCHAR, "Group" VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	insert(t, db, "Category", []any{"Bikes", "Hard goods"}, []any{"Accessories", "Soft goods"})
	const q = `{"groupBy":["Category[Group]"],"values":["[Total Sales]"]}`
	for _, tc := range []struct {
		name               string
		salesRI, productRI bool
		joins              []string
		rows               []string
	}{
		{"ri_path_left_then_flag", false, true, []string{"LEFT", "LEFT"}, []string{"Hard goods|1900", "Soft goods|85", "null|7"}},
		{"ri_path_flag_then_left", true, false, []string{"INNER", "LEFT"}, []string{"Hard goods|1900", "Soft goods|85"}},
		{"ri_path_both", true, true, []string{"INNER", "INNER"}, []string{"Hard goods|1900", "Soft goods|85"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := compileText(t, build(tc.salesRI, tc.productRI), q, nil)
			checkGolden(t, tc.name, c)
			var joins []string
			for _, w := range strings.Fields(c.SQL) {
				if w == "LEFT" || w == "INNER" {
					joins = append(joins, w)
				}
			}
			if !slices.Equal(joins, tc.joins) {
				t.Errorf("joins %v, want %v: %s", joins, tc.joins, c.SQL)
			}
			if rows := run(t, db, c); !slices.Equal(rows, tc.rows) {
				t.Errorf("rows %q, want %q", rows, tc.rows)
			}
		})
	}
}
