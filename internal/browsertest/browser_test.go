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

// perfResult is what web/tests/perf.mjs prints.
type perfResult struct {
	N       int     `json:"n"`
	Visuals int     `json:"visuals"`
	First   float64 `json:"first"`
	Cold    struct {
		Median, P90, Min, Max float64
	} `json:"cold"`
	Warm struct {
		Median, P90, Min, Max float64
	} `json:"warm"`
}

// Targets of issue 5 item 8 on a 2-core machine, in ms.
const (
	coldTarget = 400
	warmTarget = 120
)

// TestEmbedSpeed measures embed() → rendered over the full-scale demo (1 million
// Contoso rows): cold (new page) and warm (reload), median of 10, and prints the
// figures against the targets. It asserts that the measurement is sound (every
// visual rendered, the right data, enough runs), never a timing: speed is reported
// by `make bench-embed`, not judged by a test on a shared machine.
func TestEmbedSpeed(t *testing.T) {
	web := requirePrereqs(t)
	st := startStack(t, web, 1)
	if d := st.info.Datasets[0]; d.Name != "Contoso Electronics" || d.Rows < 1_000_000 {
		t.Fatalf("the perf dataset is %s with %d rows; want Contoso Electronics with 1 million", d.Name, d.Rows)
	}
	e := expect(t, st.srv, st.info)
	if n := e.Totals["Contoso Electronics"].Orders; n != 1_000_000 {
		t.Fatalf("Contoso counts %v orders; want 1000000", n)
	}
	exp, _ := json.Marshal(e)
	st.env["EXPECT"] = string(exp)
	out := runNode(t, web, st.env, "tests/perf.mjs")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var r perfResult
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		t.Fatalf("perf.mjs output: %v\n%s", err, out)
	}
	for _, f := range []string{"embed.js"} {
		if raw, err := os.ReadFile(filepath.Join(web, "dist", f)); err == nil {
			t.Logf("dist/%s: %d bytes raw, %d gzip", f, len(raw), gzipSize(raw))
		}
	}
	t.Logf("embed() → rendered, %d visuals over 1M rows, n=%d: first %.0f ms; cold median %.1f ms (p90 %.1f, %.1f–%.1f); warm median %.1f ms (p90 %.1f, %.1f–%.1f)",
		r.Visuals, r.N, r.First, r.Cold.Median, r.Cold.P90, r.Cold.Min, r.Cold.Max, r.Warm.Median, r.Warm.P90, r.Warm.Min, r.Warm.Max)
	if r.Visuals < 6 || r.N < 10 {
		t.Fatalf("measured %d visuals, %d runs; want ≥ 6 and ≥ 10", r.Visuals, r.N)
	}
	t.Logf("targets: cold ≤ %d ms (%.2fx of target), warm ≤ %d ms (%.2fx of target)",
		coldTarget, r.Cold.Median/coldTarget, warmTarget, r.Warm.Median/warmTarget)
}
