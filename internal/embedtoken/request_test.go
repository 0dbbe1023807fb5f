package embedtoken

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

const (
	ds1 = "cfafbeb1-8037-4d0c-896e-a46fb27ff229"
	ds2 = "e75afc47-1150-45e0-aba7-4eb04e4876e5"
	rp1 = "b2e49b01-2356-4456-bfb9-3f4c2bc4ddbd"
	rp2 = "759908bb-ead8-4a43-9645-7ffbf921c68d"
	ws1 = "f089354e-8366-4e18-aea3-4cb4a3a50b48"
)

// dynamicBinding is the swagger example: one report, two datasets, one identity per dataset.
const dynamicBinding = `{"datasets":[{"id":"` + ds1 + `"},{"id":"` + ds2 + `"}],
 "reports":[{"id":"` + rp1 + `"}],
 "identities":[{"username":"john@contoso.com","roles":["sales"],"datasets":["` + ds1 + `"]},
               {"username":"iris@contoso.com","roles":["executive"],"datasets":["` + ds2 + `"]}]}`

func parseReq(t *testing.T, s string) *Request {
	t.Helper()
	var r Request
	d := json.NewDecoder(strings.NewReader(s))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func guids(n int, prefix string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%08x-0000-4000-8000-000000000000"}`, i)
	}
	return prefix + "[" + b.String() + "]"
}

// noField marks an expected error that names no single field.
const noField = "(none)"

func TestRequestValidate(t *testing.T) {
	long := strings.Repeat("a", 257)
	tests := []struct {
		name, body string
		field      string // "" = valid
	}{
		{"swagger dynamic binding", dynamicBinding, ""},
		{"edit one of two reports", `{"datasets":[{"id":"` + ds1 + `"}],"reports":[{"allowEdit":true,"id":"` + rp1 + `"},{"id":"` + rp2 + `"}]}`, ""},
		{"lifetime", `{"reports":[{"id":"` + rp1 + `"}],"lifetimeInMinutes":10}`, ""},
		{"lifetime zero is default", `{"reports":[{"id":"` + rp1 + `"}],"lifetimeInMinutes":0}`, ""},
		{"negative lifetime", `{"reports":[{"id":"` + rp1 + `"}],"lifetimeInMinutes":-1}`, "lifetimeInMinutes"},
		{"target workspace only", `{"targetWorkspaces":[{"id":"` + ws1 + `"}],"datasets":[{"id":"` + ds1 + `"}]}`, ""},
		{"xmla ReadOnly", `{"datasets":[{"id":"` + ds1 + `","xmlaPermissions":"ReadOnly"}]}`, ""},
		{"xmla Off lower-case", `{"datasets":[{"id":"` + ds1 + `","xmlaPermissions":"off"}]}`, ""},
		{"xmla bad", `{"datasets":[{"id":"` + ds1 + `","xmlaPermissions":"ReadWrite"}]}`, "datasets[0].xmlaPermissions"},
		{"empty request", `{}`, noField},
		{"50 reports", guids(50, `{"reports":`) + "}", ""},
		{"51 reports", guids(51, `{"reports":`) + "}", "reports"},
		{"51 datasets", guids(51, `{"datasets":`) + "}", "datasets"},
		{"51 target workspaces", guids(51, `{"targetWorkspaces":`) + "}", "targetWorkspaces"},
		{"report id not a GUID", `{"reports":[{"id":"abc"}]}`, "reports[0].id"},
		{"report id missing", `{"reports":[{}]}`, "reports[0].id"},
		{"dataset id braced", `{"datasets":[{"id":"{` + ds1 + `}"}]}`, "datasets[0].id"},
		{"workspace id not a GUID", `{"targetWorkspaces":[{"id":"me"}]}`, "targetWorkspaces[0].id"},
		{"duplicate report (case differs)", `{"reports":[{"id":"` + rp1 + `"},{"id":"` + strings.ToUpper(rp1) + `"}]}`, "reports[1].id"},
		{"duplicate dataset", `{"datasets":[{"id":"` + ds1 + `"},{"id":"` + ds1 + `"}]}`, "datasets[1].id"},
		{"identity without username", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"roles":["r"],"datasets":["` + ds1 + `"]}]}`, "identities[0].username"},
		{"username with space", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"John Smith","datasets":["` + ds1 + `"]}]}`, "identities[0].username"},
		{"username non-ASCII", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"jörg","datasets":["` + ds1 + `"]}]}`, "identities[0].username"},
		{"username 256", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"` + long[:256] + `","datasets":["` + ds1 + `"]}]}`, ""},
		{"username 257", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"` + long + `","datasets":["` + ds1 + `"]}]}`, "identities[0].username"},
		{"identity without datasets", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u"}]}`, "identities[0].datasets"},
		{"identity dataset not a GUID", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["x"]}]}`, "identities[0].datasets[0]"},
		{"identity dataset not in request", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds2 + `"]}]}`, "identities[0].datasets[0]"},
		{"identity dataset twice", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `","` + ds1 + `"]}]}`, "identities[0].datasets[1]"},
		{"paginated report identity", `{"datasets":[{"id":"` + ds1 + `"}],"reports":[{"id":"` + rp1 + `"}],"identities":[{"username":"u","reports":["` + rp1 + `"]}]}`, ""},
		{"identity report not in request", `{"reports":[{"id":"` + rp1 + `"}],"identities":[{"username":"u","reports":["` + rp2 + `"]}]}`, "identities[0].reports[0]"},
		{"50 roles", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `"],"roles":[` + strings.Repeat(`"r",`, 49) + `"r"]}]}`, ""},
		{"51 roles", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `"],"roles":[` + strings.Repeat(`"r",`, 50) + `"r"]}]}`, "identities[0].roles"},
		{"role 50 chars", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `"],"roles":["` + strings.Repeat("é", 50) + `"]}]}`, ""},
		{"role 51 chars", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `"],"roles":["` + strings.Repeat("r", 51) + `"]}]}`, "identities[0].roles[0]"},
		{"role with comma", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `"],"roles":["a,b"]}]}`, "identities[0].roles[0]"},
		{"empty role", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `"],"roles":[""]}]}`, "identities[0].roles[0]"},
		{"customData too long", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `"],"customData":"` + strings.Repeat("c", 1025) + `"}]}`, "identities[0].customData"},
		{"identityBlob", `{"datasets":[{"id":"` + ds1 + `"}],"identities":[{"username":"u","datasets":["` + ds1 + `"],"identityBlob":{"value":"eyJ"}}]}`, "identities[0].identityBlob"},
		{"datasourceIdentities", `{"datasets":[{"id":"` + ds1 + `"}],"datasourceIdentities":[{"identityBlob":"x","datasources":[]}]}`, "datasourceIdentities"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseReq(t, tt.body)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if tt.field == noField {
				tt.field = ""
			}
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.KindInvalid || e.Code != "InvalidRequest" || e.Field != tt.field {
				t.Fatalf("err %#v, want InvalidRequest on %q", err, tt.field)
			}
			if tt.field != "" && !strings.HasPrefix(e.Message, tt.field+": ") {
				t.Fatalf("message %q does not name the field", e.Message)
			}
		})
	}
}

