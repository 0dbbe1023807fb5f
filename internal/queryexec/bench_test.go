package queryexec

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/engine"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
)

// benchDataVersion names the generated data; change it when the generator changes.
const benchDataVersion = "star-v1"

const benchDataset = "bench"

// benchRows is the fact table's size: BINDERY_BENCH_ROWS, else 10 million
// (1 million with -short).
func benchRows() int {
	if s := os.Getenv("BINDERY_BENCH_ROWS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	if testing.Short() {
		return 1_000_000
	}
	return 10_000_000
}

// benchModel is the star schema; with rls, it has the role "Regional"; with
// integrity, its relationships assume referential integrity (the generated data
// keeps that promise: every key is drawn from its dimension's range).
func benchModel(rls, integrity bool) model.DatasetDefinition {
	def := model.DatasetDefinition{
		Name: "Bench",
		Tables: []model.Table{
			{Name: "Sales", Columns: []model.Column{
				{Name: "ProductId", DataType: model.TypeInt64}, {Name: "StoreId", DataType: model.TypeInt64},
				{Name: "Date", DataType: model.TypeDate}, {Name: "Amount", DataType: model.TypeDouble},
				{Name: "Qty", DataType: model.TypeInt64}, {Name: "Customer", DataType: model.TypeInt64},
			}, Measures: []model.Measure{
				{Name: "Total Sales", Expression: "SUM(Sales[Amount])"},
				{Name: "Units", Expression: "SUM(Sales[Qty])"},
				{Name: "Avg Price", Expression: "DIVIDE([Total Sales], [Units])"},
				{Name: "Customers", Expression: "DISTINCTCOUNT(Sales[Customer])"},
			}},
			{Name: "Product", Columns: []model.Column{
				{Name: "ProductId", DataType: model.TypeInt64}, {Name: "Name", DataType: model.TypeString},
				{Name: "Category", DataType: model.TypeString},
			}},
			{Name: "Store", Columns: []model.Column{
				{Name: "StoreId", DataType: model.TypeInt64}, {Name: "Name", DataType: model.TypeString},
				{Name: "Region", DataType: model.TypeString},
			}},
			{Name: "Calendar", Columns: []model.Column{
				{Name: "Date", DataType: model.TypeDate}, {Name: "Year", DataType: model.TypeInt64},
				{Name: "Month", DataType: model.TypeString},
			}},
		},
		Relationships: []model.Relationship{
			{FromTable: "Sales", FromColumn: "ProductId", ToTable: "Product", ToColumn: "ProductId"},
			{FromTable: "Sales", FromColumn: "StoreId", ToTable: "Store", ToColumn: "StoreId"},
			{FromTable: "Sales", FromColumn: "Date", ToTable: "Calendar", ToColumn: "Date"},
		},
	}
	for i := range def.Relationships {
		def.Relationships[i].AssumeReferentialIntegrity = integrity
	}
	if rls {
		def.Roles = []model.RLSRole{{Name: "Regional", TablePermissions: []model.TablePermission{
			{Name: "Store", FilterExpression: "[Region] = USERNAME()"}}}}
	}
	return def
}

func benchDatasetFor(identity *query.Identity, integrity bool) *model.Dataset {
	return &model.Dataset{ID: benchDataset, Name: "Bench", StorageMode: model.StorageImport, DataVersion: 1,
		Definition: benchModel(identity != nil, integrity)}
}

var benchFill = []string{
	`INSERT INTO "Product" SELECT i, 'Product ' || i, 'Category ' || (i % 10) FROM range(1, 1001) t(i)`,
	`INSERT INTO "Store" SELECT i, 'Store ' || i, ['East', 'West', 'North', 'South', 'Central'][i % 5 + 1] FROM range(1, 101) t(i)`,
	`INSERT INTO "Calendar" SELECT d::DATE, year(d), monthname(d) FROM range(DATE '2022-01-01', DATE '2025-01-01', INTERVAL 1 DAY) t(d)`,
	`INSERT INTO "Sales" SELECT CAST(hash(i) % 1000 AS BIGINT) + 1, CAST(hash(i * 7) % 100 AS BIGINT) + 1,
		DATE '2022-01-01' + CAST(i % 1096 AS INTEGER), CAST(hash(i * 3) % 100000 AS DOUBLE) / 100, i % 5 + 1,
		CAST(hash(i * 11) % 200000 AS BIGINT) FROM range({rows}) t(i)`,
	`CHECKPOINT`,
}

