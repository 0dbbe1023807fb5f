package demo

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // DuckDB generates the demo data as Parquet files
)

// retailer describes one generated demo dataset.
type retailer struct {
	Name       string
	Rows       int
	Seed       int
	Stores     int
	Products   int
	Customers  int
	MaxPrice   int
	Categories []string
	Domain     string
	RLS        bool
	Legacy     bool
}

var cities = []struct{ City, Region string }{
	{"Seattle", "West"}, {"Portland", "West"}, {"San Diego", "West"}, {"Denver", "Central"}, {"Chicago", "Central"},
	{"Dallas", "South"}, {"Atlanta", "South"}, {"Miami", "South"}, {"Boston", "East"}, {"New York", "East"},
	{"Philadelphia", "East"}, {"Minneapolis", "North"}, {"Detroit", "North"}, {"Milwaukee", "North"},
}

func sqlList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + strings.ReplaceAll(x, "'", "''") + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// generate writes one Parquet file per table of the retailer into dir and returns their paths by table.
// Every number in the SQL comes from the demo's own constants, never from input.
func (r retailer) generate(ctx context.Context, dir string) (map[string]string, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	defer db.Close()
	cityNames, regions := make([]string, len(cities)), make([]string, len(cities))
	for i, c := range cities {
		cityNames[i], regions[i] = c.City, c.Region
	}
	prefix := strings.Fields(r.Name)[0]
	queries := map[string]string{
		"Product": fmt.Sprintf(`SELECT i AS ProductId,
			(%[1]s)[1 + CAST(hash(i, %[2]d, 7) %% %[3]d AS INTEGER)] || ' ' || lpad(CAST(i AS VARCHAR), 3, '0') AS Product,
			(%[1]s)[1 + CAST(hash(i, %[2]d, 7) %% %[3]d AS INTEGER)] AS Category
			FROM range(1, %[4]d + 1) t(i)`, sqlList(r.Categories), r.Seed, len(r.Categories), r.Products),
		"Store": fmt.Sprintf(`SELECT i AS StoreId, '%[1]s ' || (%[2]s)[1 + i %% %[4]d] || ' #' || i AS Store,
			(%[2]s)[1 + i %% %[4]d] AS City, (%[3]s)[1 + i %% %[4]d] AS Region,
			lower((%[3]s)[1 + i %% %[4]d]) || '.manager@%[5]s' AS RegionManager
			FROM range(1, %[6]d + 1) t(i)`, prefix, sqlList(cityNames), sqlList(regions), len(cities), r.Domain, r.Stores),
		"Date": `SELECT CAST(d AS DATE) AS "Date", year(d) AS "Year", strftime(d, '%Y-%m') AS "Month", month(d) AS MonthNumber
			FROM range(TIMESTAMP '2024-01-01', TIMESTAMP '2026-01-01', INTERVAL 1 DAY) t(d)`,
		"Sales": fmt.Sprintf(`WITH s AS (SELECT i,
				1 + CAST(hash(i, %[1]d, 3) %% %[2]d AS BIGINT) AS pid,
				1 + CAST(hash(i, %[1]d, 5) %% 5 AS BIGINT) AS qty,
				CAST(729 * sqrt((hash(i, %[1]d, 1) %% 1000000) / 1000000.0) AS INTEGER) AS day
				FROM range(%[3]d) t(i))
			SELECT DATE '2024-01-01' + day AS OrderDate,
				1 + CAST(hash(i, %[1]d, 2) %% %[4]d AS BIGINT) AS StoreId,
				pid AS ProductId,
				1 + CAST(hash(i, %[1]d, 4) %% %[5]d AS BIGINT) AS CustomerId,
				qty AS Quantity,
				round(qty * (5 + (pid * 37 * %[1]d) %% %[6]d) * (0.9 + (hash(i, %[1]d, 6) %% 20) / 100.0), 2) AS Amount,
				round(qty * (5 + (pid * 37 * %[1]d) %% %[6]d) * (0.5 + (pid %% 7) * 0.05), 2) AS Cost
			FROM s`, r.Seed, r.Products, r.Rows, r.Stores, r.Customers, r.MaxPrice),
	}
	out := map[string]string{}
	for table, q := range queries {
		path := filepath.Join(dir, fmt.Sprintf("demo-%d-%s.parquet", r.Seed, strings.ToLower(table)))
		if _, err := db.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO '%s' (FORMAT parquet)", q, strings.ReplaceAll(path, "'", "''"))); err != nil {
			removeAll(out)
			return nil, fmt.Errorf("generate %s.%s: %w", r.Name, table, err)
		}
		out[table] = path
	}
	return out, nil
}

func removeAll(files map[string]string) {
	for _, f := range files {
		os.Remove(f)
	}
}
