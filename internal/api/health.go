package api

import (
	_ "embed"
	"net/http"

	"github.com/bindery-dev/bindery/internal/errs"
)

//go:embed openapi.json
var openapiDoc []byte

// OpenAPIDocument returns the served OpenAPI 3 document.
func OpenAPIDocument() []byte { return openapiDoc }

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
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(openapiDoc)
	return nil
}
