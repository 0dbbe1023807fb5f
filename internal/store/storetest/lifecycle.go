package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

func testDeleteWorkspace(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s

	t.Run("cascades", func(t *testing.T) {
		w := f.workspace("Doomed")
		keep := f.workspace("Keeper")
		must(t, s.PutMember(ctx, &model.Member{WorkspaceID: w.ID, Identifier: "a@example.com",
			PrincipalType: model.PrincipalUser, Role: model.RoleAdmin}))
		d1 := f.dataset(w.ID, "One")
		d2 := f.dataset(w.ID, "Two")
		kept := f.dataset(keep.ID, "Kept")
		r1 := f.report(w.ID, d1.ID, "Uses own")
		r2 := f.report(w.ID, kept.ID, "Uses another workspace's") // does not block: it goes too
		keptReport := f.report(keep.ID, kept.ID, "Kept report")

		deleted, err := s.DeleteWorkspace(ctx, w.ID)
		must(t, err)
		wantIDs(t, "deleted datasets", deleted, []string{d1.ID, d2.ID})

		_, err = s.GetWorkspace(ctx, w.ID)
		wantNotFound(t, err, "workspace")
		_, err = s.ListMembers(ctx, w.ID)
		wantNotFound(t, err, "workspace")
		for _, id := range []string{d1.ID, d2.ID} {
			_, err = s.GetDataset(ctx, id)
			wantNotFound(t, err, "dataset")
		}
		for _, id := range []string{r1.ID, r2.ID} {
			_, err = s.GetReport(ctx, id)
			wantNotFound(t, err, "report")
		}
		list, err := s.ListReportsUsingDataset(ctx, kept.ID)
		must(t, err)
		wantIDs(t, "reports using the kept dataset", ids(list), []string{keptReport.ID})

		// The name is free again, and nothing of the old workspace comes back.
		again := f.workspace("doomed")
		members, err := s.ListMembers(ctx, again.ID)
		must(t, err)
		if len(members) != 0 {
			t.Fatalf("new workspace inherited members: %+v", members)
		}
	})
	t.Run("refused when another workspace's report uses a dataset", func(t *testing.T) {
		w := f.workspace("Provider")
		consumer := f.workspace("Consumer")
		must(t, s.PutMember(ctx, &model.Member{WorkspaceID: w.ID, Identifier: "a@example.com",
			PrincipalType: model.PrincipalUser, Role: model.RoleAdmin}))
		d := f.dataset(w.ID, "Shared data")
		own := f.report(w.ID, d.ID, "Own report")
		foreign := f.report(consumer.ID, d.ID, "Foreign report")

		_, err := s.DeleteWorkspace(ctx, w.ID)
		e := wantErr(t, err, errs.KindConflict, "DatasetInUse")
		if !strings.Contains(e.Message, foreign.Name) || !strings.Contains(e.Message, foreign.ID) || strings.Contains(e.Message, own.ID) {
			t.Fatalf("DatasetInUse message %q should name only the foreign report %q (%s)", e.Message, foreign.Name, foreign.ID)
		}
		// Nothing was removed.
		_, err = s.GetWorkspace(ctx, w.ID)
		must(t, err)
		_, err = s.GetDataset(ctx, d.ID)
		must(t, err)
		_, err = s.GetReport(ctx, own.ID)
		must(t, err)
		members, err := s.ListMembers(ctx, w.ID)
		must(t, err)
		if len(members) != 1 {
			t.Fatalf("refused delete removed members: %+v", members)
		}

		// Once the foreign report moves to another dataset, the delete goes through.
		other := f.dataset(consumer.ID, "Consumer data")
		must(t, s.RebindReport(ctx, foreign.ID, other.ID, nil))
		deleted, err := s.DeleteWorkspace(ctx, w.ID)
		must(t, err)
		wantIDs(t, "deleted datasets", deleted, []string{d.ID})
	})
	t.Run("empty workspace returns no datasets", func(t *testing.T) {
		w := f.workspace("Empty")
		deleted, err := s.DeleteWorkspace(ctx, w.ID)
		must(t, err)
		if len(deleted) != 0 {
			t.Fatalf("deleted %v from an empty workspace", deleted)
		}
		_, err = s.DeleteWorkspace(ctx, w.ID)
		wantNotFound(t, err, "workspace")
	})
}