func TestValidateNormalizes(t *testing.T) {
	up := strings.ToUpper
	r := parseReq(t, `{"datasets":[{"id":"`+up(ds1)+`","xmlaPermissions":"readonly"}],"reports":[{"id":"`+up(rp1)+`"}],
		"targetWorkspaces":[{"id":"`+up(ws1)+`"}],"identities":[{"username":"u","roles":["r"],"datasets":["`+up(ds1)+`"]}]}`)
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if r.Datasets[0].ID != ds1 || r.Datasets[0].XmlaPermissions != XmlaReadOnly || r.Reports[0].ID != rp1 ||
		r.TargetWorkspaces[0].ID != ws1 || r.Identities[0].Datasets[0] != ds1 {
		t.Fatalf("not normalized: %+v", r)
	}
}

func TestRequestClaimsRoundTrip(t *testing.T) {
	r := parseReq(t, dynamicBinding)
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	ids, err := CheckIdentities(r.Identities, []DatasetRLS{
		{ID: ds1, IdentityRequired: true, RolesRequired: true, Roles: []string{"Sales"}},
		{ID: ds2, IdentityRequired: true, RolesRequired: true, Roles: []string{"executive"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	exp := Expiration(t0, r.LifetimeInMinutes, time.Hour, time.Time{})
	c := r.Claims("app:1", ids, t0, exp)
	ring := newTestRing(t, &clock{t0})
	got, err := ring.Verify(mustSign(t, ring, c), t0)
	if err != nil {
		t.Fatal(err)
	}
	if got.TokenID != c.TokenID || !got.HasDataset(ds1) || !got.HasDataset(ds2) || got.Caller != "app:1" {
		t.Fatalf("claims %+v", got)
	}
	if _, ok := got.Report(rp1); !ok {
		t.Fatal("report missing")
	}
	if idn, _ := got.IdentityFor(ds2); idn.Username != "iris@contoso.com" || !reflect.DeepEqual(idn.Roles, []string{"executive"}) {
		t.Fatalf("identity for ds2: %+v", idn)
	}
}

func TestExpiration(t *testing.T) {
	caller := t0.Add(40*time.Minute + 500*time.Millisecond)
	tests := []struct {
		name     string
		lifetime int
		limit    time.Duration
		caller   time.Time
		want     time.Time
	}{
		{"cap only", 0, time.Hour, time.Time{}, t0.Add(time.Hour)},
		{"request shorter", 10, time.Hour, time.Time{}, t0.Add(10 * time.Minute)},
		{"request longer than cap", 600, time.Hour, time.Time{}, t0.Add(time.Hour)},
		{"caller token earliest, truncated to seconds", 0, time.Hour, caller, t0.Add(40 * time.Minute)},
		{"request earlier than caller", 5, time.Hour, caller, t0.Add(5 * time.Minute)},
		{"cap earlier than caller", 0, 30 * time.Minute, caller, t0.Add(30 * time.Minute)},
		{"huge request (would overflow a Duration)", 1<<40 + 1, time.Hour, time.Time{}, t0.Add(time.Hour)},
		{"request whose Duration would wrap negative", 153722868, time.Hour, time.Time{}, t0.Add(time.Hour)},
		{"request equals cap", 60, time.Hour, time.Time{}, t0.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Expiration(t0, tt.lifetime, tt.limit, tt.caller); !got.Equal(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}
