package api_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/testkit"
)

const rlsDataset = `{"name":"Regional","tables":[
  {"name":"Sales","columns":[{"name":"ProductID","dataType":"Int64"},{"name":"Amount","dataType":"Double"},{"name":"Region","dataType":"String"}],
   "measures":[{"name":"Total Sales","expression":"SUM(Sales[Amount])"}]},
  {"name":"Product","columns":[{"name":"ProductID","dataType":"Int64"},{"name":"Category","dataType":"String"},{"name":"IsCompete","dataType":"Boolean"}]}],
 "relationships":[{"fromTable":"Sales","fromColumn":"ProductID","toTable":"Product","toColumn":"ProductID"}],
 "roles":[{"name":"Region","tablePermissions":[{"name":"Sales","filterExpression":"[Region] = USERNAME()"}]}]}`

// tenancy is the "embed for your customers" layout: reports in one workspace,
// one dataset per tenant in another, an app that is Member of both.
type tenancy struct {
	s                             *testkit.Server
	capacity, reports, tenants    string
	report, dsA, dsB, dsRLS, dsNo string
}

const appToken = "tok-app"

func newTenancy(t *testing.T, extra map[string]*auth.Principal) *tenancy {
	t.Helper()
	ps := map[string]*auth.Principal{}
	for k, v := range roleTokens {
		ps[k] = v
	}
	for k, v := range extra {
		ps[k] = v
	}
	s := testkit.Start(t, testkit.Options{Principals: ps})
	tn := &tenancy{s: s}
	tn.capacity = s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "C", "sku": "A1"}).Want(201).Map()["id"].(string)
	tn.reports = s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Reports"}).Want(200).Map()["id"].(string)
	tn.tenants = s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Tenants"}).Want(200).Map()["id"].(string)
	for _, ws := range []string{tn.reports, tn.tenants} {
		s.Do("POST", "/v1.0/myorg/groups/"+ws+"/AssignToCapacity", map[string]any{"capacityId": tn.capacity}).Want(200)
		s.Do("POST", "/v1.0/myorg/groups/"+ws+"/users", map[string]any{"identifier": roleTokens[appToken].Identifier, "principalType": "App", "groupUserAccessRight": "Member"}).Want(200)
	}
	tn.dsA = s.Do("POST", "/v1.0/myorg/groups/"+tn.tenants+"/datasets", pushDataset).Want(201).Map()["id"].(string)
	tn.dsB = s.Do("POST", "/v1.0/myorg/groups/"+tn.tenants+"/datasets", pushDataset).Want(201).Map()["id"].(string)
	tn.dsRLS = s.Do("POST", "/v1.0/myorg/groups/"+tn.tenants+"/datasets", rlsDataset).Want(201).Map()["id"].(string)
	noCap := s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "No capacity"}).Want(200).Map()["id"].(string)
	s.Do("POST", "/v1.0/myorg/groups/"+noCap+"/users", map[string]any{"identifier": roleTokens[appToken].Identifier, "principalType": "App", "groupUserAccessRight": "Member"}).Want(200)
	tn.dsNo = s.Do("POST", "/v1.0/myorg/groups/"+noCap+"/datasets", pushDataset).Want(201).Map()["id"].(string)
	tn.report = s.Do("POST", "/v1.0/myorg/groups/"+tn.reports+"/reports", report(tn.dsA)).Want(201).Map()["id"].(string)
	return tn
}

func items(reports []string, datasets []string) map[string]any {
	rs, ds := []any{}, []any{}
	for _, r := range reports {
		rs = append(rs, map[string]any{"id": r})
	}
	for _, d := range datasets {
		ds = append(ds, map[string]any{"id": d})
	}
	return map[string]any{"reports": rs, "datasets": ds}
}

