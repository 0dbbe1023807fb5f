// Package portal serves Bindery's management portal: a single-page app for
// signed-in users (workspaces, capacities, datasets, reports, report preview
// with dynamic binding, embed tokens). The portal is a public OAuth client of
// Bindery's own issuer: it signs in with authorization code + PKCE in the
// browser and calls the REST API with the user's bearer token, so this package
// serves only static files — the HTML shell at /portal/ (and at the OAuth
// redirect URI /portal/callback) and its script and styles at /portal/assets/.
// Every answer carries a strict Content-Security-Policy: scripts only from
// this server, no inline script, no framing of the portal itself.
package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Mux is where the handlers go: the API registers them with its metrics.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Paths the portal serves.
const (
	// Path is the portal's home; the shell is also served at CallbackPath.
	Path = "/portal/"
	// CallbackPath is the OAuth redirect URI registered for the portal client.
	CallbackPath = "/portal/callback"
	// AssetsPath prefixes the portal's script and styles.
	AssetsPath = "/portal/assets/"
	// shellFile is the HTML shell inside Options.Assets.
	shellFile = "portal/index.html"
)

// CSP is the portal's Content-Security-Policy: nothing inline, neither script
// nor style (the app and the SDK set styles through the CSSOM, which CSP
// allows). frame-src 'self' lets the preview embed /reportEmbed.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Options configures the portal handlers.
type Options struct {
	// Assets holds the built front end (web/dist); the portal's files are under portal/.
	Assets fs.FS
	Logger *slog.Logger
}

// Handler serves the portal.
type Handler struct {
	o     Options
	mu    sync.Mutex
	etags map[string]string
}

// New returns the portal handlers.
func New(o Options) *Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{o: o, etags: map[string]string{}}
}

// Register adds the portal routes to mux.
func (h *Handler) Register(mux Mux) {
	mux.Handle("GET /portal", http.RedirectHandler(Path, http.StatusMovedPermanently))
	mux.Handle("GET "+Path+"{$}", http.HandlerFunc(h.shell))
	mux.Handle("GET "+CallbackPath, http.HandlerFunc(h.shell))
	mux.Handle("GET "+AssetsPath, http.StripPrefix(AssetsPath, http.HandlerFunc(h.asset)))
}

// securityHeaders: the portal holds a user's access token, so it is never framed and never leaks its URL.
func securityHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", CSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// shell serves the HTML page; the app reads the route from the URL's hash
// and, on /portal/callback, the authorization code from its query.
func (h *Handler) shell(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w)
	w.Header().Set("Cache-Control", "no-store")
	raw, err := h.read(shellFile)
	if err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		http.Error(w, "the portal is not built: run `make build` (npm + esbuild) and rebuild the binary", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(raw)
}

// asset serves portal/<name> from the built files with a content-hash ETag.
func (h *Handler) asset(w http.ResponseWriter, r *http.Request) {
	name := path.Clean("/" + r.URL.Path)[1:]
	if name == "" || strings.HasPrefix(name, ".") || name == "index.html" {
		http.NotFound(w, r)
		return
	}
	name = path.Join("portal", name)
	raw, err := h.read(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	etag := h.etag(name, raw)
	securityHeaders(w)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(raw))
}

func (h *Handler) read(name string) ([]byte, error) {
	if h.o.Assets == nil {
		return nil, fs.ErrNotExist
	}
	f, err := h.o.Assets.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.IsDir() {
		return nil, fs.ErrNotExist
	}
	return io.ReadAll(f)
}

func (h *Handler) etag(name string, raw []byte) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e, ok := h.etags[name]; ok {
		return e
	}
	sum := sha256.Sum256(raw)
	e := `"` + hex.EncodeToString(sum[:8]) + `"`
	h.etags[name] = e
	return e
}
