package demo_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/bindery-dev/bindery/internal/demo"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/testkit"
)

func TestSeedIsCompleteAndIdempotent(t *testing.T) {
	s := testkit.Start(t)
	ctx := context.Background()
	opts := demo.Options{DataDir: s.Dir, PublicURL: s.URL, AdminKey: s.Key, Scale: 0.01,
		Principals: s.Srv.Principals, TokenURL: s.Srv.Issuer.TokenURL()}
	first, err := demo.Seed(ctx, s.Srv.Catalog, opts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := demo.Seed(ctx, s.Srv.Catalog, opts)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(first)
	b, _ := json.Marshal(second)
	if string(a) != string(b) {
		t.Fatalf("second seed changed the demo:\n%s\n%s", a, b)
	}
	var onDisk demo.Info
	raw, err := os.ReadFile(filepath.Join(s.Dir, "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &onDisk); err != nil || onDisk.Report.ID != first.Report.ID || onDisk.AdminKey != s.Key {
		t.Fatalf("demo.json = %s (%v)", raw, err)
	}

	if first.App == nil || first.App.ClientSecret == "" || len(first.Users) != 3 || first.TokenURL == "" {
		t.Fatalf("demo identity: app %+v, users %+v, tokenUrl %q", first.App, first.Users, first.TokenURL)
	}
	if _, err := s.Srv.Principals.CheckSecret(ctx, first.App.ClientID, first.App.ClientSecret); err != nil {
		t.Fatalf("demo app secret in demo.json does not work: %v", err)
	}
	for _, u := range first.Users {
		if _, err := s.Srv.Principals.CheckPassword(ctx, u.Username, u.Password); err != nil {
			t.Fatalf("demo user %s password in demo.json does not work: %v", u.Username, err)
		}
	}

	// Through the API: one capacity, two workspaces on it, five datasets, one report.
	var caps struct{ Value []map[string]any }
	s.Do("GET", "/v1.0/myorg/capacities", nil).Want(200).JSON(&caps)
	if len(caps.Value) != 1 || caps.Value[0]["state"] != "Active" {
		t.Fatalf("capacities = %v", caps.Value)
	}
	for _, ws := range []string{first.Workspaces.SalesReports, first.Workspaces.Retailers} {
		if g := s.Do("GET", "/v1.0/myorg/groups/"+ws, nil).Want(200).Map(); g["capacityId"] != first.CapacityID {
			t.Fatalf("workspace %v not on the demo capacity", g)
		}
	}
	rep := s.Do("GET", "/v1.0/myorg/groups/"+first.Workspaces.SalesReports+"/reports/"+first.Report.ID, nil).Want(200).Map()
	if rep["name"] != "Retail Sales" || rep["datasetWorkspaceId"] != first.Workspaces.Retailers {
		t.Fatalf("report = %v", rep)
	}
	r, err := s.Srv.Catalog.ReportByID(ctx, first.Report.ID)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	visuals := 0
	for _, p := range r.Definition.Pages {
		for _, v := range p.Visuals {
			types[v.Type] = true
			visuals++
		}
	}
	// Exact, so that retailReport's doc comment and the README stay true.
	if len(r.Definition.Pages) != 2 || visuals != 11 || len(types) != 9 {
		t.Fatalf("report has %d pages, %d visuals of %d types; want 2, 11, 9", len(r.Definition.Pages), visuals, len(types))
	}

	if len(first.Datasets) < 4 {
		t.Fatalf("datasets = %d", len(first.Datasets))
	}
	var rls, incompatible, compatible int
	sums := map[float64]bool{}
	for _, d := range first.Datasets {
		ds := s.Do("GET", "/v1.0/myorg/groups/"+first.Workspaces.Retailers+"/datasets/"+d.ID, nil).Want(200).Map()
		if ds["isEffectiveIdentityRequired"] == true {
			rls++
		}
		c := s.Do("POST", "/v1.0/myorg/groups/"+first.Workspaces.SalesReports+"/reports/"+first.Report.ID+"/CheckCompatibility",
			map[string]any{"datasetId": d.ID}).Want(200).Map()
		if c["compatible"] == true {
			compatible++
		} else {
			incompatible++
		}
		if c["compatible"] != d.Compatible {
			t.Errorf("%s: compatible = %v, demo.json says %v", d.Name, c["compatible"], d.Compatible)
		}
		var tables struct {
			Value []struct {
				Name     string
				RowCount int64
			}
		}
		s.Do("GET", "/v1.0/myorg/groups/"+first.Workspaces.Retailers+"/datasets/"+d.ID+"/tables", nil).Want(200).JSON(&tables)
		for _, tb := range tables.Value {
			if tb.RowCount == 0 {
				t.Errorf("%s.%s is empty", d.Name, tb.Name)
			}
			if tb.Name == "Sales" {
				if tb.RowCount != d.Rows {
					t.Errorf("%s: %d sales rows, demo.json says %d", d.Name, tb.RowCount, d.Rows)
				}
				sums[float64(tb.RowCount)] = true
			}
		}
	}
	if rls != 1 || incompatible != 1 || compatible < 3 {
		t.Fatalf("rls=%d incompatible=%d compatible=%d; want 1, 1, >=3", rls, incompatible, compatible)
	}
	if len(sums) < 3 {
		t.Fatalf("retailers' data is not visibly different: sales row counts %v", sums)
	}
	_ = model.EmptyGUID
}
