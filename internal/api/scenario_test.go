package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/testkit"
)

// pushDataset is Power BI's push-dataset body, sent as Power BI clients send it.
const pushDataset = `{
  "name": "SalesMarketing",
  "defaultMode": "Push",
  "tables": [
    {"name": "Product", "columns": [
      {"name": "ProductID", "dataType": "Int64"},
      {"name": "Name", "dataType": "string"},
      {"name": "Category", "dataType": "string"},
      {"name": "IsCompete", "dataType": "bool"},
      {"name": "ManufacturedOn", "dataType": "DateTime"}
    ]},
    {"name": "Sales", "columns": [
      {"name": "ProductID", "dataType": "Int64"},
      {"name": "Amount", "dataType": "Double"}
    ], "measures": [{"name": "Total Sales", "expression": "SUM(Sales[Amount])"}]}
  ],
  "relationships": [{"name": "s_p", "fromTable": "Sales", "fromColumn": "ProductID", "toTable": "Product", "toColumn": "ProductID", "crossFilteringBehavior": "OneDirection"}]
}`

func report(datasetID string) map[string]any {
	return map[string]any{
		"name":      "Sales by category",
		"datasetId": datasetID,
		"pages": []any{map[string]any{
			"name": "p1", "displayName": "Page 1",
			"visuals": []any{
				map[string]any{"name": "total", "type": "card", "position": map[string]any{"x": 0, "y": 0, "width": 200, "height": 100},
					"fields": map[string]any{"values": []any{"[Total Sales]"}}},
				map[string]any{"name": "bycat", "type": "clusteredColumnChart", "position": map[string]any{"x": 0, "y": 120, "width": 400, "height": 300},
					"fields": map[string]any{"category": []any{"Product[Category]"}, "values": []any{map[string]any{"field": "Sales[Amount]", "aggregation": "Sum"}}}},
			},
			"filters": []any{map[string]any{
				"$schema": "http://powerbi.com/product/schema#basic", "filterType": 1,
				"target": map[string]any{"table": "Product", "column": "IsCompete"}, "operator": "In", "values": []any{false}}},
		}},
	}
}

type fixture struct {
	s                     *testkit.Server
	capacity, ws, ds, rep string
}

func setup(t *testing.T) fixture {
	t.Helper()
	s := testkit.Start(t)
	var f fixture
	f.s = s
	c := s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "Cap", "sku": "A1"}).Want(201).Map()
	f.capacity = c["id"].(string)
	g := s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Sales"}).Want(200).Map()
	f.ws = g["id"].(string)
	d := s.Do("POST", "/v1.0/myorg/groups/"+f.ws+"/datasets", pushDataset).Want(201).Map()
	f.ds = d["id"].(string)
	r := s.Do("POST", "/v1.0/myorg/groups/"+f.ws+"/reports", report(f.ds)).Want(201).Map()
	f.rep = r["id"].(string)
	return f
}

func TestCapacityLifecycle(t *testing.T) {
	s := testkit.Start(t)
	c := s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "Cap", "sku": "P1", "region": "Local",
		"limits": map[string]any{"maxConcurrentQueries": 4}}).Want(201).Map()
	id := c["id"].(string)
	if c["state"] != "Active" || c["sku"] != "P1" {
		t.Fatalf("created capacity %v", c)
	}
	lim := c["limits"].(map[string]any)
	if lim["maxConcurrentQueries"] != 4.0 || lim["queryTimeoutSeconds"] != 30.0 {
		t.Fatalf("limits %v: want given value and defaults", lim)
	}
	if st := s.Do("POST", "/v1.0/myorg/capacities/"+id+"/suspend", nil).Want(200).Map()["state"]; st != "Suspended" {
		t.Fatalf("state after suspend = %v", st)
	}
	if st := s.Do("GET", "/v1.0/myorg/capacities/"+id, nil).Want(200).Map()["state"]; st != "Suspended" {
		t.Fatalf("state after get = %v", st)
	}
	s.Do("POST", "/v1.0/myorg/capacities/"+id+"/resume", nil).Want(200)
	u := s.Do("PATCH", "/v1.0/myorg/capacities/"+id, map[string]any{"displayName": "Renamed", "sku": "P2"}).Want(200).Map()
	if u["displayName"] != "Renamed" || u["sku"] != "P2" || u["state"] != "Active" {
		t.Fatalf("after patch: %v", u)
	}
	var l struct{ Value []map[string]any }
	s.Do("GET", "/v1.0/myorg/capacities", nil).Want(200).JSON(&l)
	if len(l.Value) != 1 || l.Value[0]["id"] != id {
		t.Fatalf("list = %v", l.Value)
	}
}

