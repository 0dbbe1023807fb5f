package catalog

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/model"
)

// Power BI push-dataset column properties survive storage and come back with the definition.
func TestColumnPropertiesSurviveStorage(t *testing.T) {
	s, ctx := newService(t)
	w := &model.Workspace{Name: "Team"}
	if err := s.CreateWorkspace(ctx, w); err != nil {
		t.Fatal(err)
	}
	def := decode[model.DatasetDefinition](t, `{"name":"Push","defaultMode":"Push","tables":[{"name":"Product","columns":[
		{"name":"Id","dataType":"Int64","isHidden":true,"summarizeBy":"none"},
		{"name":"Name","dataType":"String","sortByColumn":"Id","dataCategory":"Place","formatString":"@"}]}]}`)
	created, err := s.CreateDataset(ctx, w.ID, &def, "admin")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetDataset(ctx, w.ID, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(got.Definition.Tables[0].Columns)
	for _, want := range []string{`"isHidden":true`, `"summarizeBy":"none"`, `"sortByColumn":"Id"`, `"dataCategory":"Place"`, `"formatString":"@"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("stored columns %s lack %s", out, want)
		}
	}
}
