// Package server wires Bindery together — metadata store, dataset engine,
// catalog, API, metrics — and runs the HTTP server with graceful shutdown.
package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bindery-dev/bindery/internal/api"
	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/auth/authn"
	"github.com/bindery-dev/bindery/internal/auth/issuer"
	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/binding"
	"github.com/bindery-dev/bindery/internal/capacity"
	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/config"
	"github.com/bindery-dev/bindery/internal/embed"
	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/engine"
	"github.com/bindery-dev/bindery/internal/portal"
	"github.com/bindery-dev/bindery/internal/queryexec"
	"github.com/bindery-dev/bindery/internal/samples"
	"github.com/bindery-dev/bindery/internal/store"
	"github.com/bindery-dev/bindery/internal/store/postgres"
	"github.com/bindery-dev/bindery/internal/store/sqlite"
	"github.com/bindery-dev/bindery/internal/tokens"
	"github.com/bindery-dev/bindery/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Client ids of the browser applications Bindery serves itself.
const (
	PortalClientID    = "bindery-portal"
	OrgSampleClientID = "bindery-sample-organization"
)

// Option adjusts the wiring; tests use it.
type Option func(*wiring)

type wiring struct {
	wrapAuth func(auth.Authenticator) auth.Authenticator
}

// WithAuthenticator wraps the authenticator, e.g. to let a test add principals of its own.
func WithAuthenticator(wrap func(auth.Authenticator) auth.Authenticator) Option {
	return func(w *wiring) { w.wrapAuth = wrap }
}

// Server is a running Bindery.
type Server struct {
	cfg     *config.Config
	log     *slog.Logger
	store   store.Store
	engine  *engine.Manager
	Catalog *catalog.Service
	Tokens  *tokens.Service
	Binder  *binding.Binder
	Revoked *embedtoken.RevocationList
	// Principals manages users and apps; Issuer is Bindery's OAuth 2.0 / OIDC provider.
	Principals *principals.Service
	Executor   *queryexec.Executor
	Issuer     *issuer.Issuer
	API        *api.API
	AdminKey   string
	handler    http.Handler
	stopping   atomic.Bool
	lock       *dirLock
}

