package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/testkit"
)

// roleTokens are test principals, one per workspace role plus an outsider.
var roleTokens = map[string]*auth.Principal{
	"tok-admin":       {Kind: auth.KindUser, Identifier: "ada@example.com"},
	"tok-member":      {Kind: auth.KindUser, Identifier: "mia@example.com"},
	"tok-contributor": {Kind: auth.KindUser, Identifier: "cole@example.com"},
	"tok-viewer":      {Kind: auth.KindUser, Identifier: "vic@example.com"},
	"tok-outsider":    {Kind: auth.KindUser, Identifier: "otto@example.com"},
	"tok-app":         {Kind: auth.KindApp, Identifier: "5f0c0de0-aaaa-4bbb-8ccc-0123456789ab"},
}

// world is one workspace where each role principal has its role, with a dataset and a report.
type world struct {
	ws, ds, spare, rep, other, capacity string
}

func newWorld(t *testing.T, s *testkit.Server) world {
	t.Helper()
	var w world
	w.capacity = s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "C", "sku": "A1"}).Want(201).Map()["id"].(string)
	w.ws = s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "W " + model.NewID()}).Want(200).Map()["id"].(string)
	s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/AssignToCapacity", map[string]any{"capacityId": w.capacity}).Want(200)
	for tok, role := range map[string]string{"tok-admin": "Admin", "tok-member": "Member", "tok-contributor": "Contributor", "tok-viewer": "Viewer"} {
		s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/users", map[string]any{"identifier": roleTokens[tok].Identifier, "groupUserAccessRight": role}).Want(200)
	}
	w.ds = s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/datasets", pushDataset).Want(201).Map()["id"].(string)
	w.spare = s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/datasets", pushDataset).Want(201).Map()["id"].(string)
	w.rep = s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/reports", report(w.ds)).Want(201).Map()["id"].(string)
	w.other = s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Other " + model.NewID()}).Want(200).Map()["id"].(string)
	return w
}

