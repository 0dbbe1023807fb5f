package query

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/model"
)

// TestRandomQueriesMatchGoReference compiles random visual queries over random
// star-schema data, runs them on DuckDB and compares every result with an
// aggregation computed in Go from the same rows (LEFT JOIN semantics: a sale
// without its product falls in a blank group).
func TestRandomQueriesMatchGoReference(t *testing.T) {
	rng := rand.New(rand.NewSource(20240531))
	def := &model.DatasetDefinition{
		Name: "Rand",
		Tables: []model.Table{
			{Name: "Sales", Columns: []model.Column{
				{Name: "ProductId", DataType: model.TypeInt64}, {Name: "StoreId", DataType: model.TypeInt64},
				{Name: "Amount", DataType: model.TypeDouble}, {Name: "Qty", DataType: model.TypeInt64},
			}, Measures: []model.Measure{{Name: "Rows", Expression: "COUNTROWS(Sales)"}}},
			{Name: "Product", Columns: []model.Column{
				{Name: "ProductId", DataType: model.TypeInt64}, {Name: "Category", DataType: model.TypeString}}},
			{Name: "Store", Columns: []model.Column{
				{Name: "StoreId", DataType: model.TypeInt64}, {Name: "Region", DataType: model.TypeString}}},
		},
		Relationships: []model.Relationship{
			{FromTable: "Sales", FromColumn: "ProductId", ToTable: "Product", ToColumn: "ProductId"},
			{FromTable: "Sales", FromColumn: "StoreId", ToTable: "Store", ToColumn: "StoreId"},
		},
	}
	db := openDB(t, def)
	cats := []any{"A", "B", "C", nil}
	category := map[int64]any{}
	for id := int64(1); id <= 6; id++ {
		category[id] = cats[rng.Intn(len(cats))]
		insert(t, db, "Product", []any{id, category[id]})
	}
	region := map[int64]any{1: "East", 2: "West", 3: "East"}
	for id, r := range region {
		insert(t, db, "Store", []any{id, r})
	}
	type sale struct {
		product, store int64
		amount, qty    any
	}
	var sales []sale
	for i := 0; i < 120; i++ {
		s := sale{product: 1 + rng.Int63n(8), store: 1 + rng.Int63n(4)} // 7, 8 and store 4 have no dimension row
		if rng.Intn(8) > 0 {
			s.amount = float64(rng.Intn(10000)) / 4
		}
		if rng.Intn(8) > 0 {
			s.qty = int64(rng.Intn(6))
		}
		sales = append(sales, s)
		insert(t, db, "Sales", []any{s.product, s.store, s.amount, s.qty})
	}

	groups := []string{"Product[Category]", "Store[Region]"}
	type agg struct{ field, aggregation string }
	aggs := []agg{{"Sales[Amount]", "Sum"}, {"Sales[Qty]", "Sum"}, {"Sales[Qty]", "Min"}, {"Sales[Amount]", "Max"},
		{"Sales[Qty]", "DistinctCount"}, {"Sales[Amount]", "Count"}, {"[Rows]", ""}}
	ran := 0
	for c := 0; c < 300; c++ {
		var q VisualQuery
		for _, g := range groups {
			if rng.Intn(2) == 0 {
				q.GroupBy = append(q.GroupBy, GroupField{Field: g})
			}
		}
		for _, i := range rng.Perm(len(aggs))[:1+rng.Intn(3)] {
			q.Values = append(q.Values, ValueField{Field: aggs[i].field, Aggregation: aggs[i].aggregation})
		}
		var inCats []string
		if rng.Intn(2) == 0 {
			for _, v := range []string{"A", "B", "C"} {
				if rng.Intn(2) == 0 {
					inCats = append(inCats, v)
				}
			}
			if len(inCats) == 0 {
				inCats = []string{"B"}
			}
			f, _ := json.Marshal(map[string]any{"$schema": "http://powerbi.com/product/schema#basic", "filterType": 1,
				"target": map[string]string{"table": "Product", "column": "Category"}, "operator": "In", "values": inCats})
			q.Filters = append(q.Filters, f)
		}
		minQty := int64(-1)
		if rng.Intn(2) == 0 {
			minQty = rng.Int63n(4)
			f, _ := json.Marshal(map[string]any{"$schema": "http://powerbi.com/product/schema#advanced", "filterType": 0,
				"target": map[string]string{"table": "Sales", "column": "Qty"}, "logicalOperator": "And",
				"conditions": []map[string]any{{"operator": "GreaterThan", "value": minQty}}})
			q.PageFilters = append(q.PageFilters, f)
		}

		// The reference: filter, group and aggregate in Go.
		type acc struct{ vals [][]any }
		byKey := map[string]*acc{}
		keyVals := map[string][]any{}
		for _, s := range sales {
			cat, reg := category[s.product], region[s.store]
			if inCats != nil && (cat == nil || !slices.Contains(inCats, cat.(string))) {
				continue
			}
			if minQty >= 0 && (s.qty == nil || s.qty.(int64) <= minQty) {
				continue
			}
			var kv []any
			for _, g := range q.GroupBy {
				if g.Field == groups[0] {
					kv = append(kv, cat)
				} else {
					kv = append(kv, reg)
				}
			}
			k := fmt.Sprint(kv...)
			if byKey[k] == nil {
				byKey[k], keyVals[k] = &acc{}, kv
			}
			byKey[k].vals = append(byKey[k].vals, []any{s.amount, s.qty})
		}
		if len(q.GroupBy) == 0 && len(byKey) == 0 {
			continue // an empty total: blank versus zero is not what this test is about
		}
		var want []string
		for k, a := range byKey {
			parts := []string{}
			for _, v := range keyVals[k] {
				parts = append(parts, text(v))
			}
			for _, v := range q.Values {
				parts = append(parts, reference(v.Field, v.Aggregation, a.vals))
			}
			want = append(want, strings.Join(parts, "|"))
		}
		comp, err := Compile(def, &q, CompileOptions{})
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		got := run(t, db, comp)
		for i := range got {
			got[i] = normalize(got[i])
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			qj, _ := json.Marshal(q)
			t.Fatalf("case %d: %s\nSQL: %s\n got %q\nwant %q", c, qj, comp.SQL, got, want)
		}
		ran++
	}
	if ran < 250 {
		t.Fatalf("only %d cases compared", ran)
	}
}

