package sqlite

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store/storetest"
)

// TestConcurrentReadersAndWriters runs writers and readers at once, through
// two DB handles on the same file (as two processes would), and wants no
// error at all: in particular no "database is locked".
func TestConcurrentReadersAndWriters(t *testing.T) {
	path := tempPath(t)
	ctx := t.Context()
	handles := []*DB{openTest(t, path), openTest(t, path)}
	w := &model.Workspace{ID: model.NewID(), Name: "Busy"}
	mustDo(t, handles[0].CreateWorkspace(ctx, w))

	const writers, readers, perWriter = 4, 4, 25
	var (
		wg      sync.WaitGroup
		done    atomic.Bool
		reads   atomic.Int64
		errsMu  sync.Mutex
		failure []error
	)
	fail := func(err error) {
		errsMu.Lock()
		failure = append(failure, err)
		errsMu.Unlock()
	}
	var writersWG sync.WaitGroup
	for i := 0; i < writers; i++ {
		writersWG.Add(1)
		go func(db *DB) {
			defer writersWG.Done()
			for j := 0; j < perWriter; j++ {
				if err := writeOnce(ctx, db, w.ID); err != nil {
					fail(err)
					return
				}
			}
		}(handles[i%2])
	}
	for i := 0; i < readers; i++ {
		wg.Add(1)
		go func(db *DB) {
			defer wg.Done()
			for !done.Load() {
				list, err := db.ListDatasets(ctx, w.ID)
				if err != nil {
					fail(err)
					return
				}
				for _, d := range list[:min(len(list), 3)] {
					if _, err := db.GetDataset(ctx, d.ID); err != nil && errs.KindOf(err) != errs.KindNotFound {
						fail(err)
						return
					}
				}
				reads.Add(1)
			}
		}(handles[i%2])
	}
	writersWG.Wait()
	done.Store(true)
	wg.Wait()
	for _, err := range failure {
		t.Error(err)
	}
	list, err := handles[1].ListDatasets(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != writers*perWriter {
		t.Fatalf("got %d datasets, want %d", len(list), writers*perWriter)
	}
	for _, d := range list {
		if d.DataVersion != 1 {
			t.Fatalf("dataset %s at data version %d, want 1", d.ID, d.DataVersion)
		}
	}
	if reads.Load() == 0 {
		t.Fatal("readers never completed a read")
	}
	t.Logf("%d writes, %d read rounds", writers*perWriter*3, reads.Load())
}

// writeOnce creates a dataset and a report on it, and bumps the dataset's version.
func writeOnce(ctx context.Context, db *DB, workspaceID string) error {
	d := &model.Dataset{ID: model.NewID(), WorkspaceID: workspaceID, Name: "d", StorageMode: model.StorageImport,
		Definition: storetest.SampleDatasetDefinition("d")}
	if err := db.CreateDataset(ctx, d); err != nil {
		return fmt.Errorf("create dataset: %w", err)
	}
	r := &model.Report{ID: model.NewID(), WorkspaceID: workspaceID, Name: "r", DatasetID: d.ID,
		Definition: storetest.SampleReportDefinition("r")}
	if err := db.CreateReport(ctx, r); err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	if _, err := db.BumpDataVersion(ctx, d.ID); err != nil {
		return fmt.Errorf("bump: %w", err)
	}
	return nil
}

// TestFailedWriteLeavesNothing makes the last statement of DeleteWorkspace
// fail (a trigger refuses deleting the workspace row) after its reports,
// datasets and members were deleted, and checks that all of them are back.
func TestFailedWriteLeavesNothing(t *testing.T) {
	db := openTest(t, tempPath(t))
	ctx := t.Context()
	w := &model.Workspace{ID: model.NewID(), Name: "Fragile"}
	m := &model.Member{WorkspaceID: w.ID, Identifier: "a@example.com", PrincipalType: model.PrincipalUser, Role: model.RoleAdmin}
	d := &model.Dataset{ID: model.NewID(), WorkspaceID: w.ID, Name: "D", StorageMode: model.StorageImport,
		Definition: storetest.SampleDatasetDefinition("D")}
	r := &model.Report{ID: model.NewID(), WorkspaceID: w.ID, Name: "R", DatasetID: d.ID,
		Definition: storetest.SampleReportDefinition("R")}
	mustDo(t, db.CreateWorkspace(ctx, w), db.PutMember(ctx, m), db.CreateDataset(ctx, d), db.CreateReport(ctx, r))
	if _, err := db.w.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE DELETE ON workspaces BEGIN SELECT RAISE(ABORT, 'refused by test'); END`); err != nil {
		t.Fatal(err)
	}

	if _, err := db.DeleteWorkspace(ctx, w.ID); err == nil {
		t.Fatal("DeleteWorkspace succeeded despite the trigger")
	}
	if _, err := db.GetWorkspace(ctx, w.ID); err != nil {
		t.Errorf("workspace: %v", err)
	}
	if _, err := db.GetDataset(ctx, d.ID); err != nil {
		t.Errorf("dataset: %v", err)
	}
	if _, err := db.GetReport(ctx, r.ID); err != nil {
		t.Errorf("report: %v", err)
	}
	if ms, err := db.ListMembers(ctx, w.ID); err != nil || len(ms) != 1 {
		t.Errorf("members: %+v, %v", ms, err)
	}
	// The writer connection is usable afterwards (the transaction was closed).
	if _, err := db.BumpDataVersion(ctx, d.ID); err != nil {
		t.Fatalf("write after failed transaction: %v", err)
	}
}
