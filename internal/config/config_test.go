package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func parse(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	_, b := Bind(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return b.Finish()
}

func TestSettingsPrecedence(t *testing.T) {
	c, err := parse(t, []string{"--addr", "127.0.0.1:9000"}, map[string]string{
		"BINDERY_ADDR": "127.0.0.1:7000", "BINDERY_DATA": "/srv/bindery", "BINDERY_LOG_FORMAT": "json",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.DataDir != "/srv/bindery" || c.LogFormat != "json" {
		t.Fatalf("config = %+v: a flag wins over the environment, the environment over defaults", c)
	}
	if c.PublicURL != "http://127.0.0.1:9000" {
		t.Fatalf("default public URL = %q", c.PublicURL)
	}
}

func TestInvalidSettingsAreNamed(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"addr", []string{"--addr", "nope"}, nil, "--addr"},
		{"port", []string{"--addr", "127.0.0.1:99999"}, nil, "port"},
		{"public url", []string{"--public-url", "ftp://x"}, nil, "--public-url"},
		{"public url query", []string{"--public-url", "https://x/?a=b"}, nil, "query"},
		{"log format", []string{"--log-format", "xml"}, nil, "--log-format"},
		{"log level", []string{"--log-level", "loud"}, nil, "--log-level"},
		{"env bool", nil, map[string]string{"BINDERY_DEMO": "maybe"}, "BINDERY_DEMO"},
		{"env duration", nil, map[string]string{"BINDERY_SHUTDOWN_TIMEOUT": "soon"}, "BINDERY_SHUTDOWN_TIMEOUT"},
		{"short key", nil, map[string]string{"BINDERY_ADMIN_KEY": "short"}, "BINDERY_ADMIN_KEY"},
		{"key file", nil, map[string]string{"BINDERY_ADMIN_KEY_FILE": "/does/not/exist"}, "BINDERY_ADMIN_KEY_FILE"},
		{"empty data", []string{"--data", " "}, nil, "--data"},
		{"database url scheme", []string{"--database-url", "mysql://u:pw@db/x"}, nil, "--database-url"},
		{"database url env", nil, map[string]string{"BINDERY_DATABASE_URL": "db.example.com:5432"}, "--database-url"},
		{"database url file", nil, map[string]string{"BINDERY_DATABASE_URL_FILE": "/does/not/exist"}, "BINDERY_DATABASE_URL_FILE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(t, c.args, c.env)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestSeveralProblemsReportedTogether(t *testing.T) {
	_, err := parse(t, []string{"--addr", "x", "--log-format", "xml"}, nil)
	if err == nil || !strings.Contains(err.Error(), "--addr") || !strings.Contains(err.Error(), "--log-format") {
		t.Fatalf("err = %v", err)
	}
}

func TestAdminKeyFromFile(t *testing.T) {
	f := t.TempDir() + "/key"
	if err := writeFile(f, "  a-long-enough-admin-key \n"); err != nil {
		t.Fatal(err)
	}
	c, err := parse(t, nil, map[string]string{"BINDERY_ADMIN_KEY_FILE": f})
	if err != nil || c.AdminKey != "a-long-enough-admin-key" {
		t.Fatalf("key = %q, err = %v", c.AdminKey, err)
	}
}

func TestDatabaseURL(t *testing.T) {
	f := t.TempDir() + "/db"
	if err := writeFile(f, "postgresql://bindery:from-file@db:5432/meta\n"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"default is SQLite", nil, nil, ""},
		{"env", nil, map[string]string{"BINDERY_DATABASE_URL": "postgres://env@db/meta"}, "postgres://env@db/meta"},
		{"flag wins", []string{"--database-url", "postgres://flag@db/meta"},
			map[string]string{"BINDERY_DATABASE_URL": "postgres://env@db/meta"}, "postgres://flag@db/meta"},
		{"file", nil, map[string]string{"BINDERY_DATABASE_URL_FILE": f}, "postgresql://bindery:from-file@db:5432/meta"},
		{"env wins over file", nil, map[string]string{"BINDERY_DATABASE_URL": "postgres://env@db/meta", "BINDERY_DATABASE_URL_FILE": f},
			"postgres://env@db/meta"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parse(t, c.args, c.env)
			if err != nil || cfg.DatabaseURL != c.want {
				t.Fatalf("DatabaseURL = %q, %v; want %q", cfg.DatabaseURL, err, c.want)
			}
		})
	}
	_, err := parse(t, []string{"--database-url", "mysql://u:secret-pw@db/x"}, nil)
	if err == nil || strings.Contains(err.Error(), "secret-pw") {
		t.Fatalf("a bad URL is refused without echoing its password: %v", err)
	}
}