// TestEveryRoleAgainstEveryOperation runs each management operation as each
// role and checks that exactly the roles at or above its minimum may do it.
func TestEveryRoleAgainstEveryOperation(t *testing.T) {
	s := testkit.Start(t, testkit.Options{Principals: roleTokens})
	type op struct {
		name, min string
		req       func(w world) (method, path string, body any)
	}
	g := func(w world) string { return "/v1.0/myorg/groups/" + w.ws }
	ops := []op{
		{"get workspace", "Viewer", func(w world) (string, string, any) { return "GET", g(w), nil }},
		{"list members", "Viewer", func(w world) (string, string, any) { return "GET", g(w) + "/users", nil }},
		{"rename workspace", "Admin", func(w world) (string, string, any) {
			return "PATCH", g(w), map[string]any{"name": "Renamed " + model.NewID()}
		}},
		{"delete workspace", "Admin", func(w world) (string, string, any) { return "DELETE", g(w), nil }},
		{"unassign capacity", "Admin", func(w world) (string, string, any) {
			return "POST", g(w) + "/AssignToCapacity", map[string]any{"capacityId": model.EmptyGUID}
		}},
		{"add a viewer", "Member", func(w world) (string, string, any) {
			return "POST", g(w) + "/users", map[string]any{"identifier": "new@example.com", "groupUserAccessRight": "Viewer"}
		}},
		{"add an admin", "Admin", func(w world) (string, string, any) {
			return "POST", g(w) + "/users", map[string]any{"identifier": "new@example.com", "groupUserAccessRight": "Admin"}
		}},
		{"remove the admin", "Admin", func(w world) (string, string, any) {
			return "DELETE", g(w) + "/users/ada@example.com", nil
		}},
		{"list datasets", "Viewer", func(w world) (string, string, any) { return "GET", g(w) + "/datasets", nil }},
		{"get dataset", "Viewer", func(w world) (string, string, any) { return "GET", g(w) + "/datasets/" + w.ds, nil }},
		{"dataset tables", "Viewer", func(w world) (string, string, any) { return "GET", g(w) + "/datasets/" + w.ds + "/tables", nil }},
		{"create dataset", "Contributor", func(w world) (string, string, any) { return "POST", g(w) + "/datasets", pushDataset }},
		{"push rows", "Contributor", func(w world) (string, string, any) {
			return "POST", g(w) + "/datasets/" + w.ds + "/tables/Sales/rows", map[string]any{"rows": []any{map[string]any{"ProductID": 1, "Amount": 2}}}
		}},
		{"delete rows", "Contributor", func(w world) (string, string, any) {
			return "DELETE", g(w) + "/datasets/" + w.ds + "/tables/Sales/rows", nil
		}},
		{"delete dataset", "Contributor", func(w world) (string, string, any) { return "DELETE", g(w) + "/datasets/" + w.spare, nil }},
		{"grant dataset read", "Member", func(w world) (string, string, any) {
			return "POST", g(w) + "/datasets/" + w.ds + "/users", map[string]any{"identifier": "x@example.com", "principalType": "User", "datasetUserAccessRight": "Read"}
		}},
		{"list reports", "Viewer", func(w world) (string, string, any) { return "GET", g(w) + "/reports", nil }},
		{"get report", "Viewer", func(w world) (string, string, any) { return "GET", g(w) + "/reports/" + w.rep, nil }},
		{"report pages", "Viewer", func(w world) (string, string, any) { return "GET", g(w) + "/reports/" + w.rep + "/pages", nil }},
		{"create report", "Contributor", func(w world) (string, string, any) { return "POST", g(w) + "/reports", report(w.ds) }},
		{"delete report", "Contributor", func(w world) (string, string, any) { return "DELETE", g(w) + "/reports/" + w.rep, nil }},
		{"rebind report", "Contributor", func(w world) (string, string, any) {
			return "POST", g(w) + "/reports/" + w.rep + "/Rebind", map[string]any{"datasetId": w.spare}
		}},
		{"clone report", "Contributor", func(w world) (string, string, any) {
			return "POST", g(w) + "/reports/" + w.rep + "/Clone", map[string]any{"name": "Copy"}
		}},
		{"check compatibility", "Viewer", func(w world) (string, string, any) {
			return "POST", g(w) + "/reports/" + w.rep + "/CheckCompatibility", map[string]any{"datasetId": w.spare}
		}},
		{"generate token", "Member", func(w world) (string, string, any) {
			return "POST", "/v1.0/myorg/GenerateToken", map[string]any{"reports": []any{map[string]any{"id": w.rep}}, "datasets": []any{map[string]any{"id": w.ds}}}
		}},
		{"generate report token", "Member", func(w world) (string, string, any) {
			return "POST", g(w) + "/reports/" + w.rep + "/GenerateToken", map[string]any{"accessLevel": "View"}
		}},
	}
	roles := []struct{ tok, role string }{
		{"tok-admin", "Admin"}, {"tok-member", "Member"}, {"tok-contributor", "Contributor"}, {"tok-viewer", "Viewer"}, {"tok-outsider", ""},
	}
	for _, o := range ops {
		for _, r := range roles {
			t.Run(fmt.Sprintf("%s as %s", o.name, r.tok), func(t *testing.T) {
				w := newWorld(t, s)
				method, path, body := o.req(w)
				got := s.DoAs(r.tok, method, path, body)
				allowed := model.Role(r.role).AtLeast(model.Role(o.min))
				switch {
				case allowed && (got.Status < 200 || got.Status > 299):
					t.Fatalf("%s may %s (needs %s) but got %d: %s", r.role, o.name, o.min, got.Status, got.Body)
				case !allowed && got.Status != http.StatusForbidden:
					t.Fatalf("role %q may not %s (needs %s) but got %d: %s", r.role, o.name, o.min, got.Status, got.Body)
				case !allowed && got.Err().Code != "InsufficientPermissions":
					t.Fatalf("denial code %q", got.Err().Code)
				}
			})
		}
	}
}