func TestGenerateTokenForSeveralItems(t *testing.T) {
	tn := newTenancy(t, nil)
	s := tn.s
	before := time.Now()
	res := s.DoAs(appToken, "POST", "/v1.0/myorg/GenerateToken", items([]string{tn.report}, []string{tn.dsA, tn.dsB})).Want(200).Map()
	tok, id, exp := res["token"].(string), res["tokenId"].(string), res["expiration"].(string)
	if tok == "" || len(id) != 36 {
		t.Fatalf("response = %v", res)
	}
	e, err := time.Parse(time.RFC3339, exp)
	if err != nil || e.Before(before.Add(59*time.Minute)) || e.After(time.Now().Add(61*time.Minute)) {
		t.Fatalf("expiration %s: want about an hour (the default cap)", exp)
	}
	c, err := s.Srv.Tokens.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.TokenID != id || c.Caller != roleTokens[appToken].Identifier || len(c.Reports) != 1 || len(c.Datasets) != 2 {
		t.Fatalf("claims = %+v", c)
	}

	// lifetimeInMinutes shortens; a caller's own token expiry caps too.
	res = s.DoAs(appToken, "POST", "/v1.0/myorg/GenerateToken", merge(items([]string{tn.report}, []string{tn.dsA}), "lifetimeInMinutes", 10)).Want(200).Map()
	if e, _ := time.Parse(time.RFC3339, res["expiration"].(string)); e.After(time.Now().Add(10*time.Minute + time.Second)) {
		t.Fatalf("lifetimeInMinutes ignored: %v", res["expiration"])
	}

	// The audit log has the record; the app sees its own, the admin every caller's.
	var l struct{ Value []map[string]any }
	s.DoAs(appToken, "GET", "/v1.0/myorg/embedTokens", nil).Want(200).JSON(&l)
	found := false
	for _, r := range l.Value {
		found = found || (r["tokenId"] == id && r["caller"] == roleTokens[appToken].Identifier && len(r["datasets"].([]any)) == 2)
	}
	if len(l.Value) != 2 || !found {
		t.Fatalf("audit = %v", l.Value)
	}
	if strings.Contains(string(s.DoAs(appToken, "GET", "/v1.0/myorg/embedTokens", nil).Body), tok) {
		t.Fatal("the audit log holds the token itself")
	}
	s.DoAs("tok-viewer", "GET", "/v1.0/myorg/embedTokens/"+id, nil).Want(403)
	s.DoAs("tok-viewer", "POST", "/v1.0/myorg/embedTokens/"+id+"/Revoke", nil).Want(403)
	rec := s.DoAs(appToken, "POST", "/v1.0/myorg/embedTokens/"+id+"/Revoke", nil).Want(200).Map()
	if rec["revoked"] != true {
		t.Fatalf("after revoke: %v", rec)
	}
	if _, err := s.Srv.Tokens.Verify(tok); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("revoked token verifies: %v", err)
	}
	s.Do("GET", "/v1.0/myorg/embedTokens?caller="+roleTokens[appToken].Identifier, nil).Want(200).JSON(&l)
	if len(l.Value) != 2 {
		t.Fatalf("admin view = %d records", len(l.Value))
	}
}

func TestGenerateTokenCallerExpiryCaps(t *testing.T) {
	soon := time.Now().Add(5 * time.Minute)
	tn := newTenancy(t, map[string]*auth.Principal{"tok-shortlived": {Kind: auth.KindApp, Identifier: roleTokens[appToken].Identifier, Expiry: soon}})
	res := tn.s.DoAs("tok-shortlived", "POST", "/v1.0/myorg/GenerateToken", items([]string{tn.report}, []string{tn.dsA})).Want(200).Map()
	if e, _ := time.Parse(time.RFC3339, res["expiration"].(string)); e.After(soon) {
		t.Fatalf("embed token outlives the caller's token: %v > %v", e, soon)
	}
}