// New opens the data directory and builds the server. Close releases it.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, opts ...Option) (*Server, error) {
	var wr wiring
	for _, o := range opts {
		o(&wr)
	}
	if _, err := api.OpenAPIJSON(); err != nil {
		return nil, fmt.Errorf("embedded OpenAPI document: %w", err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", cfg.DataDir, err)
	}
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	cleanUploads(cfg.DataDir)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("metadata store: %w", err)
	}
	eng, err := engine.Open(engine.Options{Dir: filepath.Join(cfg.DataDir, "datasets"), IdleTimeout: cfg.DatasetIdle, Logger: log})
	if err != nil {
		st.Close()
		lock.release()
		return nil, fmt.Errorf("dataset engine: %w", err)
	}
	key := cfg.AdminKey
	if key == "" {
		if key, err = loadOrCreateAdminKey(filepath.Join(cfg.DataDir, "admin.key")); err != nil {
			eng.Close()
			st.Close()
			lock.release()
			return nil, err
		}
	}
	s := &Server{cfg: cfg, log: log, store: st, engine: eng, lock: lock, AdminKey: key}
	az := authz.New(st)
	s.Catalog = catalog.New(catalog.Options{Store: st, Engine: eng, Authz: az, Logger: log})
	ring, err := tokens.LoadKeyRing(ctx, st, embedtoken.Options{Issuer: cfg.PublicURL, MaxLifetime: cfg.EmbedTokenMax})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("embed token keys: %w", err)
	}
	s.Revoked = embedtoken.NewRevocationList(tokens.RevocationLoader(st, time.Now), time.Now)
	if err := s.Revoked.Refresh(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("embed token revocations: %w", err)
	}
	s.Tokens = tokens.New(tokens.Options{Store: st, Authz: az, Keys: ring, Revocations: s.Revoked, MaxLifetime: cfg.EmbedTokenMax, Logger: log})
	s.Binder = binding.New(binding.Options{Lookup: st, Authz: az, Revocations: s.Revoked})
	s.Principals = principals.New(principals.Options{Store: st})
	// The portal is a public client of Bindery's own issuer; the demo's organization sample another.
	pcs := []issuer.PublicClient{{ClientID: PortalClientID, RedirectURIs: []string{cfg.PublicURL + "/portal/callback"}}}
	if cfg.Demo {
		pcs = append(pcs, issuer.PublicClient{ClientID: OrgSampleClientID, RedirectURIs: []string{cfg.PublicURL + "/samples/organization/callback"}})
	}
	for _, pc := range cfg.Auth.PublicClients {
		pcs = append(pcs, issuer.PublicClient{ClientID: pc.ClientID, RedirectURIs: pc.RedirectURIs})
	}
	s.Issuer, err = issuer.New(issuer.Options{
		URL: cfg.PublicURL, Principals: s.Principals, Keys: st,
		AccessTokenLifetime: cfg.Auth.AccessTokenLifetime, RefreshTokenLifetime: cfg.Auth.RefreshTokenLifetime,
		KeyRotation: cfg.Auth.KeyRotation, PublicClients: pcs, Logger: log,
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("token issuer: %w", err)
	}
	var ext []authn.External
	for _, ti := range cfg.Auth.TrustedIssuers {
		ext = append(ext, authn.External{Issuer: ti.Issuer, Audience: ti.Audience, UserClaim: ti.UserClaim})
	}
	var an auth.Authenticator
	if an, err = authn.New(authn.Options{AdminKey: key, Local: s.Issuer, External: ext}); err != nil {
		s.Close()
		return nil, fmt.Errorf("authenticator: %w", err)
	}
	authenticator := auth.PromoteAdmins(an, s.Issuer.URL(), cfg.Auth.AdminUsers)
	if wr.wrapAuth != nil {
		authenticator = wr.wrapAuth(authenticator)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gov, err := capacity.New(capacity.Options{Registerer: reg})
	if err != nil {
		s.Close()
		return nil, err
	}
	if s.Executor, err = queryexec.New(queryexec.Options{Engine: eng, Governor: gov, CacheBytes: cfg.CacheBytes, Logger: log}); err != nil {
		s.Close()
		return nil, err
	}
	s.API = api.New(api.Options{
		Catalog: s.Catalog, Tokens: s.Tokens, Auth: authenticator, Principals: principals.NewAdmin(s.Principals), Executor: s.Executor, Governor: gov, RotateIssuerKey: s.Issuer.Rotate, PublicURL: cfg.PublicURL,
		UploadDir: filepath.Join(cfg.DataDir, "uploads"), MaxBodyBytes: cfg.MaxBodyBytes, MaxUploadBytes: cfg.MaxUploadBytes,
		Logger: log, Registerer: reg, Ready: s.ready,
	})
	ancestors := cfg.FrameAncestors
	if len(ancestors) == 0 && cfg.Demo {
		ancestors = []string{"*"} // the demo is meant to be embedded from anywhere; production names its hosts
	}
	embed.New(embed.Options{Binder: s.Binder, Tokens: s.Tokens, Authn: authenticator, Executor: s.Executor,
		Assets: web.Dist(), FrameAncestors: ancestors, Logger: log}).Register(s.API)
	if cfg.Demo { // the sample apps call Bindery over HTTP at the public URL, as separate applications would
		samples.New(samples.Options{BaseURL: cfg.PublicURL, ConfigFile: filepath.Join(cfg.DataDir, "demo.json"), AccountsFile: filepath.Join(cfg.DataDir, "samples.json"), Assets: web.Dist(), Logger: log}).Register(s.API)
	}
	portal.New(portal.Options{Assets: web.Dist(), Logger: log}).Register(s.API)
	for _, p := range []string{issuer.DiscoveryPath, issuer.OAuthPrefix, issuer.LoginPath} {
		s.API.Handle(p, s.Issuer.Handler())
	}
	s.API.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	s.handler = s.API
	return s, nil
}

// openStore opens the metadata store: PostgreSQL, shared with other nodes,
// when a database URL is set, else SQLite in the data directory.
func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	if cfg.DatabaseURL != "" {
		db, err := postgres.Open(ctx, postgres.Options{URL: cfg.DatabaseURL, Logger: log})
		if err != nil {
			return nil, err // not a typed nil in the interface
		}
		log.Info("metadata store: PostgreSQL, shared by every node on the same database")
		return db, nil
	}
	db, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(cfg.DataDir, "bindery.db"), Logger: log})
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Handler is the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) ready() error {
	if s.stopping.Load() {
		return errors.New("shutting down")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := s.store.ListCapacities(ctx); err != nil {
		return fmt.Errorf("metadata store: %w", err)
	}
	return nil
}

// Serve serves on ln until ctx is done, then stops accepting, lets in-flight
// requests finish (up to the shutdown timeout) and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// Other nodes' revocations arrive through the shared store.
	rctx, stopRefresh := context.WithCancel(ctx)
	defer stopRefresh()
	go s.Revoked.Run(rctx, 5*time.Second, s.log)
	go s.Tokens.RunKeyRefresh(rctx, 30*time.Second)
	s.log.Info("serving", "addr", ln.Addr().String(), "publicUrl", s.cfg.PublicURL, "data", s.cfg.DataDir)
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	s.stopping.Store(true)
	if s.cfg.ShutdownDelay > 0 {
		// /readyz now answers 503; give load balancers time to stop sending before the listener closes.
		s.log.Info("shutting down: draining", "delay", s.cfg.ShutdownDelay)
		time.Sleep(s.cfg.ShutdownDelay)
	}
	s.log.Info("shutting down: finishing in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.log.Info("stopped")
	return nil
}

// Close releases the engine and the store.
func (s *Server) Close() error {
	return errors.Join(s.engine.Close(), s.store.Close(), s.lock.release())
}

// loadOrCreateAdminKey keeps a generated key in the data directory, readable only by its owner,
// so a server is never open without authentication even when no key is configured.
func loadOrCreateAdminKey(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err == nil {
		if k := strings.TrimSpace(string(raw)); len(k) >= 16 {
			return k, nil
		}
		return "", fmt.Errorf("admin key file %s holds fewer than 16 characters", path)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("admin key: %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	key := "bnd_" + base64.RawURLEncoding.EncodeToString(b[:])
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("admin key: %w", err)
	}
	return key, nil
}

// Store returns the metadata store (for tests and in-process tools).
func (s *Server) Store() store.Store { return s.store }

// Engine returns the dataset engine (for tests and in-process tools).
func (s *Server) Engine() *engine.Manager { return s.engine }