func TestWorkspaceLifecycle(t *testing.T) {
	f := setup(t)
	s := f.s
	g := s.Do("GET", "/v1.0/myorg/groups/"+strings.ToUpper(f.ws), nil).Want(200).Map()
	if g["id"] != f.ws || g["isOnDedicatedCapacity"] != false {
		t.Fatalf("group = %v (ids are case-insensitive, returned lower-case)", g)
	}
	s.Do("POST", "/v1.0/myorg/groups/"+f.ws+"/AssignToCapacity", map[string]any{"capacityId": f.capacity}).Want(200)
	g = s.Do("GET", "/v1.0/myorg/groups/"+f.ws, nil).Want(200).Map()
	if g["capacityId"] != f.capacity || g["isOnDedicatedCapacity"] != true {
		t.Fatalf("after assign: %v", g)
	}
	st := s.Do("GET", "/v1.0/myorg/groups/"+f.ws+"/CapacityAssignmentStatus", nil).Want(200).Map()
	if st["status"] != "CompletedSuccessfully" || st["capacityId"] != f.capacity {
		t.Fatalf("status = %v", st)
	}
	s.Do("POST", "/v1.0/myorg/groups/"+f.ws+"/AssignToCapacity", map[string]any{"capacityId": "00000000-0000-0000-0000-000000000000"}).Want(200)
	if g := s.Do("GET", "/v1.0/myorg/groups/"+f.ws, nil).Want(200).Map(); g["isOnDedicatedCapacity"] != false || g["capacityId"] != nil {
		t.Fatalf("after unassign: %v", g)
	}
	s.Do("PATCH", "/v1.0/myorg/groups/"+f.ws, map[string]any{"name": "Sales EU"}).Want(200)
	s.Do("POST", "/v1.0/myorg/groups/"+f.ws+"/users", map[string]any{"emailAddress": "ann@example.com", "groupUserAccessRight": "Member"}).Want(200)
	s.Do("PUT", "/v1.0/myorg/groups/"+f.ws+"/users", map[string]any{"identifier": "ann@example.com", "groupUserAccessRight": "Viewer", "principalType": "User"}).Want(200)
	var users struct{ Value []map[string]any }
	s.Do("GET", "/v1.0/myorg/groups/"+f.ws+"/users", nil).Want(200).JSON(&users)
	if len(users.Value) != 1 || users.Value[0]["groupUserAccessRight"] != "Viewer" {
		t.Fatalf("users = %v", users.Value)
	}
	s.Do("DELETE", "/v1.0/myorg/groups/"+f.ws+"/users/ann@example.com", nil).Want(200)
	s.Do("DELETE", "/v1.0/myorg/groups/"+f.ws, nil).Want(200)
	s.Do("GET", "/v1.0/myorg/groups/"+f.ws, nil).Want(404)
	s.Do("GET", "/v1.0/myorg/groups/"+f.ws+"/datasets/"+f.ds, nil).Want(404)
}

