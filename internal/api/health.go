package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/getkin/kin-openapi/openapi3"
)

// openapiYAML is the hand-written contract of the API; /openapi.json serves it as JSON.
//
//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPISpec parses and validates the embedded OpenAPI 3 document. Each call
// returns a fresh copy, so callers may change it (e.g. a test's router).
func OpenAPISpec() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI 3 document: %w", err)
	}
	return doc, nil
}

// openapiJSON converts the document once; the conversion also validates it.
var openapiJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := OpenAPISpec()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml to JSON: %w", err)
	}
	return b, nil
})

// OpenAPIJSON returns the served OpenAPI document as JSON, or why the embedded
// document is invalid. Call it at startup to fail fast; TestOpenAPIDocumentValid
// keeps it from ever failing.
func OpenAPIJSON() ([]byte, error) { return openapiJSON() }

// OpenAPIDocument returns the served OpenAPI 3 document as JSON (nil if it is invalid, see OpenAPIJSON).
func OpenAPIDocument() []byte {
	b, _ := openapiJSON()
	return b
}

func (a *API) healthz(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz answers 503 until the server can serve (metadata store reachable, not shutting down).
func (a *API) readyz(w http.ResponseWriter, _ *http.Request) error {
	if a.opts.Ready != nil {
		if err := a.opts.Ready(); err != nil {
			return errs.New(errs.KindUnavailable, "NotReady", "not ready: %v", err)
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

func (a *API) openapi(w http.ResponseWriter, _ *http.Request) error {
	doc, err := openapiJSON()
	if err != nil {
		return err // a 500 that names the cause in the log; a test rules it out
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(doc) // a write error means the client left
	return nil
}
