package embed_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/demo"
	"github.com/bindery-dev/bindery/internal/testkit"
)

// env is a demo server with a report and several retailer datasets.
type env struct {
	s    *testkit.Server
	info *demo.Info
	ds   map[string]demo.DatasetInfo // by name
}

var users = map[string]*auth.Principal{
	"tok-manager": {Kind: auth.KindUser, Identifier: demo.ManagerUser},
	"tok-analyst": {Kind: auth.KindUser, Identifier: demo.AnalystUser},
	"tok-nobody":  {Kind: auth.KindUser, Identifier: "nobody@example.com"},
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := testkit.Start(t, testkit.Options{Principals: users})
	info, err := demo.Seed(context.Background(), s.Srv.Catalog, demo.Options{DataDir: s.Dir, PublicURL: s.URL, AdminKey: s.Key,
		Scale: 0.01, Principals: s.Srv.Principals, TokenURL: s.Srv.Issuer.TokenURL()})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{s: s, info: info, ds: map[string]demo.DatasetInfo{}}
	for _, d := range info.Datasets {
		e.ds[d.Name] = d
	}
	return e
}

// token mints an embed token as the demo app would (admin key stands in for its credentials here).
func (e *env) token(t *testing.T, reports []string, datasets []string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{}
	var rs, ds []any
	for _, r := range reports {
		rs = append(rs, map[string]any{"id": r})
	}
	for _, d := range datasets {
		ds = append(ds, map[string]any{"id": d})
	}
	body["reports"], body["datasets"] = rs, ds
	for k, v := range extra {
		body[k] = v
	}
	return e.s.Do("POST", "/v1.0/myorg/GenerateToken", body).Want(200).Map()["token"].(string)
}

type reply struct {
	status int
	body   []byte
	header http.Header
}

func (e *env) post(t *testing.T, path, authz string, body any) reply {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.s.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return reply{resp.StatusCode, b.Bytes(), resp.Header}
}

func (r reply) code(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Code    string
			Message string
			Details []struct{ Code, Target string }
		}
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("not an error body: %s", r.body)
	}
	return e.Error.Code
}

type result struct {
	Visual  string
	Columns []struct{ Name, Field string }
	Rows    [][]any
	Error   *struct{ Code, Message string }
}

// query runs a page and returns its visuals' results by name.
func (e *env) query(t *testing.T, authz string, body map[string]any) map[string]result {
	t.Helper()
	r := e.post(t, "/embed/v1/query", authz, body)
	if r.status != 200 {
		t.Fatalf("query: %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Fatalf("content type %q", ct)
	}
	out := map[string]result{}
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var res result
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out[res.Visual] = res
	}
	return out
}