func TestDatasetShapesAndRows(t *testing.T) {
	f := setup(t)
	s := f.s
	base := "/v1.0/myorg/groups/" + f.ws + "/datasets/" + f.ds
	d := s.Do("GET", base, nil).Want(200).Map()
	if d["isEffectiveIdentityRequired"] != false || d["storageMode"] != "Push" || d["addRowsAPIEnabled"] != true {
		t.Fatalf("dataset = %v", d)
	}
	s.Do("POST", base+"/tables/Product/rows", map[string]any{"rows": []any{
		map[string]any{"ProductID": 1, "Name": "Adjustable Race", "Category": "Components", "IsCompete": true, "ManufacturedOn": "2014-07-30T00:00:00Z"},
		map[string]any{"ProductID": 2, "Name": "LL Crankarm", "Category": "Components", "IsCompete": false, "ManufacturedOn": "2014-07-30T00:00:00Z"},
	}}).Want(200)
	var tables struct {
		Value []struct {
			Name     string
			RowCount int64
		}
	}
	s.Do("GET", base+"/tables", nil).Want(200).JSON(&tables)
	if len(tables.Value) != 2 || tables.Value[0].Name != "Product" || tables.Value[0].RowCount != 2 {
		t.Fatalf("tables = %+v", tables.Value)
	}
	v1 := s.Do("GET", base, nil).Want(200).Map()["dataVersion"].(float64)
	s.Do("DELETE", base+"/tables/Product/rows", nil).Want(200)
	s.Do("GET", base+"/tables", nil).Want(200).JSON(&tables)
	if tables.Value[0].RowCount != 0 {
		t.Fatalf("rows after delete: %d", tables.Value[0].RowCount)
	}
	if v2 := s.Do("GET", base, nil).Want(200).Map()["dataVersion"].(float64); v2 <= v1 {
		t.Fatalf("dataVersion did not increase: %v -> %v", v1, v2)
	}
	// Bad rows: named field, nothing written.
	e := s.Do("POST", base+"/tables/Product/rows", map[string]any{"rows": []any{
		map[string]any{"ProductID": 3}, map[string]any{"ProductID": "three"}}}).Want(400).Err()
	if !strings.Contains(e.Message, "rows[1]") {
		t.Fatalf("error does not name the row: %+v", e)
	}
	s.Do("GET", base+"/tables", nil).Want(200).JSON(&tables)
	if tables.Value[0].RowCount != 0 {
		t.Fatalf("a rejected push wrote %d rows", tables.Value[0].RowCount)
	}
	s.Do("POST", base+"/tables/Nope/rows", map[string]any{"rows": []any{map[string]any{"a": 1}}}).Want(404)
}

func TestImportCSV(t *testing.T) {
	f := setup(t)
	s := f.s
	base := "/v1.0/myorg/groups/" + f.ws + "/datasets/" + f.ds + "/tables/Sales"
	csv := "ProductID,Amount\n1,10.5\n2,20\n2,30\n"
	res := s.Do("POST", base+"/import?format=csv", strings.NewReader(csv)).Want(200).Map()
	if res["rows"] != 3.0 {
		t.Fatalf("import result %v", res)
	}
	s.Do("POST", base+"/import?format=csv&mode=append", strings.NewReader("ProductID,Amount\n3,1\n")).Want(200)
	e := s.Do("POST", base+"/import?format=csv", strings.NewReader("ProductID,Amount\nx,1\n")).Want(400).Err()
	if e.Code == "" {
		t.Fatal("no code")
	}
	var tables struct {
		Value []struct {
			Name     string
			RowCount int64
		}
	}
	s.Do("GET", "/v1.0/myorg/groups/"+f.ws+"/datasets/"+f.ds+"/tables", nil).Want(200).JSON(&tables)
	if tables.Value[1].RowCount != 4 {
		t.Fatalf("Sales rows = %d, want 4 (a failed import must leave data intact)", tables.Value[1].RowCount)
	}
	s.Do("POST", base+"/import?format=xlsx", strings.NewReader(csv)).Want(400)
	s.Do("POST", base+"/import?format=csv&mode=merge", strings.NewReader(csv)).Want(400)
}