// TestListsShowOnlyWhatACallerMaySee: workspaces are listed to their members only.
func TestListsShowOnlyWhatACallerMaySee(t *testing.T) {
	s := testkit.Start(t, testkit.Options{Principals: roleTokens})
	w := newWorld(t, s)
	var l struct{ Value []map[string]any }
	s.DoAs("tok-viewer", "GET", "/v1.0/myorg/groups", nil).Want(200).JSON(&l)
	if len(l.Value) != 1 || l.Value[0]["id"] != w.ws {
		t.Fatalf("viewer sees %v", l.Value)
	}
	s.DoAs("tok-outsider", "GET", "/v1.0/myorg/groups", nil).Want(200).JSON(&l)
	if len(l.Value) != 0 {
		t.Fatalf("outsider sees %v", l.Value)
	}
	s.Do("GET", "/v1.0/myorg/groups", nil).Want(200).JSON(&l)
	if len(l.Value) != 2 {
		t.Fatalf("admin sees %d workspaces, want 2", len(l.Value))
	}
	// A principal that creates a workspace becomes its Admin.
	id := s.DoAs("tok-outsider", "POST", "/v1.0/myorg/groups", map[string]any{"name": "Otto's"}).Want(200).Map()["id"].(string)
	var users struct{ Value []map[string]any }
	s.DoAs("tok-outsider", "GET", "/v1.0/myorg/groups/"+id+"/users", nil).Want(200).JSON(&users)
	if len(users.Value) != 1 || users.Value[0]["groupUserAccessRight"] != "Admin" || users.Value[0]["identifier"] != "otto@example.com" {
		t.Fatalf("creator membership = %v", users.Value)
	}
	// Capacities: only the server admin creates them; access right reflects the caller.
	s.DoAs("tok-admin", "POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "X", "sku": "A1"}).Want(403)
	c := s.DoAs("tok-viewer", "GET", "/v1.0/myorg/capacities/"+w.capacity, nil).Want(200).Map()
	if c["capacityUserAccessRight"] != "None" {
		t.Fatalf("viewer's capacity access = %v", c["capacityUserAccessRight"])
	}
	s.DoAs("tok-admin", "POST", "/v1.0/myorg/capacities/"+w.capacity+"/suspend", nil).Want(403)
}

// TestDatasetItemPermissions: Read granted on a dataset lets an outsider of its workspace read it, not write it.
func TestDatasetItemPermissions(t *testing.T) {
	s := testkit.Start(t, testkit.Options{Principals: roleTokens})
	w := newWorld(t, s)
	base := "/v1.0/myorg/groups/" + w.ws + "/datasets/" + w.ds
	s.DoAs("tok-outsider", "GET", base, nil).Want(403)
	s.DoAs("tok-member", "POST", base+"/users", map[string]any{"identifier": "OTTO@example.com", "principalType": "User", "datasetUserAccessRight": "ReadExplore"}).Want(200)
	s.DoAs("tok-outsider", "GET", base, nil).Want(200)
	var mine struct{ Value []map[string]any }
	s.DoAs("tok-outsider", "GET", "/v1.0/myorg/datasets", nil).Want(200).JSON(&mine)
	if len(mine.Value) != 1 || mine.Value[0]["id"] != w.ds || mine.Value[0]["workspaceId"] != w.ws {
		t.Fatalf("datasets the outsider may read: %v", mine.Value)
	}
	s.DoAs("tok-viewer", "GET", "/v1.0/myorg/datasets", nil).Want(200).JSON(&mine)
	if len(mine.Value) != 2 {
		t.Fatalf("a viewer reads its workspace's 2 datasets, got %v", mine.Value)
	}
	load := s.DoAs("tok-viewer", "GET", "/v1.0/myorg/capacities/"+w.capacity+"/load", nil).Want(200).Map()
	if load["inFlight"] != 0.0 || load["workspaces"] != 1.0 || load["maxConcurrentQueries"] != 8.0 {
		t.Fatalf("capacity load = %v", load)
	}
	s.DoAs("tok-outsider", "POST", base+"/tables/Sales/rows", map[string]any{"rows": []any{map[string]any{"ProductID": 1}}}).Want(403)
	var l struct{ Value []map[string]any }
	s.DoAs("tok-member", "GET", base+"/users", nil).Want(200).JSON(&l)
	if len(l.Value) != 1 || l.Value[0]["datasetUserAccessRight"] != "ReadExplore" {
		t.Fatalf("grants = %v", l.Value)
	}
	if e := s.DoAs("tok-member", "POST", base+"/users", map[string]any{"identifier": "x", "datasetUserAccessRight": "ReadWrite"}).Want(400).Err(); e.Target != "datasetUserAccessRight" {
		t.Fatalf("Write must not be grantable: %+v", e)
	}
	s.DoAs("tok-member", "DELETE", base+"/users/otto@example.com", nil).Want(200)
	s.DoAs("tok-outsider", "GET", base, nil).Want(403)
}
