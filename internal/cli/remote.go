package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bindery-dev/bindery/internal/client"
)

// remote holds the flags every admin subcommand shares to reach a server.
type remote struct {
	server, token, data string
	getenv              func(string) string
}

func (r *remote) bind(fs *flag.FlagSet, env Env) {
	ge := getenv(env)
	r.getenv = ge
	def := func(k, d string) string {
		if v := ge(k); v != "" {
			return v
		}
		return d
	}
	fs.StringVar(&r.server, "server", def("BINDERY_URL", "http://127.0.0.1:8080"), "Bindery base `URL` (env BINDERY_URL)")
	// The token's default stays empty and the environment is read in client:
	// a flag default is printed by -h, and this one is a secret.
	fs.StringVar(&r.token, "token", "", "bearer `token` (default: env BINDERY_TOKEN, then BINDERY_ADMIN_KEY, then the admin.key file in --data)")
	fs.StringVar(&r.data, "data", def("BINDERY_DATA", "bindery-data"), "data `dir`ectory of a local server, to read its admin.key (env BINDERY_DATA)")
}

func (r *remote) client() (*client.Client, error) {
	tok := r.token
	for _, k := range []string{"BINDERY_TOKEN", "BINDERY_ADMIN_KEY"} {
		if tok == "" && r.getenv != nil {
			tok = r.getenv(k)
		}
	}
	if tok == "" {
		raw, err := os.ReadFile(filepath.Join(r.data, "admin.key"))
		if err != nil {
			return nil, fmt.Errorf("no token: set BINDERY_TOKEN, pass --token, or point --data at the server's data directory (%v)", err)
		}
		tok = strings.TrimSpace(string(raw))
	}
	return &client.Client{BaseURL: r.server, Token: tok}, nil
}
