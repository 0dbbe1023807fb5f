package browsertest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// chromium is Debian's Chromium, which the tests drive.
const chromium = "/usr/bin/chromium"

// webDir returns the absolute path of web/.
func webDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "web")
}

// requirePrereqs fails (never skips) when what the browser suite needs is missing.
func requirePrereqs(t testing.TB) string {
	t.Helper()
	web := webDir(t)
	var missing []string
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium+" (run `make setup`)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node (run `make setup`)")
	}
	if _, err := os.Stat(filepath.Join(web, "node_modules", "playwright-core")); err != nil {
		missing = append(missing, "web/node_modules (run `make setup`)")
	}
	for _, f := range []string{"embed.js", "sdk/bindery.js"} {
		if _, err := os.Stat(filepath.Join(web, "dist", f)); err != nil {
			missing = append(missing, "web/dist/"+f+" (run `make build`)")
		}
	}
	if len(missing) > 0 {
		t.Fatalf("browser tests cannot run; missing:\n  %s", strings.Join(missing, "\n  "))
	}
	return web
}

// screenshotDir is where the tests write screenshots: $BINDERY_SCREENSHOTS or web/test-results/screenshots.
func screenshotDir(t testing.TB, web string) string {
	dir := os.Getenv("BINDERY_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(web, "test-results", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	return abs
}

// runNode runs node with args in web/, streaming its output to stdout, and fails the test if node fails.
func runNode(t testing.TB, web string, env map[string]string, args ...string) string {
	t.Helper()
	cmd := exec.Command("node", args...)
	cmd.Dir = web
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var buf syncBuffer
	cmd.Stdout = &teeWriter{&buf}
	cmd.Stderr = &teeWriter{&buf}
	err := cmd.Run()
	if err != nil {
		t.Fatalf("node %s failed: %v\n%s", strings.Join(args, " "), err, tail(buf.String(), 8000))
	}
	return buf.String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// teeWriter streams node's output as it comes (visible with go test -v) and keeps it for the failure message.
type teeWriter struct{ buf *syncBuffer }

func (w *teeWriter) Write(p []byte) (int, error) {
	os.Stdout.Write(p)
	return w.buf.Write(p)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("…%s", s[len(s)-n:])
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}
