package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
	"github.com/bindery-dev/bindery/internal/store/postgres"
	"github.com/bindery-dev/bindery/internal/store/postgres/pgtest"
	"github.com/bindery-dev/bindery/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

// open opens a store on url and closes it when t ends.
func open(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), postgres.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, pgtest.Schema(t))
	})
}

func TestConcurrentMigrations(t *testing.T) {
	t.Parallel()
	url := pgtest.Schema(t)
	const nodes = 4
	dbs := make([]*postgres.DB, nodes)
	errc := make(chan error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() {
			db, err := postgres.Open(t.Context(), postgres.Options{URL: url, MaxConns: 2})
			dbs[i] = db
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatalf("Open at the same time as others: %v", err)
		}
	}
	for _, db := range dbs {
		t.Cleanup(func() { db.Close() })
	}
	// Each step was applied exactly once.
	conn := connect(t, url)
	var n, max int
	if err := conn.QueryRow(t.Context(), `SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if n != postgres.SchemaVersion() || max != postgres.SchemaVersion() {
		t.Fatalf("schema_migrations has %d rows up to version %d, want %d", n, max, postgres.SchemaVersion())
	}
	v, err := dbs[0].Version(t.Context())
	if err != nil || v != postgres.SchemaVersion() {
		t.Fatalf("Version = %d, %v", v, err)
	}
	// Reopening an up-to-date schema applies nothing and works.
	again := open(t, url)
	if _, err := again.ListWorkspaces(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	url := pgtest.Schema(t)
	open(t, url).Close()
	conn := connect(t, url)
	future := postgres.SchemaVersion() + 1
	if _, err := conn.Exec(t.Context(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', now())`, future); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Open(t.Context(), postgres.Options{URL: url})
	if !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("Open on a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	tests := []struct{ name, url string }{
		{"empty", ""},
		{"not a URL", "postgres://%zz"},
		{"bad port", "postgres://postgres:secret-pw@127.0.0.1:notaport/test"},
		{"nobody listening", "postgres://postgres:secret-pw@127.0.0.1:1/test?connect_timeout=2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := postgres.Open(ctx, postgres.Options{URL: tc.url})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if got := err.Error(); strings.Contains(got, "secret-pw") {
				t.Fatalf("error shows the password: %s", got)
			}
		})
	}
}

// TestTwoNodes: two handles on one schema see each other's writes at once.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	url := pgtest.Schema(t)
	a, b := open(t, url), open(t, url)
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Microsecond)

	must(t, a.RecordToken(ctx, &store.TokenRecord{TokenID: "tok-1", Caller: "app", CallerKind: "App",
		IssuedAt: now, Expiry: now.Add(time.Hour), Claims: []byte(`{}`)}))
	must(t, b.RevokeToken(ctx, "tok-1", "admin", now))
	if rev, err := a.ListRevoked(ctx, now); err != nil || len(rev) != 1 || rev[0].TokenID != "tok-1" || !rev[0].Expiry.Equal(now.Add(time.Hour)) {
		t.Fatalf("node A sees revoked %v, %v; want the revocation node B made", rev, err)
	}

	must(t, a.ReplaceEmbedKeys(ctx, [][]byte{[]byte(`{"kid":"k1"}`)}))
	must(t, b.ReplaceEmbedKeys(ctx, [][]byte{[]byte(`{"kid":"k2"}`), []byte(`{"kid":"k1"}`)}))
	keys, err := a.ListEmbedKeys(ctx)
	if err != nil || len(keys) != 2 || string(keys[0]) != `{"kid":"k2"}` {
		t.Fatalf("node A sees keys %q, %v; want node B's set", keys, err)
	}

	w := &model.Workspace{ID: model.NewID(), Name: "Shared"}
	must(t, a.CreateWorkspace(ctx, w))
	if _, err := b.GetWorkspace(ctx, w.ID); err != nil {
		t.Fatalf("node B does not see node A's workspace: %v", err)
	}
	err = b.CreateWorkspace(ctx, &model.Workspace{ID: model.NewID(), Name: "SHARED"})
	if e, ok := errs.As(err); !ok || e.Code != "DuplicateWorkspaceName" {
		t.Fatalf("node B took node A's name: %v", err)
	}
}

