package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run the real `bindery serve` in a child process (this
// test binary, re-executed), so signals and exit codes are tested for real.
func TestMain(m *testing.M) {
	if args := os.Getenv("BINDERY_TEST_CHILD_ARGS"); args != "" {
		os.Exit(Run(context.Background(), Env{Args: strings.Fields(args), Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
	}
	os.Exit(m.Run())
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestSIGTERMFinishesInFlightRequests starts a server, begins a slow upload,
// sends SIGTERM mid-upload, and checks that the upload still completes and the
// process exits cleanly — and that a second server on the same data directory is refused.
func TestSIGTERMFinishesInFlightRequests(t *testing.T) {
	addr, dir, key := freePort(t), t.TempDir(), "shutdown-test-key-0123456789"
	var stderr bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BINDERY_TEST_CHILD_ARGS=serve --addr "+addr+" --data "+dir, "BINDERY_ADMIN_KEY="+key)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become ready: %s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	call := func(method, path, body string) map[string]any {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, m)
		}
		return m
	}
	ws := call("POST", "/v1.0/myorg/groups", `{"name":"W"}`)["id"].(string)
	ds := call("POST", "/v1.0/myorg/groups/"+ws+"/datasets", `{"name":"D","tables":[{"name":"T","columns":[{"name":"n","dataType":"Int64"}]}]}`)["id"].(string)

	// A second server on the same data directory is refused at once.
	second := exec.Command(os.Args[0], "-test.run=^$")
	second.Env = append(os.Environ(), "BINDERY_TEST_CHILD_ARGS=serve --addr "+freePort(t)+" --data "+dir, "BINDERY_ADMIN_KEY="+key)
	out, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use by another Bindery process") {
		t.Fatalf("second server on the same data: err %v, output %s", err, out)
	}

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", base+"/v1.0/myorg/groups/"+ws+"/datasets/"+ds+"/tables/T/import?format=csv", pr)
	req.Header.Set("Authorization", "Bearer "+key)
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	fmt.Fprint(pw, "n\n")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(pw, "%d\n", i)
	}
	time.Sleep(200 * time.Millisecond) // the request is in flight, its body half sent
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	for i := 500; i < 1000; i++ {
		fmt.Fprintf(pw, "%d\n", i)
	}
	pw.Close()
	res := <-done
	if res.err != nil || res.status != 200 || !strings.Contains(res.body, `"rows":1000`) {
		t.Fatalf("in-flight upload across SIGTERM: %+v", res)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("server exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not stop after SIGTERM:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "shutting down") || !strings.Contains(stderr.String(), "stopped") {
		t.Fatalf("log lacks the shutdown: %s", stderr.String())
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after it stopped")
	}
}