// testOrdering checks that lists follow creation time, then id, whatever the
// insertion order.
func testOrdering(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s
	t0 := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	// Inserted late-b, early-c, late-a; listed early-c, then late-a before late-b by id.
	type item struct {
		id string
		at time.Time
	}
	items := []item{
		{"bbbbbbbb-0000-4000-8000-000000000000", t0.Add(time.Hour)},
		{"cccccccc-0000-4000-8000-000000000000", t0},
		{"aaaaaaaa-0000-4000-8000-000000000000", t0.Add(time.Hour)},
	}
	want := []string{items[1].id, items[2].id, items[0].id}

	for i, it := range items {
		must(t, s.CreateCapacity(ctx, &model.Capacity{ID: it.id, DisplayName: "c", SKU: "A1",
			State: model.CapacityActive, Limits: model.DefaultCapacityLimits, CreatedAt: it.at}))
		must(t, s.CreateWorkspace(ctx, &model.Workspace{ID: it.id, Name: "w" + string(rune('0'+i)), CreatedAt: it.at}))
	}
	home := items[0].id
	for _, it := range items {
		ds := &model.Dataset{ID: it.id[:8] + "-1111-4000-8000-000000000000", WorkspaceID: home, Name: "d",
			StorageMode: model.StorageImport, Definition: SampleDatasetDefinition("d"), CreatedAt: it.at}
		must(t, s.CreateDataset(ctx, ds))
	}
	for _, it := range items {
		must(t, s.CreateReport(ctx, &model.Report{ID: it.id[:8] + "-2222-4000-8000-000000000000", WorkspaceID: home,
			Name: "r", DatasetID: "cccccccc-1111-4000-8000-000000000000", Definition: SampleReportDefinition("r"), CreatedAt: it.at}))
	}
	suffix := func(mid string) []string {
		out := make([]string, len(want))
		for i, id := range want {
			out[i] = id[:8] + mid
		}
		return out
	}

	caps, err := s.ListCapacities(ctx)
	must(t, err)
	wantIDs(t, "ListCapacities", ids(caps), want)
	wss, err := s.ListWorkspaces(ctx)
	must(t, err)
	wantIDs(t, "ListWorkspaces", ids(wss), want)
	dss, err := s.ListDatasets(ctx, home)
	must(t, err)
	wantIDs(t, "ListDatasets", ids(dss), suffix("-1111-4000-8000-000000000000"))
	rs, err := s.ListReports(ctx, home)
	must(t, err)
	wantIDs(t, "ListReports", ids(rs), suffix("-2222-4000-8000-000000000000"))
	rs, err = s.ListReportsUsingDataset(ctx, "cccccccc-1111-4000-8000-000000000000")
	must(t, err)
	wantIDs(t, "ListReportsUsingDataset", ids(rs), suffix("-2222-4000-8000-000000000000"))
}

// testCreatedAt: Create* sets a zero CreatedAt to now and keeps a given one,
// in UTC, at (at least) microsecond precision.
func testCreatedAt(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx, s := f.ctx, f.s

	before := time.Now().Truncate(time.Microsecond)
	w := f.workspace("Now")
	after := time.Now()
	if w.CreatedAt.Before(before) || w.CreatedAt.After(after) || w.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt %v not set to now in UTC (between %v and %v)", w.CreatedAt, before, after)
	}
	got, err := s.GetWorkspace(ctx, w.ID)
	must(t, err)
	same(t, got, w)

	paris := time.FixedZone("CET", 3600)
	given := time.Date(2023, 7, 14, 10, 30, 15, 123456000, paris)
	d := &model.Dataset{ID: model.NewID(), WorkspaceID: w.ID, Name: "Given", StorageMode: model.StorageImport,
		Definition: SampleDatasetDefinition("Given"), CreatedAt: given}
	must(t, s.CreateDataset(ctx, d))
	gotD, err := s.GetDataset(ctx, d.ID)
	must(t, err)
	if !gotD.CreatedAt.Equal(given) || gotD.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt: got %v, want %v in UTC", gotD.CreatedAt, given)
	}
	for _, c := range []*model.Capacity{f.capacity("Cap")} {
		if c.CreatedAt.IsZero() {
			t.Fatal("CreateCapacity left CreatedAt zero")
		}
	}
	ds := f.dataset(w.ID, "Zero")
	r := f.report(w.ID, ds.ID, "Zero")
	if ds.CreatedAt.IsZero() || r.CreatedAt.IsZero() {
		t.Fatal("CreateDataset or CreateReport left CreatedAt zero")
	}
}
