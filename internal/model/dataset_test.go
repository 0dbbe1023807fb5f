package model

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
)

// pushBody is a Power BI push-dataset body using every column property.
const pushBody = `{"name":"SalesMarketing","defaultMode":"Push","tables":[{"name":"Product","columns":[
	{"name":"ProductID","dataType":"Int64","isHidden":true,"summarizeBy":"none"},
	{"name":"Name","dataType":"string","sortByColumn":"ProductID","dataCategory":"Place"},
	{"name":"ManufacturedOn","dataType":"DateTime","formatString":"yyyy-MM-dd"},
	{"name":"Price","dataType":"Double","formatString":"$#,0.00","summarizeBy":"distinctCount"}]}]}`

func TestColumnPropertiesRoundTrip(t *testing.T) {
	var def DatasetDefinition
	if err := json.Unmarshal([]byte(pushBody), &def); err != nil {
		t.Fatal(err)
	}
	if err := def.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	cols := def.Tables[0].Columns
	want := []Column{
		{Name: "ProductID", DataType: "Int64", IsHidden: true, SummarizeBy: "none"},
		{Name: "Name", DataType: TypeString, SortByColumn: "ProductID", DataCategory: "Place"},
		{Name: "ManufacturedOn", DataType: "DateTime", FormatString: "yyyy-MM-dd"},
		{Name: "Price", DataType: "Double", FormatString: "$#,0.00", SummarizeBy: "distinctCount"},
	}
	for i := range want {
		if cols[i] != want[i] {
			t.Errorf("column %d: got %+v, want %+v", i, cols[i], want[i])
		}
	}
	out, err := json.Marshal(def.Tables[0].Columns[:2])
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out); got != `[{"name":"ProductID","dataType":"Int64","isHidden":true,"summarizeBy":"none"},`+
		`{"name":"Name","dataType":"String","dataCategory":"Place","sortByColumn":"ProductID"}]` {
		t.Errorf("marshal: %s", got)
	}
}

func TestColumnPropertiesValidation(t *testing.T) {
	tests := []struct {
		name  string
		col   Column
		field string
	}{
		{"summarizeBy unknown", Column{SummarizeBy: "median"}, "tables[0].columns[1].summarizeBy"},
		{"sortByColumn unknown", Column{SortByColumn: "Nope"}, "tables[0].columns[1].sortByColumn"},
		{"sortByColumn other table", Column{SortByColumn: "StoreId"}, "tables[0].columns[1].sortByColumn"},
		{"formatString too long", Column{FormatString: strings.Repeat("0", MaxFormatString+1)}, "tables[0].columns[1].formatString"},
		{"formatString control", Column{FormatString: "0\n0"}, "tables[0].columns[1].formatString"},
		{"dataCategory too long", Column{DataCategory: strings.Repeat("x", MaxDataCategory+1)}, "tables[0].columns[1].dataCategory"},
		{"dataCategory bad utf8", Column{DataCategory: "a\xff"}, "tables[0].columns[1].dataCategory"},
		{"ok", Column{SummarizeBy: "Sum", SortByColumn: "id", FormatString: strings.Repeat("0", MaxFormatString)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.col
			c.Name, c.DataType = "Amount", TypeDouble
			def := DatasetDefinition{Name: "D", Tables: []Table{
				{Name: "Sales", Columns: []Column{{Name: "Id", DataType: TypeInt64}, c}},
				{Name: "Store", Columns: []Column{{Name: "StoreId", DataType: TypeInt64}}},
			}}
			err := def.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.KindInvalid || e.Field != tc.field {
				t.Fatalf("got %v, want Invalid on %s", err, tc.field)
			}
		})
	}
}

// TestAssumeReferentialIntegrityRoundTrip: Power BI's relationship property
// is read, defaults to false, and is written back only when set.
func TestAssumeReferentialIntegrityRoundTrip(t *testing.T) {
	const body = `{"name":"Star","tables":[
		{"name":"Sales","columns":[{"name":"ProductId","dataType":"Int64"},{"name":"StoreId","dataType":"Int64"}]},
		{"name":"Product","columns":[{"name":"ProductId","dataType":"Int64"}]},
		{"name":"Store","columns":[{"name":"StoreId","dataType":"Int64"}]}],
		"relationships":[
		{"fromTable":"Sales","fromColumn":"ProductId","toTable":"Product","toColumn":"ProductId","assumeReferentialIntegrity":true},
		{"fromTable":"Sales","fromColumn":"StoreId","toTable":"Store","toColumn":"StoreId"}]}`
	var def DatasetDefinition
	if err := json.Unmarshal([]byte(body), &def); err != nil {
		t.Fatal(err)
	}
	if err := def.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if !def.Relationships[0].AssumeReferentialIntegrity || def.Relationships[1].AssumeReferentialIntegrity {
		t.Fatalf("relationships = %+v", def.Relationships)
	}
	out, err := json.Marshal(def.Relationships)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out); got != `[{"fromTable":"Sales","fromColumn":"ProductId","toTable":"Product","toColumn":"ProductId","assumeReferentialIntegrity":true},`+
		`{"fromTable":"Sales","fromColumn":"StoreId","toTable":"Store","toColumn":"StoreId"}]` {
		t.Errorf("marshal: %s", got)
	}
}
