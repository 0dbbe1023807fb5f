package engine

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// The crash test re-executes this test binary as a helper process that runs
// an import; the parent SIGKILLs it midway.
const (
	crashHelperEnv = "BINDERY_ENGINE_CRASH_HELPER"
	crashDirEnv    = "BINDERY_ENGINE_CRASH_DIR"
	crashCSVEnv    = "BINDERY_ENGINE_CRASH_CSV"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashHelperEnv) == "1" {
		os.Exit(crashHelper())
	}
	os.Exit(m.Run())
}

func crashHelper() int {
	m, err := Open(Options{Dir: os.Getenv(crashDirEnv)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	_, err = m.Import(context.Background(), dsID, salesDef(), "Sales", os.Getenv(crashCSVEnv), ImportOptions{})
	fmt.Fprintln(os.Stderr, "import finished before the kill:", err)
	return 3
}

// writeSalesCSV writes n generated rows of the Sales table with DuckDB.
func writeSalesCSV(t testing.TB, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), fmt.Sprintf("sales-%d.csv", n))
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT range AS Id, (range %% 10000) / 100.0 AS Amount, range * 0.25 AS Price,
		range %% 2 = 0 AS Paid, TIMESTAMP '2024-01-01' + INTERVAL (range %% 100000) SECOND AS At,
		DATE '2024-01-01' + CAST(range %% 365 AS INTEGER) AS Day, 'Region ' || (range %% 50) AS Region
		FROM range(%d)) TO %s (FORMAT csv, HEADER)`, n, quoteString(p))
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCrashDuringImportKeepsPreviousData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	def := salesDef()
	if err := m.Create(ctx, dsID, def); err != nil {
		t.Fatal(err)
	}
	if _, err := m.AppendRows(ctx, dsID, def, "Sales", []map[string]any{{"Id": 1.0}, {"Id": 2.0}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil { // one process per directory: release the files
		t.Fatal(err)
	}
	start := time.Now()
	csv := writeSalesCSV(t, 2_000_000)
	t.Logf("csv written in %v", time.Since(start))

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashHelperEnv+"=1", crashDirEnv+"="+dir, crashCSVEnv+"="+csv)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(dir, dsID, versionName(2))
	deadline := time.Now().Add(60 * time.Second)
	for {
		if st, err := os.Stat(leftover); err == nil && st.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the helper never created the new version file")
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("new version file seen after %v", time.Since(start))
	time.Sleep(100 * time.Millisecond) // let the load get going
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("helper was not killed midway (state %v); make the CSV bigger", cmd.ProcessState)
	}
	if _, err := os.Stat(leftover); err != nil {
		t.Fatalf("expected the half-written version on disk after the kill: %v", err)
	}
	if cur, _, _ := readCurrent(filepath.Join(dir, dsID)); cur != 1 {
		t.Fatalf("CURRENT = %d after the crash, want 1", cur)
	}

	m2 := newManager(t, dir, Options{})
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Fatalf("leftover not removed at Open: %v", err)
	}
	if n, sum := sumIDs(t, m2); n != 2 || sum != 3 {
		t.Fatalf("after the crash: %d rows sum %d, want the previous 2 rows", n, sum)
	}
	small := writeFile(t, "small.csv", "Id,Amount,Price,Paid,At,Day,Region\n5,1,1,true,2024-01-01,2024-01-01,N\n")
	if _, err := m2.Import(ctx, dsID, def, "Sales", small, ImportOptions{}); err != nil {
		t.Fatalf("import after the crash: %v", err)
	}
	if n, sum := sumIDs(t, m2); n != 1 || sum != 5 {
		t.Fatalf("after a new import: %d rows sum %d", n, sum)
	}
}
