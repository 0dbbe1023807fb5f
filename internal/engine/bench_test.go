package engine

import (
	"context"
	"testing"
)

const benchRows = 1_000_000

func benchImport(b *testing.B, src string, opts ImportOptions) {
	ctx := context.Background()
	m := newManager(b, b.TempDir(), Options{})
	def := salesDef()
	if err := m.Create(ctx, dsID, def); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := m.Import(ctx, dsID, def, "Sales", src, opts)
		if err != nil {
			b.Fatal(err)
		}
		if res.Rows != benchRows {
			b.Fatalf("rows = %d", res.Rows)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImportCSV measures a full replace of 1M rows from CSV (new version, checkpoint, swap).
func BenchmarkImportCSV(b *testing.B) {
	benchImport(b, writeSalesCSV(b, benchRows), ImportOptions{})
}

// BenchmarkImportParquet measures the same from Parquet.
func BenchmarkImportParquet(b *testing.B) {
	src := writeParquet(b, "bench.parquet", `SELECT range AS Id, (range % 10000) / 100.0 AS Amount, range * 0.25 AS Price,
		range % 2 = 0 AS Paid, TIMESTAMP '2024-01-01' + INTERVAL (range % 100000) SECOND AS At,
		DATE '2024-01-01' + CAST(range % 365 AS INTEGER) AS Day, 'Region ' || (range % 50) AS Region
		FROM range(1000000)`)
	benchImport(b, src, ImportOptions{Format: FormatParquet})
}
