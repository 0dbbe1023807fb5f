package filter

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		check    func(*Filter) bool
	}{
		{"basic", `{"$schema":"http://powerbi.com/product/schema#basic","target":{"table":"Store","column":"Region"},"operator":"In","values":["East","West"],"filterType":1}`,
			func(f *Filter) bool {
				return f.Type == Basic && f.Operator == "In" && len(f.Values) == 2 && f.Target.Column == "Region"
			}},
		{"basic by schema only", `{"$schema":"http://powerbi.com/product/schema#basic","target":{"table":"S","column":"N"},"operator":"NotIn","values":[1,null,true]}`,
			func(f *Filter) bool { return f.Type == Basic && f.Values[0] == json.Number("1") && f.Values[1] == nil }},
		{"basic all", `{"filterType":1,"target":{"table":"S","column":"N"},"operator":"All","values":[]}`,
			func(f *Filter) bool { return f.Operator == "All" }},
		{"advanced", `{"filterType":0,"target":{"table":"Sales","column":"Amount"},"logicalOperator":"And","conditions":[{"operator":"GreaterThan","value":10},{"operator":"LessThanOrEqual","value":20.5}]}`,
			func(f *Filter) bool {
				return f.Type == Advanced && len(f.Conditions) == 2 && f.LogicalOperator == "And"
			}},
		{"advanced blank", `{"filterType":0,"target":{"table":"S","column":"N"},"logicalOperator":"Or","conditions":[{"operator":"IsBlank"},{"operator":"None"}]}`,
			func(f *Filter) bool { return len(f.Conditions) == 1 && f.Conditions[0].Operator == "IsBlank" }},
		{"measure target", `{"filterType":0,"target":{"table":"Sales","measure":"Total Sales"},"logicalOperator":"And","conditions":[{"operator":"GreaterThan","value":10}]}`,
			func(f *Filter) bool { return f.Target.Measure == "Total Sales" }},
		{"topN", `{"filterType":5,"target":{"table":"Product","column":"Name"},"operator":"Top","itemCount":3,"orderBy":{"table":"Sales","measure":"Total Sales"}}`,
			func(f *Filter) bool { return f.Type == TopN && f.ItemCount == 3 && f.OrderBy.Measure == "Total Sales" }},
		{"relative date", `{"filterType":4,"target":{"table":"Sales","column":"Date"},"operator":0,"timeUnitsCount":3,"timeUnitType":4,"includeToday":false}`,
			func(f *Filter) bool {
				return f.Relative == RelativeSpec{Operator: InLast, Count: 3, Unit: CalendarMonths, IncludeToday: false}
			}},
		{"relative date names", `{"$schema":"http://powerbi.com/product/schema#relativeDate","target":{"table":"Sales","column":"Date"},"operator":"InThis","timeUnitType":"Year"}`,
			func(f *Filter) bool {
				return f.Relative == RelativeSpec{Operator: InThis, Count: 1, Unit: Years, IncludeToday: true}
			}},
		{"relative time", `{"filterType":7,"target":{"table":"Sales","column":"Date"},"operator":2,"timeUnitsCount":90,"timeUnitType":7}`,
			func(f *Filter) bool { return f.Relative.Unit == Minutes && f.Relative.Operator == InNext }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Decode([]byte(tt.in), "filters[0]")
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(f) {
				t.Fatalf("unexpected result %+v", f)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"filterType":1,"target":{"table":"S","column":"N"},"operator":"Between","values":[1]}`, `filters[2].operator: unknown operator "Between" (use In, NotIn or All)`},
		{`[1]`, `filters[2]: not a filter object`},
		{`{"filterType":1,"target":{"table":"S","column":"N"},"operator":"In","values":[1]} {}`, `unexpected data after`},
		{`{"target":{"table":"S","column":"N"},"operator":"In","values":[1]}`, `filters[2].filterType: is required`},
		{`{"filterType":9,"target":{"table":"S","column":"N"}}`, `filters[2].filterType: unknown filter type 9`},
		{`{"filterType":6,"target":{"table":"S","column":"N"}}`, `filters[2].filterType: Tuple filters are not supported`},
		{`{"$schema":"http://evil/#basic","filterType":1}`, `filters[2].$schema: unknown schema`},
		{`{"$schema":"http://powerbi.com/product/schema#advanced","filterType":1}`, `does not match $schema`},
		{`{"filterType":1,"operator":"In","values":[1]}`, `filters[2].target: must be an object`},
		{`{"filterType":1,"target":{"table":"S"},"operator":"In","values":[1]}`, `filters[2].target: needs a column or a measure`},
		{`{"filterType":1,"target":{"table":"S","hierarchy":"H","hierarchyLevel":"L"},"operator":"In","values":[1]}`, `.target.hierarchy`},
		{`{"filterType":1,"target":{"table":"S","column":"N"},"operator":"In","values":[{"a":1}]}`, `filters[2].values[0]: must be a string, number, boolean or null`},
		{`{"filterType":1,"target":{"table":"S","column":"N"},"operator":"In"}`, `filters[2].values: is required`},
		{`{"filterType":0,"target":{"table":"S","column":"N"},"logicalOperator":"Xor","conditions":[]}`, `filters[2].logicalOperator: unknown operator "Xor"`},
		{`{"filterType":0,"target":{"table":"S","column":"N"},"logicalOperator":"And","conditions":[{"operator":"Is","value":1},{"operator":"Is","value":1},{"operator":"Is","value":1}]}`, `filters[2].conditions: must hold 1 or 2`},
		{`{"filterType":0,"target":{"table":"S","column":"N"},"logicalOperator":"And","conditions":[{"operator":"Like","value":1}]}`, `filters[2].conditions[0].operator: unknown operator "Like"`},
		{`{"filterType":0,"target":{"table":"S","column":"N"},"logicalOperator":"And","conditions":[{"operator":"Contains"}]}`, `filters[2].conditions[0].value: is required`},
		{`{"filterType":5,"target":{"table":"S","column":"N"},"operator":"Top","itemCount":0,"orderBy":{"table":"S","column":"N"}}`, `filters[2].itemCount: must be between`},
		{`{"filterType":4,"target":{"table":"S","column":"D"},"operator":5,"timeUnitsCount":1,"timeUnitType":0}`, `filters[2].operator: unknown value 5`},
		{`{"filterType":4,"target":{"table":"S","column":"D"},"operator":0,"timeUnitsCount":1,"timeUnitType":7}`, `filters[2].timeUnitType: a RelativeDate filter uses`},
		{`{"filterType":4,"target":{"table":"S","column":"D"},"operator":0,"timeUnitType":0}`, `filters[2].timeUnitsCount: must be between`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := Decode([]byte(tt.in), "filters[2]")
			if err == nil {
				t.Fatalf("Decode succeeded, want %q", tt.want)
			}
			if errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("kind = %v, want Invalid", errs.KindOf(err))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %q, want %q", err, tt.want)
			}
		})
	}
}

func TestRange(t *testing.T) {
	// Wednesday 2024-03-13 15:04:05 UTC.
	now := time.Date(2024, 3, 13, 15, 4, 5, 0, time.UTC)
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		spec     RelativeSpec
		from, to time.Time
	}{
		{"last 3 days incl today", RelativeSpec{InLast, 3, Days, true}, d(2024, 3, 11), d(2024, 3, 14)},
		{"last 3 days excl today", RelativeSpec{InLast, 3, Days, false}, d(2024, 3, 10), d(2024, 3, 13)},
		{"next 2 days", RelativeSpec{InNext, 2, Days, true}, d(2024, 3, 13), d(2024, 3, 15)},
		{"this week", RelativeSpec{InThis, 1, Weeks, true}, d(2024, 3, 10), d(2024, 3, 17)},
		{"last 2 calendar weeks", RelativeSpec{InLast, 2, CalendarWeeks, true}, d(2024, 2, 25), d(2024, 3, 10)},
		{"this month", RelativeSpec{InThis, 1, Months, true}, d(2024, 3, 1), d(2024, 4, 1)},
		{"last 1 month", RelativeSpec{InLast, 1, Months, true}, d(2024, 2, 14), d(2024, 3, 14)},
		{"last 3 calendar months", RelativeSpec{InLast, 3, CalendarMonths, true}, d(2023, 12, 1), d(2024, 3, 1)},
		{"next calendar month", RelativeSpec{InNext, 1, CalendarMonths, true}, d(2024, 4, 1), d(2024, 5, 1)},
		{"this year", RelativeSpec{InThis, 1, Years, true}, d(2024, 1, 1), d(2025, 1, 1)},
		{"last calendar year", RelativeSpec{InLast, 1, CalendarYears, true}, d(2023, 1, 1), d(2024, 1, 1)},
		{"last 90 minutes", RelativeSpec{InLast, 90, Minutes, true}, now.Add(-90 * time.Minute), now},
		{"this hour", RelativeSpec{InThis, 1, Hours, true}, time.Date(2024, 3, 13, 15, 0, 0, 0, time.UTC), time.Date(2024, 3, 13, 16, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := tt.spec.Range(now)
			if !from.Equal(tt.from) || !to.Equal(tt.to) {
				t.Fatalf("Range = [%s, %s), want [%s, %s)", from, to, tt.from, tt.to)
			}
		})
	}
	// Month arithmetic clamps: one month before March 31 is February 29 (+1 day, today included).
	from, _ := RelativeSpec{InLast, 1, Months, false}.Range(time.Date(2024, 3, 31, 8, 0, 0, 0, time.UTC))
	if !from.Equal(d(2024, 2, 29)) {
		t.Fatalf("clamped month start = %s", from)
	}
}

// FuzzDecodeFilter checks that no input panics and that every rejection is an Invalid error.
func FuzzDecodeFilter(f *testing.F) {
	for _, s := range []string{
		`{"$schema":"http://powerbi.com/product/schema#basic","target":{"table":"Store","column":"Region"},"operator":"In","values":["East","West"],"filterType":1}`,
		`{"filterType":0,"target":{"table":"Sales","column":"Amount"},"logicalOperator":"And","conditions":[{"operator":"GreaterThan","value":10},{"operator":"IsBlank"}]}`,
		`{"filterType":5,"target":{"table":"Product","column":"Name"},"operator":"Top","itemCount":3,"orderBy":{"table":"Sales","measure":"Total Sales"}}`,
		`{"filterType":4,"target":{"table":"Sales","column":"Date"},"operator":0,"timeUnitsCount":3,"timeUnitType":4,"includeToday":false}`,
		`{"filterType":7,"target":{"table":"Sales","column":"Date"},"operator":"InLast","timeUnitsCount":3,"timeUnitType":"Hours"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		flt, err := Decode(raw, "filters[0]")
		if err != nil {
			if errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("error of kind %v: %v", errs.KindOf(err), err)
			}
			return
		}
		if flt.Target.Table == "" {
			t.Fatalf("accepted a filter without a target table: %s", raw)
		}
		if flt.Type == RelativeDate || flt.Type == RelativeTime {
			from, to := flt.Relative.Range(time.Date(2024, 3, 13, 15, 4, 5, 0, time.UTC))
			if !from.Before(to) {
				t.Fatalf("empty range [%s, %s) for %s", from, to, raw)
			}
		}
	})
}
