package embed

import (
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/bindery-dev/bindery/internal/model"
)

var pageTemplate = template.Must(template.New("embed").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Bindery report</title>
<link rel="stylesheet" href="/embed/assets/embed.css">
</head>
<body>
<div id="bindery-root" data-report-id="{{.ReportID}}" data-group-id="{{.GroupID}}" aria-live="polite"></div>
<script src="/embed/assets/embed.js"></script>
</body>
</html>
`))

// page serves /reportEmbed?reportId=…&groupId=…: an empty shell that waits for
// the host's configuration over postMessage. It holds no data and no token.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := struct{ ReportID, GroupID string }{}
	if id, ok := model.NormalizeID(q.Get("reportId")); ok {
		data.ReportID = id
	}
	if id, ok := model.NormalizeID(q.Get("groupId")); ok {
		data.GroupID = id
	}
	h.securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_ = pageTemplate.Execute(w, data)
}

// securityHeaders: scripts only from this server, data only to it, framing only by the configured hosts.
func (h *Handler) securityHeaders(w http.ResponseWriter) {
	ancestors := "'self'"
	if len(h.o.FrameAncestors) > 0 {
		// 'self' stays: Bindery's own pages (the portal's preview) frame reports too.
		ancestors = strings.Join(h.o.FrameAncestors, " ") + " 'self'"
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "+
		"frame-ancestors "+ancestors)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// assets serves the embed page's built scripts and styles.
func (h *Handler) assets() http.Handler { return h.static("", false) }

// sdk serves the JavaScript SDK at a stable versioned URL (/sdk/v1/bindery.js), loadable from any origin.
func (h *Handler) sdk() http.Handler {
	return h.static("sdk", true)
}

// static serves files of the built front end with content-hash ETags.
func (h *Handler) static(prefix string, crossOrigin bool) http.Handler {
	var mu sync.Mutex
	etags := map[string]string{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean("/" + r.URL.Path)[1:]
		if prefix != "" {
			name = path.Join(prefix, name)
		}
		if h.o.Assets == nil || name == "" || strings.HasPrefix(name, ".") {
			http.NotFound(w, r)
			return
		}
		f, err := h.o.Assets.Open(name)
		if err != nil {
			http.Error(w, "not found (is the front end built? run `make build`)", http.StatusNotFound)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		etag, ok := etags[name]
		mu.Unlock()
		if !ok {
			raw, err := fs.ReadFile(h.o.Assets, name)
			if err != nil {
				http.NotFound(w, r)
				return
			}
			sum := sha256.Sum256(raw)
			etag = `"` + hex.EncodeToString(sum[:8]) + `"`
			mu.Lock()
			etags[name] = etag
			mu.Unlock()
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if crossOrigin {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
		}
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		rs, ok := f.(io.ReadSeeker)
		if !ok {
			http.Error(w, "asset not seekable", http.StatusInternalServerError)
			return
		}
		http.ServeContent(w, r, name, st.ModTime(), rs)
	})
}
