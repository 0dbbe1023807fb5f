package engine

import (
	"cmp"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/bindery-dev/bindery/internal/errs"
)

func listDir(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestImportCSVReplace(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := newManager(t, dir, Options{})
	def := createSales(t, m)
	store := `Store "Name" ü 店`
	if _, err := m.AppendRows(ctx, dsID, def, store, []map[string]any{{`Région du "nord"`: "kept"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.AppendRows(ctx, dsID, def, "Sales", []map[string]any{{"Id": 100.0}}); err != nil {
		t.Fatal(err)
	}
	// Other column order and case, an extra column, an offset, empty fields as null.
	csv := writeFile(t, "sales.csv", "REGION,extra,id,amount,price,paid,at,day\n"+
		"North,x,1,10.5,1.25,true,2024-01-01T10:00:00+01:00,2024-01-01\n"+
		"\"South, \"\"far\"\"\",y,2,,2,false,2024-01-02 00:00:00,2024-01-02\n"+
		",z,3,1,3,,,\n")
	res, err := m.Import(ctx, dsID, def, "sales", csv, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 3 || res.Version != 2 {
		t.Fatalf("result = %+v", res)
	}
	var region, at string
	var nullAmount bool
	err = m.Read(ctx, dsID, func(ctx context.Context, db *sql.DB) error {
		if err := db.QueryRowContext(ctx, `SELECT "Region" FROM "Sales" WHERE "Id" = 2`).Scan(&region); err != nil {
			return err
		}
		if err := db.QueryRowContext(ctx, `SELECT "Amount" IS NULL FROM "Sales" WHERE "Id" = 2`).Scan(&nullAmount); err != nil {
			return err
		}
		return db.QueryRowContext(ctx, `SELECT CAST("At" AS VARCHAR) FROM "Sales" WHERE "Id" = 1`).Scan(&at)
	})
	if err != nil {
		t.Fatal(err)
	}
	if region != `South, "far"` || !nullAmount || at != "2024-01-01 09:00:00" {
		t.Fatalf("region %q null amount %v at %q", region, nullAmount, at)
	}
	if n, sum := sumIDs(t, m); n != 3 || sum != 6 {
		t.Fatalf("replace kept old rows: %d rows sum %d", n, sum)
	}
	counts, _ := m.RowCounts(ctx, dsID, def)
	if counts[store] != 1 {
		t.Fatalf("other table not copied: %v", counts)
	}
	if got := listDir(t, filepath.Join(dir, dsID)); len(got) != 2 || got[0] != "CURRENT" || got[1] != "v000002.duckdb" {
		t.Fatalf("files after swap: %v", got)
	}

	// Append mode, headerless with a delimiter: by position, in place.
	no := false
	csv2 := writeFile(t, "more.csv", "4;1;1;true;2024-01-01;2024-01-01;East\n5;1;1;true;2024-01-01;2024-01-01;West\n")
	res, err = m.Import(ctx, dsID, def, "Sales", csv2, ImportOptions{Mode: ModeAppend, Header: &no, Delimiter: ";"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Version != 2 {
		t.Fatalf("append result = %+v", res)
	}
	if n, sum := sumIDs(t, m); n != 5 || sum != 15 {
		t.Fatalf("after append: %d rows sum %d", n, sum)
	}
}

// writeParquet makes a parquet file with DuckDB itself.
func writeParquet(t testing.TB, name, selectSQL string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	if _, err := db.Exec("COPY (" + selectSQL + ") TO " + quoteString(p) + " (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportParquet(t *testing.T) {
	ctx := context.Background()
	m := newManager(t, t.TempDir(), Options{})
	def := createSales(t, m)
	pq := writeParquet(t, "sales.parquet", `SELECT range AS ID, range * 0.5 AS amount, 1.5 AS price, range % 2 = 0 AS paid,
		TIMESTAMP '2024-01-01' + INTERVAL (range) HOUR AS at, DATE '2024-01-01' AS day, 'R' || (range % 3) AS region, 'x' AS extra
		FROM range(1000)`)
	res, err := m.Import(ctx, dsID, def, "Sales", pq, ImportOptions{Format: FormatParquet})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 1000 {
		t.Fatalf("rows = %d", res.Rows)
	}
	if n, sum := sumIDs(t, m); n != 1000 || sum != 999*1000/2 {
		t.Fatalf("%d rows sum %d", n, sum)
	}
}

func TestBadImportLeavesDataIntact(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := newManager(t, dir, Options{})
	def := createSales(t, m)
	good := writeFile(t, "good.csv", "Id,Amount,Price,Paid,At,Day,Region\n1,1,1,true,2024-01-01,2024-01-01,N\n2,1,1,true,2024-01-01,2024-01-01,S\n")
	if _, err := m.Import(ctx, dsID, def, "Sales", good, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	hdr := "Id,Amount,Price,Paid,At,Day,Region\n"
	okRow := "7,1,1,true,2024-01-01,2024-01-01,N\n"
	no := false
	tests := []struct {
		name, file string
		opts       ImportOptions
		want       string
	}{
		{"missing column", writeFile(t, "a.csv", "Id,Amount\n1,2\n"), ImportOptions{}, `no column "Price"`},
		{"bad integer", writeFile(t, "b.csv", hdr+okRow+"x1,1,1,true,2024-01-01,2024-01-01,N\n"), ImportOptions{}, `line 3, column "Id": cannot convert "x1" to Int64`},
		{"bad date", writeFile(t, "c.csv", hdr+okRow+okRow+"3,1,1,true,2024-01-01,2024-02-30,N\n"), ImportOptions{}, `line 4, column "Day"`},
		{"bad boolean", writeFile(t, "d.csv", hdr+"3,1,1,maybe,2024-01-01,2024-01-01,N\n"), ImportOptions{}, `column "Paid"`},
		{"ragged rows", writeFile(t, "e.csv", hdr+okRow+"1,2\n"), ImportOptions{}, `no column "Id"`},
		{"not parquet", writeFile(t, "f.parquet", "hello"), ImportOptions{Format: FormatParquet}, "could not be read"},
		{"bad value append", writeFile(t, "g.csv", hdr+okRow+"1,zz,1,true,2024-01-01,2024-01-01,N\n"), ImportOptions{Mode: ModeAppend}, `line 3, column "Amount"`},
		{"headerless wrong width", writeFile(t, "h.csv", "1,2\n"), ImportOptions{Header: &no}, "has 2 columns"},
		{"no such file", filepath.Join(dir, "missing.csv"), ImportOptions{}, "no file"},
		{"bad delimiter", good, ImportOptions{Delimiter: "ab"}, "delimiter"},
		{"bad format", good, ImportOptions{Format: "xlsx"}, "format"},
		{"bad mode", good, ImportOptions{Mode: "Merge"}, "mode"},
	}
	// The file is the request body the client sent: its errors name "body".
	optionField := map[string]string{"bad delimiter": "delimiter", "bad format": "format", "bad mode": "mode"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Import(ctx, dsID, def, "Sales", tc.file, tc.opts)
			wantKind(t, err, errs.KindInvalid, tc.want)
			if e, _ := errs.As(err); e.Field != cmp.Or(optionField[tc.name], "body") {
				t.Fatalf("field = %q, want %q", e.Field, cmp.Or(optionField[tc.name], "body"))
			}
			if n, sum := sumIDs(t, m); n != 2 || sum != 3 {
				t.Fatalf("data changed: %d rows sum %d", n, sum)
			}
			if v, _ := m.Version(ctx, dsID); v != 2 {
				t.Fatalf("version = %d", v)
			}
			if got := listDir(t, filepath.Join(dir, dsID)); len(got) != 2 {
				t.Fatalf("leftover files: %v", got)
			}
		})
	}
	pq := writeParquet(t, "bad.parquet", `SELECT 'abc' AS id, 1 AS amount, 1 AS price, true AS paid, now() AS at, DATE '2024-01-01' AS day, 'r' AS region`)
	_, err := m.Import(ctx, dsID, def, "Sales", pq, ImportOptions{Format: FormatParquet})
	wantKind(t, err, errs.KindInvalid, `row 1, column "id": cannot convert "abc" to Int64`)
}

// A Read running during a swap keeps reading the old version; the next Read sees the new.
func TestReadDuringSwap(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := newManager(t, dir, Options{})
	def := createSales(t, m)
	if _, err := m.AppendRows(ctx, dsID, def, "Sales", []map[string]any{{"Id": 1.0}, {"Id": 2.0}}); err != nil {
		t.Fatal(err)
	}
	started, swapped, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- m.Read(ctx, dsID, func(ctx context.Context, db *sql.DB) error {
			close(started)
			<-swapped
			var n, sum int64
			if err := db.QueryRowContext(ctx, `SELECT count(*), sum("Id") FROM "Sales"`).Scan(&n, &sum); err != nil {
				return err
			}
			if n != 2 || sum != 3 {
				t.Errorf("old reader sees %d rows sum %d, want the old data", n, sum)
			}
			return nil
		})
	}()
	<-started
	csv := writeFile(t, "new.csv", "Id,Amount,Price,Paid,At,Day,Region\n10,1,1,true,2024-01-01,2024-01-01,N\n")
	if _, err := m.Import(ctx, dsID, def, "Sales", csv, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, sum := sumIDs(t, m); n != 1 || sum != 10 {
		t.Fatalf("new reader sees %d rows sum %d", n, sum)
	}
	old := filepath.Join(dir, dsID, versionName(1))
	if _, err := os.Stat(old); err != nil {
		t.Fatalf("old version removed while read: %v", err)
	}
	close(swapped)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatalf("old version not removed after its last Read: %v", err)
	}
}