// direct runs SQL on a dataset's DuckDB file, bypassing Bindery's query path.
func (e *env) direct(t *testing.T, datasetID, q string, args ...any) [][]any {
	t.Helper()
	var rows [][]any
	err := e.s.Srv.Engine().Read(context.Background(), datasetID, func(ctx context.Context, db *sql.DB) error {
		rs, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				return err
			}
			rows = append(rows, vals)
		}
		return rs.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	}
	panic(fmt.Sprintf("not a number: %T %v", v, v))
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestDynamicBindingShowsEachDatasetsNumbers(t *testing.T) {
	e := newEnv(t)
	a, b := e.ds["Contoso Electronics"].ID, e.ds["Fabrikam Fashion"].ID
	tok := "EmbedToken " + e.token(t, []string{e.info.Report.ID}, []string{a, b}, nil)
	totals := map[string]float64{}
	for _, ds := range []string{a, b} {
		ld := e.post(t, "/embed/v1/load", tok, map[string]any{"reportId": e.info.Report.ID, "groupId": e.info.Workspaces.SalesReports, "datasetId": ds})
		if ld.status != 200 || !strings.Contains(string(ld.body), `"datasetId":"`+ds+`"`) {
			t.Fatalf("load bound to %s: %d %s", ds, ld.status, ld.body)
		}
		res := e.query(t, tok, map[string]any{"reportId": e.info.Report.ID, "datasetId": ds, "page": "overview"})
		if len(res) != 8 {
			t.Fatalf("overview answered %d visuals, want 8", len(res))
		}
		for name, r := range res {
			if r.Error != nil {
				t.Fatalf("%s: %+v", name, r.Error)
			}
		}
		got := num(res["totalSales"].Rows[0][0])
		want := num(e.direct(t, ds, `SELECT SUM("Amount") FROM "Sales"`)[0][0])
		if !near(got, want) {
			t.Fatalf("dataset %s: total sales %v, direct query says %v", ds, got, want)
		}
		totals[ds] = got
		// By category: each bar equals the direct group-by.
		direct := map[string]float64{}
		for _, row := range e.direct(t, ds, `SELECT p."Category", SUM(s."Amount") FROM "Sales" s JOIN "Product" p USING ("ProductId") GROUP BY 1`) {
			direct[row[0].(string)] = num(row[1])
		}
		for _, row := range res["byCategory"].Rows {
			if !near(num(row[1]), direct[row[0].(string)]) {
				t.Fatalf("%s by category %v: %v, direct %v", ds, row[0], row[1], direct[row[0].(string)])
			}
		}
	}
	if totals[a] == totals[b] {
		t.Fatal("two datasets gave the same numbers")
	}
	// Without a binding, the report's own dataset.
	res := e.query(t, tok, map[string]any{"reportId": e.info.Report.ID, "page": "overview", "visuals": []any{map[string]any{"name": "totalSales"}}})
	if len(res) != 1 || !near(num(res["totalSales"].Rows[0][0]), totals[e.info.Report.DatasetID]) {
		t.Fatalf("unbound query = %+v", res)
	}
}

func TestBindingAttacksAreRefused(t *testing.T) {
	e := newEnv(t)
	rep := e.info.Report.ID
	a, b := e.ds["Contoso Electronics"].ID, e.ds["Fabrikam Fashion"].ID
	tokA := "EmbedToken " + e.token(t, []string{rep}, []string{a}, nil)
	other := e.s.Do("POST", "/v1.0/myorg/groups/"+e.info.Workspaces.SalesReports+"/reports/"+rep+"/Clone", map[string]any{"name": "B"}).Want(200).Map()["id"].(string)
	forged := strings.Split(strings.TrimPrefix(tokA, "EmbedToken "), ".")
	cases := []struct {
		name   string
		authz  string
		body   map[string]any
		status int
		code   string
	}{
		{"no token", "", map[string]any{"reportId": rep}, 401, "TokenRequired"},
		{"garbage token", "EmbedToken abc.def.ghi", map[string]any{"reportId": rep}, 401, "InvalidToken"},
		{"tampered signature", "EmbedToken " + forged[0] + "." + forged[1] + ".AAAA" + forged[2][4:], map[string]any{"reportId": rep}, 401, "InvalidToken"},
		{"alg none", "EmbedToken " + b64(`{"alg":"none","typ":"embed+jwt"}`) + "." + forged[1] + ".", map[string]any{"reportId": rep}, 401, "InvalidToken"},
		{"embed token as bearer", "Bearer " + strings.TrimPrefix(tokA, "EmbedToken "), map[string]any{"reportId": rep}, 401, "InvalidToken"},
		{"unknown scheme", "Basic Zm9vOmJhcg==", map[string]any{"reportId": rep}, 401, "InvalidToken"},
		{"report not in token", tokA, map[string]any{"reportId": other}, 403, "ReportNotInToken"},
		{"dataset not in token", tokA, map[string]any{"reportId": rep, "datasetId": b}, 403, "DatasetNotInToken"},
		{"report's own dataset not in token", "EmbedToken " + e.token(t, []string{rep}, []string{b}, nil), map[string]any{"reportId": rep}, 403, "DatasetNotInToken"},
		{"wrong workspace", tokA, map[string]any{"reportId": rep, "groupId": e.info.Workspaces.Retailers, "datasetId": a}, 404, "PowerBIEntityNotFound"},
		{"missing report id", tokA, map[string]any{}, 400, "InvalidRequest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{"/embed/v1/load", "/embed/v1/query", "/embed/v1/export"} {
				body := map[string]any{"page": "overview", "visual": "totalSales"}
				for k, v := range c.body {
					body[k] = v
				}
				r := e.post(t, path, c.authz, body)
				if r.status != c.status || r.code(t) != c.code {
					t.Fatalf("%s: %d %s, want %d %s", path, r.status, r.body, c.status, c.code)
				}
			}
		})
	}
}

