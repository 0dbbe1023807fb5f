package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/testkit"
)

// run runs the bindery command in-process against a test server.
func run(t *testing.T, s *testkit.Server, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{}
	if s != nil {
		env["BINDERY_URL"] = s.URL
		env["BINDERY_TOKEN"] = s.Key
	}
	code = Run(context.Background(), Env{Args: args, Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func TestHelpAndUsage(t *testing.T) {
	if code, _, errOut := run(t, nil, "help"); code != 0 || !strings.Contains(errOut, "publish") {
		t.Fatalf("help: code %d, %q", code, errOut)
	}
	if code, _, errOut := run(t, nil, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("unknown: code %d, %q", code, errOut)
	}
	if code, _, errOut := run(t, nil, "serve", "-h"); code != 0 || !strings.Contains(errOut, "BINDERY_PUBLIC_URL") {
		t.Fatalf("serve -h: code %d, %q", code, errOut)
	}
	if code, _, errOut := run(t, nil, "publish"); code != 2 || !strings.Contains(errOut, "--workspace") {
		t.Fatalf("publish without args: code %d, %q", code, errOut)
	}
}

func TestServeRefusesBadSettings(t *testing.T) {
	code, _, errOut := run(t, nil, "serve", "--addr", "nowhere", "--log-format", "xml", "--data", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "--addr") || !strings.Contains(errOut, "--log-format") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

func TestPublishImportCheck(t *testing.T) {
	s := testkit.Start(t)
	s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Tenants"}).Want(200)
	s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "Reports"}).Want(200)
	defs := filepath.Join("..", "..", "examples", "definitions")

	code, out, errOut := run(t, s, "publish", "--workspace", "Tenants", filepath.Join(defs, "store-sales.dataset.json"))
	if code != 0 || !strings.Contains(out, `published dataset "Store Sales"`) {
		t.Fatalf("publish dataset: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(t, s, "publish", "--workspace", "Reports", "--dataset", "Store Sales", filepath.Join(defs, "store-sales.report.json"))
	if code != 0 || !strings.Contains(out, "embedUrl: "+s.URL+"/reportEmbed?reportId=") {
		t.Fatalf("publish report: %d %q %q", code, out, errOut)
	}
	// Publishing the same files again updates the items in place: git-friendly.
	code, out, errOut = run(t, s, "publish", "--workspace", "Tenants", filepath.Join(defs, "store-sales.dataset.json"))
	if code != 0 || !strings.Contains(out, `updated dataset "Store Sales"`) {
		t.Fatalf("republish dataset: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(t, s, "publish", "--workspace", "Reports", "--dataset", "Store Sales", filepath.Join(defs, "store-sales.report.json"))
	if code != 0 || !strings.Contains(out, `updated report "Store Sales Overview"`) {
		t.Fatalf("republish report: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(t, s, "import", "--workspace", "Tenants", "--dataset", "Store Sales", "--table", "Store", filepath.Join(defs, "stores.csv"))
	if code != 0 || !strings.Contains(out, "loaded 3 rows into Store") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, s, "check", "--workspace", "Reports", "--report", "Store Sales Overview", "--dataset", "Store Sales")
	if code != 0 || !strings.Contains(out, "compatible:") {
		t.Fatalf("check compatible: %d %q", code, out)
	}

	thin := filepath.Join(t.TempDir(), "thin.json")
	os.WriteFile(thin, []byte(`{"name":"Thin","tables":[{"name":"Store","columns":[{"name":"StoreId","dataType":"Int64"}]}]}`), 0o600)
	if code, out, errOut = run(t, s, "publish", "--workspace", "Tenants", thin); code != 0 {
		t.Fatalf("publish thin: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, s, "check", "--workspace", "Reports", "--report", "Store Sales Overview", "--dataset", "Thin")
	if code != 1 || !strings.Contains(out, "MissingMeasure") || !strings.Contains(out, "[Total Sales]") || !strings.Contains(out, "MissingTable") {
		t.Fatalf("check incompatible: %d %q", code, out)
	}

	// Errors from the server reach the user with their code and message.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"name":"Bad","tables":[{"name":"T","columns":[{"name":"c","dataType":"Blob"}]}]}`), 0o600)
	code, _, errOut = run(t, s, "publish", "--workspace", "Tenants", bad)
	if code != 1 || !strings.Contains(errOut, "tables[0].columns[0].dataType") {
		t.Fatalf("publish bad: %d %q", code, errOut)
	}
	code, _, errOut = run(t, s, "import", "--workspace", "Nope", "--dataset", "x", "--table", "t", filepath.Join(defs, "stores.csv"))
	if code != 1 || !strings.Contains(errOut, `no workspace has the id or name "Nope"`) {
		t.Fatalf("import to unknown workspace: %d %q", code, errOut)
	}
}

// A secret in the environment must not show up as a flag default in -h.
func TestHelpDoesNotPrintToken(t *testing.T) {
	for _, args := range [][]string{{"publish", "-h"}, {"import", "-h"}, {"check", "-h"}, {"user", "list", "-h"}, {"app", "list", "-h"}} {
		for _, k := range []string{"BINDERY_TOKEN", "BINDERY_ADMIN_KEY"} {
			var out, errb bytes.Buffer
			env := map[string]string{k: "s3cret-0123456789abcdef"}
			Run(context.Background(), Env{Args: args, Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
			help := out.String() + errb.String()
			if strings.Contains(help, "s3cret") {
				t.Errorf("%v with %s: help prints the token:\n%s", args, k, help)
			}
			if !strings.Contains(help, "-token") || !strings.Contains(help, "BINDERY_TOKEN") || !strings.Contains(help, "BINDERY_ADMIN_KEY") {
				t.Errorf("%v: help should name --token and its variables:\n%s", args, help)
			}
		}
	}
}

// The token still comes from BINDERY_ADMIN_KEY when BINDERY_TOKEN is unset.
func TestTokenFromAdminKeyEnv(t *testing.T) {
	s := testkit.Start(t)
	var out, errb bytes.Buffer
	env := map[string]string{"BINDERY_URL": s.URL, "BINDERY_ADMIN_KEY": s.Key, "BINDERY_DATA": t.TempDir()}
	code := Run(context.Background(), Env{Args: []string{"user", "list"}, Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	if code != 0 {
		t.Fatalf("user list with BINDERY_ADMIN_KEY: code %d, %q", code, errb.String())
	}
}

func TestTokenMintAndRevoke(t *testing.T) {
	s := testkit.Start(t)
	c := s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "C", "sku": "A1"}).Want(201).Map()["id"].(string)
	ws := s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "W"}).Want(200).Map()["id"].(string)
	s.Do("POST", "/v1.0/myorg/groups/"+ws+"/AssignToCapacity", map[string]any{"capacityId": c}).Want(200)
	defs := filepath.Join("..", "..", "examples", "definitions")
	raw, _ := os.ReadFile(filepath.Join(defs, "store-sales.dataset.json"))
	ds := s.Do("POST", "/v1.0/myorg/groups/"+ws+"/datasets", string(raw)).Want(201).Map()["id"].(string)
	code, out, errOut := run(t, s, "token", "--dataset", ds)
	if code != 1 || !strings.Contains(errOut, "requires effective identity") {
		t.Fatalf("RLS dataset without identity: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(t, s, "token", "--dataset", ds, "--username", "west", "--role", "Region", "--custom-data", "West", "--lifetime", "5")
	if code != 0 || !strings.Contains(out, `"tokenId"`) {
		t.Fatalf("mint: %d %q %q", code, out, errOut)
	}
	var res struct{ TokenID string }
	json.Unmarshal([]byte(out), &res)
	if code, out, errOut = run(t, s, "token", "--revoke", res.TokenID); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %d %q %q", code, out, errOut)
	}
}

func TestFlagsMayFollowArguments(t *testing.T) {
	fs := newFlagSet(Env{Stderr: &bytes.Buffer{}}, "x", "")
	name := fs.String("display-name", "", "")
	n := fs.Int("n", 0, "")
	if err := parse(fs, []string{"ann", "--display-name", "Ann A", "more", "-n", "3", "--", "-literal"}); err != nil {
		t.Fatal(err)
	}
	if *name != "Ann A" || *n != 3 || strings.Join(fs.Args(), "|") != "ann|more|-literal" {
		t.Fatalf("name %q n %d args %q", *name, *n, fs.Args())
	}
}
