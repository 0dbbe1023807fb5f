package binding_test

import (
	"context"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/binding"
	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/testkit"
)

const rlsDataset = `{"name":"Regional","tables":[
  {"name":"Sales","columns":[{"name":"Amount","dataType":"Double"},{"name":"Region","dataType":"String"}],
   "measures":[{"name":"Total","expression":"SUM(Sales[Amount])"}]}],
 "roles":[{"name":"Region","members":["member@example.com"],"tablePermissions":[{"name":"Sales","filterExpression":"[Region] = USERNAME()"}]}]}`

type world struct {
	s               *testkit.Server
	ws, ds, rep, cp string
}

func newWorld(t *testing.T) world {
	s := testkit.Start(t)
	var w world
	w.s = s
	w.cp = s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "C", "sku": "A1"}).Want(201).Map()["id"].(string)
	w.ws = s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "W"}).Want(200).Map()["id"].(string)
	s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/AssignToCapacity", map[string]any{"capacityId": w.cp}).Want(200)
	w.ds = s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/datasets", rlsDataset).Want(201).Map()["id"].(string)
	w.rep = s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/reports", map[string]any{"name": "R", "datasetId": w.ds,
		"pages": []any{map[string]any{"name": "p", "visuals": []any{map[string]any{"name": "v", "type": "card",
			"position": map[string]any{"x": 0, "y": 0, "width": 1, "height": 1}, "fields": map[string]any{"values": []any{"[Total]"}}}}}}}).Want(201).Map()["id"].(string)
	for id, role := range map[string]string{"contrib@example.com": "Contributor", "viewer@example.com": "Viewer", "member@example.com": "Viewer"} {
		s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/users", map[string]any{"identifier": id, "groupUserAccessRight": role}).Want(200)
	}
	return w
}

func (w world) binder(now time.Time, rev embedtoken.Revocations) *binding.Binder {
	return binding.New(binding.Options{Lookup: w.s.Srv.Store(), Authz: authz.New(w.s.Srv.Store()), Revocations: rev,
		Now: func() time.Time { return now }})
}

func (w world) claims(exp time.Time) *embedtoken.Claims {
	return &embedtoken.Claims{TokenID: "t1", Expiry: exp, Reports: []embedtoken.ReportGrant{{ID: w.rep}},
		Datasets:   []embedtoken.DatasetGrant{{ID: w.ds}},
		Identities: []embedtoken.Identity{{Username: "West", Roles: []string{"Region"}, Datasets: []string{w.ds}}}}
}

type revoked map[string]bool

func (r revoked) IsRevoked(id string) bool { return r[id] }

func code(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Code
	}
	return ""
}

func TestEmbedTokenDecisions(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	ctx := context.Background()
	d, err := w.binder(now, nil).Authorize(ctx, binding.Caller{Embed: w.claims(now.Add(time.Hour))}, w.rep, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Dataset.ID != w.ds || d.Identity == nil || d.Identity.Username != "West" || d.Capacity == nil || d.Capacity.ID != w.cp {
		t.Fatalf("decision = %+v", d)
	}
	if _, err := w.binder(now.Add(2*time.Hour), nil).Authorize(ctx, binding.Caller{Embed: w.claims(now.Add(time.Hour))}, w.rep, ""); code(err) != "TokenExpired" {
		t.Fatalf("expired: %v", err)
	}
	if _, err := w.binder(now, revoked{"t1": true}).Authorize(ctx, binding.Caller{Embed: w.claims(now.Add(time.Hour))}, w.rep, ""); code(err) != "TokenRevoked" {
		t.Fatalf("revoked: %v", err)
	}
	noIdentity := w.claims(now.Add(time.Hour))
	noIdentity.Identities = nil
	if _, err := w.binder(now, nil).Authorize(ctx, binding.Caller{Embed: noIdentity}, w.rep, ""); code(err) != "EffectiveIdentityRequired" {
		t.Fatalf("RLS dataset, token without identity: %v", err)
	}
	w.s.Do("POST", "/v1.0/myorg/groups/"+w.ws+"/AssignToCapacity", map[string]any{"capacityId": "00000000-0000-0000-0000-000000000000"}).Want(200)
	if _, err := w.binder(now, nil).Authorize(ctx, binding.Caller{Embed: w.claims(now.Add(time.Hour))}, w.rep, ""); code(err) != "WorkspaceNotOnCapacity" {
		t.Fatalf("no capacity: %v", err)
	}
	if _, err := w.binder(now, nil).Authorize(ctx, binding.Caller{}, w.rep, ""); code(err) != "InvalidToken" {
		t.Fatalf("no caller: %v", err)
	}
}

func TestUserDecisionsApplyRLSAsPowerBIDoes(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	b := w.binder(time.Now(), nil)
	user := func(id string) binding.Caller {
		return binding.Caller{User: &auth.Principal{Kind: auth.KindUser, Identifier: id}}
	}
	// A Contributor may write the dataset: RLS does not restrict it.
	d, err := b.Authorize(ctx, user("contrib@example.com"), w.rep, "")
	if err != nil || d.Identity == nil || !d.Identity.Unrestricted {
		t.Fatalf("contributor: %+v %v", d, err)
	}
	// A Viewer who is a role member gets the role; one who is not gets none (and its queries fail, never all rows).
	d, err = b.Authorize(ctx, user("member@example.com"), w.rep, "")
	if err != nil || d.Identity.Unrestricted || len(d.Identity.Roles) != 1 || d.Identity.Username != "member@example.com" {
		t.Fatalf("role member: %+v %v", d.Identity, err)
	}
	d, err = b.Authorize(ctx, user("viewer@example.com"), w.rep, "")
	if err != nil || d.Identity.Unrestricted || len(d.Identity.Roles) != 0 {
		t.Fatalf("viewer without role: %+v %v", d.Identity, err)
	}
	if _, err := b.Authorize(ctx, user("stranger@example.com"), w.rep, ""); code(err) != "InsufficientPermissions" {
		t.Fatalf("stranger: %v", err)
	}
	w.s.Do("POST", "/v1.0/myorg/capacities/"+w.cp+"/suspend", nil).Want(200)
	if _, err := b.Authorize(ctx, user("contrib@example.com"), w.rep, ""); code(err) != "CapacityNotActive" {
		t.Fatalf("suspended: %v", err)
	}
}
