package query

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/bindery-dev/bindery/internal/model"
)

// starModel is a small star schema: Sales (fact) many-to-one Product, Store and Calendar.
func starModel() *model.DatasetDefinition {
	return &model.DatasetDefinition{
		Name: "Retail",
		Tables: []model.Table{
			{Name: "Sales", Columns: []model.Column{
				{Name: "ProductId", DataType: model.TypeInt64}, {Name: "StoreId", DataType: model.TypeInt64},
				{Name: "Date", DataType: model.TypeDate}, {Name: "Amount", DataType: model.TypeDouble},
				{Name: "Qty", DataType: model.TypeInt64}, {Name: "Customer", DataType: model.TypeString},
			}, Measures: []model.Measure{
				{Name: "Total Sales", Expression: "SUM(Sales[Amount])"},
				{Name: "Units", Expression: "SUM(Sales[Qty])"},
				{Name: "Orders", Expression: "COUNTROWS(Sales)"},
				{Name: "Avg Price", Expression: "DIVIDE([Total Sales], [Units], 0)"},
				{Name: "Customers", Expression: "DISTINCTCOUNT(Sales[Customer])"},
			}},
			{Name: "Product", Columns: []model.Column{
				{Name: "ProductId", DataType: model.TypeInt64}, {Name: "Name", DataType: model.TypeString},
				{Name: "Category", DataType: model.TypeString},
			}},
			{Name: "Store Info", Columns: []model.Column{
				{Name: "StoreId", DataType: model.TypeInt64}, {Name: "Region", DataType: model.TypeString},
				{Name: "Manager", DataType: model.TypeString},
			}},
		},
		Relationships: []model.Relationship{
			{FromTable: "Sales", FromColumn: "ProductId", ToTable: "Product", ToColumn: "ProductId"},
			{FromTable: "Sales", FromColumn: "StoreId", ToTable: "Store Info", ToColumn: "StoreId"},
		},
		Roles: []model.RLSRole{
			{Name: "Managers", TablePermissions: []model.TablePermission{{Name: "Store Info", FilterExpression: "[Manager] = USERNAME()"}}},
			{Name: "East", TablePermissions: []model.TablePermission{{Name: "Store Info", FilterExpression: `'Store Info'[Region] IN {"East"}`}}},
			{Name: "Bikes", TablePermissions: []model.TablePermission{{Name: "Product", FilterExpression: `[Category] = "Bikes"`}}},
			{Name: "Everything", TablePermissions: nil},
		},
	}
}

func sqlType(t model.DataType) string {
	switch t {
	case model.TypeInt64:
		return "BIGINT"
	case model.TypeDouble, model.TypeDecimal:
		return "DOUBLE"
	case model.TypeBoolean:
		return "BOOLEAN"
	case model.TypeDate:
		return "DATE"
	case model.TypeDateTime:
		return "TIMESTAMP"
	}
	return "VARCHAR"
}

// openDB creates def's tables in a DuckDB file in t.TempDir().
func openDB(t testing.TB, def *model.DatasetDefinition) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "data.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := DuckDB{}
	for _, tb := range def.Tables {
		var cols []string
		for _, c := range tb.Columns {
			cols = append(cols, d.QuoteIdent(c.Name)+" "+sqlType(c.DataType))
		}
		if _, err := db.Exec("CREATE TABLE " + d.QuoteIdent(tb.Name) + " (" + strings.Join(cols, ", ") + ")"); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func insert(t testing.TB, db *sql.DB, table string, rows ...[]any) {
	t.Helper()
	for _, r := range rows {
		ph := make([]string, len(r))
		for i := range r {
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		if _, err := db.Exec("INSERT INTO "+DuckDB{}.QuoteIdent(table)+" VALUES ("+strings.Join(ph, ", ")+")", r...); err != nil {
			t.Fatal(err)
		}
	}
}

func day(s string) time.Time {
	tm, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return tm
}

// starDB fills the star schema with a few known rows.
func starDB(t testing.TB) *sql.DB {
	db := openDB(t, starModel())
	insert(t, db, "Product", []any{1, "Road Bike", "Bikes"}, []any{2, "Helmet", "Accessories"}, []any{3, "Bell", "Accessories"})
	insert(t, db, "Store Info", []any{10, "East", "alice@x.com"}, []any{20, "West", "bob@x.com"})
	insert(t, db, "Sales",
		[]any{1, 10, day("2024-01-05"), 1000.0, 1, "c1"},
		[]any{2, 10, day("2024-01-20"), 50.0, 2, "c2"},
		[]any{3, 20, day("2024-02-10"), 10.0, 5, "c1"},
		[]any{1, 20, day("2024-03-01"), 900.0, 1, "c3"},
		[]any{2, 20, day("2024-03-02"), 25.0, 1, "c3"},
		[]any{9, 10, day("2024-03-03"), 7.0, 1, "c4"}, // a product missing from Product
	)
	return db
}

// run executes a compiled query and renders its rows as text.
func run(t testing.TB, db *sql.DB, c *Compiled) []string {
	t.Helper()
	rows, err := db.Query(c.SQL, c.Args...)
	if err != nil {
		t.Fatalf("%v\nSQL: %s\nargs: %v", err, c.SQL, c.Args)
	}
	defer rows.Close()
	return scanText(t, rows)
}

func scanText(t testing.TB, rows *sql.Rows) []string {
	t.Helper()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				parts[i] = "null"
			case time.Time:
				parts[i] = v.Format("2006-01-02")
			case float64:
				parts[i] = fmt.Sprintf("%.4g", v)
			default:
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func newMeasure(name, expr string) model.Measure { return model.Measure{Name: name, Expression: expr} }
