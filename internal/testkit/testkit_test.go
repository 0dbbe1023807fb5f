package testkit

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/auth"
)

// pushDataset is a small Power BI push-dataset body, with the spellings Power BI clients send.
const pushDataset = `{
  "name": "Sales",
  "defaultMode": "Push",
  "tables": [{
    "name": "Sales",
    "columns": [
      {"name": "Region", "dataType": "string"},
      {"name": "Amount", "dataType": "Double"},
      {"name": "SoldOn", "dataType": "Datetime"}
    ],
    "measures": [{"name": "Total Sales", "expression": "SUM(Sales[Amount])"}]
  }]
}`

// TestExchangesMatchOpenAPI drives real traffic through the validator: every
// call below fails the test if the server's answer drifts from openapi.yaml.
func TestExchangesMatchOpenAPI(t *testing.T) {
	s := Start(t, Options{Principals: map[string]*auth.Principal{
		viewerToken: {Kind: auth.KindUser, Identifier: "vic", DisplayName: "Vic"},
	}})

	var capacity struct{ ID, State string }
	s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "Pool", "sku": "A1", "region": "West Europe"}).
		Want(http.StatusCreated).JSON(&capacity)
	if capacity.ID == "" || capacity.State != "Active" {
		t.Fatalf("capacity = %+v", capacity)
	}
	var group struct{ ID, Name string }
	s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Contoso"}).Want(http.StatusOK).JSON(&group)
	g := "/v1.0/myorg/groups/" + group.ID
	s.Do("POST", g+"/AssignToCapacity", map[string]any{"capacityId": capacity.ID}).Want(http.StatusOK)

	var dataset struct {
		ID          string
		StorageMode string
	}
	s.Do("POST", g+"/datasets", pushDataset).Want(http.StatusCreated).JSON(&dataset)
	if dataset.StorageMode != "Push" {
		t.Errorf("storageMode = %q, want Push", dataset.StorageMode)
	}
	d := g + "/datasets/" + dataset.ID
	s.Do("POST", d+"/tables/Sales/rows", `{"rows":[{"Region":"North","Amount":12.5,"SoldOn":"2024-01-02T00:00:00Z"}]}`).
		Want(http.StatusOK)

	var caps, groups, datasets, tables struct{ Value []map[string]any }
	s.Do("GET", "/v1.0/myorg/capacities", nil).Want(http.StatusOK).JSON(&caps)
	s.Do("GET", "/v1.0/myorg/groups", nil).Want(http.StatusOK).JSON(&groups)
	s.Do("GET", g+"/datasets", nil).Want(http.StatusOK).JSON(&datasets)
	s.Do("GET", d+"/tables", nil).Want(http.StatusOK).JSON(&tables)
	if len(caps.Value) != 1 || len(groups.Value) != 1 || len(datasets.Value) != 1 || len(tables.Value) != 1 {
		t.Fatalf("lists: %d capacities, %d groups, %d datasets, %d tables; want one of each",
			len(caps.Value), len(groups.Value), len(datasets.Value), len(tables.Value))
	}
	if groups.Value[0]["isOnDedicatedCapacity"] != true || tables.Value[0]["rowCount"] != 1.0 {
		t.Errorf("group %v, table %v", groups.Value[0], tables.Value[0])
	}
	s.Do("GET", g, nil).Want(http.StatusOK)
	s.Do("GET", d, nil).Want(http.StatusOK)
	s.Do("GET", d+"/definition", nil).Want(http.StatusOK)
	s.Do("GET", g+"/CapacityAssignmentStatus", nil).Want(http.StatusOK)

	// A report with both FieldUse forms; the definition comes back in the object form.
	var report struct{ ID string }
	s.Do("POST", g+"/reports", map[string]any{
		"name": "Overview", "datasetId": dataset.ID,
		"pages": []any{map[string]any{"name": "p1", "visuals": []any{map[string]any{
			"name": "v1", "type": "barChart", "position": map[string]any{"x": 0, "y": 0, "width": 400, "height": 300},
			"fields": map[string]any{"Category": []any{"Sales[Region]"}, "Y": []any{map[string]any{"field": "Sales[Amount]", "aggregation": "Sum"}}},
			"sort":   []any{map[string]any{"field": "Sales[Amount]", "direction": "Descending"}},
			"topN":   map[string]any{"count": 5, "by": "Sales[Amount]"},
		}}}},
		"filters": []any{map[string]any{"$schema": "http://powerbi.com/product/schema#basic",
			"target": map[string]any{"table": "Sales", "column": "Region"}, "operator": "In", "values": []any{"North"}}},
	}).Want(http.StatusCreated).JSON(&report)
	rp := g + "/reports/" + report.ID
	var def struct {
		Pages []struct {
			Visuals []struct {
				Type   string
				Fields map[string][]map[string]any
			}
		}
	}
	s.Do("GET", rp+"/definition", nil).Want(http.StatusOK).JSON(&def)
	if v := def.Pages[0].Visuals[0]; v.Type != "clusteredBarChart" || v.Fields["Category"][0]["field"] != "Sales[Region]" {
		t.Errorf("stored visual %+v", v)
	}
	s.Do("GET", rp+"/pages", nil).Want(http.StatusOK)
	s.Do("POST", rp+"/CheckCompatibility", map[string]any{"datasetId": dataset.ID}).Want(http.StatusOK)

	s.Do("POST", g+"/users", map[string]any{"identifier": "vic", "groupUserAccessRight": "Viewer"}).Want(http.StatusOK)
	embedTokenExchanges(t, s, g, report.ID, dataset.ID)
	grantExchanges(t, s, d)
	principalExchanges(t, s)

	// Errors are validated too: shape and documented status.
	if e := s.Do("POST", "/v1.0/myorg/groups", `{"name": `).Want(http.StatusBadRequest).Err(); e.Target != "body" {
		t.Errorf("broken JSON: target %q, want body", e.Target)
	}
	s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "contoso"}).Want(http.StatusConflict)
	s.DoAs("", "GET", "/v1.0/myorg/groups", nil).Want(http.StatusUnauthorized)
	s.DoAs(viewerToken, "DELETE", g, nil).Want(http.StatusForbidden)
	req, err := http.NewRequest("POST", s.URL+"/v1.0/myorg/groups", strings.NewReader(`{"name":"Plain"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+s.Key)
	if e := s.Send(req).Want(http.StatusUnsupportedMediaType).Err(); e.Code != "UnsupportedMediaType" {
		t.Errorf("text/plain body: code %q, want UnsupportedMediaType", e.Code)
	}
	s.Do("GET", "/v1.0/myorg/groups/00000000-0000-0000-0000-000000000001", nil).Want(http.StatusNotFound)
	s.Do("GET", "/v1.0/myorg/nothing-here", nil).Want(http.StatusNotFound) // undocumented: skipped
	s.DoAs("", "GET", "/healthz", nil).Want(http.StatusOK)
	s.DoAs("", "GET", "/openapi.json", nil).Want(http.StatusOK)
	if m := s.DoAs("", "GET", "/metrics", nil).Want(http.StatusOK); !strings.Contains(string(m.Body), "bindery_http_requests_total") {
		t.Errorf("/metrics lacks bindery_http_requests_total")
	}
}

// viewerToken is the bearer token of "vic", a user the test makes a Viewer of its workspace.
const viewerToken = "viewer-token-for-vic"

// embedTokenExchanges mints embed tokens (V2 and V1) for a report and its
// dataset in workspace g (on an Active capacity), reads and revokes them in
// the audit log, and provokes the documented errors.
func embedTokenExchanges(t *testing.T, s *Server, g, reportID, datasetID string) {
	t.Helper()
	var tok struct{ Token, TokenID, Expiration string }
	s.Do("POST", "/v1.0/myorg/GenerateToken", map[string]any{
		"reports":           []any{map[string]any{"id": reportID}},
		"datasets":          []any{map[string]any{"id": datasetID, "xmlaPermissions": "Off"}},
		"lifetimeInMinutes": 10,
	}).Want(http.StatusOK).JSON(&tok)
	if tok.Token == "" || tok.TokenID == "" || tok.Expiration == "" {
		t.Fatalf("GenerateToken answered %+v; want token, tokenId and expiration", tok)
	}
	var v1 struct{ TokenID string }
	s.Do("POST", g+"/reports/"+reportID+"/GenerateToken", `{"accessLevel":"View","allowSaveAs":"true"}`).
		Want(http.StatusOK).JSON(&v1)
	if v1.TokenID == "" || v1.TokenID == tok.TokenID {
		t.Errorf("V1 tokenId %q (V2 %q)", v1.TokenID, tok.TokenID)
	}

	var audit struct {
		Value []struct {
			TokenID          string
			Caller           string
			TargetWorkspaces []string
		}
	}
	s.Do("GET", "/v1.0/myorg/embedTokens?$top=10", nil).Want(http.StatusOK).JSON(&audit)
	if len(audit.Value) != 2 || audit.Value[0].Caller != "admin" {
		t.Fatalf("audit log = %+v, want the two tokens of admin", audit.Value)
	}
	var rec struct {
		TokenID string
		Revoked bool
	}
	s.Do("GET", "/v1.0/myorg/embedTokens/"+tok.TokenID, nil).Want(http.StatusOK).JSON(&rec)
	if rec.TokenID != tok.TokenID || rec.Revoked {
		t.Errorf("record %+v", rec)
	}
	s.Do("POST", "/v1.0/myorg/embedTokens/"+tok.TokenID+"/Revoke", nil).Want(http.StatusOK).JSON(&rec)
	if !rec.Revoked {
		t.Errorf("after Revoke: %+v", rec)
	}
	s.Do("POST", "/v1.0/myorg/embedTokens/"+tok.TokenID+"/Revoke", nil).Want(http.StatusOK) // idempotent
	s.Do("GET", "/v1.0/myorg/embedTokens/00000000-0000-0000-0000-0000000000aa", nil).Want(http.StatusNotFound)
	s.Do("GET", "/v1.0/myorg/embedTokens?$top=0", nil).Want(http.StatusBadRequest)

	// A Viewer may not mint tokens nor see the admin's; its own list is empty.
	s.DoAs(viewerToken, "POST", "/v1.0/myorg/GenerateToken", map[string]any{
		"reports": []any{map[string]any{"id": reportID}}, "datasets": []any{map[string]any{"id": datasetID}},
	}).Want(http.StatusForbidden)
	s.DoAs(viewerToken, "GET", "/v1.0/myorg/embedTokens/"+tok.TokenID, nil).Want(http.StatusForbidden)
	s.DoAs(viewerToken, "GET", "/v1.0/myorg/embedTokens?caller=admin", nil).Want(http.StatusForbidden)
	var own struct{ Value []any }
	s.DoAs(viewerToken, "GET", "/v1.0/myorg/embedTokens", nil).Want(http.StatusOK).JSON(&own)
	if len(own.Value) != 0 {
		t.Errorf("vic sees %d tokens, want none", len(own.Value))
	}
	var caps struct {
		Value []struct{ CapacityUserAccessRight string }
	}
	s.DoAs(viewerToken, "GET", "/v1.0/myorg/capacities", nil).Want(http.StatusOK).JSON(&caps)
	if len(caps.Value) != 1 || caps.Value[0].CapacityUserAccessRight != "None" {
		t.Errorf("vic's capacities: %+v, want one with None", caps.Value)
	}

	// Request errors: unknown item (target names it), an identity for a dataset without RLS, no capacity.
	missing := "00000000-0000-0000-0000-0000000000bb"
	if e := s.Do("POST", "/v1.0/myorg/GenerateToken", map[string]any{
		"reports": []any{map[string]any{"id": reportID}}, "datasets": []any{map[string]any{"id": missing}},
	}).Want(http.StatusNotFound).Err(); e.Code != "PowerBIEntityNotFound" || e.Target != "datasets[0].id" {
		t.Errorf("unknown dataset: %+v", e)
	}
	if e := s.Do("POST", "/v1.0/myorg/GenerateToken", map[string]any{
		"datasets":   []any{map[string]any{"id": datasetID}},
		"identities": []any{map[string]any{"username": "ann", "datasets": []any{datasetID}}},
	}).Want(http.StatusBadRequest).Err(); !strings.Contains(e.Message, "shouldn't have effective identity") {
		t.Errorf("identity on a dataset without RLS: %+v", e)
	}
	var bare struct{ ID string }
	s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "No capacity"}).Want(http.StatusOK).JSON(&bare)
	if e := s.Do("POST", "/v1.0/myorg/GenerateToken", map[string]any{
		"targetWorkspaces": []any{map[string]any{"id": bare.ID}},
	}).Want(http.StatusForbidden).Err(); e.Code != "WorkspaceNotOnCapacity" {
		t.Errorf("workspace on no capacity: %+v", e)
	}
}

// grantExchanges gives, lists, changes and removes item permissions on dataset d.
func grantExchanges(t *testing.T, s *Server, d string) {
	t.Helper()
	s.DoAs(viewerToken, "GET", d+"/users", nil).Want(http.StatusForbidden) // a Viewer lacks Reshare
	s.Do("POST", d+"/users", map[string]any{"identifier": "ann@contoso.com", "principalType": "User",
		"datasetUserAccessRight": "ReadExplore"}).Want(http.StatusOK)
	s.Do("PUT", d+"/users", map[string]any{"identifier": "vic", "datasetUserAccessRight": "ReadReshare"}).Want(http.StatusOK)
	var users struct {
		Value []struct{ Identifier, PrincipalType, DatasetUserAccessRight string }
	}
	s.DoAs(viewerToken, "GET", d+"/users", nil).Want(http.StatusOK).JSON(&users) // Reshare now
	got := map[string]string{}
	for _, u := range users.Value {
		got[u.Identifier] = u.PrincipalType + " " + u.DatasetUserAccessRight
	}
	if got["ann@contoso.com"] != "User ReadExplore" || got["vic"] != "User ReadReshare" || len(got) != 2 {
		t.Errorf("grants = %v", got)
	}
	// vic has Reshare but not Build, so it may not grant Build.
	s.DoAs(viewerToken, "PUT", d+"/users", map[string]any{"identifier": "bob", "datasetUserAccessRight": "ReadExplore"}).
		Want(http.StatusForbidden)
	if e := s.Do("PUT", d+"/users", map[string]any{"identifier": "ann@contoso.com", "datasetUserAccessRight": "ReadWrite"}).
		Want(http.StatusBadRequest).Err(); e.Target != "datasetUserAccessRight" {
		t.Errorf("ReadWrite: target %q", e.Target)
	}
	s.Do("DELETE", d+"/users/ann@contoso.com", nil).Want(http.StatusOK)
	s.Do("DELETE", d+"/users/ann@contoso.com", nil).Want(http.StatusNotFound)
	s.Do("DELETE", d+"/users/vic", nil).Want(http.StatusOK)
	s.Do("GET", d+"/users", nil).Want(http.StatusOK).JSON(&users)
	if len(users.Value) != 0 {
		t.Errorf("after deletes: %+v", users.Value)
	}
}

// principalExchanges manages a user and an app of Bindery's issuer, as the administrator.
func principalExchanges(t *testing.T, s *Server) {
	t.Helper()
	const admin = "/v1.0/myorg/admin"
	s.Do("POST", admin+"/users", map[string]any{"username": "ann@contoso.com", "displayName": "Ann",
		"password": "correct-horse-battery"}).Want(http.StatusCreated)
	s.Do("POST", admin+"/users", map[string]any{"username": "ann@contoso.com", "password": "another-password"}).
		Want(http.StatusConflict)
	var users struct{ Value []struct{ Username string } }
	s.Do("GET", admin+"/users", nil).Want(http.StatusOK).JSON(&users)
	if !slices.ContainsFunc(users.Value, func(u struct{ Username string }) bool { return u.Username == "ann@contoso.com" }) {
		t.Errorf("users = %+v, want ann@contoso.com among them", users.Value)
	}
	var app, rotated struct{ ClientID, ClientSecret string }
	created := s.Do("POST", admin+"/apps", map[string]any{"displayName": "Portal"}).Want(http.StatusCreated)
	created.JSON(&app)
	if app.ClientID == "" || app.ClientSecret == "" || created.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("new app %+v, Cache-Control %q", app, created.Header.Get("Cache-Control"))
	}
	s.Do("POST", admin+"/apps/"+app.ClientID+"/secret", nil).Want(http.StatusOK).JSON(&rotated)
	if rotated.ClientSecret == "" || rotated.ClientSecret == app.ClientSecret {
		t.Errorf("rotated secret %q (was %q)", rotated.ClientSecret, app.ClientSecret)
	}
	if l := s.Do("GET", admin+"/apps", nil).Want(http.StatusOK); strings.Contains(string(l.Body), "clientSecret") {
		t.Errorf("the app list shows secrets: %s", l.Body)
	}
	s.DoAs(viewerToken, "GET", admin+"/users", nil).Want(http.StatusForbidden)
	s.Do("DELETE", admin+"/apps/"+app.ClientID, nil).Want(http.StatusOK)
	s.Do("DELETE", admin+"/apps/"+app.ClientID, nil).Want(http.StatusNotFound)
	s.Do("DELETE", admin+"/users/ann@contoso.com", nil).Want(http.StatusOK)
}

// recorder is a testing.TB that keeps what checkExchange reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// TestCheckExchangeCatchesDrift shows the validator fails what it should and passes the rest.
func TestCheckExchangeCatchesDrift(t *testing.T) {
	const id = "5b218778-e7a5-4d73-8187-f10824047715"
	json := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	cases := []struct {
		name, method, path, body string
		status                   int
		respBody                 string
		want                     string // "" means no error; otherwise a substring of the error
	}{
		{"good list", "GET", "/v1.0/myorg/groups", "", 200, `{"value":[]}`, ""},
		{"list without value", "GET", "/v1.0/myorg/groups", "", 200, `{"values":[]}`, "value"},
		{"group missing required field", "GET", "/v1.0/myorg/groups/" + id, "", 200,
			`{"id":"` + id + `","name":"x","isReadOnly":false}`, "isOnDedicatedCapacity"},
		{"undocumented status", "GET", "/v1.0/myorg/groups/" + id, "", 418, `{"error":{"code":"x","message":"y"}}`, "418"},
		{"error without code", "GET", "/v1.0/myorg/groups/" + id, "", 404, `{"error":{"message":"y"}}`, "code"},
		{"bad request body answered 201", "POST", "/v1.0/myorg/groups", `{"description":"no name"}`, 201,
			`{"id":"` + id + `","name":"x","isReadOnly":false,"isOnDedicatedCapacity":false}`, "name"},
		{"broken request body answered 400", "POST", "/v1.0/myorg/groups", `{"name":`, 400,
			`{"error":{"code":"InvalidRequest","message":"invalid JSON","target":"body"}}`, ""},
		{"unknown route", "GET", "/v1.0/myorg/nothing", "", 404, `{"error":{"code":"NoRoute","message":"no"}}`, ""},
		{"2xx on an undocumented method", "PUT", "/v1.0/myorg/capacities", "", 200, `{}`, "no PUT operation"},
		{"unknown data type accepted", "POST", "/v1.0/myorg/groups/" + id + "/datasets",
			`{"name":"d","tables":[{"name":"t","columns":[{"name":"c","dataType":"Money"}]}]}`, 201, `{}`, "dataType"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body *strings.Reader
			req, err := http.NewRequest(c.method, "http://127.0.0.1:1"+c.path, nil)
			if c.body != "" {
				body = strings.NewReader(c.body)
				req, err = http.NewRequest(c.method, "http://127.0.0.1:1"+c.path, body)
				req.Header.Set("Content-Type", "application/json")
			}
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{TB: t}
			checkExchange(rec, req, &Response{Status: c.status, Header: json, Body: []byte(c.respBody)})
			got := strings.Join(rec.errs, "\n")
			switch {
			case c.want == "" && got != "":
				t.Errorf("unexpected report:\n%s", got)
			case c.want != "" && !strings.Contains(got, c.want):
				t.Errorf("want a report mentioning %q, got %q", c.want, got)
			}
		})
	}
}