func text(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case float64:
		return fmt.Sprintf("%.4g", v)
	}
	return fmt.Sprint(v)
}

// normalize re-renders run's cells so integers and floats print alike.
func normalize(row string) string {
	parts := strings.Split(row, "|")
	for i, p := range parts {
		var f float64
		if _, err := fmt.Sscan(p, &f); err == nil {
			parts[i] = text(f)
		}
	}
	return strings.Join(parts, "|")
}

// reference aggregates rows of (amount, qty) as Power BI does: blanks are skipped.
func reference(field, aggregation string, rows [][]any) string {
	if field == "[Rows]" {
		return text(float64(len(rows)))
	}
	col := 0
	if field == "Sales[Qty]" {
		col = 1
	}
	var nums []float64
	for _, r := range rows {
		switch v := r[col].(type) {
		case float64:
			nums = append(nums, v)
		case int64:
			nums = append(nums, float64(v))
		}
	}
	switch aggregation {
	case "Count":
		return text(float64(len(nums)))
	case "DistinctCount":
		slices.Sort(nums)
		return text(float64(len(slices.Compact(nums))))
	}
	if len(nums) == 0 {
		return "null"
	}
	switch aggregation {
	case "Sum":
		s := 0.0
		for _, n := range nums {
			s += n
		}
		return text(s)
	case "Min":
		return text(slices.Min(nums))
	default:
		return text(slices.Max(nums))
	}
}