// benchEngine opens the generated data set, generating it on first use and
// keeping it under os.TempDir() for later runs.
func benchEngine(b *testing.B) *engine.Manager {
	b.Helper()
	rows := benchRows()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("bindery-bench-%s-%d", benchDataVersion, rows))
	ready := filepath.Join(dir, "READY")
	if _, err := os.Stat(ready); err != nil {
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		eng, err := engine.Open(engine.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		def := benchModel(false, false)
		if err := eng.Create(context.Background(), benchDataset, &def); err != nil {
			b.Fatal(err)
		}
		err = eng.Read(context.Background(), benchDataset, func(ctx context.Context, db *sql.DB) error {
			for _, stmt := range benchFill {
				if strings.Contains(stmt, "{rows}") {
					stmt = strings.Replace(stmt, "{rows}", strconv.Itoa(rows), 1)
				}
				if _, err := db.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w", stmt, err)
				}
			}
			return nil
		})
		if err == nil {
			err = eng.Close()
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(ready, nil, 0o644); err != nil {
			b.Fatal(err)
		}
		fmt.Printf("generated %d fact rows in %s under %s\n", rows, time.Since(start).Round(time.Millisecond), dir)
	}
	eng, err := engine.Open(engine.Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = eng.Close() })
	return eng
}

// benchQueries pair each visual with the SQL a person would write for the
// same answer on each kind of model: LEFT JOIN where the model keeps fact rows
// without a dimension row in a blank group (Power BI's default), INNER JOIN
// where its relationships assume referential integrity. DuckDB runs the INNER
// form of some shapes several times faster, which is why the flag exists.
type benchQuery struct {
	name     string
	visual   string
	identity *query.Identity
	left     string // natural SQL for the model without the flag
	inner    string // natural SQL for the model with assumeReferentialIntegrity
}

var benchQueries = []benchQuery{
	{"totals", `{"values": ["[Total Sales]"]}`, nil,
		`SELECT SUM("Amount") FROM "Sales"`,
		`SELECT SUM("Amount") FROM "Sales"`},
	{"by_category", `{"groupBy": ["Product[Category]"], "values": ["[Total Sales]"]}`, nil,
		`SELECT p."Category", SUM(s."Amount") FROM "Sales" s LEFT JOIN "Product" p ON s."ProductId" = p."ProductId" GROUP BY 1 ORDER BY 1`,
		`SELECT p."Category", SUM(s."Amount") FROM "Sales" s JOIN "Product" p ON s."ProductId" = p."ProductId" GROUP BY 1 ORDER BY 1`},
	{"by_month", `{"groupBy": [{"field": "Sales[Date]", "dateLevel": "Month"}], "values": ["[Total Sales]"]}`, nil,
		`SELECT date_trunc('month', "Date") AS m, SUM("Amount") FROM "Sales" GROUP BY m ORDER BY m`,
		`SELECT date_trunc('month', "Date") AS m, SUM("Amount") FROM "Sales" GROUP BY m ORDER BY m`},
	{"top10_products", `{"groupBy": ["Product[Name]"], "values": ["[Total Sales]"], "topN": {"count": 10, "by": "[Total Sales]"}}`, nil,
		`SELECT p."Name", SUM(s."Amount") AS t FROM "Sales" s LEFT JOIN "Product" p ON s."ProductId" = p."ProductId" GROUP BY 1 ORDER BY t DESC LIMIT 10`,
		`SELECT p."Name", SUM(s."Amount") AS t FROM "Sales" s JOIN "Product" p ON s."ProductId" = p."ProductId" GROUP BY 1 ORDER BY t DESC LIMIT 10`},
	{"distinct_filtered", `{"values": ["[Customers]"], "filters": [{"$schema": "http://powerbi.com/product/schema#basic",
		"target": {"table": "Store", "column": "Region"}, "filterType": 1, "operator": "In", "values": ["East"]}]}`, nil,
		`SELECT COUNT(DISTINCT s."Customer") FROM "Sales" s LEFT JOIN "Store" st ON s."StoreId" = st."StoreId" WHERE st."Region" = 'East'`,
		`SELECT COUNT(DISTINCT s."Customer") FROM "Sales" s JOIN "Store" st ON s."StoreId" = st."StoreId" WHERE st."Region" = 'East'`},
	{"divide_rls", `{"groupBy": ["Product[Category]"], "values": ["[Avg Price]"]}`, &query.Identity{Username: "East", Roles: []string{"Regional"}},
		`SELECT p."Category", SUM(s."Amount") / SUM(s."Qty") FROM "Sales" s LEFT JOIN "Product" p ON s."ProductId" = p."ProductId"
		 LEFT JOIN "Store" st ON s."StoreId" = st."StoreId" WHERE st."Region" = 'East' GROUP BY 1 ORDER BY 1`,
		`SELECT p."Category", SUM(s."Amount") / SUM(s."Qty") FROM "Sales" s JOIN "Product" p ON s."ProductId" = p."ProductId"
		 JOIN "Store" st ON s."StoreId" = st."StoreId" WHERE st."Region" = 'East' GROUP BY 1 ORDER BY 1`},
}

// benchRounds is the least number of timed rounds per query, whatever -benchtime says, so
// the medians are of at least this many runs.
const benchRounds = 5

// benchModels are the two kinds of model each query runs on.
var benchModels = []struct {
	name      string
	integrity bool
}{{"integrity", true}, {"left", false}}