func TestReportsRebindCloneAndCompatibility(t *testing.T) {
	f := setup(t)
	s := f.s
	g := "/v1.0/myorg/groups/" + f.ws
	r := s.Do("GET", g+"/reports/"+f.rep, nil).Want(200).Map()
	want := s.URL + "/reportEmbed?reportId=" + f.rep + "&groupId=" + f.ws
	if r["embedUrl"] != want || r["datasetId"] != f.ds || r["datasetWorkspaceId"] != f.ws {
		t.Fatalf("report = %v, want embedUrl %s", r, want)
	}
	var pages struct{ Value []map[string]any }
	s.Do("GET", g+"/reports/"+f.rep+"/pages", nil).Want(200).JSON(&pages)
	if len(pages.Value) != 1 || pages.Value[0]["displayName"] != "Page 1" {
		t.Fatalf("pages = %v", pages.Value)
	}

	// A second workspace holds a compatible dataset and an incompatible one.
	other := s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Tenants"}).Want(200).Map()["id"].(string)
	good := s.Do("POST", "/v1.0/myorg/groups/"+other+"/datasets", pushDataset).Want(201).Map()["id"].(string)
	bad := s.Do("POST", "/v1.0/myorg/groups/"+other+"/datasets", `{"name":"Thin","tables":[
		{"name":"Sales","columns":[{"name":"ProductID","dataType":"Int64"},{"name":"Amount","dataType":"String"}]},
		{"name":"Product","columns":[{"name":"ProductID","dataType":"Int64"}]}]}`).Want(201).Map()["id"].(string)

	c := s.Do("POST", g+"/reports/"+f.rep+"/CheckCompatibility", map[string]any{"datasetId": bad}).Want(200).Map()
	ms := c["mismatches"].([]any)
	if c["compatible"] != false || len(ms) != 4 {
		t.Fatalf("compatibility = %v; want 4 mismatches (measure, Category, IsCompete, Amount type)", c)
	}
	got := map[string]string{}
	for _, m := range ms {
		mm := m.(map[string]any)
		got[mm["field"].(string)] = mm["code"].(string)
	}
	wantMs := map[string]string{"[Total Sales]": "MissingMeasure", "Product[Category]": "MissingColumn",
		"Product[IsCompete]": "MissingColumn", "Sales[Amount]": "TypeMismatch"}
	for k, v := range wantMs {
		if got[k] != v {
			t.Errorf("mismatch for %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}

	e := s.Do("POST", g+"/reports/"+f.rep+"/Rebind", map[string]any{"datasetId": bad}).Want(400).Err()
	if e.Code != "IncompatibleDataset" || len(e.Details) != 4 {
		t.Fatalf("rebind to incompatible: %+v", e)
	}
	s.Do("POST", g+"/reports/"+f.rep+"/Rebind", map[string]any{"datasetId": good}).Want(200)
	if r := s.Do("GET", g+"/reports/"+f.rep, nil).Want(200).Map(); r["datasetId"] != good || r["datasetWorkspaceId"] != other {
		t.Fatalf("after rebind: %v", r)
	}

	cl := s.Do("POST", g+"/reports/"+f.rep+"/Clone", map[string]any{"name": "Copy", "targetWorkspaceId": other, "targetModelId": f.ds}).Want(200).Map()
	if cl["name"] != "Copy" || cl["datasetId"] != f.ds || !strings.Contains(cl["embedUrl"].(string), "groupId="+other) {
		t.Fatalf("clone = %v", cl)
	}
	s.Do("POST", g+"/reports/"+f.rep+"/Clone", map[string]any{"name": "Bad", "targetModelId": bad}).Want(400)
	s.Do("POST", g+"/reports/"+f.rep+"/Clone", map[string]any{"name": "Bad", "targetWorkspaceId": model0()}).Want(404)

	// A dataset in use cannot be deleted; the report's own can after the report goes.
	if e := s.Do("DELETE", "/v1.0/myorg/groups/"+other+"/datasets/"+good, nil).Want(409).Err(); e.Code != "DatasetInUse" {
		t.Fatalf("delete in-use dataset: %+v", e)
	}
	s.Do("DELETE", g+"/reports/"+f.rep, nil).Want(200)
	s.Do("DELETE", "/v1.0/myorg/groups/"+other+"/datasets/"+good, nil).Want(200)
}

func model0() string { return "0d9b93c6-1111-2222-3333-444455556666" }

func TestBadInput(t *testing.T) {
	f := setup(t)
	s := f.s
	g := "/v1.0/myorg/groups/" + f.ws
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code, target       string
	}{
		{"invalid json", "POST", "/v1.0/myorg/groups", `{"name":`, 400, "InvalidRequest", "body"},
		{"wrong type", "POST", "/v1.0/myorg/groups", `{"name": 5}`, 400, "InvalidRequest", "name"},
		{"empty name", "POST", "/v1.0/myorg/groups", `{"name": ""}`, 400, "InvalidRequest", "name"},
		{"two values", "POST", "/v1.0/myorg/groups", `{"name":"a"} {}`, 400, "InvalidRequest", "body"},
		{"duplicate workspace", "POST", "/v1.0/myorg/groups", `{"name":"SALES"}`, 409, "DuplicateWorkspaceName", ""},
		{"unknown sku", "POST", "/v1.0/myorg/capacities", `{"displayName":"x","sku":"Z9"}`, 400, "InvalidRequest", "sku"},
		{"bad limit", "POST", "/v1.0/myorg/capacities", `{"displayName":"x","sku":"A1","limits":{"maxConcurrentQueries":-1}}`, 400, "InvalidRequest", "limits.maxConcurrentQueries"},
		{"unknown group", "GET", "/v1.0/myorg/groups/" + model0(), nil, 404, "PowerBIEntityNotFound", ""},
		{"not a guid", "GET", "/v1.0/myorg/groups/nope", nil, 404, "PowerBIEntityNotFound", ""},
		{"unknown route", "GET", "/v1.0/myorg/nothing", nil, 404, "NoRoute", ""},
		{"bad data type", "POST", g + "/datasets", `{"name":"d","tables":[{"name":"T","columns":[{"name":"c","dataType":"Blob"}]}]}`, 400, "InvalidRequest", "tables[0].columns[0].dataType"},
		{"bad relationship", "POST", g + "/datasets", `{"name":"d","tables":[{"name":"T","columns":[{"name":"c","dataType":"Int64"}]}],"relationships":[{"fromTable":"T","fromColumn":"c","toTable":"U","toColumn":"c"}]}`, 400, "InvalidRequest", "relationships[0].toTable"},
		{"bad measure ref", "POST", g + "/datasets", `{"name":"d","tables":[{"name":"T","columns":[{"name":"c","dataType":"Int64"}],"measures":[{"name":"m","expression":"SUM(T[x])"}]}]}`, 400, "InvalidRequest", "tables[0].measures[0].expression"},
		{"bad role table", "POST", g + "/datasets", `{"name":"d","tables":[{"name":"T","columns":[{"name":"c","dataType":"Int64"}]}],"roles":[{"name":"r","tablePermissions":[{"name":"X","filterExpression":"[c] = 1"}]}]}`, 400, "InvalidRequest", "roles[0].tablePermissions[0].name"},
		{"directquery", "POST", g + "/datasets", `{"name":"d","defaultMode":"DirectQuery","tables":[{"name":"T","columns":[{"name":"c","dataType":"Int64"}]}]}`, 400, "InvalidRequest", "defaultMode"},
		{"report without dataset", "POST", g + "/reports", `{"name":"r","pages":[{"name":"p","visuals":[]}]}`, 400, "InvalidRequest", "datasetId"},
		{"report bad field", "POST", g + "/reports", fmt.Sprintf(`{"name":"r","datasetId":%q,"pages":[{"name":"p","visuals":[{"name":"v","type":"card","position":{"x":0,"y":0,"width":1,"height":1},"fields":{"values":["Sales Amount"]}}]}]}`, f.ds), 400, "InvalidRequest", "pages[0].visuals[0].fields.values[0]"},
		{"report bad type", "POST", g + "/reports", fmt.Sprintf(`{"name":"r","datasetId":%q,"pages":[{"name":"p","visuals":[{"name":"v","type":"radar","position":{"x":0,"y":0,"width":1,"height":1},"fields":{"values":["[Total Sales]"]}}]}]}`, f.ds), 400, "InvalidRequest", "pages[0].visuals[0].type"},
		{"report incompatible", "POST", g + "/reports", fmt.Sprintf(`{"name":"r","datasetId":%q,"pages":[{"name":"p","visuals":[{"name":"v","type":"card","position":{"x":0,"y":0,"width":1,"height":1},"fields":{"values":["[Nope]"]}}]}]}`, f.ds), 400, "IncompatibleDataset", "datasetId"},
		{"report unknown dataset", "POST", g + "/reports", fmt.Sprintf(`{"name":"r","datasetId":%q,"pages":[{"name":"p","visuals":[]}]}`, model0()), 404, "PowerBIEntityNotFound", "datasetId"},
		{"assign unknown capacity", "POST", g + "/AssignToCapacity", fmt.Sprintf(`{"capacityId":%q}`, model0()), 404, "PowerBIEntityNotFound", "capacityId"},
		{"assign not guid", "POST", g + "/AssignToCapacity", `{"capacityId":"x"}`, 400, "InvalidRequest", "capacityId"},
		{"assign missing", "POST", g + "/AssignToCapacity", `{}`, 400, "InvalidRequest", "capacityId"},
		{"bad role", "POST", g + "/users", `{"identifier":"a","groupUserAccessRight":"Owner"}`, 400, "InvalidRequest", "groupUserAccessRight"},
		{"bad paging", "GET", "/v1.0/myorg/groups?$top=-1", nil, 400, "InvalidRequest", "$top"},
		{"rows missing", "POST", g + "/datasets/" + f.ds + "/tables/Sales/rows", `{}`, 400, "InvalidRequest", "rows"},
		{"not json", "POST", "/v1.0/myorg/groups", "name=x", 400, "InvalidRequest", "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := s.Do(c.method, c.path, c.body).Want(c.status)
			e := r.Err()
			if e.Code != c.code || e.Target != c.target || e.Message == "" {
				t.Fatalf("error = %+v, want code %q target %q", e, c.code, c.target)
			}
		})
	}
	// Nothing half-written: the failed creates left no datasets or reports behind.
	var l struct{ Value []any }
	s.Do("GET", g+"/datasets", nil).Want(200).JSON(&l)
	if len(l.Value) != 1 {
		t.Fatalf("datasets after bad input: %d, want 1", len(l.Value))
	}
	s.Do("GET", g+"/reports", nil).Want(200).JSON(&l)
	if len(l.Value) != 1 {
		t.Fatalf("reports after bad input: %d, want 1", len(l.Value))
	}
}

func TestAuthenticationRequired(t *testing.T) {
	s := testkit.Start(t)
	for _, tok := range []string{"", "wrong-key-wrong-key", s.Key + "x"} {
		r := s.DoAs(tok, "GET", "/v1.0/myorg/groups", nil).Want(401)
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
	}
	s.DoAs("", "GET", "/healthz", nil).Want(200)
	s.DoAs("", "GET", "/readyz", nil).Want(200)
	s.DoAs("", "GET", "/openapi.json", nil).Want(200)
}

func TestOversizedBody(t *testing.T) {
	s := testkit.Start(t, testkit.Options{Configure: func(c *configT) { c.MaxBodyBytes = 2048; c.MaxUploadBytes = 4096 }})
	big := `{"name":"` + strings.Repeat("x", 4000) + `"}`
	if e := s.Do("POST", "/v1.0/myorg/groups", big).Want(413).Err(); e.Code != "RequestTooLarge" {
		t.Fatalf("error = %+v", e)
	}
	g := s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "w"}).Want(200).Map()["id"].(string)
	d := s.Do("POST", "/v1.0/myorg/groups/"+g+"/datasets", pushDataset).Want(201).Map()["id"].(string)
	csv := "ProductID,Amount\n" + strings.Repeat("1,2\n", 2000)
	s.Do("POST", "/v1.0/myorg/groups/"+g+"/datasets/"+d+"/tables/Sales/import?format=csv", strings.NewReader(csv)).Want(413)
	req, _ := http.NewRequest("GET", s.URL+"/metrics", nil)
	m := s.Send(req).Want(200)
	if !strings.Contains(string(m.Body), `bindery_http_requests_total{code="413",method="POST",route="/v1.0/myorg/groups"} 1`) {
		t.Fatalf("metrics lack the 413 count by route:\n%s", grep(string(m.Body), "bindery_http_requests_total"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestUpdateDefinitions(t *testing.T) {
	f := setup(t)
	s := f.s
	g := "/v1.0/myorg/groups/" + f.ws
	var def map[string]any
	s.Do("GET", g+"/datasets/"+f.ds+"/definition", nil).Want(200).JSON(&def)
	tables := def["tables"].([]any)
	sales := tables[1].(map[string]any)
	sales["measures"] = append(sales["measures"].([]any), map[string]any{"name": "Orders", "expression": "COUNTROWS(Sales)"})
	def["name"] = "SalesMarketing v2"
	if d := s.Do("PUT", g+"/datasets/"+f.ds+"/definition", def).Want(200).Map(); d["name"] != "SalesMarketing v2" {
		t.Fatalf("after update: %v", d)
	}
	// Dropping a measure a report uses is refused, naming the report.
	sales["measures"] = []any{map[string]any{"name": "Orders", "expression": "COUNTROWS(Sales)"}}
	if e := s.Do("PUT", g+"/datasets/"+f.ds+"/definition", def).Want(409).Err(); e.Code != "DatasetInUse" || !strings.Contains(e.Message, "Sales by category") {
		t.Fatalf("dropping a used measure: %+v", e)
	}
	// Changing columns in place is refused.
	sales["measures"] = []any{map[string]any{"name": "Total Sales", "expression": "SUM(Sales[Amount])"}}
	sales["columns"] = []any{map[string]any{"name": "ProductID", "dataType": "Int64"}, map[string]any{"name": "Amount", "dataType": "String"}}
	if e := s.Do("PUT", g+"/datasets/"+f.ds+"/definition", def).Want(409).Err(); e.Code != "SchemaChangeNotSupported" || !strings.Contains(e.Message, "Sales[Amount]") {
		t.Fatalf("changing a column type: %+v", e)
	}
	// A report definition update keeps the id and is checked against its dataset.
	rep := report(f.ds)
	rep["name"] = "Renamed"
	if r := s.Do("PUT", g+"/reports/"+f.rep+"/definition", rep).Want(200).Map(); r["name"] != "Renamed" || r["id"] != f.rep {
		t.Fatalf("report update: %v", r)
	}
	pages := rep["pages"].([]any)
	pages[0].(map[string]any)["visuals"] = []any{map[string]any{"name": "x", "type": "card", "position": map[string]any{"x": 0, "y": 0, "width": 1, "height": 1},
		"fields": map[string]any{"values": []any{"[Nope]"}}}}
	if e := s.Do("PUT", g+"/reports/"+f.rep+"/definition", rep).Want(400).Err(); e.Code != "IncompatibleDataset" {
		t.Fatalf("incompatible report update: %+v", e)
	}
}
