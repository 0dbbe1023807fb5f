package cli

import (
	"bytes"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/auth/authn"
	"github.com/bindery-dev/bindery/internal/auth/password"
	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/store/sqlite"
)

func TestUserAndAppCommands(t *testing.T) {
	db, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(t.TempDir(), "m.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cheap := password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	svc := principals.New(principals.Options{Store: db, PasswordParams: cheap, SecretParams: cheap})
	an, _ := authn.New(authn.Options{AdminKey: "k-0123456789abcdef"})
	srv := httptest.NewServer(principals.NewAdmin(svc).Handler(an))
	defer srv.Close()

	run := func(stdin string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		args = append(args[:2:2], append([]string{"--server", srv.URL, "--token", "k-0123456789abcdef"}, args[2:]...)...)
		code := Run(t.Context(), Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		return code, out.String() + errb.String()
	}
	if code, out := run("s3cret-password\n", "user", "add", "--display-name", "Ann", "ann"); code != 0 || !strings.Contains(out, `added user "ann"`) {
		t.Fatalf("user add: %d %s", code, out)
	}
	if _, err := svc.CheckPassword(t.Context(), "ann", "s3cret-password"); err != nil {
		t.Fatalf("password read from stdin was not set: %v", err)
	}
	if code, out := run("", "user", "list"); code != 0 || !strings.Contains(out, "ann") {
		t.Fatalf("user list: %d %s", code, out)
	}
	code, out := run("", "app", "add", "Host app")
	m := regexp.MustCompile(`clientId:\s+(\S+)\nclientSecret: (\S+)`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("app add: %d %s", code, out)
	}
	if _, err := svc.CheckSecret(t.Context(), m[1], m[2]); err != nil {
		t.Fatalf("printed secret does not work: %v", err)
	}
	if code, out := run("", "app", "rotate", m[1]); code != 0 || strings.Contains(out, m[2]) {
		t.Fatalf("app rotate: %d %s", code, out)
	}
	if _, err := svc.CheckSecret(t.Context(), m[1], m[2]); err == nil {
		t.Fatal("old secret still works after rotate")
	}
	if code, out := run("", "app", "remove", m[1]); code != 0 {
		t.Fatalf("app remove: %d %s", code, out)
	}
	if code, out := run("", "user", "remove", "ann"); code != 0 {
		t.Fatalf("user remove: %d %s", code, out)
	}
	if code, out := run("", "user", "remove", "ann"); code != 1 || !strings.Contains(out, "not found") {
		t.Fatalf("removing a missing user: %d %s", code, out)
	}
}
