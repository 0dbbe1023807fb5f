package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/demo"
	"github.com/bindery-dev/bindery/internal/query"
	"github.com/bindery-dev/bindery/internal/queryexec"
	"github.com/bindery-dev/bindery/internal/testkit"
)

// totals are the demo report's cards: [Total Sales] and [Orders].
type totals struct {
	TotalSales float64 `json:"totalSales"`
	Orders     float64 `json:"orders"`
}

// expectations are computed in Go by querying the datasets directly (the
// query executor, not the embed endpoints the page uses) and handed to the
// browser tests, which compare what the page shows and exports.
type expectations struct {
	Totals        map[string]totals  `json:"totals"`             // dataset name → unfiltered totals
	ContosoWest   totals             `json:"contosoWest"`        // Contoso with Store[Region] = West
	ContosoSouth  totals             `json:"contosoSouth"`       // Contoso with Store[Region] = South
	FabrikamWest  totals             `json:"fabrikamWest"`       // Fabrikam with Store[Region] = West
	NorthwindRLS  totals             `json:"northwindRls"`       // Northwind as west.manager under RLS
	FabrikamByCat map[string]float64 `json:"fabrikamByCategory"` // byCategory visual: Category → Total Sales
	Regions       []string           `json:"regions"`
}

func regionFilter(region string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"$schema":"http://powerbi.com/product/schema#basic","target":{"table":"Store","column":"Region"},`+
		`"operator":"In","values":[%q],"filterType":1}`, region))
}

// expect computes the expectations.
func expect(t testing.TB, s *testkit.Server, info *demo.Info) expectations {
	t.Helper()
	ctx := catalog.AsAdmin(context.Background())
	byName := map[string]string{}
	for _, d := range info.Datasets {
		byName[d.Name] = d.ID
	}
	run := func(name string, q *query.VisualQuery, id *query.Identity) [][]any {
		t.Helper()
		ds, err := s.Srv.Catalog.DatasetByID(ctx, byName[name])
		if err != nil {
			t.Fatalf("dataset %s: %v", name, err)
		}
		res, err := s.Srv.Executor.Run(ctx, queryexec.Request{Dataset: ds, Query: q, Identity: id})
		if err != nil {
			t.Fatalf("query %s: %v", name, err)
		}
		return res.Rows
	}
	cards := func(name string, id *query.Identity, filters ...json.RawMessage) totals {
		rows := run(name, &query.VisualQuery{Values: []query.ValueField{{Field: "[Total Sales]"}, {Field: "[Orders]"}}, ReportFilters: filters}, id)
		if len(rows) != 1 || len(rows[0]) != 2 {
			t.Fatalf("cards of %s: %v", name, rows)
		}
		return totals{TotalSales: num(rows[0][0]), Orders: num(rows[0][1])}
	}
	e := expectations{Totals: map[string]totals{}, FabrikamByCat: map[string]float64{}}
	unrestricted := &query.Identity{Username: "admin", Unrestricted: true}
	for _, d := range info.Datasets {
		if !d.Compatible {
			continue
		}
		var id *query.Identity
		if d.RLS {
			id = unrestricted
		}
		e.Totals[d.Name] = cards(d.Name, id)
	}
	e.ContosoWest = cards("Contoso Electronics", nil, regionFilter("West"))
	e.ContosoSouth = cards("Contoso Electronics", nil, regionFilter("South"))
	e.FabrikamWest = cards("Fabrikam Fashion", nil, regionFilter("West"))
	e.NorthwindRLS = cards("Northwind Grocers", &query.Identity{Username: demo.ManagerUser, Roles: []string{"Regional Manager"}})
	// The fixture must make the RLS test meaningful: the manager sees exactly West, and less than all.
	if w := cards("Northwind Grocers", unrestricted, regionFilter("West")); math.Abs(w.TotalSales-e.NorthwindRLS.TotalSales) > 0.01 {
		t.Fatalf("RLS total %v is not Northwind's West total %v", e.NorthwindRLS, w)
	}
	if all := e.Totals["Northwind Grocers"]; e.NorthwindRLS.Orders == 0 || e.NorthwindRLS.Orders >= all.Orders {
		t.Fatalf("RLS orders %v, all %v: the RLS test would prove nothing", e.NorthwindRLS.Orders, all.Orders)
	}
	if a, b := e.Totals["Contoso Electronics"], e.Totals["Fabrikam Fashion"]; a.TotalSales == b.TotalSales || a.Orders == b.Orders {
		t.Fatalf("Contoso and Fabrikam totals are equal (%v, %v): the binding test would prove nothing", a, b)
	}
	for _, r := range run("Fabrikam Fashion", &query.VisualQuery{GroupBy: []query.GroupField{{Field: "Product[Category]"}},
		Values: []query.ValueField{{Field: "[Total Sales]"}}}, nil) {
		e.FabrikamByCat[fmt.Sprint(r[0])] = num(r[1])
	}
	for _, r := range run("Contoso Electronics", &query.VisualQuery{GroupBy: []query.GroupField{{Field: "Store[Region]"}}}, nil) {
		e.Regions = append(e.Regions, fmt.Sprint(r[0]))
	}
	return e
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return math.NaN()
}
