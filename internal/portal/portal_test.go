package portal_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bindery-dev/bindery/internal/portal"
)

const shell = `<!doctype html><html lang="en"><head><title>Bindery portal</title>` +
	`<link rel="stylesheet" href="/portal/assets/portal.css"></head><body><div id="app"></div>` +
	`<script src="/portal/assets/portal.js"></script></body></html>`

func server(t *testing.T, assets fstest.MapFS) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	portal.New(portal.Options{Assets: assets}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func built() fstest.MapFS {
	return fstest.MapFS{
		"portal/index.html": {Data: []byte(shell)},
		"portal/portal.js":  {Data: []byte(`console.log("portal")`)},
		"portal/portal.css": {Data: []byte(`body{margin:0}`)},
		"embed.js":          {Data: []byte(`not the portal's`)},
	}
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRoutes(t *testing.T) {
	srv := server(t, built())
	tests := []struct {
		path, wantType, wantBody string
		wantStatus               int
	}{
		{"/portal/", "text/html", `<div id="app">`, 200},
		{"/portal/callback?code=abc&state=xyz", "text/html", `<div id="app">`, 200},
		{"/portal/assets/portal.js", "javascript", `console.log("portal")`, 200},
		{"/portal/assets/portal.css", "text/css", `body{margin:0}`, 200},
		{"/portal/assets/missing.js", "", "", 404},
		{"/portal/assets/..%2fembed.js", "", "", 404}, // cleaned to portal/embed.js: never outside portal/
		{"/portal/assets/index.html", "", "", 404},    // the shell is served only at its routes
		{"/portal/assets/", "", "", 404},
		{"/portal/other", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, srv.URL+tt.path)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantStatus != 200 {
				return
			}
			if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			if !strings.Contains(body, tt.wantBody) {
				t.Errorf("body %q lacks %q", body, tt.wantBody)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self';", "frame-ancestors 'none'", "default-src 'none'", "connect-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-") {
				t.Errorf("CSP allows inline or eval: %q", csp)
			}
			if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("missing framing/nosniff headers: %v", resp.Header)
			}
		})
	}
}

func TestRedirectToSlash(t *testing.T) {
	resp, _ := get(t, server(t, built()).URL+"/portal")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/portal/" {
		t.Fatalf("got %d Location %q, want 301 to /portal/", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestAssetETag(t *testing.T) {
	srv := server(t, built())
	resp, _ := get(t, srv.URL+"/portal/assets/portal.js")
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	resp, body := get(t, srv.URL+"/portal/assets/portal.js", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || body != "" {
		t.Fatalf("revalidation: status %d body %q, want 304 and no body", resp.StatusCode, body)
	}
}

// The shell must never be cached: it is the page the authorization code lands on.
func TestShellNotCached(t *testing.T) {
	resp, _ := get(t, server(t, built()).URL+"/portal/callback?code=c")
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control %q, want no-store", cc)
	}
	if rp := resp.Header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Fatalf("Referrer-Policy %q, want no-referrer (the URL holds the code)", rp)
	}
}

func TestNotBuilt(t *testing.T) {
	for _, assets := range []fstest.MapFS{nil, {}} {
		mux := http.NewServeMux()
		o := portal.Options{}
		if assets != nil {
			o.Assets = assets
		}
		portal.New(o).Register(mux)
		srv := httptest.NewServer(mux)
		resp, body := get(t, srv.URL+"/portal/")
		srv.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "make build") {
			t.Fatalf("unbuilt portal: %d %q, want 503 naming make build", resp.StatusCode, body)
		}
	}
}
