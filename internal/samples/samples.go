// Package samples serves the demo's two sample applications, each written as
// a separate application that talks to Bindery only over HTTP, at its public
// URL, exactly as a customer's application would:
//
//   - /samples/customers/ — "embed for your customers" (app owns data): the
//     app signs its own customers in (one account per retailer), gets an access
//     token for its app registration with client credentials, calls
//     POST /v1.0/myorg/GenerateToken for the report plus the retailer's dataset
//     (with an RLS identity where the dataset needs one), and its page embeds
//     the report with the SDK, tokenType Embed and datasetBinding.
//   - /samples/organization/ — "embed for your organization" (user owns data):
//     a browser-only application; the user signs in to Bindery with the
//     authorization code flow and PKCE, and the page embeds with the user's own
//     access token (tokenType Aad), offering only the datasets the user may bind.
//
// The samples read what they know about Bindery (ids, the app's client id and
// secret) from the demo's demo.json, the way a real app reads its settings.
// The app's secret stays in this backend; pages never see it.
package samples

import (
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/auth/throttle"
)

// Mux is where the handlers go (the API's mux, as for internal/embed).
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Defaults for Options.
const (
	DefaultEmbedTokenLifetime = 10 * time.Minute
	DefaultSessionLifetime    = 8 * time.Hour
	// OrgClientID is the public client the organization sample signs users in through.
	OrgClientID = "bindery-sample-organization"
)

// Options configures the samples.
type Options struct {
	// BaseURL is Bindery's public URL; the samples' backends call Bindery there, over HTTP. Required.
	BaseURL string
	// ConfigFile is the demo's demo.json: report and dataset ids, the app's client id and secret, the token URL.
	// It is read on first use (the demo is seeded after the server starts). Required.
	ConfigFile string
	// AccountsFile keeps the customers sample's own accounts and their generated passwords (created when missing).
	AccountsFile string
	// Assets holds the built front end (web/dist); the samples' scripts are under samples/.
	Assets fs.FS
	// HTTPClient calls Bindery; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// EmbedTokenLifetime is the lifetime the customers sample asks GenerateToken for, unless its page asks for
	// another one between 1 and 60 minutes. Default DefaultEmbedTokenLifetime.
	EmbedTokenLifetime time.Duration
	// SessionLifetime is how long a customers sample sign-in lasts. Default DefaultSessionLifetime.
	SessionLifetime time.Duration
	Logger          *slog.Logger
	Now             func() time.Time
}

// Handler serves both samples.
type Handler struct {
	o        Options
	secure   bool // BaseURL is https: cookies get Secure
	origin   string
	client   *bindery
	config   *configLoader
	accounts *accountStore
	sessions *sessions
	limiter  *throttle.Limiter
}

// New returns the samples' handlers.
func New(o Options) *Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.EmbedTokenLifetime <= 0 {
		o.EmbedTokenLifetime = DefaultEmbedTokenLifetime
	}
	if o.SessionLifetime <= 0 {
		o.SessionLifetime = DefaultSessionLifetime
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	h := &Handler{o: o, secure: strings.HasPrefix(o.BaseURL, "https://"), origin: originOf(o.BaseURL)}
	h.config = &configLoader{path: o.ConfigFile}
	h.client = newBindery(o.BaseURL, o.HTTPClient, h.config, o.Now)
	h.accounts = &accountStore{path: o.AccountsFile}
	h.sessions = newSessions(o.SessionLifetime, o.Now)
	h.limiter = throttle.New(throttle.Options{Now: o.Now})
	// Write the accounts now, so a person can look their passwords up before the first visit.
	if _, err := h.accounts.all(); err != nil {
		o.Logger.Warn("customers sample accounts", "err", err)
	}
	return h
}

// Register adds the samples' routes to mux.
func (h *Handler) Register(mux Mux) {
	mux.Handle("GET /samples/{$}", http.HandlerFunc(h.index))
	mux.Handle("GET /samples/assets/", http.StripPrefix("/samples/assets/", h.assets()))

	mux.Handle("GET /samples/customers/{$}", http.HandlerFunc(h.customersPage))
	mux.Handle("POST /samples/customers/signin", http.HandlerFunc(h.customersSignIn))
	mux.Handle("POST /samples/customers/signout", http.HandlerFunc(h.customersSignOut))
	mux.Handle("POST /samples/customers/api/embed", http.HandlerFunc(h.customersEmbed))

	mux.Handle("GET /samples/organization/{$}", http.HandlerFunc(h.organizationPage))
	mux.Handle("GET /samples/organization/callback", http.HandlerFunc(h.organizationPage))
	mux.Handle("GET /samples/organization/config.json", http.HandlerFunc(h.organizationConfig))
}

// assets serves web/dist/samples: the pages' scripts and styles.
func (h *Handler) assets() http.Handler {
	if h.o.Assets == nil {
		return http.NotFoundHandler()
	}
	sub, err := fs.Sub(h.o.Assets, "samples")
	if err != nil {
		return http.NotFoundHandler()
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// sameOrigin refuses state-changing requests sent from other sites' pages
// (SameSite=Lax already keeps the session cookie off them; this covers sign-in).
func (h *Handler) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		return o == h.origin || o == "http://"+r.Host || o == "https://"+r.Host
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "" || site == "same-origin" || site == "none"
}
