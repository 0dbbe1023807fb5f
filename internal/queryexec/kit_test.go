package queryexec

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bindery-dev/bindery/internal/capacity"
	"github.com/bindery-dev/bindery/internal/engine"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
)

// shopModel: Sales (fact) many-to-one Store, with an RLS role on the store's manager.
func shopModel() model.DatasetDefinition {
	return model.DatasetDefinition{
		Name: "Shop",
		Tables: []model.Table{
			{Name: "Sales", Columns: []model.Column{
				{Name: "StoreId", DataType: model.TypeInt64}, {Name: "Day", DataType: model.TypeDate},
				{Name: "At", DataType: model.TypeDateTime}, {Name: "Amount", DataType: model.TypeDecimal},
				{Name: "Qty", DataType: model.TypeInt64}, {Name: "Price", DataType: model.TypeDouble},
			}, Measures: []model.Measure{
				{Name: "Total", Expression: "SUM(Sales[Amount])"},
				{Name: "Per Unit", Expression: "DIVIDE([Total], SUM(Sales[Qty]))"},
			}},
			{Name: "Store", Columns: []model.Column{
				{Name: "StoreId", DataType: model.TypeInt64}, {Name: "Name", DataType: model.TypeString},
				{Name: "Manager", DataType: model.TypeString},
			}},
		},
		Relationships: []model.Relationship{{FromTable: "Sales", FromColumn: "StoreId", ToTable: "Store", ToColumn: "StoreId"}},
	}
}

func withRLS(def model.DatasetDefinition) model.DatasetDefinition {
	def.Roles = []model.RLSRole{{Name: "Managers", TablePermissions: []model.TablePermission{
		{Name: "Store", FilterExpression: "[Manager] = USERNAME()"}}}}
	return def
}

type kit struct {
	t   *testing.T
	eng *engine.Manager
	gov *capacity.Governor
	reg *prometheus.Registry
	ex  *Executor
}

func newKit(t *testing.T, gopts capacity.Options, cacheBytes int64) *kit {
	t.Helper()
	eng, err := engine.Open(engine.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	k := &kit{t: t, eng: eng, reg: prometheus.NewRegistry()}
	gopts.Registerer = k.reg
	if k.gov, err = capacity.New(gopts); err != nil {
		t.Fatal(err)
	}
	if k.ex, err = New(Options{Engine: eng, Governor: k.gov, CacheBytes: cacheBytes}); err != nil {
		t.Fatal(err)
	}
	return k
}

// dataset creates a dataset with def's tables and the shop's rows.
func (k *kit) dataset(id string, def model.DatasetDefinition) *model.Dataset {
	k.t.Helper()
	ctx := context.Background()
	if err := k.eng.Create(ctx, id, &def); err != nil {
		k.t.Fatal(err)
	}
	k.append(id, &def, "Store", []map[string]any{
		{"StoreId": 1, "Name": "North", "Manager": "alice"},
		{"StoreId": 2, "Name": "South", "Manager": "bob"},
		{"StoreId": 3, "Name": "West", "Manager": "bob"},
	})
	k.append(id, &def, "Sales", []map[string]any{
		{"StoreId": 1, "Day": "2024-01-05", "At": "2024-01-05T10:30:00Z", "Amount": 10.25, "Qty": 1, "Price": 10.25},
		{"StoreId": 1, "Day": "2024-02-07", "At": "2024-02-07T11:00:00Z", "Amount": 4.75, "Qty": 3, "Price": 1.5},
		{"StoreId": 2, "Day": "2024-02-09", "At": "2024-02-09T12:00:00+02:00", "Amount": 100, "Qty": 4, "Price": 25.0},
		{"StoreId": 3, "Day": "2024-03-01", "At": "2024-03-01T00:00:00Z", "Amount": 1, "Qty": 0, "Price": 1.0},
	})
	return &model.Dataset{ID: id, Name: def.Name, StorageMode: model.StorageImport, DataVersion: 1, Definition: def}
}

func (k *kit) append(id string, def *model.DatasetDefinition, table string, rows []map[string]any) {
	k.t.Helper()
	if _, err := k.eng.AppendRows(context.Background(), id, def, table, rows); err != nil {
		k.t.Fatal(err)
	}
}

// exec runs SQL directly on a dataset's data (test set-up only).
func (k *kit) exec(id, stmt string) {
	k.t.Helper()
	err := k.eng.Read(context.Background(), id, func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, stmt)
		return err
	})
	if err != nil {
		k.t.Fatal(err)
	}
}

func (k *kit) run(req Request) *Result {
	k.t.Helper()
	res, err := k.ex.Run(context.Background(), req)
	if err != nil {
		k.t.Fatalf("run: %v", err)
	}
	return res
}

func activeCap(id string, l model.CapacityLimits) *model.Capacity {
	return &model.Capacity{ID: id, DisplayName: "Cap " + id, SKU: "A1", State: model.CapacityActive, Limits: l}
}

func mustParse(t *testing.T, js string) *query.VisualQuery {
	t.Helper()
	q, err := query.ParseVisualQuery([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func rowsText(rows [][]any) string { return fmt.Sprintf("%v", rows) }

// counter reads one series from the kit's registry.
func (k *kit) counter(name string, labels map[string]string) float64 {
	k.t.Helper()
	mfs, err := k.reg.Gather()
	if err != nil {
		k.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}
