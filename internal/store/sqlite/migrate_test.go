package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store/storetest"
)

func TestMigrateFresh(t *testing.T) {
	db := openTest(t, tempPath(t))
	ctx := t.Context()
	v, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() || v < 1 {
		t.Fatalf("Version = %d, want SchemaVersion() = %d", v, SchemaVersion())
	}
	for _, table := range []string{"capacities", "workspaces", "members", "datasets", "reports"} {
		var n int
		if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("table %s missing after migration", table)
		}
	}
	if got := migrationRows(t, db); got != SchemaVersion() {
		t.Fatalf("schema_migrations has %d rows, want %d", got, SchemaVersion())
	}
}

func migrationRows(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.r.QueryRowContext(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReopenIsIdempotent(t *testing.T) {
	path := tempPath(t)
	for i := 0; i < 3; i++ {
		db, err := Open(t.Context(), Options{Path: path})
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if got := migrationRows(t, db); got != SchemaVersion() {
			t.Fatalf("open #%d: schema_migrations has %d rows, want %d", i+1, got, SchemaVersion())
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDataSurvivesRestart closes and reopens the file, as a restarted server would.
func TestDataSurvivesRestart(t *testing.T) {
	path := tempPath(t)
	ctx := t.Context()
	db, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	c := &model.Capacity{ID: model.NewID(), DisplayName: "Cap", SKU: "A1", State: model.CapacityActive, Limits: model.DefaultCapacityLimits}
	w := &model.Workspace{ID: model.NewID(), Name: "Persisted", CapacityID: c.ID}
	m := &model.Member{WorkspaceID: w.ID, Identifier: "a@example.com", PrincipalType: model.PrincipalUser, Role: model.RoleAdmin}
	d := &model.Dataset{ID: model.NewID(), WorkspaceID: w.ID, Name: "D", StorageMode: model.StorageImport,
		Definition: storetest.SampleDatasetDefinition("D")}
	r := &model.Report{ID: model.NewID(), WorkspaceID: w.ID, Name: "R", DatasetID: d.ID,
		Definition: storetest.SampleReportDefinition("R")}
	mustDo(t, db.CreateCapacity(ctx, c), db.CreateWorkspace(ctx, w), db.PutMember(ctx, m),
		db.CreateDataset(ctx, d), db.CreateReport(ctx, r))
	if _, err := db.BumpDataVersion(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openTest(t, path)
	gotW, err := db.GetWorkspace(ctx, w.ID)
	if err != nil || gotW.Name != w.Name || gotW.CapacityID != c.ID || !gotW.CreatedAt.Equal(w.CreatedAt) {
		t.Fatalf("workspace after restart: %+v, %v", gotW, err)
	}
	members, err := db.ListMembers(ctx, w.ID)
	if err != nil || len(members) != 1 || members[0].Role != model.RoleAdmin {
		t.Fatalf("members after restart: %+v, %v", members, err)
	}
	gotR, err := db.GetReport(ctx, r.ID)
	if err != nil || gotR.DatasetID != d.ID || len(gotR.Definition.Pages) != 1 {
		t.Fatalf("report after restart: %+v, %v", gotR, err)
	}
	v, err := db.BumpDataVersion(ctx, d.ID)
	if err != nil || v != 2 {
		t.Fatalf("BumpDataVersion after restart = %d, %v; want 2", v, err)
	}
}

func mustDo(t *testing.T, errs ...error) {
	t.Helper()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
}

func TestFutureSchemaRefused(t *testing.T) {
	path := tempPath(t)
	db, err := Open(t.Context(), Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	future := SchemaVersion() + 1
	if _, err := db.w.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', '2099-01-01T00:00:00.000000Z')`, future); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = Open(t.Context(), Options{Path: path})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a future database: got %v, want ErrSchemaTooNew", err)
	}
	for _, want := range []string{"version " + itoa(future), "up to " + itoa(SchemaVersion()), "upgrade Bindery"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// withMigrations replaces the migration list for one test.
func withMigrations(t *testing.T, ms []migration) {
	orig := migrations
	migrations = ms
	t.Cleanup(func() { migrations = orig })
}

// TestAppendedMigration: a database at the current version gets exactly the
// new step when a later binary appends one, and keeps its data.
func TestAppendedMigration(t *testing.T) {
	path := tempPath(t)
	ctx := t.Context()
	db, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	w := &model.Workspace{ID: model.NewID(), Name: "Before upgrade"}
	mustDo(t, db.CreateWorkspace(ctx, w))
	db.Close()

	ran := 0
	next := append(append([]migration(nil), migrations...), migration{"principals", func(ctx context.Context, tx *sql.Tx) error {
		ran++
		return sqlStep(`CREATE TABLE principals (id TEXT PRIMARY KEY) STRICT`)(ctx, tx)
	}})
	withMigrations(t, next)
	for i := 0; i < 2; i++ {
		db := openTest(t, path)
		if v, err := db.Version(ctx); err != nil || v != len(next) {
			t.Fatalf("Version = %d, %v; want %d", v, err, len(next))
		}
		if _, err := db.GetWorkspace(ctx, w.ID); err != nil {
			t.Fatalf("data lost in upgrade: %v", err)
		}
		db.Close()
	}
	if ran != 1 {
		t.Fatalf("the appended step ran %d times, want 1", ran)
	}
}

// TestFailedMigrationRollsBack: a step that fails half-way leaves neither
// its changes nor its version row.
func TestFailedMigrationRollsBack(t *testing.T) {
	path := tempPath(t)
	openTest(t, path).Close()
	withMigrations(t, append(append([]migration(nil), migrations...),
		migration{"broken", sqlStep(`CREATE TABLE half (id TEXT) STRICT`, `THIS IS NOT SQL`)}))
	if _, err := Open(t.Context(), Options{Path: path}); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("Open with a broken step: got %v, want an error naming the step", err)
	}
	migrations = migrations[:len(migrations)-1]
	db := openTest(t, path)
	if v, _ := db.Version(t.Context()); v != SchemaVersion() {
		t.Fatalf("Version = %d after failed step, want %d", v, SchemaVersion())
	}
	var n int
	if err := db.r.QueryRowContext(t.Context(), `SELECT count(*) FROM sqlite_schema WHERE name = 'half'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("failed step left table behind (count %d, %v)", n, err)
	}
}

// TestMemberKeysMigration: members written before identifiers were
// case-insensitive get their key, and case-duplicates collapse to the row
// authorization used (the first in ListMembers order).
func TestMemberKeysMigration(t *testing.T) {
	path := tempPath(t)
	ctx := t.Context()
	step := -1
	for i, m := range migrations {
		if m.name == "member_keys" {
			step = i
		}
	}
	if step < 0 {
		t.Fatal("no member_keys migration")
	}
	full := migrations
	withMigrations(t, full[:step])
	db, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	w := &model.Workspace{ID: model.NewID(), Name: "Old"}
	mustDo(t, db.CreateWorkspace(ctx, w))
	for _, r := range []struct{ id, role, at string }{
		{"Ana@Contoso.com", "Admin", "2024-01-01T00:00:00.000000Z"},
		{"ana@contoso.com", "Viewer", "2024-01-02T00:00:00.000000Z"},
		{"Bob@Contoso.com", "Member", "2024-01-03T00:00:00.000000Z"},
	} {
		if _, err := db.w.ExecContext(ctx, `INSERT INTO members (workspace_id, identifier, display_name, principal_type, role, created_at)
			VALUES (?, ?, '', 'User', ?, ?)`, w.ID, r.id, r.role, r.at); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	migrations = full
	db = openTest(t, path)
	list, err := db.ListMembers(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Identifier != "Ana@Contoso.com" || list[0].Role != model.RoleAdmin || list[1].Identifier != "Bob@Contoso.com" {
		t.Fatalf("members after migration: %+v, %+v", list[0], list[1:])
	}
	mustDo(t, db.PutMember(ctx, &model.Member{WorkspaceID: w.ID, Identifier: "BOB@contoso.com", PrincipalType: model.PrincipalUser, Role: model.RoleViewer}),
		db.DeleteMember(ctx, w.ID, "ana@contoso.com"))
	list, err = db.ListMembers(ctx, w.ID)
	if err != nil || len(list) != 1 || list[0].Identifier != "BOB@contoso.com" || list[0].Role != model.RoleViewer {
		t.Fatalf("migrated rows do not match case-insensitively: %+v, %v", list, err)
	}
}
