// Package config holds Bindery's typed settings, read from flags and BINDERY_*
// environment variables (a flag wins over the environment), and validates them
// at start so a bad setting fails with a clear message instead of later.
package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything `bindery serve` needs.
type Config struct {
	Addr            string        // listen address, host:port
	DataDir         string        // metadata database, dataset files, keys
	DatabaseURL     string        // PostgreSQL metadata store shared by several nodes; empty: SQLite in DataDir
	PublicURL       string        // base URL browsers and apps use; embedUrl is built from it
	LogFormat       string        // text or json
	LogLevel        string        // debug, info, warn, error
	AdminKey        string        // bearer key for the management API (BINDERY_ADMIN_KEY or _FILE)
	Demo            bool          // seed the demo content at start
	MaxBodyBytes    int64         // JSON request bodies
	MaxUploadBytes  int64         // CSV/Parquet uploads
	ShutdownTimeout time.Duration // how long in-flight requests may take to finish on SIGTERM
	DatasetIdle     time.Duration // close a dataset's files after this long unused
	EmbedTokenMax   time.Duration // longest embed token GenerateToken mints
	FrameAncestors  []string      // origins allowed to host embeds (CSP frame-ancestors); empty: only this server
	ShutdownDelay   time.Duration // how long /readyz reports 503 before the listener closes, for load balancers
	CacheBytes      int64         // result cache size
	Auth            AuthConfig
}

// AuthConfig configures Bindery's OAuth 2.0 / OIDC issuer and the external issuers it trusts.
type AuthConfig struct {
	AccessTokenLifetime  time.Duration
	RefreshTokenLifetime time.Duration
	KeyRotation          time.Duration  // age at which the issuer's signing key is replaced; negative: manual only
	PublicClients        []PublicClient // browser apps users sign in through (authorization code + PKCE)
	TrustedIssuers       []TrustedIssuer
	AdminUsers           []string // user names that are server administrators
}

// PublicClient is a browser application allowed to sign users in.
type PublicClient struct {
	ClientID     string   `json:"clientId"`
	RedirectURIs []string `json:"redirectUris"`
}

// TrustedIssuer is an external OpenID Connect issuer whose user tokens Bindery accepts.
type TrustedIssuer struct {
	Issuer    string `json:"issuer"`
	Audience  string `json:"audience"`
	UserClaim string `json:"userClaim"` // default preferred_username
}

// Defaults returns the settings used when nothing is given.
func Defaults() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "bindery-data",
		LogFormat:       "text",
		LogLevel:        "info",
		MaxBodyBytes:    16 << 20,
		MaxUploadBytes:  4 << 30,
		ShutdownTimeout: 30 * time.Second,
		DatasetIdle:     5 * time.Minute,
		EmbedTokenMax:   time.Hour,
		CacheBytes:      256 << 20,
		Auth: AuthConfig{
			AccessTokenLifetime:  time.Hour,
			RefreshTokenLifetime: 24 * time.Hour,
			KeyRotation:          30 * 24 * time.Hour,
		},
	}
}

// Env reads a variable; tests pass their own.
type Env func(string) string