func b64(s string) string {
	return strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(base64Std(s)), "=")
}

func TestRevokedAndSuspended(t *testing.T) {
	e := newEnv(t)
	rep, a := e.info.Report.ID, e.ds["Contoso Electronics"].ID
	res := e.s.Do("POST", "/v1.0/myorg/GenerateToken", map[string]any{"reports": []any{map[string]any{"id": rep}}, "datasets": []any{map[string]any{"id": a}}}).Want(200).Map()
	tok := "EmbedToken " + res["token"].(string)
	if r := e.post(t, "/embed/v1/load", tok, map[string]any{"reportId": rep}); r.status != 200 {
		t.Fatalf("load: %d %s", r.status, r.body)
	}
	e.s.Do("POST", "/v1.0/myorg/capacities/"+e.info.CapacityID+"/suspend", nil).Want(200)
	if r := e.post(t, "/embed/v1/query", tok, map[string]any{"reportId": rep}); r.status != 403 || r.code(t) != "CapacityNotActive" {
		t.Fatalf("suspended capacity: %d %s", r.status, r.body)
	}
	e.s.Do("POST", "/v1.0/myorg/capacities/"+e.info.CapacityID+"/resume", nil).Want(200)
	e.s.Do("POST", "/v1.0/myorg/embedTokens/"+res["tokenId"].(string)+"/Revoke", nil).Want(200)
	if r := e.post(t, "/embed/v1/load", tok, map[string]any{"reportId": rep}); r.status != 403 || r.code(t) != "TokenRevoked" {
		t.Fatalf("revoked token: %d %s", r.status, r.body)
	}
}

func TestIncompatibleDatasetNamesTheMissingFields(t *testing.T) {
	e := newEnv(t)
	rep, legacy := e.info.Report.ID, e.ds["Legacy Retail (old schema)"].ID
	tok := "EmbedToken " + e.token(t, []string{rep}, []string{legacy}, nil)
	r := e.post(t, "/embed/v1/load", tok, map[string]any{"reportId": rep, "datasetId": legacy})
	if r.status != 400 || r.code(t) != "IncompatibleDataset" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for _, f := range []string{"Product[Category]", "[Margin %]"} {
		if !bytes.Contains(r.body, []byte(f)) {
			t.Errorf("the error does not name %s: %s", f, r.body)
		}
	}
}

