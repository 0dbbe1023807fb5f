package embedtoken

import (
	"encoding/json"
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
)

func TestReportRequestV1(t *testing.T) {
	tests := []struct {
		name, body string
		reportID   string
		check      func(t *testing.T, r *Request)
		kind       errs.Kind // non-zero: expected error kind
		field      string
	}{
		{"view", `{"accessLevel":"View"}`, rp1, func(t *testing.T, r *Request) {
			if len(r.Reports) != 1 || r.Reports[0].AllowEdit || r.Datasets[0].ID != ds1 || len(r.TargetWorkspaces) != 0 {
				t.Fatalf("%+v", r)
			}
		}, 0, ""},
		{"default is view", `{}`, rp1, func(t *testing.T, r *Request) {
			if r.Reports[0].AllowEdit {
				t.Fatal("edit granted by default")
			}
		}, 0, ""},
		{"edit", `{"accessLevel":"edit"}`, rp1, func(t *testing.T, r *Request) {
			if !r.Reports[0].AllowEdit {
				t.Fatal("edit not granted")
			}
		}, 0, ""},
		{"allowSaveAs as a string (swagger example)", `{"accessLevel":"View","allowSaveAs":"true"}`, rp1, func(t *testing.T, r *Request) {
			if len(r.TargetWorkspaces) != 1 || r.TargetWorkspaces[0].ID != ws1 {
				t.Fatalf("%+v", r.TargetWorkspaces)
			}
		}, 0, ""},
		{"identity without datasets means the report's", `{"accessLevel":"View","identities":[{"username":"u","roles":["r"]}]}`, rp1, func(t *testing.T, r *Request) {
			if r.Identities[0].Datasets[0] != ds1 {
				t.Fatalf("%+v", r.Identities)
			}
		}, 0, ""},
		{"create", `{"accessLevel":"Create","datasetId":"` + ds2 + `"}`, "", func(t *testing.T, r *Request) {
			if len(r.Reports) != 0 || r.Datasets[0].ID != ds2 || r.TargetWorkspaces[0].ID != ws1 {
				t.Fatalf("%+v", r)
			}
		}, 0, ""},
		{"create without dataset", `{"accessLevel":"Create"}`, "", nil, errs.KindInvalid, "datasetId"},
		{"create with bad dataset", `{"accessLevel":"Create","datasetId":"x"}`, "", nil, errs.KindInvalid, "datasets[0].id"},
		{"create with identities", `{"accessLevel":"Create","datasetId":"` + ds2 + `","identities":[{"username":"u","datasets":["` + ds2 + `"]}]}`, "", nil, errs.KindForbidden, ""},
		{"bad access level", `{"accessLevel":"Admin"}`, rp1, nil, errs.KindInvalid, "accessLevel"},
		{"identity naming another dataset", `{"identities":[{"username":"u","datasets":["` + ds2 + `"]}]}`, rp1, nil, errs.KindInvalid, "identities[0].datasets[0]"},
		{"negative lifetime", `{"lifetimeInMinutes":-5}`, rp1, nil, errs.KindInvalid, "lifetimeInMinutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v1 ReportRequestV1
			if err := json.Unmarshal([]byte(tt.body), &v1); err != nil {
				t.Fatal(err)
			}
			dsID := ""
			if tt.reportID != "" {
				dsID = ds1
			}
			r, err := v1.ToV2(ws1, tt.reportID, dsID)
			if tt.kind != 0 {
				e, ok := errs.As(err)
				if !ok || e.Kind != tt.kind || e.Field != tt.field {
					t.Fatalf("err %#v, want kind %v field %q", err, tt.kind, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, r)
		})
	}
	var b struct{ B LooseBool }
	for in, want := range map[string]bool{`{"B":true}`: true, `{"B":"TRUE"}`: true, `{"B":false}`: false, `{"B":null}`: false} {
		if err := json.Unmarshal([]byte(in), &b); err != nil || bool(b.B) != want {
			t.Fatalf("%s: %v %v", in, b.B, err)
		}
	}
	if err := json.Unmarshal([]byte(`{"B":"yes"}`), &b); err == nil {
		t.Fatal("yes accepted as a boolean")
	}
}
