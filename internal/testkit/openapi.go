package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bindery-dev/bindery/internal/api"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// docRouter finds a request's operation in the served OpenAPI document; built once per test binary.
var docRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := api.OpenAPISpec()
	if err != nil {
		return nil, err
	}
	doc.Servers = nil // match paths only: the test server listens on a random port
	return gorillamux.NewRouter(doc)
})

// checkExchange validates a request and its response against the served OpenAPI document.
//
// The response is always validated: its status must be documented for the
// operation and its body must match. The request is validated only when the
// server accepted it (2xx), so tests may send deliberately broken input.
// Requests the document does not describe (an unknown route, to test the 404
// NoRoute error, or the embed page) are not checked.
func checkExchange(t testing.TB, req *http.Request, r *Response) {
	t.Helper()
	router, err := docRouter()
	if err != nil {
		t.Fatalf("openapi: %v", err)
	}
	what := req.Method + " " + req.URL.RequestURI()
	ok2xx := r.Status >= 200 && r.Status < 300
	route, params, err := router.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed) && ok2xx:
		t.Errorf("openapi: %s answered %d, but openapi.yaml has no %s operation on this path", what, r.Status, req.Method)
		return
	case err != nil:
		return
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:                openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus:             true,
		RejectWhenRequestBodyNotSpecified: true,
		MultiError:                        true,
	}
	opts.WithCustomSchemaErrorFunc(schemaError)
	// testkit keeps only JSON bodies for replay; others are checked by media type alone.
	if req.Body != nil && req.Header.Get("Content-Type") != "application/json" {
		opts.ExcludeRequestBody = true
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	ctx := context.Background()
	if ok2xx {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("openapi: request %s does not match openapi.yaml:\n%v", what, err)
		}
		if opts.ExcludeRequestBody {
			if err := checkMediaType(in); err != nil {
				t.Errorf("openapi: request %s does not match openapi.yaml: %v", what, err)
			}
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 r.Status,
		Header:                 r.Header,
		Body:                   io.NopCloser(bytes.NewReader(r.Body)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("openapi: response %d to %s does not match openapi.yaml:\n%v\nbody: %s", r.Status, what, err, clip(r.Body, 2000))
	}
}

// schemaError says where and what, without kin-openapi's dump of the whole schema.
func schemaError(err *openapi3.SchemaError) string {
	if err.Origin != nil {
		return "" // oneOf/allOf: the default message lists the inner errors
	}
	reason := err.Reason
	if reason == "" {
		reason = "does not match the schema's " + err.SchemaField
	}
	got, _ := json.Marshal(err.Value)
	return fmt.Sprintf("at %q: %s (got %s)", "/"+strings.Join(err.JSONPointer(), "/"), reason, clip(got, 300))
}

// checkMediaType checks that a body testkit did not keep was sent with a documented Content-Type.
func checkMediaType(in *openapi3filter.RequestValidationInput) error {
	ct := in.Request.Header.Get("Content-Type")
	rb := in.Route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return fmt.Errorf("a %q body was sent, but the operation takes none", ct)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || rb.Value.Content.Get(mt) == nil {
		return fmt.Errorf("Content-Type %q is not one the operation documents", ct)
	}
	return nil
}

func clip(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return append(b[:n:n], "…"...)
}
