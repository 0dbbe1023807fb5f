// Package embed serves what runs inside the embedding application's iframe:
// the embed page (/reportEmbed), its scripts, the JavaScript SDK, and the data
// endpoints the page calls. Every data request carries the viewer's token in
// its Authorization header — "EmbedToken <token>" for an embed token, "Bearer
// <token>" for a principal's own access token — and is authorized again on the
// server by internal/binding, whatever the page says. Tokens never travel in URLs.
package embed

import (
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/binding"
	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/queryexec"
)

// TokenVerifier checks an embed token (signature, expiry, revocation).
type TokenVerifier interface {
	Verify(token string) (*embedtoken.Claims, error)
}

// Mux is where the handlers go: the API registers them with its error writer and metrics.
type Mux interface {
	HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request) error)
	Handle(pattern string, h http.Handler)
}

// Options configures the embed handlers.
type Options struct {
	Binder   *binding.Binder
	Tokens   TokenVerifier
	Authn    auth.Authenticator // for principals' own access tokens (tokenType Aad)
	Executor *queryexec.Executor
	// Assets holds the built front end (web/dist): embed.js, sdk.js and the like.
	Assets fs.FS
	// FrameAncestors are the origins allowed to host embeds (CSP frame-ancestors); empty means none but this server.
	FrameAncestors []string
	Logger         *slog.Logger
}

// Handler serves the embed page and its data.
type Handler struct {
	o Options
}

// New returns the embed handlers.
func New(o Options) *Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{o: o}
}

// Register adds the embed routes to mux.
func (h *Handler) Register(mux Mux) {
	mux.Handle("GET /reportEmbed", http.HandlerFunc(h.page))
	mux.Handle("GET /embed/assets/", http.StripPrefix("/embed/assets/", h.assets()))
	mux.Handle("GET /sdk/v1/", http.StripPrefix("/sdk/v1/", h.sdk()))
	mux.HandleFunc("POST /embed/v1/load", h.load)
	mux.HandleFunc("POST /embed/v1/query", h.query)
	mux.HandleFunc("POST /embed/v1/export", h.export)
}
