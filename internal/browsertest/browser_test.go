package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/config"
	"github.com/bindery-dev/bindery/internal/demo"
	"github.com/bindery-dev/bindery/internal/testkit"
)

// stack is a running Bindery with the demo, a host app on another origin, and the env the node tests read.
type stack struct {
	srv  *testkit.Server
	host *hostApp
	info *demo.Info
	env  map[string]string
}

func startStack(t *testing.T, web string, scale float64) *stack {
	t.Helper()
	host := startHost(t, web)
	srv := testkit.Start(t, testkit.Options{Configure: func(c *config.Config) {
		// The host app's origins, and Bindery's own: the portal and the samples frame the embed page too.
		c.FrameAncestors = []string{host.URL, host.AltURL, "'self'"}
		c.Demo = true                                                 // serves the sample apps; the seed below is ours (server.New does not seed)
		c.Auth.AdminUsers = append(c.Auth.AdminUsers, demo.AdminUser) // as `serve --demo` does; the portal tests sign in as it
	}})
	start := time.Now()
	info, err := demo.Seed(context.Background(), srv.Srv.Catalog, demo.Options{DataDir: srv.Dir, PublicURL: srv.URL, AdminKey: srv.Key,
		Scale: scale, Principals: srv.Srv.Principals, TokenURL: srv.Srv.Issuer.TokenURL()})
	if err != nil {
		t.Fatalf("seed the demo: %v", err)
	}
	t.Logf("demo seeded at scale %g in %v", scale, time.Since(start).Round(time.Millisecond))
	host.ready(srv.URL, info)
	view, _ := json.Marshal(host.view())
	return &stack{srv: srv, host: host, info: info, env: map[string]string{
		"BINDERY_URL": srv.URL, "HOST_URL": host.URL, "ALT_URL": host.AltURL, "CHROMIUM": chromium,
		"SCREENSHOTS": screenshotDir(t, web), "DEMO": string(view),
		"DEMO_JSON": filepath.Join(srv.Dir, "demo.json"), // users and passwords, for tests that sign in
	}}
}

// TestBrowser runs web/tests/*.test.mjs against a small demo.
func TestBrowser(t *testing.T) {
	web := requirePrereqs(t)
	st := startStack(t, web, 0.02)
	exp, _ := json.Marshal(expect(t, st.srv, st.info))
	st.env["EXPECT"] = string(exp)
	files, _ := filepath.Glob(filepath.Join(web, "tests", "*.test.mjs"))
	if len(files) == 0 {
		t.Fatal("no web/tests/*.test.mjs")
	}
	sort.Strings(files)
	args := []string{"--test", "--test-reporter=spec", "--test-concurrency=3"}
	// While iterating: BROWSERTEST_FILES=sdk-protocol runs the files whose name contains it.
	for _, f := range files {
		rel, _ := filepath.Rel(web, f)
		if only := os.Getenv("BROWSERTEST_FILES"); only != "" && !strings.Contains(rel, only) {
			continue
		}
		args = append(args, rel)
	}
	runNode(t, web, st.env, args...)
}
