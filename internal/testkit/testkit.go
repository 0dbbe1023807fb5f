// Package testkit starts a real Bindery server — real SQLite, real DuckDB,
// real HTTP on loopback — on a temporary data directory, and gives tests a
// small client for it. Every exchange is checked against the OpenAPI document.
package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/config"
	"github.com/bindery-dev/bindery/internal/server"
)

// Server is a running test server.
type Server struct {
	URL string
	Key string // admin key
	Dir string // data directory
	Srv *server.Server
	Cfg *config.Config
	t   testing.TB
}

// Options tune Start.
type Options struct {
	Dir       string               // reuse a data directory (to test restarts); default t.TempDir()
	Configure func(*config.Config) // change settings before start
	// Principals are extra bearer tokens the server accepts, each for a principal,
	// so tests can act as users and apps with given roles.
	Principals map[string]*auth.Principal
	// Log receives the server's log at debug level (default: discarded, or stderr with BINDERY_TEST_LOG set).
	Log io.Writer
}

// staticTokens accepts the test's own bearer tokens before the server's authenticator.
type staticTokens struct {
	tokens map[string]*auth.Principal
	next   auth.Authenticator
}

func (s staticTokens) Authenticate(r *http.Request) (*auth.Principal, error) {
	if tok, ok := auth.BearerToken(r); ok {
		if p, ok := s.tokens[tok]; ok {
			return p, nil
		}
	}
	return s.next.Authenticate(r)
}

// Start starts a server and stops it when the test ends.
func Start(t testing.TB, o ...Options) *Server {
	t.Helper()
	var opt Options
	if len(o) > 0 {
		opt = o[0]
	}
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.Addr = ln.Addr().String()
	cfg.DataDir = opt.Dir
	cfg.PublicURL = "http://" + cfg.Addr
	cfg.AdminKey = "test-admin-key-0123456789"
	cfg.ShutdownTimeout = 10 * time.Second
	if opt.Configure != nil {
		opt.Configure(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if opt.Log != nil {
		log = slog.New(slog.NewTextHandler(opt.Log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	} else if os.Getenv("BINDERY_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var opts []server.Option
	if len(opt.Principals) > 0 {
		opts = append(opts, server.WithAuthenticator(func(next auth.Authenticator) auth.Authenticator {
			return staticTokens{tokens: opt.Principals, next: next}
		}))
	}
	srv, err := server.New(ctx, &cfg, log, opts...)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	s := &Server{URL: "http://" + cfg.Addr, Key: srv.AdminKey, Dir: opt.Dir, Srv: srv, Cfg: &cfg, t: t}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// Response is a finished exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	t      testing.TB
	req    string
}

// Do sends a request as the administrator. body may be nil, a string/[]byte (sent as is), or a value to encode as JSON.
func (s *Server) Do(method, path string, body any) *Response {
	s.t.Helper()
	return s.DoAs(s.Key, method, path, body)
}

// DoAs sends a request with the given bearer token ("" for none).
func (s *Server) DoAs(token, method, path string, body any) *Response {
	s.t.Helper()
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd, ct = b, "application/octet-stream"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return s.Send(req)
}

// Send sends a prepared request and checks the exchange against the OpenAPI document.
func (s *Server) Send(req *http.Request) *Response {
	s.t.Helper()
	var reqBody []byte
	if req.Body != nil && req.Header.Get("Content-Type") == "application/json" {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw, t: s.t, req: req.Method + " " + req.URL.RequestURI()}
	if reqBody != nil {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	checkExchange(s.t, req, r)
	return r
}

// Want fails the test unless the status is code, and returns the response.
func (r *Response) Want(code int) *Response {
	r.t.Helper()
	if r.Status != code {
		r.t.Fatalf("%s: status %d, want %d; body: %s", r.req, r.Status, code, r.Body)
	}
	return r
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("%s: decode %s: %v", r.req, r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map() map[string]any {
	r.t.Helper()
	var m map[string]any
	r.JSON(&m)
	return m
}

// APIError is the decoded Power BI error body.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target"`
	Details []struct {
		Code, Message, Target string
	} `json:"details"`
}

// Err decodes an error body.
func (r *Response) Err() APIError {
	r.t.Helper()
	var e struct {
		Error APIError `json:"error"`
	}
	r.JSON(&e)
	if e.Error.Code == "" {
		r.t.Fatalf("%s: not an error body: %s", r.req, r.Body)
	}
	return e.Error
}
