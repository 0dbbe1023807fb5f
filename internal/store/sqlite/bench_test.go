package sqlite

import (
	"testing"

	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store/storetest"
)

func benchSetup(b *testing.B) (*DB, *model.Workspace, *model.Dataset) {
	db := openTest(b, tempPath(b))
	ctx := b.Context()
	w := &model.Workspace{ID: model.NewID(), Name: "Bench"}
	d := &model.Dataset{ID: model.NewID(), WorkspaceID: w.ID, Name: "D", StorageMode: model.StorageImport,
		Definition: storetest.SampleDatasetDefinition("D")}
	if err := db.CreateWorkspace(ctx, w); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateDataset(ctx, d); err != nil {
		b.Fatal(err)
	}
	return db, w, d
}

func BenchmarkGetDataset(b *testing.B) {
	db, _, d := benchSetup(b)
	ctx := b.Context()
	for b.Loop() {
		if _, err := db.GetDataset(ctx, d.ID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetDatasetParallel(b *testing.B) {
	db, _, d := benchSetup(b)
	ctx := b.Context()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.GetDataset(ctx, d.ID); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkCreateReport(b *testing.B) {
	db, w, d := benchSetup(b)
	ctx := b.Context()
	def := storetest.SampleReportDefinition("R")
	for b.Loop() {
		r := &model.Report{ID: model.NewID(), WorkspaceID: w.ID, Name: "R", DatasetID: d.ID, Definition: def}
		if err := db.CreateReport(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
