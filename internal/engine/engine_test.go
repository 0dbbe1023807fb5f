package engine

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

const dsID = "3f1c2a7e-0000-4000-8000-000000000001"

func newManager(t testing.TB, dir string, opts Options) *Manager {
	t.Helper()
	opts.Dir = dir
	m, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// salesDef has every data type and a table whose names need quoting.
func salesDef() *model.DatasetDefinition {
	return &model.DatasetDefinition{
		Name: "Retail",
		Tables: []model.Table{
			{Name: "Sales", Columns: []model.Column{
				{Name: "Id", DataType: model.TypeInt64},
				{Name: "Amount", DataType: model.TypeDecimal},
				{Name: "Price", DataType: model.TypeDouble},
				{Name: "Paid", DataType: model.TypeBoolean},
				{Name: "At", DataType: model.TypeDateTime},
				{Name: "Day", DataType: model.TypeDate},
				{Name: "Region", DataType: model.TypeString},
			}},
			{Name: `Store "Name" ü 店`, Columns: []model.Column{
				{Name: `Région du "nord"`, DataType: model.TypeString},
				{Name: "col with space; DROP TABLE Sales; --", DataType: model.TypeInt64},
			}},
		},
	}
}

func createSales(t testing.TB, m *Manager) *model.DatasetDefinition {
	t.Helper()
	def := salesDef()
	if err := m.Create(context.Background(), dsID, def); err != nil {
		t.Fatal(err)
	}
	return def
}

func sumIDs(t testing.TB, m *Manager) (n, sum int64) {
	t.Helper()
	err := m.Read(context.Background(), dsID, func(ctx context.Context, db *sql.DB) error {
		return db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum("Id"), 0) FROM "Sales"`).Scan(&n, &sum)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, sum
}

func wantKind(t *testing.T, err error, kind errs.Kind, contains string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error of kind %v containing %q, got nil", kind, contains)
	}
	if errs.KindOf(err) != kind {
		t.Fatalf("want kind %v, got %v: %v", kind, errs.KindOf(err), err)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Fatalf("error %q does not contain %q", err, contains)
	}
}

func TestCreateAppendDeleteRowCounts(t *testing.T) {
	ctx := context.Background()
	m := newManager(t, t.TempDir(), Options{})
	def := createSales(t, m)
	wantKind(t, m.Create(ctx, dsID, def), errs.KindConflict, "already")

	rows := []map[string]any{
		{"Id": 1.0, "Amount": json.Number("12.34565"), "Price": 1.5, "Paid": true,
			"At": "2024-03-01T10:00:00+02:00", "Day": "2024-03-01", "Region": "North"},
		{"id": json.Number("2"), "amount": 3.0, "REGION": nil},
		{},
	}
	n, err := m.AppendRows(ctx, dsID, def, "sales", rows)
	if err != nil || n != 3 {
		t.Fatalf("AppendRows = %d, %v", n, err)
	}
	counts, err := m.RowCounts(ctx, dsID, def)
	if err != nil {
		t.Fatal(err)
	}
	if counts["Sales"] != 3 || counts[`Store "Name" ü 店`] != 0 || len(counts) != 2 {
		t.Fatalf("counts = %v", counts)
	}
	var amount, at, day string
	err = m.Read(ctx, dsID, func(ctx context.Context, db *sql.DB) error {
		return db.QueryRowContext(ctx, `SELECT CAST("Amount" AS VARCHAR), CAST("At" AS VARCHAR), CAST("Day" AS VARCHAR) FROM "Sales" WHERE "Id" = ?`, 1).
			Scan(&amount, &at, &day)
	})
	if err != nil {
		t.Fatal(err)
	}
	if amount != "12.3457" || at != "2024-03-01 08:00:00" || day != "2024-03-01" {
		t.Fatalf("row 1 = %s %s %s", amount, at, day)
	}

	if err := m.DeleteRows(ctx, dsID, def, "Sales"); err != nil {
		t.Fatal(err)
	}
	if n, _ := sumIDs(t, m); n != 0 {
		t.Fatalf("after DeleteRows %d rows", n)
	}
	wantKind(t, m.DeleteRows(ctx, dsID, def, "Nope"), errs.KindInvalid, "table")
	_, err = m.RowCounts(ctx, "00000000-0000-4000-8000-000000000999", def)
	wantKind(t, err, errs.KindNotFound, "dataset")
	_, err = m.AppendRows(ctx, "../etc", def, "Sales", rows)
	wantKind(t, err, errs.KindInvalid, "datasetId")
}

func TestAppendRowsValidation(t *testing.T) {
	ctx := context.Background()
	m := newManager(t, t.TempDir(), Options{})
	def := createSales(t, m)
	ok := map[string]any{"Id": 1.0}
	tests := []struct {
		name  string
		row   map[string]any
		field string // want errs.Invalid on rows[1].<field>
	}{
		{"fractional int", map[string]any{"Id": 1.5}, "rows[1].Id"},
		{"int as string", map[string]any{"Id": "1"}, "rows[1].Id"},
		{"int overflow", map[string]any{"Id": 1e19}, "rows[1].Id"},
		{"int json overflow", map[string]any{"Id": json.Number("9223372036854775808")}, "rows[1].Id"},
		{"double as bool", map[string]any{"Price": true}, "rows[1].Price"},
		{"double bad number", map[string]any{"Price": json.Number("1e")}, "rows[1].Price"},
		{"decimal too big", map[string]any{"Amount": 1e15}, "rows[1].Amount"},
		{"decimal as string", map[string]any{"Amount": "12"}, "rows[1].Amount"},
		{"bool as number", map[string]any{"Paid": 1.0}, "rows[1].Paid"},
		{"datetime garbage", map[string]any{"At": "yesterday"}, "rows[1].At"},
		{"datetime as number", map[string]any{"At": 1700000000.0}, "rows[1].At"},
		{"date bad month", map[string]any{"Day": "2024-13-01"}, "rows[1].Day"},
		{"string as number", map[string]any{"Region": 5.0}, "rows[1].Region"},
		{"string as object", map[string]any{"Region": map[string]any{}}, "rows[1].Region"},
		{"bad utf8", map[string]any{"Region": "a\xffb"}, "rows[1].Region"},
		{"unknown column", map[string]any{"Id": 1.0, "Colour": "red"}, "rows[1].Colour"},
		{"column twice", map[string]any{"Id": 1.0, "ID": 2.0}, "rows[1].I"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.AppendRows(ctx, dsID, def, "Sales", []map[string]any{ok, tc.row})
			wantKind(t, err, errs.KindInvalid, tc.field)
			e, _ := errs.As(err)
			if !strings.HasPrefix(e.Field, tc.field) {
				t.Fatalf("field = %q, want %q", e.Field, tc.field)
			}
		})
	}
	if n, _ := sumIDs(t, m); n != 0 {
		t.Fatalf("rejected calls appended %d rows", n)
	}

	good := []struct {
		col string
		v   any
	}{
		{"Id", json.Number("-9223372036854775808")}, {"Id", 42}, {"Price", json.Number("1e300")},
		{"Amount", json.Number("-99999999999999.9999")}, {"Amount", 0.1}, {"Paid", false},
		{"At", "2024-01-02T03:04:05.123456Z"}, {"At", "2024-01-02 03:04:05"}, {"At", "2024-01-02"},
		{"At", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}, {"Day", "2024-02-29T23:00:00-05:00"},
		{"Region", ""}, {"Region", "東京 'quoted' \"x\""}, {"Region", nil},
	}
	for _, g := range good {
		if _, err := m.AppendRows(ctx, dsID, def, "Sales", []map[string]any{{g.col: g.v}}); err != nil {
			t.Errorf("%s = %#v: %v", g.col, g.v, err)
		}
	}
	var day string
	_ = m.Read(ctx, dsID, func(ctx context.Context, db *sql.DB) error {
		return db.QueryRowContext(ctx, `SELECT CAST(max("Day") AS VARCHAR) FROM "Sales"`).Scan(&day)
	})
	if day != "2024-02-29" {
		t.Errorf("date with an offset stored as %s, want the date as written", day)
	}
}

func TestAppendRowsTooLarge(t *testing.T) {
	m := newManager(t, t.TempDir(), Options{})
	def := createSales(t, m)
	rows := make([]map[string]any, MaxAppendRows+1)
	for i := range rows {
		rows[i] = map[string]any{"Id": float64(i)}
	}
	_, err := m.AppendRows(context.Background(), dsID, def, "Sales", rows)
	wantKind(t, err, errs.KindTooLarge, "10000")
	n, err := m.AppendRows(context.Background(), dsID, def, "Sales", rows[:MaxAppendRows])
	if err != nil || n != MaxAppendRows {
		t.Fatalf("AppendRows(10000) = %d, %v", n, err)
	}
	if got, sum := sumIDs(t, m); got != MaxAppendRows || sum != 9999*10000/2 {
		t.Fatalf("count %d sum %d", got, sum)
	}
}

func TestNamesNeedingQuotes(t *testing.T) {
	ctx := context.Background()
	m := newManager(t, t.TempDir(), Options{})
	def := createSales(t, m)
	table := `store "name" Ü 店` // case-insensitive like DAX
	rows := []map[string]any{{`Région du "nord"`: `l'île "x"`, "col with space; DROP TABLE Sales; --": 7.0}}
	if _, err := m.AppendRows(ctx, dsID, def, table, rows); err != nil {
		t.Fatal(err)
	}
	csv := writeFile(t, "weird.csv", "\"RÉGION DU \"\"NORD\"\"\",COL WITH SPACE; DROP TABLE SALES; --\nsud,8\nest,9\n")
	if _, err := m.Import(ctx, dsID, def, table, csv, ImportOptions{Mode: ModeAppend}); err != nil {
		t.Fatal(err)
	}
	var s string
	var sum int64
	err := m.Read(ctx, dsID, func(ctx context.Context, db *sql.DB) error {
		return db.QueryRowContext(ctx, `SELECT string_agg("Région du ""nord""", '|' ORDER BY "Région du ""nord"""), sum("col with space; DROP TABLE Sales; --") FROM "Store ""Name"" ü 店"`).Scan(&s, &sum)
	})
	if err != nil {
		t.Fatal(err)
	}
	if s != `est|l'île "x"|sud` || sum != 24 {
		t.Fatalf("got %q %d", s, sum)
	}
	counts, err := m.RowCounts(ctx, dsID, def)
	if err != nil || counts["Sales"] != 0 || counts[`Store "Name" ü 店`] != 3 {
		t.Fatalf("counts %v %v", counts, err)
	}
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDropAndRecreate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := newManager(t, dir, Options{})
	def := createSales(t, m)
	if _, err := m.AppendRows(ctx, dsID, def, "Sales", []map[string]any{{"Id": 5.0}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Drop(ctx, dsID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, dsID)); !os.IsNotExist(err) {
		t.Fatalf("dataset directory still there: %v", err)
	}
	wantKind(t, m.Read(ctx, dsID, func(context.Context, *sql.DB) error { return nil }), errs.KindNotFound, "dataset")
	wantKind(t, m.Drop(ctx, dsID), errs.KindNotFound, "dataset")
	createSales(t, m)
	if n, _ := sumIDs(t, m); n != 0 {
		t.Fatalf("recreated dataset has %d rows", n)
	}
}

func TestIdleCloseThenReopen(t *testing.T) {
	m := newManager(t, t.TempDir(), Options{IdleTimeout: 30 * time.Millisecond})
	def := createSales(t, m)
	if _, err := m.AppendRows(context.Background(), dsID, def, "Sales", []map[string]any{{"Id": 3.0}}); err != nil {
		t.Fatal(err)
	}
	isOpen := func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.sets[dsID] != nil && m.sets[dsID].cur != nil
	}
	if !isOpen() {
		t.Fatal("dataset not open after use")
	}
	// A long Read keeps it open past the timeout.
	_ = m.Read(context.Background(), dsID, func(context.Context, *sql.DB) error {
		time.Sleep(100 * time.Millisecond)
		if !isOpen() {
			t.Error("closed during a Read")
		}
		return nil
	})
	deadline := time.Now().Add(5 * time.Second)
	for isOpen() {
		if time.Now().After(deadline) {
			t.Fatal("idle dataset was not closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n, sum := sumIDs(t, m); n != 1 || sum != 3 {
		t.Fatalf("after reopen: %d rows, sum %d", n, sum)
	}
}

func TestOpenRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	m := newManager(t, dir, Options{})
	createSales(t, m)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	ds := filepath.Join(dir, dsID)
	junk := []string{"v000002.duckdb", "v000002.duckdb.wal", "CURRENT.tmp"}
	for _, j := range append(junk, "notes.txt") {
		if err := os.WriteFile(filepath.Join(ds, j), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	crashedCreate := filepath.Join(dir, "a0000000-0000-4000-8000-000000000002")
	_ = os.Mkdir(crashedCreate, 0o755)
	_ = os.WriteFile(filepath.Join(crashedCreate, "v000001.duckdb"), []byte("x"), 0o644)

	m2 := newManager(t, dir, Options{})
	for _, j := range junk {
		if _, err := os.Stat(filepath.Join(ds, j)); !os.IsNotExist(err) {
			t.Errorf("%s not removed", j)
		}
	}
	if _, err := os.Stat(filepath.Join(ds, "notes.txt")); err != nil {
		t.Errorf("a file Bindery did not name was removed: %v", err)
	}
	if _, err := os.Stat(crashedCreate); !os.IsNotExist(err) {
		t.Errorf("directory of a crashed Create not removed")
	}
	if n, _ := sumIDs(t, m2); n != 0 {
		t.Fatal(n)
	}
}

func TestNotFoundAndClosed(t *testing.T) {
	m := newManager(t, t.TempDir(), Options{})
	_, err := m.Import(context.Background(), dsID, salesDef(), "Sales", writeFile(t, "a.csv", "Id\n1\n"), ImportOptions{})
	wantKind(t, err, errs.KindNotFound, "dataset")
	_ = m.Close()
	if err := m.Create(context.Background(), dsID, salesDef()); err != ErrClosed {
		t.Fatalf("Create after Close = %v", err)
	}
}

// Power BI's push samples send US dates ("07/30/2014"); they are month first.
func TestAppendRowsUSDates(t *testing.T) {
	ctx := context.Background()
	m := newManager(t, t.TempDir(), Options{})
	def := createSales(t, m)
	good := []struct {
		row          map[string]any
		wantAt, want string // stored At and Day
	}{
		{map[string]any{"Id": 1.0, "At": "07/30/2014", "Day": "07/30/2014"}, "2014-07-30 00:00:00", "2014-07-30"},
		{map[string]any{"Id": 2.0, "At": "7/4/2014 13:05:09", "Day": "12/1/2014"}, "2014-07-04 13:05:09", "2014-12-01"},
		{map[string]any{"Id": 3.0, "At": "2/29/2024 9:00:00", "Day": "2/29/2024 23:59:59"}, "2024-02-29 09:00:00", "2024-02-29"},
	}
	for _, g := range good {
		if _, err := m.AppendRows(ctx, dsID, def, "Sales", []map[string]any{g.row}); err != nil {
			t.Fatalf("%v: %v", g.row, err)
		}
		var at, day string
		_ = m.Read(ctx, dsID, func(ctx context.Context, db *sql.DB) error {
			return db.QueryRowContext(ctx, `SELECT CAST("At" AS VARCHAR), CAST("Day" AS VARCHAR) FROM "Sales" WHERE "Id" = ?`, g.row["Id"]).Scan(&at, &day)
		})
		if at != g.wantAt || day != g.want {
			t.Errorf("%v stored At=%q Day=%q, want %q %q", g.row, at, day, g.wantAt, g.want)
		}
	}
	for _, bad := range []string{"30/07/2014", "2/30/2014", "07/30/14", "7/30/2014 25:00:00", "7/30/2014 1:2:3"} {
		_, err := m.AppendRows(ctx, dsID, def, "Sales", []map[string]any{{"Id": 9.0, "At": bad}})
		wantKind(t, err, errs.KindInvalid, "M/D/YYYY")
	}
}