// TestRacingWrites: writes that the sqlite store serialises through its one
// writer keep their rules when two nodes race.
func TestRacingWrites(t *testing.T) {
	t.Parallel()
	url := pgtest.Schema(t)
	a, b := open(t, url), open(t, url)
	ctx := t.Context()
	nodes := []*postgres.DB{a, b}

	t.Run("one name, many creators", func(t *testing.T) {
		const n = 8
		var wg sync.WaitGroup
		results := make([]error, n)
		for i := range n {
			wg.Go(func() {
				results[i] = nodes[i%2].CreateWorkspace(ctx, &model.Workspace{ID: model.NewID(), Name: "Race"})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			switch e, isErr := errs.As(err); {
			case err == nil:
				ok++
			case isErr && e.Code == "DuplicateWorkspaceName":
			default:
				t.Errorf("racing create: %v, want success or DuplicateWorkspaceName", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d creates of the same name succeeded, want 1", ok)
		}
	})
	t.Run("data versions are unique", func(t *testing.T) {
		w := &model.Workspace{ID: model.NewID(), Name: "Versions"}
		must(t, a.CreateWorkspace(ctx, w))
		d := &model.Dataset{ID: model.NewID(), WorkspaceID: w.ID, Name: "d", StorageMode: model.StorageImport,
			Definition: storetest.SampleDatasetDefinition("d")}
		must(t, a.CreateDataset(ctx, d))
		const n = 20
		var wg sync.WaitGroup
		versions := make([]int64, n)
		for i := range n {
			wg.Go(func() {
				v, err := nodes[i%2].BumpDataVersion(ctx, d.ID)
				if err != nil {
					t.Errorf("bump: %v", err)
				}
				versions[i] = v
			})
		}
		wg.Wait()
		slices.Sort(versions)
		for i, v := range versions {
			if v != int64(i+1) {
				t.Fatalf("versions %v, want 1..%d each once", versions, n)
			}
		}
	})
	t.Run("a report appearing during a workspace delete", func(t *testing.T) {
		// Node A deletes a workspace while node B points another workspace's
		// report at its dataset: either the delete wins and the report is
		// refused, or the report wins and the delete is refused — never both.
		for range 5 {
			prov := &model.Workspace{ID: model.NewID(), Name: "Provider " + model.NewID()}
			cons := &model.Workspace{ID: model.NewID(), Name: "Consumer " + model.NewID()}
			must(t, a.CreateWorkspace(ctx, prov))
			must(t, a.CreateWorkspace(ctx, cons))
			d := &model.Dataset{ID: model.NewID(), WorkspaceID: prov.ID, Name: "d", StorageMode: model.StorageImport,
				Definition: storetest.SampleDatasetDefinition("d")}
			must(t, a.CreateDataset(ctx, d))
			var delErr, repErr error
			var wg sync.WaitGroup
			wg.Go(func() { _, delErr = a.DeleteWorkspace(ctx, prov.ID) })
			wg.Go(func() {
				repErr = b.CreateReport(ctx, &model.Report{ID: model.NewID(), WorkspaceID: cons.ID, Name: "r", DatasetID: d.ID,
					Definition: storetest.SampleReportDefinition("r")})
			})
			wg.Wait()
			if (delErr == nil) == (repErr == nil) {
				t.Fatalf("delete: %v; create report: %v; want exactly one to succeed", delErr, repErr)
			}
			if delErr != nil && errs.KindOf(delErr) != errs.KindConflict {
				t.Fatalf("refused delete: %v, want a conflict", delErr)
			}
			if repErr != nil && errs.KindOf(repErr) != errs.KindNotFound {
				t.Fatalf("refused report: %v, want not-found", repErr)
			}
		}
	})
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
