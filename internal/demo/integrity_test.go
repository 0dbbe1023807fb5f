package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// TestGeneratedKeysHaveTheirRows checks the promise behind the demo's
// assumeReferentialIntegrity: every generated many-side key is non-blank and
// has its one-side row, for every retailer (at a small scale, same formulas).
func TestGeneratedKeysHaveTheirRows(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, r := range Retailers {
		r.Rows = 20_000
		files, err := r.generate(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		def := retailModel(r.Name, r.RLS, r.Legacy)
		for _, rel := range def.Relationships {
			if !rel.AssumeReferentialIntegrity {
				t.Errorf("%s: relationship %s does not assume integrity", r.Name, rel.Name)
			}
			q := fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s') f LEFT JOIN read_parquet('%s') d ON f."%s" = d."%s" WHERE d."%s" IS NULL`,
				files[rel.FromTable], files[rel.ToTable], rel.FromColumn, rel.ToColumn, rel.ToColumn)
			var orphans int
			if err := db.QueryRow(q).Scan(&orphans); err != nil {
				t.Fatalf("%s: %v", strings.ReplaceAll(q, "\t", ""), err)
			}
			if orphans != 0 {
				t.Errorf("%s: %d %s rows have no %s row", r.Name, orphans, rel.FromTable, rel.ToTable)
			}
		}
	}
}
