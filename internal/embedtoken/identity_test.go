package embedtoken

import (
	"fmt"
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
)

func TestCheckIdentities(t *testing.T) {
	rls := func(id string, roles ...string) DatasetRLS {
		return DatasetRLS{ID: id, IdentityRequired: true, RolesRequired: true, Roles: roles}
	}
	plain := func(id string) DatasetRLS { return DatasetRLS{ID: id} }
	idn := func(user string, roles []string, datasets ...string) EffectiveIdentity {
		return EffectiveIdentity{Username: user, Roles: roles, Datasets: datasets}
	}
	tests := []struct {
		name       string
		identities []EffectiveIdentity
		datasets   []DatasetRLS
		field, msg string // msg "" = accepted
	}{
		{"no RLS, no identity", nil, []DatasetRLS{plain(ds1)}, "", ""},
		{"RLS with identity and role", []EffectiveIdentity{idn("u", []string{"sales"}, ds1)}, []DatasetRLS{rls(ds1, "Sales")}, "", ""},
		{"one identity per dataset (dynamic binding)", []EffectiveIdentity{idn("a", []string{"r1"}, ds1), idn("b", []string{"r2"}, ds2)},
			[]DatasetRLS{rls(ds1, "r1"), rls(ds2, "r2")}, "", ""},
		{"one identity for two RLS datasets", []EffectiveIdentity{idn("a", []string{"r"}, ds1, ds2)},
			[]DatasetRLS{rls(ds1, "r"), rls(ds2, "r", "x")}, "", ""},
		{"RLS dataset and plain dataset", []EffectiveIdentity{idn("a", []string{"r"}, ds1)}, []DatasetRLS{rls(ds1, "r"), plain(ds2)}, "", ""},
		{"RLS without identity", nil, []DatasetRLS{rls(ds1, "r")}, "identities",
			"Creating embed token for accessing dataset " + ds1 + " requires effective identity to be provided"},
		{"identity covers only the other dataset", []EffectiveIdentity{idn("a", []string{"r"}, ds1)}, []DatasetRLS{rls(ds1, "r"), rls(ds2, "r")}, "identities",
			"Creating embed token for accessing dataset " + ds2 + " requires effective identity to be provided"},
		{"identity for dataset without RLS", []EffectiveIdentity{idn("a", nil, ds1)}, []DatasetRLS{plain(ds1)}, "identities[0]",
			"Creating embed token for accessing dataset " + ds1 + " shouldn't have effective identity"},
		{"roles missing", []EffectiveIdentity{idn("a", nil, ds1)}, []DatasetRLS{rls(ds1, "r")}, "identities[0].roles",
			"Creating embed token for accessing dataset " + ds1 + " requires roles to be included in provided effective identity"},
		{"roles not required, none given", []EffectiveIdentity{idn("a", nil, ds1)},
			[]DatasetRLS{{ID: ds1, IdentityRequired: true, Roles: []string{"r"}}}, "", ""},
		{"unknown role", []EffectiveIdentity{idn("a", []string{"r", "boss"}, ds1)}, []DatasetRLS{rls(ds1, "r")}, "identities[0].roles[1]",
			"Creating embed token for accessing dataset " + ds1 + " failed: role 'boss' doesn't exist in the dataset"},
		{"role exists in one dataset only", []EffectiveIdentity{idn("a", []string{"x"}, ds1, ds2)}, []DatasetRLS{rls(ds1, "r"), rls(ds2, "x")}, "identities[0].roles[0]",
			"Creating embed token for accessing dataset " + ds1 + " failed: role 'x' doesn't exist in the dataset"},
		{"two identities for one dataset", []EffectiveIdentity{idn("a", []string{"r"}, ds1), idn("b", []string{"r"}, ds1)}, []DatasetRLS{rls(ds1, "r")}, "identities[1]",
			"Creating embed token for accessing dataset " + ds1 + " failed: only a single effective identity can apply to a dataset"},
		{"identity for a dataset not in the token", []EffectiveIdentity{idn("a", []string{"r"}, ds2)}, []DatasetRLS{plain(ds1)}, "identities[0].datasets[0]",
			"identities[0].datasets[0]: dataset " + ds2 + " is not one of the token's datasets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckIdentities(tt.identities, tt.datasets)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(got) != len(tt.identities) {
					t.Fatalf("%d identities out, %d in", len(got), len(tt.identities))
				}
				for i := range got {
					if got[i].Username != tt.identities[i].Username || fmt.Sprint(got[i].Datasets) != fmt.Sprint(tt.identities[i].Datasets) {
						t.Fatalf("identity %d: %+v", i, got[i])
					}
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.KindInvalid || e.Code != "InvalidRequest" || e.Field != tt.field || e.Message != tt.msg {
				t.Fatalf("err %#v\nwant field %q message %q", err, tt.field, tt.msg)
			}
		})
	}
}
