// Package api serves Bindery's REST API, shaped like Power BI's
// (/v1.0/myorg/...): camelCase JSON, {"value": [...]} lists,
// {"error": {"code", "message"}} errors, lower-case GUIDs. Handlers return
// errors; writeError is the one place that turns them into responses.
package api

import (
	"context"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
	"log/slog"
	"net/http"
	"os"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/capacity"
	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/queryexec"
	"github.com/bindery-dev/bindery/internal/tokens"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configures the API.
type Options struct {
	Catalog    *catalog.Service
	Tokens     *tokens.Service
	Principals *principals.Admin // user and app management routes
	Executor   *queryexec.Executor
	Governor   *capacity.Governor // live load per capacity
	// RotateIssuerKey replaces the OAuth issuer's signing key (nil: not offered).
	RotateIssuerKey func(context.Context) error
	Auth            auth.Authenticator
	PublicURL       string // base of embedUrl and webUrl, without a trailing slash
	UploadDir       string // where uploads are spooled before import
	MaxBodyBytes    int64  // JSON bodies; default 16 MiB
	MaxUploadBytes  int64  // CSV/Parquet uploads; default 4 GiB
	Logger          *slog.Logger
	Registerer      prometheus.Registerer // nil: metrics are not registered
	Ready           func() error          // /readyz; nil means always ready
}

// API is an http.Handler.
type API struct {
	opts    Options
	cat     *catalog.Service
	log     *slog.Logger
	mux     *http.ServeMux
	metrics *httpMetrics
	handler http.Handler
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of the route table.
type Route struct {
	Method, Path string
	Public       bool // served without authentication
	handler      handlerFunc
}

// New builds the API and its route table.
func New(o Options) *API {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 16 << 20
	}
	if o.MaxUploadBytes == 0 {
		o.MaxUploadBytes = 4 << 30
	}
	if o.UploadDir == "" {
		o.UploadDir = os.TempDir()
	}
	a := &API{opts: o, cat: o.Catalog, log: o.Logger, mux: http.NewServeMux()}
	a.metrics = newHTTPMetrics(o.Registerer)
	for _, rt := range a.routes() {
		a.register(rt)
	}
	a.handler = a.recoverer(a.requestID(http.HandlerFunc(a.route)))
	return a
}

// route dispatches to the mux, answering unknown routes (404) and wrong methods (405) in the API's error shape.
func (a *API) route(w http.ResponseWriter, r *http.Request) {
	if _, pattern := a.mux.Handler(r); pattern != "" {
		a.mux.ServeHTTP(w, r)
		return
	}
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	a.metrics.instrument(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, r, a.log, errs.New(errs.KindMethodNotAllowed, "MethodNotAllowed", "%s is not allowed here; use %s", r.Method, strings.Join(allowed, ", ")))
			return
		}
		writeError(w, r, a.log, errNoRoute)
	})).ServeHTTP(w, r)
}

// ServeHTTP serves the API.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Routes lists the route table (the OpenAPI test checks it against the document).
func (a *API) Routes() []Route { return a.routes() }

// Handle adds a handler outside the route table (the embed page, static assets).
func (a *API) Handle(pattern string, h http.Handler) { a.mux.Handle(pattern, a.metrics.instrument(h)) }

func (a *API) register(rt Route) {
	a.mux.Handle(rt.Method+" "+rt.Path, a.metrics.instrument(a.wrap(rt)))
}

// wrap authenticates (unless public), limits the body and writes returned errors.
func (a *API) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.Public {
			p, err := a.opts.Auth.Authenticate(r)
			if err != nil {
				writeError(w, r, a.log, err)
				return
			}
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		if r.Body != nil && !isUpload(r) {
			r.Body = http.MaxBytesReader(w, r.Body, a.opts.MaxBodyBytes)
		}
		if err := rt.handler(w, r); err != nil {
			writeError(w, r, a.log, err)
		}
	})
}

// HandleFunc adds an unauthenticated handler outside the route table whose errors
// go through the API's one error writer (the embed page's data endpoints, which
// authenticate embed tokens themselves).
func (a *API) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request) error) {
	a.Handle(pattern, a.wrap(Route{Public: true, handler: h}))
}

// WriteError writes err in Power BI's error shape, as every API response does.
func (a *API) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, a.log, err)
}