func TestRLSIdentityComesFromTheTokenOnly(t *testing.T) {
	e := newEnv(t)
	rep, nw := e.info.Report.ID, e.ds["Northwind Grocers"].ID
	ident := func(user string) map[string]any {
		return map[string]any{"identities": []any{map[string]any{"username": user, "roles": []string{"Regional Manager"}, "datasets": []string{nw}}}}
	}
	regions := func(tok string, extra map[string]any) []string {
		body := map[string]any{"reportId": rep, "datasetId": nw, "page": "overview", "visuals": []any{map[string]any{"name": "region"}}}
		for k, v := range extra {
			body[k] = v
		}
		var out []string
		for _, row := range e.query(t, tok, body)["region"].Rows {
			out = append(out, row[0].(string))
		}
		sort.Strings(out)
		return out
	}
	west := "EmbedToken " + e.token(t, []string{rep}, []string{nw}, ident("west.manager@northwind.example"))
	east := "EmbedToken " + e.token(t, []string{rep}, []string{nw}, ident("east.manager@northwind.example"))
	if got := regions(west, nil); len(got) != 1 || got[0] != "West" {
		t.Fatalf("west manager sees %v", got)
	}
	if got := regions(east, nil); len(got) != 1 || got[0] != "East" {
		t.Fatalf("east manager sees %v", got)
	}
	// A client cannot replace or drop the identity: the request has no say in it.
	if got := regions(west, map[string]any{"identity": map[string]any{"username": "east.manager@northwind.example"}, "identities": nil}); len(got) != 1 || got[0] != "West" {
		t.Fatalf("request body changed the identity: %v", got)
	}
	all := e.direct(t, nw, `SELECT SUM("Amount") FROM "Sales"`)[0][0]
	westTotal := e.direct(t, nw, `SELECT SUM(s."Amount") FROM "Sales" s JOIN "Store" st USING ("StoreId") WHERE st."Region" = 'West'`)[0][0]
	res := e.query(t, west, map[string]any{"reportId": rep, "datasetId": nw, "page": "overview", "visuals": []any{map[string]any{"name": "totalSales"}}})
	if got := num(res["totalSales"].Rows[0][0]); !near(got, num(westTotal)) || near(got, num(all)) {
		t.Fatalf("west total %v, want %v (all rows: %v)", got, westTotal, all)
	}
}

func TestUserTokensNeedReadOnReportAndDataset(t *testing.T) {
	e := newEnv(t)
	rep := e.info.Report.ID
	tailspin, nw, contoso := e.ds["Tailspin Toys"].ID, e.ds["Northwind Grocers"].ID, e.ds["Contoso Electronics"].ID
	if r := e.post(t, "/embed/v1/load", "Bearer tok-analyst", map[string]any{"reportId": rep, "datasetId": tailspin}); r.status != 200 {
		t.Fatalf("analyst on its dataset: %d %s", r.status, r.body)
	}
	if r := e.post(t, "/embed/v1/load", "Bearer tok-analyst", map[string]any{"reportId": rep, "datasetId": contoso}); r.status != 403 || r.code(t) != "InsufficientPermissions" {
		t.Fatalf("analyst on another dataset: %d %s", r.status, r.body)
	}
	if r := e.post(t, "/embed/v1/load", "Bearer tok-nobody", map[string]any{"reportId": rep, "datasetId": tailspin}); r.status != 403 {
		t.Fatalf("a user without Read on the report: %d %s", r.status, r.body)
	}
	// The regional manager reads Northwind under its role: West only.
	res := e.query(t, "Bearer tok-manager", map[string]any{"reportId": rep, "datasetId": nw, "page": "overview", "visuals": []any{map[string]any{"name": "region"}}})
	if rows := res["region"].Rows; len(rows) != 1 || rows[0][0] != "West" {
		t.Fatalf("manager sees %+v", res["region"])
	}
}