// Bind registers serve's flags on fs, with defaults taken from env (BINDERY_*).
// Call Finish after fs.Parse.
func Bind(fs *flag.FlagSet, env Env) (*Config, *Binder) {
	c := Defaults()
	b := &Binder{cfg: &c, env: env}
	fs.StringVar(&c.Addr, "addr", b.str("BINDERY_ADDR", c.Addr), "listen address `host:port` (env BINDERY_ADDR)")
	fs.StringVar(&c.DataDir, "data", b.str("BINDERY_DATA", c.DataDir), "data `dir`ectory: metadata, datasets, keys (env BINDERY_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", b.str("BINDERY_DATABASE_URL", ""), "PostgreSQL `URL` (postgres://...) of a metadata store shared by several nodes; default: SQLite in --data (env BINDERY_DATABASE_URL or BINDERY_DATABASE_URL_FILE)")
	fs.StringVar(&c.PublicURL, "public-url", b.str("BINDERY_PUBLIC_URL", ""), "public base `URL` used in embedUrl (env BINDERY_PUBLIC_URL; default http://ADDR)")
	fs.StringVar(&c.LogFormat, "log-format", b.str("BINDERY_LOG_FORMAT", c.LogFormat), "log format: text or json (env BINDERY_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", b.str("BINDERY_LOG_LEVEL", c.LogLevel), "log level: debug, info, warn or error (env BINDERY_LOG_LEVEL)")
	fs.BoolVar(&c.Demo, "demo", b.bool("BINDERY_DEMO", false), "seed the demo capacity, workspaces, datasets and report (env BINDERY_DEMO)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", b.int("BINDERY_MAX_BODY_BYTES", c.MaxBodyBytes), "largest JSON request body (env BINDERY_MAX_BODY_BYTES)")
	fs.Int64Var(&c.MaxUploadBytes, "max-upload-bytes", b.int("BINDERY_MAX_UPLOAD_BYTES", c.MaxUploadBytes), "largest CSV/Parquet upload (env BINDERY_MAX_UPLOAD_BYTES)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", b.dur("BINDERY_SHUTDOWN_TIMEOUT", c.ShutdownTimeout), "time in-flight requests get to finish on SIGTERM (env BINDERY_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&c.DatasetIdle, "dataset-idle", b.dur("BINDERY_DATASET_IDLE", c.DatasetIdle), "close a dataset's files after this long unused (env BINDERY_DATASET_IDLE)")
	fs.DurationVar(&c.EmbedTokenMax, "embed-token-max-lifetime", b.dur("BINDERY_EMBED_TOKEN_MAX_LIFETIME", c.EmbedTokenMax), "cap on embed token lifetime (env BINDERY_EMBED_TOKEN_MAX_LIFETIME)")
	fs.DurationVar(&c.Auth.AccessTokenLifetime, "access-token-lifetime", b.dur("BINDERY_ACCESS_TOKEN_LIFETIME", c.Auth.AccessTokenLifetime), "lifetime of access tokens Bindery issues (env BINDERY_ACCESS_TOKEN_LIFETIME)")
	fs.DurationVar(&c.Auth.RefreshTokenLifetime, "refresh-token-lifetime", b.dur("BINDERY_REFRESH_TOKEN_LIFETIME", c.Auth.RefreshTokenLifetime), "lifetime of refresh tokens (env BINDERY_REFRESH_TOKEN_LIFETIME)")
	fs.DurationVar(&c.Auth.KeyRotation, "signing-key-rotation", b.dur("BINDERY_SIGNING_KEY_ROTATION", c.Auth.KeyRotation), "replace the token signing key after this long; negative: never automatically (env BINDERY_SIGNING_KEY_ROTATION)")
	fs.Func("frame-ancestors", "space-separated origins allowed to embed reports in an iframe, e.g. 'https://app.example.com' (env BINDERY_FRAME_ANCESTORS; default: only this server; the demo allows any)", func(v string) error {
		c.FrameAncestors = strings.Fields(strings.ReplaceAll(v, ",", " "))
		return nil
	})
	if v := b.env("BINDERY_FRAME_ANCESTORS"); v != "" {
		c.FrameAncestors = strings.Fields(strings.ReplaceAll(v, ",", " "))
	}
	fs.DurationVar(&c.ShutdownDelay, "shutdown-delay", b.dur("BINDERY_SHUTDOWN_DELAY", c.ShutdownDelay), "on SIGTERM, report not-ready this long before closing the listener (env BINDERY_SHUTDOWN_DELAY)")
	fs.Int64Var(&c.CacheBytes, "cache-bytes", b.int("BINDERY_CACHE_BYTES", c.CacheBytes), "size of the query result cache in bytes; negative turns it off (env BINDERY_CACHE_BYTES)")
	fs.Func("admin-users", "comma-separated user names that are server administrators (env BINDERY_ADMIN_USERS)", func(v string) error {
		c.Auth.AdminUsers = splitList(v)
		return nil
	})
	if v := b.env("BINDERY_ADMIN_USERS"); v != "" {
		c.Auth.AdminUsers = splitList(v)
	}
	fs.Func("public-clients", `browser apps users sign in through, as JSON: [{"clientId":"portal","redirectUris":["https://app.example.com/callback"]}] (env BINDERY_PUBLIC_CLIENTS)`, b.jsonInto(&c.Auth.PublicClients))
	fs.Func("trusted-issuers", `external OIDC issuers whose user tokens are accepted, as JSON: [{"issuer":"https://login.example.com","audience":"bindery","userClaim":"email"}] (env BINDERY_TRUSTED_ISSUERS)`, b.jsonInto(&c.Auth.TrustedIssuers))
	b.jsonEnv("BINDERY_PUBLIC_CLIENTS", &c.Auth.PublicClients)
	b.jsonEnv("BINDERY_TRUSTED_ISSUERS", &c.Auth.TrustedIssuers)
	return &c, b
}

func splitList(v string) []string {
	return strings.Fields(strings.ReplaceAll(v, ",", " "))
}

func (b *Binder) jsonInto(v any) func(string) error {
	return func(s string) error {
		if err := json.Unmarshal([]byte(s), v); err != nil {
			return fmt.Errorf("want JSON: %w", err)
		}
		return nil
	}
}

func (b *Binder) jsonEnv(key string, v any) {
	if s := b.env(key); s != "" {
		if err := json.Unmarshal([]byte(s), v); err != nil {
			b.errs = append(b.errs, fmt.Errorf("%s: want JSON: %w", key, err))
		}
	}
}

// Binder collects environment parse errors until Finish.
type Binder struct {
	cfg  *Config
	env  Env
	errs []error
}

func (b *Binder) str(key, def string) string {
	if v := b.env(key); v != "" {
		return v
	}
	return def
}

func (b *Binder) bool(key string, def bool) bool {
	v := b.env(key)
	if v == "" {
		return def
	}
	p, err := strconv.ParseBool(v)
	if err != nil {
		b.errs = append(b.errs, fmt.Errorf("%s=%q: want true or false", key, v))
	}
	return p
}

func (b *Binder) int(key string, def int64) int64 {
	v := b.env(key)
	if v == "" {
		return def
	}
	p, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		b.errs = append(b.errs, fmt.Errorf("%s=%q: want a whole number", key, v))
	}
	return p
}

