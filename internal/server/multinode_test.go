package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/config"
	"github.com/bindery-dev/bindery/internal/store/postgres/pgtest"
	"github.com/bindery-dev/bindery/internal/testkit"
)

// TestNodesShareOnePostgreSQL starts two Bindery nodes — two data
// directories, one PostgreSQL schema — and checks what DESIGN.md §5 promises:
// metadata written on one node is served by the other at once, and an embed
// token revoked on one node is refused by the other within a refresh period.
func TestNodesShareOnePostgreSQL(t *testing.T) {
	url := pgtest.Schema(t) // first, so the schema is dropped after both nodes stop
	// Behind a load balancer every node has the same public URL, which is the
	// embed tokens' issuer; each listens on its own port here.
	shared := testkit.Options{Configure: func(c *config.Config) {
		c.DatabaseURL = url
		c.PublicURL = "http://bindery.test"
	}}
	// One after the other: the first node creates the embed signing keys the second loads.
	a := testkit.Start(t, shared)
	b := testkit.Start(t, shared)
	if a.Dir == b.Dir {
		t.Fatal("the nodes share a data directory")
	}

	// Node A builds a workspace on a capacity with a dataset and a report.
	var capacity, group, dataset, report struct{ ID string }
	a.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "Pool", "sku": "A1"}).Want(http.StatusCreated).JSON(&capacity)
	a.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Shared Sales"}).Want(http.StatusOK).JSON(&group)
	g := "/v1.0/myorg/groups/" + group.ID
	a.Do("POST", g+"/AssignToCapacity", map[string]any{"capacityId": capacity.ID}).Want(http.StatusOK)
	a.Do("POST", g+"/datasets", map[string]any{"name": "Sales", "defaultMode": "Push", "tables": []any{map[string]any{
		"name": "Sales", "columns": []any{
			map[string]any{"name": "Region", "dataType": "string"},
			map[string]any{"name": "Amount", "dataType": "Double"},
		}}}}).Want(http.StatusCreated).JSON(&dataset)
	a.Do("POST", g+"/datasets/"+dataset.ID+"/tables/Sales/rows", `{"rows":[{"Region":"North","Amount":12.5}]}`).Want(http.StatusOK)
	a.Do("POST", g+"/reports", map[string]any{"name": "Overview", "datasetId": dataset.ID,
		"pages": []any{map[string]any{"name": "p1", "visuals": []any{map[string]any{
			"name": "v1", "type": "barChart", "position": map[string]any{"x": 0, "y": 0, "width": 400, "height": 300},
			"fields": map[string]any{"Category": []any{"Sales[Region]"}, "Y": []any{map[string]any{"field": "Sales[Amount]", "aggregation": "Sum"}}},
		}}}},
	}).Want(http.StatusCreated).JSON(&report)

	// Node B lists it at once: the metadata is shared, not copied.
	var groups struct{ Value []struct{ ID, Name string } }
	b.Do("GET", "/v1.0/myorg/groups", nil).Want(http.StatusOK).JSON(&groups)
	if len(groups.Value) != 1 || groups.Value[0].ID != group.ID || groups.Value[0].Name != "Shared Sales" {
		t.Fatalf("node B lists %+v, want node A's workspace %s", groups.Value, group.ID)
	}
	b.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "shared sales"}).Want(http.StatusConflict)

	// An embed token minted on A works on A, and on B (the signing keys are shared too).
	var tok struct{ Token, TokenID string }
	a.Do("POST", "/v1.0/myorg/GenerateToken", map[string]any{
		"reports": []any{map[string]any{"id": report.ID}}, "datasets": []any{map[string]any{"id": dataset.ID}},
	}).Want(http.StatusOK).JSON(&tok)
	load := func(s *testkit.Server) (int, string) { return embedLoad(t, s, tok.Token, report.ID) }
	if st, code := load(a); st != http.StatusOK {
		t.Fatalf("load on node A: %d %s", st, code)
	}
	if st, code := load(b); st != http.StatusOK {
		t.Fatalf("load on node B of a token minted on A: %d %s", st, code)
	}

	// Revoked on B: B refuses it at once, A within its revocation refresh (every 5 s).
	b.Do("POST", "/v1.0/myorg/embedTokens/"+tok.TokenID+"/Revoke", nil).Want(http.StatusOK)
	if st, code := load(b); st != http.StatusForbidden || code != "TokenRevoked" {
		t.Fatalf("load on the revoking node: %d %s, want 403 TokenRevoked", st, code)
	}
	var rec struct{ Revoked bool }
	a.Do("GET", "/v1.0/myorg/embedTokens/"+tok.TokenID, nil).Want(http.StatusOK).JSON(&rec)
	if !rec.Revoked {
		t.Fatal("node A's audit log does not show node B's revocation")
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		st, code := load(a)
		if st == http.StatusForbidden && code == "TokenRevoked" {
			break
		}
		if st != http.StatusOK {
			t.Fatalf("load on node A after the revocation: %d %s, want 200 until the refresh, then 403 TokenRevoked", st, code)
		}
		if time.Now().After(deadline) {
			t.Fatal("node A still accepts the token revoked on node B after 15 s (the refresh runs every 5 s)")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// embedLoad asks the node to load the report with the embed token and
// returns the status and the error code, if any.
func embedLoad(t *testing.T, s *testkit.Server, token, reportID string) (int, string) {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"reportId": reportID})
	req, err := http.NewRequest("POST", s.URL+"/embed/v1/load", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "EmbedToken "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Error struct{ Code string } }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Error.Code
}