// BenchmarkVisualQueries times each query through the executor (cache off)
// and as the natural hand-written SQL for its model on the same DuckDB
// instance, interleaved, and reports the medians and their ratio.
func BenchmarkVisualQueries(b *testing.B) {
	eng := benchEngine(b)
	ex, err := New(Options{Engine: eng, CacheBytes: -1})
	if err != nil {
		b.Fatal(err)
	}
	// The integrity model's results are only right if the data keeps its promise.
	for _, r := range benchModel(false, true).Relationships {
		stmt := fmt.Sprintf(`SELECT 1 FROM %q f LEFT JOIN %q d ON f.%q = d.%q WHERE d.%q IS NULL LIMIT 1`,
			r.FromTable, r.ToTable, r.FromColumn, r.ToColumn, r.ToColumn)
		if n, err := directRun(eng, stmt); err != nil || n != 0 {
			b.Fatalf("%s: %d orphans, %v", stmt, n, err)
		}
	}
	var mu sync.Mutex
	table := map[string][2]time.Duration{}
	for _, m := range benchModels {
		for _, bq := range benchQueries {
			q, err := query.ParseVisualQuery([]byte(bq.visual))
			if err != nil {
				b.Fatal(err)
			}
			req := Request{Dataset: benchDatasetFor(bq.identity, m.integrity), Query: q, Identity: bq.identity}
			direct := bq.left
			if m.integrity {
				direct = bq.inner
			}
			name := m.name + "/" + bq.name
			b.Run(name, func(b *testing.B) {
				var viaUs, directs []time.Duration
				for i := 0; i < max(b.N, benchRounds); i++ {
					t0 := time.Now()
					if _, err := directRun(eng, direct); err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					if _, err := ex.Run(context.Background(), req); err != nil {
						b.Fatal(err)
					}
					directs, viaUs = append(directs, t1.Sub(t0)), append(viaUs, time.Since(t1))
				}
				md, mb := median(directs), median(viaUs)
				b.ReportMetric(float64(mb.Microseconds())/1000, "bindery-ms")
				b.ReportMetric(float64(md.Microseconds())/1000, "direct-ms")
				b.ReportMetric(float64(mb)/float64(md), "ratio")
				mu.Lock()
				table[name] = [2]time.Duration{mb, md}
				mu.Unlock()
			})
		}
	}
	rss, hwm := procMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "goheap-MB")
	fmt.Printf("\n%d fact rows; medians of >= %d runs per query (executor with cache off vs the natural hand-written SQL\n"+
		"on the same DuckDB: INNER JOIN for the model assuming referential integrity, LEFT JOIN for the other):\n", benchRows(), benchRounds)
	fmt.Printf("%-10s %-18s %12s %12s %7s\n", "model", "query", "bindery", "direct", "ratio")
	for _, m := range benchModels {
		for _, bq := range benchQueries {
			if d, ok := table[m.name+"/"+bq.name]; ok {
				fmt.Printf("%-10s %-18s %12s %12s %7.3f\n", m.name, bq.name, d[0].Round(10*time.Microsecond), d[1].Round(10*time.Microsecond), float64(d[0])/float64(d[1]))
			}
		}
	}
	fmt.Printf("process RSS %.0f MB (peak %.0f MB), Go heap in use %.1f MB\n\n", rss, hwm, float64(ms.HeapInuse)/(1<<20))
}

func directRun(eng *engine.Manager, stmt string) (int, error) {
	n := 0
	err := eng.Read(context.Background(), benchDataset, func(ctx context.Context, db *sql.DB) error {
		rows, err := db.QueryContext(ctx, stmt)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			n++
		}
		return rows.Err()
	})
	return n, err
}

// BenchmarkCachedQuery is the latency of a query answered from the result cache.
func BenchmarkCachedQuery(b *testing.B) {
	eng := benchEngine(b)
	ex, err := New(Options{Engine: eng})
	if err != nil {
		b.Fatal(err)
	}
	q, _ := query.ParseVisualQuery([]byte(benchQueries[5].visual))
	req := Request{Dataset: benchDatasetFor(benchQueries[5].identity, true), Query: q, Identity: benchQueries[5].identity}
	if _, err := ex.Run(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	const inner = 1000 // enough to time with -benchtime 3x
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for j := 0; j < inner; j++ {
			res, err := ex.Run(context.Background(), req)
			if err != nil || !res.CacheHit {
				b.Fatalf("%v %v", res, err)
			}
		}
	}
	per := time.Since(start) / time.Duration(b.N*inner)
	b.ReportMetric(float64(per.Nanoseconds())/1000, "µs/query")
	fmt.Printf("cached query: %s per query (compile + cache lookup)\n", per)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// procMemory returns the process's resident set and its peak in MB (Linux; 0 elsewhere).
func procMemory() (rss, peak float64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak
}
