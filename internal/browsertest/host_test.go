package browsertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/demo"
)

// hostApp plays the customer's application: its own origin, its own pages,
// and a backend that mints embed tokens with the app's credentials.
type hostApp struct {
	URL       string // http://localhost:port — the host pages' origin
	AltURL    string // http://127.0.0.1:port — a second origin (the fake embed page)
	bindery   string
	web       string
	info      *demo.Info
	mu        sync.Mutex
	appToken  string
	appExpiry time.Time
}

// startHost serves the host pages and the token backend on a new loopback port.
// Bindery's URL and the demo are set later (Bindery needs the host's origin
// for frame-ancestors before it starts): call ready before the pages are used.
func startHost(t testing.TB, web string) *hostApp {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	h := &hostApp{URL: fmt.Sprintf("http://localhost:%d", port), AltURL: fmt.Sprintf("http://127.0.0.1:%d", port), web: web}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pages/{name}", h.page)
	mux.HandleFunc("GET /fake/reportEmbed", func(w http.ResponseWriter, r *http.Request) {
		h.serveFile(w, filepath.Join(web, "tests", "pages", "fake-embed.html"), "text/html")
	})
	mux.HandleFunc("GET /vendor/{file}", func(w http.ResponseWriter, r *http.Request) {
		v := strings.TrimSuffix(strings.TrimPrefix(r.PathValue("file"), "powerbi-client-"), ".js")
		if v != "2.22.4" && v != "2.24.1" {
			http.NotFound(w, r)
			return
		}
		h.serveFile(w, filepath.Join(web, "node_modules", "powerbi-client-"+v, "dist", "powerbi.js"), "text/javascript")
	})
	mux.HandleFunc("GET /api/demo", h.demo)
	mux.HandleFunc("POST /api/token", h.token)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return h
}

// ready tells the host where Bindery is and what the demo holds.
func (h *hostApp) ready(binderyURL string, info *demo.Info) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bindery, h.info = binderyURL, info
}

func (h *hostApp) serveFile(w http.ResponseWriter, path, ctype string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", ctype+"; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(raw)
}

// page serves web/tests/pages/{name} with {{BINDERY}} replaced by Bindery's URL.
func (h *hostApp) page(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ctype := map[string]string{".html": "text/html", ".js": "text/javascript"}[filepath.Ext(name)]
	if strings.Contains(name, "..") || ctype == "" {
		http.NotFound(w, r)
		return
	}
	raw, err := os.ReadFile(filepath.Join(h.web, "tests", "pages", name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype+"; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(bytes.ReplaceAll(raw, []byte("{{BINDERY}}"), []byte(h.bindery)))
}

// demoView is what the host pages learn about the demo: ids and URLs, no secrets.
type demoView struct {
	BinderyURL string            `json:"binderyUrl"`
	ReportID   string            `json:"reportId"`
	GroupID    string            `json:"groupId"`
	EmbedURL   string            `json:"embedUrl"`
	Datasets   map[string]string `json:"datasets"` // name → id
}

func (h *hostApp) view() demoView {
	v := demoView{BinderyURL: h.bindery, ReportID: h.info.Report.ID, GroupID: h.info.Report.WorkspaceID,
		EmbedURL: h.info.Report.EmbedURL, Datasets: map[string]string{}}
	for _, d := range h.info.Datasets {
		v.Datasets[d.Name] = d.ID
	}
	return v
}

func (h *hostApp) demo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(h.view())
}

// token mints an embed token: the body is a GenerateToken (V2) request; without
// "reports" it covers the demo report. Bindery's answer is passed through.
func (h *hostApp) token(w http.ResponseWriter, r *http.Request) {
	var req map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, ok := req["reports"]; !ok {
		req["reports"] = []map[string]string{{"id": h.info.Report.ID}}
	}
	status, body, err := h.generateToken(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

func (h *hostApp) generateToken(req map[string]any) (int, []byte, error) {
	at, err := h.accessToken()
	if err != nil {
		return 0, nil, err
	}
	raw, _ := json.Marshal(req)
	hr, _ := http.NewRequest("POST", h.bindery+"/v1.0/myorg/GenerateToken", bytes.NewReader(raw))
	hr.Header.Set("Authorization", "Bearer "+at)
	hr.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// accessToken gets (and caches) the app's OAuth token by client_credentials, as a real backend does.
func (h *hostApp) accessToken() (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.appToken != "" && time.Now().Before(h.appExpiry) {
		return h.appToken, nil
	}
	if h.info.App == nil {
		return "", fmt.Errorf("the demo has no app: seed it with Principals")
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest("POST", h.info.TokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(h.info.App.ClientID), url.QueryEscape(h.info.App.ClientSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || json.Unmarshal(raw, &tok) != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("client_credentials: %d %s", resp.StatusCode, raw)
	}
	h.appToken = tok.AccessToken
	h.appExpiry = time.Now().Add(time.Duration(tok.ExpiresIn)*time.Second - 30*time.Second)
	return h.appToken, nil
}