func (b *Binder) dur(key string, def time.Duration) time.Duration {
	v := b.env(key)
	if v == "" {
		return def
	}
	p, err := time.ParseDuration(v)
	if err != nil {
		b.errs = append(b.errs, fmt.Errorf("%s=%q: want a duration such as 30s", key, v))
	}
	return p
}

// Finish reads secrets (BINDERY_ADMIN_KEY, or a file named by BINDERY_ADMIN_KEY_FILE;
// the database URL from a file named by BINDERY_DATABASE_URL_FILE when neither
// --database-url nor BINDERY_DATABASE_URL gives it), fills derived defaults and validates.
func (b *Binder) Finish() (*Config, error) {
	c := b.cfg
	c.AdminKey = b.env("BINDERY_ADMIN_KEY")
	if f := b.env("BINDERY_ADMIN_KEY_FILE"); f != "" {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("BINDERY_ADMIN_KEY_FILE: %w", err))
		}
		c.AdminKey = strings.TrimSpace(string(raw))
	}
	if f := b.env("BINDERY_DATABASE_URL_FILE"); f != "" && c.DatabaseURL == "" {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("BINDERY_DATABASE_URL_FILE: %w", err))
		}
		c.DatabaseURL = strings.TrimSpace(string(raw))
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if err := c.Validate(); err != nil {
		b.errs = append(b.errs, err)
	}
	return c, errors.Join(b.errs...)
}

// Validate checks every setting and names the ones that are wrong.
func (c *Config) Validate() error {
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("--addr %q: want host:port, such as 127.0.0.1:8080", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("--addr %q: port must be a number from 0 to 65535", c.Addr)
	}
	if strings.TrimSpace(c.DataDir) == "" {
		bad("--data: a directory is required")
	}
	if c.DatabaseURL != "" {
		// The URL may hold a password: name the setting, never echo the value.
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("--database-url: want a postgres:// or postgresql:// URL, such as postgres://bindery@db.example.com:5432/bindery")
		}
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("--public-url %q: want an absolute http(s) URL such as https://analytics.example.com", c.PublicURL)
	} else if u.RawQuery != "" || u.Fragment != "" {
		bad("--public-url %q: must not have a query or fragment", c.PublicURL)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("--log-format %q: want text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.AdminKey != "" && len(c.AdminKey) < 16 {
		bad("BINDERY_ADMIN_KEY: must be at least 16 characters")
	}
	if c.MaxBodyBytes < 1024 {
		bad("--max-body-bytes: must be at least 1024")
	}
	if c.MaxUploadBytes < 1024 {
		bad("--max-upload-bytes: must be at least 1024")
	}
	if c.ShutdownTimeout <= 0 {
		bad("--shutdown-timeout: must be positive")
	}
	if c.EmbedTokenMax < time.Minute || c.EmbedTokenMax > 24*time.Hour {
		bad("--embed-token-max-lifetime: must be between 1m and 24h")
	}
	if c.Auth.AccessTokenLifetime < time.Minute || c.Auth.AccessTokenLifetime > 24*time.Hour {
		bad("--access-token-lifetime: must be between 1m and 24h")
	}
	if c.Auth.RefreshTokenLifetime < c.Auth.AccessTokenLifetime {
		bad("--refresh-token-lifetime: must be at least the access token lifetime")
	}
	for i, pc := range c.Auth.PublicClients {
		if pc.ClientID == "" || len(pc.RedirectURIs) == 0 {
			bad("--public-clients[%d]: needs clientId and at least one redirect URI", i)
		}
		for _, r := range pc.RedirectURIs {
			if u, err := url.Parse(r); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad("--public-clients[%d]: redirect URI %q must be an absolute http(s) URL", i, r)
			}
		}
	}
	for i, ti := range c.Auth.TrustedIssuers {
		if u, err := url.Parse(ti.Issuer); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("--trusted-issuers[%d]: issuer %q must be an absolute http(s) URL", i, ti.Issuer)
		}
		if ti.Audience == "" {
			bad("--trusted-issuers[%d]: audience is required", i)
		}
	}
	for _, a := range c.FrameAncestors {
		if a != "*" && a != "'self'" && a != "'none'" {
			if u, err := url.Parse(a); err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") {
				bad("--frame-ancestors: %q is not an origin such as https://app.example.com", a)
			}
		}
	}
	if c.ShutdownDelay < 0 || c.ShutdownDelay > time.Minute {
		bad("--shutdown-delay: must be between 0 and 1m")
	}
	if c.DatasetIdle <= 0 {
		bad("--dataset-idle: must be positive")
	}
	return errors.Join(problems...)
}
