// Package storetest is the contract every store.Store implementation must
// keep, as a test suite. An implementation's tests call Run with a function
// that opens a fresh, empty store:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			db, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(t.TempDir(), "meta.db")})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { db.Close() })
//			return db
//		})
//	}
package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// Opener returns a fresh, empty store and arranges for it to be closed when t ends.
type Opener func(t *testing.T) store.Store

// Run runs the whole contract, each group against its own fresh store.
func Run(t *testing.T, open Opener) {
	groups := []struct {
		name string
		run  func(t *testing.T, open Opener)
	}{
		{"Capacities", testCapacities},
		{"Workspaces", testWorkspaces},
		{"Members", testMembers},
		{"Datasets", testDatasets},
		{"Reports", testReports},
		{"DeleteWorkspace", testDeleteWorkspace},
		{"Ordering", testOrdering},
		{"CreatedAt", testCreatedAt},
		{"Users", testUsers},
		{"Apps", testApps},
		{"SigningKeys", testSigningKeys},
		{"Grants", testGrants},
		{"Tokens", testTokens},
		{"UpdateDatasetDefinition", testUpdateDatasetDefinition},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, open) })
	}
}

// fixture is a store with helpers that create valid items with fresh ids.
type fixture struct {
	t   *testing.T
	ctx context.Context
	s   store.Store
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	return &fixture{t: t, ctx: t.Context(), s: open(t)}
}

func (f *fixture) capacity(name string) *model.Capacity {
	f.t.Helper()
	c := &model.Capacity{
		ID: model.NewID(), DisplayName: name, SKU: "F8", State: model.CapacityActive, Region: "westeurope",
		Admins: []string{"admin@example.com"}, Limits: model.DefaultCapacityLimits,
	}
	must(f.t, f.s.CreateCapacity(f.ctx, c))
	return c
}

func (f *fixture) workspace(name string) *model.Workspace {
	f.t.Helper()
	w := &model.Workspace{ID: model.NewID(), Name: name, Description: "about " + name}
	must(f.t, f.s.CreateWorkspace(f.ctx, w))
	return w
}

func (f *fixture) dataset(workspaceID, name string) *model.Dataset {
	f.t.Helper()
	d := &model.Dataset{
		ID: model.NewID(), WorkspaceID: workspaceID, Name: name, StorageMode: model.StorageImport,
		ConfiguredBy: "owner@example.com", Definition: SampleDatasetDefinition(name),
	}
	must(f.t, f.s.CreateDataset(f.ctx, d))
	return d
}

func (f *fixture) report(workspaceID, datasetID, name string) *model.Report {
	f.t.Helper()
	r := &model.Report{
		ID: model.NewID(), WorkspaceID: workspaceID, Name: name, DatasetID: datasetID,
		Definition: SampleReportDefinition(name),
	}
	must(f.t, f.s.CreateReport(f.ctx, r))
	return r
}

// SampleDatasetDefinition is a small valid model using every part of a
// definition: tables, typed columns, measures, a relationship and an RLS role.
func SampleDatasetDefinition(name string) model.DatasetDefinition {
	return model.DatasetDefinition{
		Name:        name,
		DefaultMode: "Push",
		Tables: []model.Table{
			{
				Name: "Sales",
				Columns: []model.Column{
					{Name: "StoreId", DataType: model.TypeInt64},
					{Name: "Amount", DataType: model.TypeDecimal},
					{Name: "Date", DataType: model.TypeDateTime},
				},
				Measures: []model.Measure{{Name: "Total Sales", Expression: "SUM(Sales[Amount])", FormatString: "#,0.00"}},
			},
			{
				Name: "Store Name",
				Columns: []model.Column{
					{Name: "StoreId", DataType: model.TypeInt64},
					{Name: "Region", DataType: model.TypeString},
				},
			},
		},
		Relationships: []model.Relationship{{
			Name: "SalesStore", FromTable: "Sales", FromColumn: "StoreId", ToTable: "Store Name", ToColumn: "StoreId",
			CrossFilteringBehavior: "OneDirection",
		}},
		Roles: []model.RLSRole{{
			Name: "Region", ModelPermission: "Read",
			TablePermissions: []model.TablePermission{{Name: "Store Name", FilterExpression: "'Store Name'[Region] = USERNAME()"}},
		}},
	}
}

// SampleReportDefinition is a small valid report with a page-level filter
// (kept as raw JSON, so written compactly) and recorded field types.
func SampleReportDefinition(name string) model.ReportDefinition {
	return model.ReportDefinition{
		Name:        name,
		Description: "sales by region",
		Pages: []model.Page{{
			Name: "overview", DisplayName: "Overview",
			Filters: []model.Filter{model.Filter(`{"$schema":"http://powerbi.com/product/schema#basic","target":{"table":"Store Name","column":"Region"},"operator":"In","values":["North"]}`)},
			Visuals: []model.Visual{{
				Name: "byRegion", Type: "clusteredBarChart", Title: "Sales by region",
				Position: model.Position{X: 10, Y: 20, Width: 400, Height: 300, Z: 1},
				Fields: map[string][]model.FieldUse{
					"category": {{Field: "'Store Name'[Region]"}},
					"values":   {{Field: "[Total Sales]"}, {Field: "Sales[Amount]", Aggregation: "Sum", DisplayName: "Amount"}},
				},
				Sort: []model.SortItem{{Field: "[Total Sales]", Direction: "Descending"}},
				TopN: &model.TopN{Count: 5, By: "[Total Sales]"},
			}},
		}},
		FieldTypes: map[string]model.Family{"Sales[Amount]": model.FamilyNumber, "'Store Name'[Region]": model.FamilyText},
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantErr fails unless err is an *errs.Error of the kind (and code, when not "").
func wantErr(t *testing.T, err error, kind errs.Kind, code string) *errs.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %v code %q", kind, code)
	}
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("got %T %v, want an *errs.Error of kind %v", err, err, kind)
	}
	if e.Kind != kind || (code != "" && e.Code != code) {
		t.Fatalf("got kind %v code %q (%v), want kind %v code %q", e.Kind, e.Code, err, kind, code)
	}
	return e
}

func wantNotFound(t *testing.T, err error, what string) {
	t.Helper()
	e := wantErr(t, err, errs.KindNotFound, "")
	if !strings.HasPrefix(e.Message, what+" ") {
		t.Fatalf("not-found message %q does not name the %s", e.Message, what)
	}
}

// same compares two items field by field; CreatedAt must be the same
// instant and in UTC on got.
func same[T any](t *testing.T, got, want *T) {
	t.Helper()
	if got == nil {
		t.Fatalf("got nil, want %+v", want)
	}
	g, w := *got, *want
	gt := reflect.ValueOf(&g).Elem().FieldByName("CreatedAt")
	if gt.IsValid() {
		wt := reflect.ValueOf(&w).Elem().FieldByName("CreatedAt")
		gtime, wtime := gt.Interface().(time.Time), wt.Interface().(time.Time)
		if !gtime.Equal(wtime) {
			t.Fatalf("CreatedAt: got %v, want %v", gtime, wtime)
		}
		if gtime.Location() != time.UTC {
			t.Fatalf("CreatedAt %v is not in UTC", gtime)
		}
		gt.Set(reflect.ValueOf(time.Time{}))
		wt.Set(reflect.ValueOf(time.Time{}))
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", g, w)
	}
}

// ids returns the ids of items, in order.
func ids[T any](items []*T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = reflect.ValueOf(it).Elem().FieldByName("ID").String()
	}
	return out
}

func wantIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got ids %v, want %v", what, got, want)
	}
}