func merge(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

func TestGenerateTokenRulesInOrder(t *testing.T) {
	tn := newTenancy(t, nil)
	s := tn.s
	unknown := "0d9b93c6-1111-2222-3333-444455556666"
	many := make([]string, 51)
	for i := range many {
		many[i] = unknown
	}
	ident := func(username string, roles []string, datasets ...string) map[string]any {
		return map[string]any{"username": username, "roles": roles, "datasets": datasets}
	}
	cases := []struct {
		name   string
		tok    string
		body   map[string]any
		status int
		code   string
		msg    string
	}{
		{"too many reports before existence", appToken, items(many, nil), 400, "InvalidRequest", "50"},
		{"not a guid", appToken, items([]string{"nope"}, nil), 400, "InvalidRequest", ""},
		{"unknown report before permissions", "tok-outsider", items([]string{unknown}, nil), 404, "PowerBIEntityNotFound", "reports[0].id"},
		{"unknown dataset", appToken, items([]string{tn.report}, []string{unknown}), 404, "PowerBIEntityNotFound", "datasets[0].id"},
		{"not a member before capacity", "tok-outsider", items([]string{tn.report}, []string{tn.dsNo}), 403, "InsufficientPermissions", ""},
		{"viewer is not enough", "tok-viewer", items([]string{tn.report}, []string{tn.dsA}), 403, "InsufficientPermissions", "Member"},
		{"workspace not on a capacity", appToken, items([]string{tn.report}, []string{tn.dsNo}), 403, "WorkspaceNotOnCapacity", "No capacity"},
		{"rls needs an identity", appToken, items([]string{tn.report}, []string{tn.dsRLS}), 400, "InvalidRequest", "requires effective identity to be provided"},
		{"no identity without rls", appToken, merge(items([]string{tn.report}, []string{tn.dsA}), "identities", []any{ident("ann", nil, tn.dsA)}), 400, "InvalidRequest", "shouldn't have effective identity"},
		{"roles required", appToken, merge(items([]string{tn.report}, []string{tn.dsRLS}), "identities", []any{ident("ann", nil, tn.dsRLS)}), 400, "InvalidRequest", "requires roles"},
		{"unknown role", appToken, merge(items([]string{tn.report}, []string{tn.dsRLS}), "identities", []any{ident("ann", []string{"Boss"}, tn.dsRLS)}), 400, "InvalidRequest", "Boss"},
		{"username with spaces", appToken, merge(items([]string{tn.report}, []string{tn.dsRLS}), "identities", []any{ident("ann smith", []string{"Region"}, tn.dsRLS)}), 400, "InvalidRequest", ""},
		{"negative lifetime", appToken, merge(items([]string{tn.report}, []string{tn.dsA}), "lifetimeInMinutes", -1), 400, "InvalidRequest", "lifetimeInMinutes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := s.DoAs(c.tok, "POST", "/v1.0/myorg/GenerateToken", c.body).Want(c.status).Err()
			if e.Code != c.code || !strings.Contains(e.Message+e.Target, c.msg) {
				t.Fatalf("error = %+v, want code %s mentioning %q", e, c.code, c.msg)
			}
		})
	}
	ok := merge(items([]string{tn.report}, []string{tn.dsRLS}), "identities", []any{ident("west", []string{"Region"}, tn.dsRLS)})
	tok := s.DoAs(appToken, "POST", "/v1.0/myorg/GenerateToken", ok).Want(200).Map()["token"].(string)
	c, err := s.Srv.Tokens.Verify(tok)
	if err != nil || len(c.Identities) != 1 || c.Identities[0].Username != "west" || c.Identities[0].Roles[0] != "Region" {
		t.Fatalf("identity claims = %+v, %v", c, err)
	}
	s.Do("POST", "/v1.0/myorg/capacities/"+tn.capacity+"/suspend", nil).Want(200)
	if e := s.DoAs(appToken, "POST", "/v1.0/myorg/GenerateToken", items([]string{tn.report}, []string{tn.dsA})).Want(403).Err(); e.Code != "CapacityNotActive" {
		t.Fatalf("suspended capacity: %+v", e)
	}
}

func TestGenerateTokenPerReport(t *testing.T) {
	tn := newTenancy(t, nil)
	path := fmt.Sprintf("/v1.0/myorg/groups/%s/reports/%s/GenerateToken", tn.reports, tn.report)
	res := tn.s.DoAs(appToken, "POST", path, map[string]any{"accessLevel": "Edit"}).Want(200).Map()
	c, err := tn.s.Srv.Tokens.Verify(res["token"].(string))
	if err != nil || len(c.Reports) != 1 || !c.Reports[0].AllowEdit || len(c.Datasets) != 1 || c.Datasets[0].ID != tn.dsA {
		t.Fatalf("V1 token claims = %+v, %v", c, err)
	}
	tn.s.DoAs(appToken, "POST", path, map[string]any{"accessLevel": "Own"}).Want(400)
	tn.s.DoAs(appToken, "POST", fmt.Sprintf("/v1.0/myorg/groups/%s/reports/%s/GenerateToken", tn.tenants, tn.report), map[string]any{}).Want(404)
}

func TestRotateSigningKeys(t *testing.T) {
	tn := newTenancy(t, nil)
	s := tn.s
	before := s.DoAs(appToken, "POST", "/v1.0/myorg/GenerateToken", items([]string{tn.report}, []string{tn.dsA})).Want(200).Map()["token"].(string)
	s.DoAs("tok-admin", "POST", "/v1.0/myorg/admin/signingKeys/rotate", nil).Want(403)
	kid := s.Do("POST", "/v1.0/myorg/admin/signingKeys/rotate", nil).Want(200).Map()["embedKeyId"].(string)
	after := s.DoAs(appToken, "POST", "/v1.0/myorg/GenerateToken", items([]string{tn.report}, []string{tn.dsA})).Want(200).Map()["token"].(string)
	for _, tok := range []string{before, after} {
		if _, err := s.Srv.Tokens.Verify(tok); err != nil {
			t.Fatalf("token does not verify after rotation: %v", err)
		}
	}
	if !strings.Contains(decodeHeader(t, after), kid) || strings.Contains(decodeHeader(t, before), kid) {
		t.Fatalf("new tokens should carry the new kid %s", kid)
	}
}

func decodeHeader(t *testing.T, tok string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.SplitN(tok, ".", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
