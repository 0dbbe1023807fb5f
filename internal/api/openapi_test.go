package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/api"
	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/getkin/kin-openapi/openapi3"
)

// outsideRoutes are documented paths served outside the route table (registered by the server).
var outsideRoutes = []string{"GET /metrics"}

func spec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := api.OpenAPISpec()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestOpenAPIDocumentValid(t *testing.T) {
	doc := spec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	raw, err := api.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	// The served JSON must itself load as a valid document, with its $refs intact.
	served, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("served JSON does not load: %v", err)
	}
	if err := served.Validate(context.Background()); err != nil {
		t.Fatalf("served JSON is not valid: %v", err)
	}
	if got, want := len(served.Paths.Map()), len(doc.Paths.Map()); got != want {
		t.Errorf("served document has %d paths, the YAML %d", got, want)
	}
	if !strings.Contains(string(raw), `"$ref":"#/components/schemas/Capacity"`) {
		t.Error("served JSON lost the component references")
	}
}

func TestOpenAPIServed(t *testing.T) {
	h := api.New(api.Options{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	want, _ := api.OpenAPIJSON()
	if rec.Body.String() != string(want) {
		t.Error("served body differs from OpenAPIJSON()")
	}
	var probe struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &probe); err != nil || probe.OpenAPI != "3.0.3" || len(probe.Paths) == 0 {
		t.Errorf("served body is not the document (err %v, openapi %q, %d paths)", err, probe.OpenAPI, len(probe.Paths))
	}
}

// TestOpenAPICoversRoutes keeps the route table and the document in step, in both directions.
func TestOpenAPICoversRoutes(t *testing.T) {
	doc := spec(t)
	documented := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" "+path] = op
		}
	}
	served := map[string]bool{}
	// The principal management routes join the table only when principals are configured.
	for _, rt := range api.New(api.Options{Principals: principals.NewAdmin(nil)}).Routes() {
		key := rt.Method + " " + rt.Path
		served[key] = true
		op, ok := documented[key]
		if !ok {
			t.Errorf("route %s is not in openapi.yaml", key)
			continue
		}
		// Public routes and only they declare "security: []".
		public := op.Security != nil && len(*op.Security) == 0
		if public != rt.Public {
			t.Errorf("%s: route Public=%v, document public=%v", key, rt.Public, public)
		}
		if !rt.Public && op.Responses.Status(http.StatusUnauthorized) == nil {
			t.Errorf("%s: authenticated, but no 401 response documented", key)
		}
		// Every authenticated operation is authorized too, so it can be refused.
		if !rt.Public && op.Responses.Status(http.StatusForbidden) == nil {
			t.Errorf("%s: authenticated, but no 403 response documented", key)
		}
		// decodeJSON refuses a body whose Content-Type is not JSON.
		if rb := op.RequestBody; rb != nil && rb.Value.Content.Get("application/json") != nil &&
			!strings.HasPrefix(rt.Path, "/v1.0/myorg/admin/") && // principals decode without checking it
			op.Responses.Status(http.StatusUnsupportedMediaType) == nil {
			t.Errorf("%s: takes a JSON body, but no 415 response documented", key)
		}
	}
	for _, key := range outsideRoutes {
		served[key] = true
	}
	var extra []string
	for key := range documented {
		if !served[key] {
			extra = append(extra, key)
		}
	}
	sort.Strings(extra)
	for _, key := range extra {
		t.Errorf("openapi.yaml documents %s, which no route serves", key)
	}
}

// TestOpenAPIOperations checks what makes the document useful: ids, origin, error shapes.
func TestOpenAPIOperations(t *testing.T) {
	doc := spec(t)
	ids := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			if op.OperationID == "" {
				t.Errorf("%s: no operationId", key)
			} else if prev, dup := ids[op.OperationID]; dup {
				t.Errorf("%s: operationId %q also used by %s", key, op.OperationID, prev)
			}
			ids[op.OperationID] = key
			if !strings.Contains(op.Description, "**Power BI**") && !strings.Contains(op.Description, "**Bindery") {
				t.Errorf("%s: the description does not say whether it is Power BI's or Bindery's", key)
			}
			for code, ref := range op.Responses.Map() {
				if !strings.HasPrefix(code, "4") && !strings.HasPrefix(code, "5") {
					continue
				}
				mt := ref.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Error" {
					t.Errorf("%s: response %s is not the Error shape", key, code)
				}
			}
		}
	}
}

// TestOpenAPIDataTypes: every spelling the document offers is one the model accepts,
// and every canonical type (as responses carry it) is offered.
func TestOpenAPIDataTypes(t *testing.T) {
	s := spec(t).Components.Schemas["DataType"].Value
	var offered []string
	for _, v := range s.Enum {
		name, _ := v.(string)
		offered = append(offered, name)
		if _, ok := model.ParseDataType(name); !ok {
			t.Errorf("DataType enum offers %q, which model.ParseDataType rejects", name)
		}
	}
	canonical := []model.DataType{model.TypeInt64, model.TypeDouble, model.TypeDecimal, model.TypeBoolean,
		model.TypeDateTime, model.TypeDate, model.TypeString}
	for _, c := range canonical {
		for _, spelling := range []string{string(c), strings.ToLower(string(c))} {
			if !slices.Contains(offered, spelling) {
				t.Errorf("DataType enum lacks %q", spelling)
			}
		}
	}
}

// TestOpenAPIVisualTypes: every visual type the document offers is one the model accepts.
func TestOpenAPIVisualTypes(t *testing.T) {
	s := spec(t).Components.Schemas["Visual"].Value.Properties["type"].Value
	if len(s.Enum) == 0 {
		t.Fatal("Visual.type has no enum")
	}
	for _, v := range s.Enum {
		name, _ := v.(string)
		canon, ok := model.CanonicalVisualType(name)
		if !ok {
			t.Errorf("Visual.type offers %q, which the model rejects", name)
		}
		if !slices.Contains(s.Enum, any(canon)) {
			t.Errorf("Visual.type lacks %q, the canonical name of %q", canon, name)
		}
	}
}