func TestFiltersAndExport(t *testing.T) {
	e := newEnv(t)
	rep, a := e.info.Report.ID, e.ds["Contoso Electronics"].ID
	tok := "EmbedToken " + e.token(t, []string{rep}, []string{a}, nil)
	west := json.RawMessage(`{"$schema":"http://powerbi.com/product/schema#basic","filterType":1,"target":{"table":"Store","column":"Region"},"operator":"In","values":["West"]}`)
	res := e.query(t, tok, map[string]any{"reportId": rep, "page": "overview", "filters": map[string]any{"report": []any{west}},
		"visuals": []any{map[string]any{"name": "totalSales"}, map[string]any{"name": "byRegion"}}})
	want := e.direct(t, a, `SELECT SUM(s."Amount") FROM "Sales" s JOIN "Store" st USING ("StoreId") WHERE st."Region" = 'West'`)[0][0]
	if got := num(res["totalSales"].Rows[0][0]); !near(got, num(want)) {
		t.Fatalf("filtered total %v, want %v", got, want)
	}
	if rows := res["byRegion"].Rows; len(rows) != 1 || rows[0][0] != "West" {
		t.Fatalf("byRegion under the filter: %v", rows)
	}
	bad := e.query(t, tok, map[string]any{"reportId": rep, "page": "overview", "filters": map[string]any{"report": []any{json.RawMessage(`{"filterType":1,"target":{"table":"Nope","column":"X"},"operator":"In","values":[1]}`)}},
		"visuals": []any{map[string]any{"name": "totalSales"}}})
	if bad["totalSales"].Error == nil || bad["totalSales"].Error.Code != "InvalidRequest" {
		t.Fatalf("a bad filter: %+v", bad["totalSales"])
	}

	csv := e.post(t, "/embed/v1/export", tok, map[string]any{"reportId": rep, "page": "overview", "visual": "byRegion"})
	if csv.status != 200 || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", csv.status, csv.body)
	}
	lines := strings.Split(strings.TrimSpace(string(csv.body)), "\n")
	if lines[0] != "Region,Total Sales" || len(lines) != 6 {
		t.Fatalf("csv = %q", lines)
	}
	if r := e.post(t, "/embed/v1/export", tok, map[string]any{"reportId": rep, "page": "overview", "visual": "byRegion", "dataType": "Underlying"}); r.status != 403 {
		t.Fatalf("underlying without edit rights: %d %s", r.status, r.body)
	}
	edit := "EmbedToken " + e.token(t, nil, []string{a}, map[string]any{"reports": []any{map[string]any{"id": rep, "allowEdit": true}}})
	u := e.post(t, "/embed/v1/export", edit, map[string]any{"reportId": rep, "page": "overview", "visual": "byRegion", "dataType": "Underlying", "rows": 5})
	if u.status != 200 {
		t.Fatalf("underlying: %d %s", u.status, u.body)
	}
	if ls := strings.Split(strings.TrimSpace(string(u.body)), "\n"); len(ls) != 6 || !strings.Contains(ls[0], "Amount") {
		t.Fatalf("underlying csv = %q", ls)
	}
}

func TestEmbedPageHeaders(t *testing.T) {
	s := testkit.Start(t, testkit.Options{Configure: func(c *configT) { c.FrameAncestors = []string{"https://app.example.com"} }})
	resp, err := http.Get(s.URL + "/reportEmbed?reportId=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&groupId=x")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors https://app.example.com") || !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("CSP = %q", csp)
	}
	if strings.Contains(b.String(), "<script>alert") || !strings.Contains(b.String(), `src="/embed/assets/embed.js"`) {
		t.Fatalf("page = %s", b.String())
	}
	_ = time.Now
}

func TestExplainShowsTheSQLUnderAnIdentity(t *testing.T) {
	e := newEnv(t)
	path := "/v1.0/myorg/groups/" + e.info.Workspaces.SalesReports + "/reports/" + e.info.Report.ID + "/Explain"
	nw := e.ds["Northwind Grocers"].ID
	body := map[string]any{"datasetId": nw, "page": "overview", "visual": "byRegion",
		"identity": map[string]any{"username": "west.manager@northwind.example", "roles": []string{"Regional Manager"}}}
	ex := e.s.Do("POST", path, body).Want(200).Map()
	sqlText, _ := ex["sql"].(string)
	if !strings.Contains(sqlText, "SELECT") || !strings.Contains(sqlText, `"Region"`) || strings.Contains(sqlText, "west.manager") {
		t.Fatalf("sql = %s (values must be parameters)", sqlText)
	}
	args, _ := json.Marshal(ex["args"])
	if !strings.Contains(string(args), "west.manager@northwind.example") {
		t.Fatalf("args = %s: the RLS username should be a bound parameter", args)
	}
	delete(body, "identity")
	if e := e.s.Do("POST", path, body).Want(400).Err(); e.Target != "identity" {
		t.Fatalf("explain without identity on an RLS dataset: %+v", e)
	}
	e.s.DoAs("tok-analyst", "POST", path, body).Want(403)
}
